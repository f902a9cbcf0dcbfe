import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { addItem, addLink, listItems, readPlanFields, setGoal, updateItem, updatePlan } from '../../shared/doc.ts'
import { api, connect, type TestClient, createCase, invite, useServer, synced, TEST_ORG_KEY, } from '../helpers/server.ts'
import { addAccount, session } from '../helpers/accounts.ts'

const COORDINATOR_KEY = 'test-coordinator-key-0123'
const fixture = useServer({ env: { COORDINATOR_KEY }, rooms: { evictAfterMs: 100 } })
const client = fixture.client.bind(fixture)
const pro = { name: 'Sanne', org: 'Sociaal wijkteam', role: 'professional' as const }

async function caseWithContent(): Promise<{ id: string; c: TestClient; problem: string; action: string }> {
  const id = await createCase(fixture.server.url, 'Casus snapshots', 'zrm')
  const c = client(id)
  await synced(c)
  const problem = addItem(c.doc, { kind: 'problem', text: 'Schulden', pos: { x: 0, y: 0 }, author: pro, stress: true })
  const action = addItem(c.doc, { kind: 'action', text: 'Aanmelden schuldhulp', pos: { x: 0, y: 0 }, author: pro })
  updateItem(c.doc, action, { owner: 'Sanne', due: '2020-01-01' })
  const probe = client(id)
  await vi.waitFor(() => expect(listItems(probe.doc)).toHaveLength(2), { timeout: 20_000 })
  return { id, c, problem, action }
}

describe('snapshots', () => {
  it('save the full state, the plan, who saved it and a summary; list newest first', async () => {
    const { id, c, problem } = await caseWithContent()
    const first = await api(fixture.server.url, 'POST', `/api/cases/${id}/snapshots`, { body: { label: 'Intake 28 november', savedBy: 'Sanne' } })
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({ label: 'Intake 28 november', savedBy: { name: 'Sanne', role: 'professional' }, auto: false, schemaVersion: 1 })
    expect(first.body.summary).toEqual({ items: 2, openActions: 1, overdueActions: 1, changes: null })

    updateItem(c.doc, problem, { signal: true })
    const wish = addItem(c.doc, { kind: 'wish', text: 'Werk', pos: { x: 0, y: 0 }, author: pro })
    addLink(c.doc, problem, wish, 'blocks')
    await vi.waitFor(async () => expect((await api(fixture.server.url, 'GET', `/api/cases/${id}`)).body.plan.links).toHaveLength(1), { timeout: 20_000 })
    const second = await api(fixture.server.url, 'POST', `/api/cases/${id}/snapshots`, { body: {} })
    expect(second.body.label).toMatch(/^Momentopname /)
    expect(second.body.summary.changes).toMatchObject({ added: 1, changed: 1, removed: 0 })

    const list = await api(fixture.server.url, 'GET', `/api/cases/${id}/snapshots`)
    expect(list.body.map((s: { id: string }) => s.id)).toEqual([second.body.id, first.body.id])

    const one = await api(fixture.server.url, 'GET', `/api/cases/${id}/snapshots/${first.body.id}`)
    expect(one.body.meta.id).toBe(first.body.id)
    expect(one.body.plan.unassigned.map((i: { text: string }) => i.text).sort()).toEqual(['Aanmelden schuldhulp', 'Schulden'])

    // The binary state opens exactly as it was.
    const res = await fetch(`${fixture.server.url}/api/cases/${id}/snapshots/${first.body.id}/state`, { headers: { authorization: `Bearer ${TEST_ORG_KEY}` } })
    expect(res.headers.get('content-type')).toBe('application/octet-stream')
    const doc = new Y.Doc()
    Y.applyUpdate(doc, new Uint8Array(await res.arrayBuffer()))
    expect(listItems(doc).map((i) => i.signal)).toEqual([false, false])
  })

  it('diff two snapshots, or a snapshot with now', async () => {
    const { id, c, action } = await caseWithContent()
    const s1 = (await api(fixture.server.url, 'POST', `/api/cases/${id}/snapshots`, { body: { label: 'een' } })).body
    updateItem(c.doc, action, { status: 'done' })
    updatePlan(c.doc, { route: 'parallel', ladderNow: 2 })
    await vi.waitFor(async () => expect((await api(fixture.server.url, 'GET', `/api/cases/${id}`)).body.plan.route).toBe('parallel'), { timeout: 20_000 })
    const live = await api(fixture.server.url, 'GET', `/api/cases/${id}/diff?from=${s1.id}&to=live`)
    expect(live.status).toBe(200)
    expect(live.body.diff.completed.map((a: { id: string }) => a.id)).toEqual([action])
    expect(live.body.diff.route).toEqual({ before: null, after: 'parallel' })
    expect(live.body.diff.items.changed[0].fields).toEqual(['status'])

    const s2 = (await api(fixture.server.url, 'POST', `/api/cases/${id}/snapshots`, { body: { label: 'twee' } })).body
    const between = await api(fixture.server.url, 'GET', `/api/cases/${id}/diff?from=${s1.id}&to=${s2.id}`)
    expect(between.body.diff.count).toBe(live.body.diff.count)
    expect((await api(fixture.server.url, 'GET', `/api/cases/${id}/diff?from=nope!&to=live`)).status).toBe(400)
    expect((await api(fixture.server.url, 'GET', `/api/cases/${id}/diff?from=unknown123`)).status).toBe(404)
    expect((await api(fixture.server.url, 'GET', `/api/cases/${id}/diff`)).status).toBe(400)
  })

  it('restore an old snapshot as a new change that reaches connected clients, and can itself be undone', async () => {
    const { id, c, problem } = await caseWithContent()
    setGoal(c.doc, 'Oud doel')
    await vi.waitFor(async () => expect((await api(fixture.server.url, 'GET', `/api/cases/${id}`)).body.plan.goal).toBe('Oud doel'), { timeout: 20_000 })
    const old = (await api(fixture.server.url, 'POST', `/api/cases/${id}/snapshots`, { body: { label: 'oud' } })).body
    setGoal(c.doc, 'Nieuw doel')
    addItem(c.doc, { kind: 'note', text: 'later toegevoegd', pos: { x: 0, y: 0 }, author: pro })
    await vi.waitFor(async () => expect((await api(fixture.server.url, 'GET', `/api/cases/${id}`)).body.plan.goal).toBe('Nieuw doel'), { timeout: 20_000 })
    const newer = (await api(fixture.server.url, 'POST', `/api/cases/${id}/snapshots`, { body: { label: 'nieuw' } })).body

    const r = await api(fixture.server.url, 'POST', `/api/cases/${id}/snapshots/${old.id}/restore`)
    expect(r.status).toBe(200)
    await vi.waitFor(() => {
      expect(readPlanFields(c.doc).goal).toBe('Oud doel')
      expect(listItems(c.doc).map((i) => i.text)).not.toContain('later toegevoegd')
    }, { timeout: 20_000 })
    expect(listItems(c.doc).find((i) => i.id === problem)?.text).toBe('Schulden')
    // Undo the restore by restoring the newer snapshot.
    await api(fixture.server.url, 'POST', `/api/cases/${id}/snapshots/${newer.id}/restore`)
    await vi.waitFor(() => expect(listItems(c.doc).map((i) => i.text)).toContain('later toegevoegd'), { timeout: 20_000 })
    expect(readPlanFields(c.doc).goal).toBe('Nieuw doel')
  })

  it('are saved automatically when the last participant leaves a changed case', async () => {
    const id = await createCase(fixture.server.url)
    const c = connect(fixture.server, id, TEST_ORG_KEY)
    await synced(c)
    addItem(c.doc, { kind: 'strength', text: 'Behulpzame buurvrouw', pos: { x: 0, y: 0 }, author: pro })
    await vi.waitFor(async () => expect((await api(fixture.server.url, 'GET', `/api/cases/${id}`)).body.plan.unassigned).toHaveLength(1), { timeout: 20_000 })
    c.destroy()
    await vi.waitFor(async () => {
      const list = await api(fixture.server.url, 'GET', `/api/cases/${id}/snapshots`)
      expect(list.body).toHaveLength(1)
      expect(list.body[0]).toMatchObject({ auto: true, savedBy: { role: 'system' } })
    }, { timeout: 20_000 })
    // Leaving again without changes saves nothing new (checked once the room has left memory).
    const again = connect(fixture.server, id, TEST_ORG_KEY)
    await synced(again)
    again.destroy()
    await vi.waitFor(async () => expect(await fixture.server.rooms.peek(id)).toBeNull(), { timeout: 20_000 })
    expect((await api(fixture.server.url, 'GET', `/api/cases/${id}/snapshots`)).body).toHaveLength(1)
  })

  it('follow the rights: professionals save and restore; residents and coordinators read their own', async () => {
    const { id } = await caseWithContent()
    const other = await createCase(fixture.server.url)
    const s = (await api(fixture.server.url, 'POST', `/api/cases/${id}/snapshots`, { body: { label: 'x' } })).body
    const resident = await invite(fixture.server.url, id, 'resident')
    const caseCoordinator = await invite(fixture.server.url, id, 'coordinator')
    const invitedPro = await invite(fixture.server.url, id, 'professional')
    for (const token of [resident, caseCoordinator, COORDINATOR_KEY]) {
      expect((await api(fixture.server.url, 'GET', `/api/cases/${id}/snapshots`, { auth: token })).status).toBe(200)
      expect((await api(fixture.server.url, 'GET', `/api/cases/${id}/snapshots/${s.id}`, { auth: token })).status).toBe(200)
      expect((await api(fixture.server.url, 'GET', `/api/cases/${id}/diff?from=${s.id}`, { auth: token })).status).toBe(200)
      expect((await api(fixture.server.url, 'POST', `/api/cases/${id}/snapshots`, { auth: token, body: {} })).status).toBe(403)
      expect((await api(fixture.server.url, 'POST', `/api/cases/${id}/snapshots/${s.id}/restore`, { auth: token })).status).toBe(403)
    }
    expect((await api(fixture.server.url, 'POST', `/api/cases/${id}/snapshots`, { auth: invitedPro, body: {} })).status).toBe(201)
    expect((await api(fixture.server.url, 'GET', `/api/cases/${other}/snapshots`, { auth: resident })).status).toBe(404)
    expect((await api(fixture.server.url, 'GET', `/api/cases/${id}/snapshots`, { auth: null })).status).toBe(401)
    expect((await api(fixture.server.url, 'GET', `/api/cases/${id}/snapshots/${s.id}/state`, { auth: null })).status).toBe(401)
  })

  it('export the plan of now or of a snapshot as JSON', async () => {
    const { id } = await caseWithContent()
    const s = (await api(fixture.server.url, 'POST', `/api/cases/${id}/snapshots`, { body: { label: 'x' } })).body
    const now = await api(fixture.server.url, 'GET', `/api/cases/${id}/plan`)
    expect(now.body).toMatchObject({ case: { id, title: 'Casus snapshots' }, snapshot: null })
    expect(now.body.plan.actions).toHaveLength(1)
    const then = await api(fixture.server.url, 'GET', `/api/cases/${id}/plan?snapshot=${s.id}`)
    expect(then.body.snapshot.id).toBe(s.id)
  })
})

describe('the coordinator', () => {
  it("a coordinator's account reads their team's cases and changes nothing; the coordinator key reads all cases", async () => {
    const cookie = await session(fixture.server, await addAccount(fixture.server, { role: 'coordinator' }))
    expect((await api(fixture.server.url, 'GET', '/api/me', { auth: null, cookie })).body).toMatchObject({ role: 'coordinator', principal: 'coordinator', scope: 'org', caseId: null, canWrite: false })
    expect((await api(fixture.server.url, 'GET', '/api/cases', { auth: null, cookie })).status).toBe(200)
    expect((await api(fixture.server.url, 'POST', '/api/cases', { auth: null, cookie, body: { title: 'x' } })).status).toBe(403)

    // A coordinator's live connection is read-only too.
    const id = await createCase(fixture.server.url)
    const coord = client(id, COORDINATOR_KEY)
    const prof = client(id)
    await Promise.all([coord, prof].map(synced))
    addItem(coord.doc, { kind: 'note', text: 'mag niet', pos: { x: 0, y: 0 }, author: pro })
    addItem(prof.doc, { kind: 'note', text: 'mag wel', pos: { x: 0, y: 0 }, author: pro })
    await vi.waitFor(() => expect(listItems(coord.doc).map((i) => i.text)).toContain('mag wel'), { timeout: 20_000 })
    await new Promise((r) => setTimeout(r, 150))
    expect(listItems(prof.doc).map((i) => i.text)).toEqual(['mag wel'])
  })

  it('sees open and overdue actions, stale cases and signals across cases on the review', async () => {
    const { id, c, problem, action } = await caseWithContent()
    updateItem(c.doc, problem, { signal: true })
    updateItem(c.doc, action, { deviation: true, deviationRule: 'Vier weken zoektijd', deviationMotivation: 'Eerst rust' })
    await vi.waitFor(async () => expect((await api(fixture.server.url, 'GET', `/api/cases/${id}`)).body.plan.actions[0].deviation).toBe(true), { timeout: 20_000 })
    const r = await api(fixture.server.url, 'GET', '/api/review?weeks=2', { auth: COORDINATOR_KEY })
    expect(r.status).toBe(200)
    const row = r.body.cases.find((x: { id: string }) => x.id === id)
    expect(row).toMatchObject({ title: 'Casus snapshots', lastMeeting: null, overdueCount: 1, stale: false })
    expect(row.openActions[0]).toMatchObject({ text: 'Aanmelden schuldhulp', owner: 'Sanne', due: '2020-01-01', overdue: true })
    const mine = r.body.signals.filter((s: { caseId: string }) => s.caseId === id)
    expect(mine.map((s: { type: string }) => s.type).sort()).toEqual(['deviation', 'signal'])
    expect(mine.find((s: { type: string }) => s.type === 'deviation')).toMatchObject({ rule: 'Vier weken zoektijd', motivation: 'Eerst rust' })
    expect((await api(fixture.server.url, 'GET', '/api/review?weeks=0', { auth: COORDINATOR_KEY })).status).toBe(400)
    const resident = await invite(fixture.server.url, id, 'resident')
    const own = await api(fixture.server.url, 'GET', '/api/review', { auth: resident })
    expect(own.body.cases.map((x: { id: string }) => x.id)).toEqual([id])
  })
})
