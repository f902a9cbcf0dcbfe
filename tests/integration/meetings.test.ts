/**
 * Meetings ('gesprekken') with the real server: a professional starts one, 'Gesprek afronden'
 * saves the meeting's snapshot with who took part; the review's last meeting and stale cases come
 * from meetings only — never from automatic snapshots (the last participant leaving after a typo
 * fix) nor from snapshots saved by hand; an agreed next meeting whose date has passed shows on the
 * review; the start of a meeting shows what changed and which actions are due; rights.
 */
import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { addItem, initCaseDoc, listItems, setItemText, updateItem } from '../../shared/doc.ts'
import { todayInNL } from '../../shared/diffPlans.ts'
import { newCaseId } from '../../server/ids.ts'
import { openSqliteStorage } from '../../server/storage/sqlite.ts'
import { saveSnapshot } from '../../server/snapshots.ts'
import { downgradeDatabase, storageWithCase } from '../helpers/db.ts'
import { api, createCase, invite, synced, tempDir, useServer, TEST_ORG_KEY } from '../helpers/server.ts'

const COORDINATOR_KEY = 'test-coordinator-key-meetings-0123'
const fixture = useServer({ env: { COORDINATOR_KEY }, rooms: { evictAfterMs: 50 } })
const pro = { name: 'Sanne', org: 'Sociaal wijkteam', role: 'professional' as const }
const DAY_MS = 24 * 3600_000

const url = () => fixture.server.url
const reviewRow = async (id: string, weeks = 1) => {
  const r = await api(url(), 'GET', `/api/review?weeks=${weeks}`, { auth: COORDINATOR_KEY })
  expect(r.status).toBe(200)
  return r.body.cases.find((x: { id: string }) => x.id === id)
}
/** The day `days` from today in the Netherlands (YYYY-MM-DD). */
const dayFromToday = (days: number) => todayInNL(new Date(Date.now() + days * DAY_MS))

/** Wait until the case has left memory (its last participant left), so its automatic snapshot is taken. */
async function evicted(id: string): Promise<void> {
  await vi.waitFor(async () => expect(await fixture.server.rooms.peek(id)).toBeNull(), { timeout: 20_000 })
}

/** A case created `daysAgo` days ago (written straight into storage: the API only makes cases of now). */
async function oldCase(daysAgo: number): Promise<string> {
  const doc = new Y.Doc()
  initCaseDoc(doc, 'integrale-intake')
  const at = Date.now() - daysAgo * DAY_MS
  const id = newCaseId()
  await fixture.server.storage.createCase({ id, title: `Casus van ${daysAgo} dagen`, template: 'integrale-intake', createdAt: at, updatedAt: at }, Y.encodeStateAsUpdate(doc))
  doc.destroy()
  return id
}

describe('meetings', () => {
  it('start, and end with who took part: the meeting snapshot is saved, the next date set', async () => {
    const id = await createCase(url(), 'Casus gesprek')
    const c = fixture.client(id)
    await synced(c)
    const problem = addItem(c.doc, { kind: 'problem', text: 'Schulden', author: pro })
    await vi.waitFor(async () => expect((await api(url(), 'GET', `/api/cases/${id}`)).body.plan.unassigned).toHaveLength(1), { timeout: 20_000 })

    const none = await api(url(), 'GET', `/api/cases/${id}/meetings`)
    expect(none.body).toMatchObject({ current: null, meetings: [], nextMeeting: null, today: todayInNL() })

    const started = await api(url(), 'POST', `/api/cases/${id}/meetings`, { body: { startedBy: 'Sanne' } })
    expect(started.status).toBe(201)
    expect(started.body).toMatchObject({ caseId: id, startedBy: { name: 'Sanne', role: 'professional' }, endedAt: null, snapshotId: null })
    expect(Math.abs(started.body.startedAt - Date.now())).toBeLessThan(60_000)
    // A second start while it goes on (two people pressing at once) gives the same meeting.
    const again = await api(url(), 'POST', `/api/cases/${id}/meetings`, { body: { startedBy: 'Ahmed' } })
    expect(again.status).toBe(200)
    expect(again.body.id).toBe(started.body.id)
    expect((await api(url(), 'GET', `/api/cases/${id}/meetings`)).body.current.id).toBe(started.body.id)

    updateItem(c.doc, problem, { stress: true })
    await vi.waitFor(async () => expect((await api(url(), 'GET', `/api/cases/${id}`)).body.plan.unassigned[0].stress).toBe(true), { timeout: 20_000 })
    const next = dayFromToday(14)
    const ended = await api(url(), 'POST', `/api/cases/${id}/meetings/${started.body.id}/end`, {
      body: {
        participants: [
          { name: 'Sanne', org: 'Sociaal wijkteam', role: 'professional' },
          { name: 'Jan', role: 'resident' },
          { name: 'sanne ', org: 'Sociaal wijkteam', role: 'professional' }, // the same person in a second tab
          { name: 'Buurvrouw Els' },
        ],
        note: 'Eerst de schulden.',
        nextMeeting: next,
        endedBy: 'Sanne',
      },
    })
    expect(ended.status).toBe(200)
    const meeting = ended.body.meeting
    expect(meeting.endedAt).toBeGreaterThanOrEqual(meeting.startedAt)
    expect(meeting.endedBy).toEqual({ name: 'Sanne', role: 'professional' })
    expect(meeting.participants).toEqual([
      { name: 'Sanne', org: 'Sociaal wijkteam', role: 'professional' },
      { name: 'Jan', org: '', role: 'resident' },
      { name: 'Buurvrouw Els', org: '', role: null },
    ])
    expect(meeting.note).toBe('Eerst de schulden.')
    expect(meeting.snapshotId).toBe(ended.body.snapshot.id)
    expect(ended.body.snapshot.label).toMatch(/^Gesprek \d/)

    // The meeting's snapshot: not automatic, of kind 'meeting', with the plan as it was at the end.
    const snaps = (await api(url(), 'GET', `/api/cases/${id}/snapshots`)).body
    expect(snaps).toHaveLength(1)
    expect(snaps[0]).toMatchObject({ id: meeting.snapshotId, auto: false, kind: 'meeting', meetingId: meeting.id, savedBy: { name: 'Sanne', role: 'professional' } })
    const saved = (await api(url(), 'GET', `/api/cases/${id}/snapshots/${meeting.snapshotId}`)).body
    expect(saved.meta.kind).toBe('meeting')
    expect(saved.plan.unassigned.map((i: { text: string; stress: boolean }) => [i.text, i.stress])).toEqual([['Schulden', true]])

    const after = (await api(url(), 'GET', `/api/cases/${id}/meetings`)).body
    expect(after.current).toBeNull()
    expect(after.meetings.map((m: { id: string }) => m.id)).toEqual([meeting.id])
    expect(after.nextMeeting).toBe(next)
    // Ending it twice is refused; nothing more is saved.
    const twice = await api(url(), 'POST', `/api/cases/${id}/meetings/${meeting.id}/end`, { body: { participants: [] } })
    expect(twice.status).toBe(409)
    expect(twice.body.error).toBe('conflict')
    expect((await api(url(), 'POST', `/api/cases/${id}/meetings/nosuchmeeting/end`, { body: { participants: [] } })).status).toBe(404)
    expect((await api(url(), 'GET', `/api/cases/${id}/snapshots`)).body).toHaveLength(1)
  })

  it('show at the start what changed since the last meeting and which actions are due', async () => {
    const id = await createCase(url(), 'Casus sinds vorige')
    const c = fixture.client(id)
    await synced(c)
    const first = (await api(url(), 'GET', `/api/cases/${id}/meetings/changes`)).body
    expect(first).toMatchObject({ since: null, diff: null, due: [], today: todayInNL() })

    const problem = addItem(c.doc, { kind: 'problem', text: 'Schulden', author: pro })
    const late = addItem(c.doc, { kind: 'action', text: 'Formulier inleveren', author: pro })
    const today = addItem(c.doc, { kind: 'action', text: 'Bellen met de woningcorporatie', author: pro })
    const later = addItem(c.doc, { kind: 'action', text: 'Sollicitatiegesprek', author: pro })
    const done = addItem(c.doc, { kind: 'action', text: 'Aanmelden schuldhulp', author: pro })
    updateItem(c.doc, late, { due: '2020-01-06', owner: 'Jan' })
    updateItem(c.doc, today, { due: todayInNL(), status: 'in_progress' })
    updateItem(c.doc, later, { due: dayFromToday(30) })
    updateItem(c.doc, done, { due: '2020-01-01', status: 'done' })
    await vi.waitFor(async () => expect((await api(url(), 'GET', `/api/cases/${id}`)).body.plan.actions).toHaveLength(4), { timeout: 20_000 })

    const m = (await api(url(), 'POST', `/api/cases/${id}/meetings`, { body: {} })).body
    await api(url(), 'POST', `/api/cases/${id}/meetings/${m.id}/end`, { body: { participants: [{ name: 'Sanne' }] } })
    setItemText(c.doc, problem, 'Schulden bij de energieleverancier')
    const wish = addItem(c.doc, { kind: 'wish', text: 'Weer aan het werk', author: pro })
    await vi.waitFor(async () => expect((await api(url(), 'GET', `/api/cases/${id}`)).body.plan.unassigned.length).toBeGreaterThan(1), { timeout: 20_000 })

    const changes = (await api(url(), 'GET', `/api/cases/${id}/meetings/changes`)).body
    expect(changes.since.id).toBe(m.id)
    expect(changes.diff.items.added.map((i: { id: string }) => i.id)).toEqual([wish])
    expect(changes.diff.items.changed.map((i: { id: string; fields: string[] }) => [i.id, i.fields])).toEqual([[problem, ['text']]])
    // Due: open or in progress and due today or earlier; not the done one, not the later one.
    expect(changes.due.map((a: { id: string }) => a.id)).toEqual([late, today])
    // Residents read it too (it is their plan).
    const resident = await invite(url(), id, 'resident')
    expect((await api(url(), 'GET', `/api/cases/${id}/meetings/changes`, { auth: resident })).status).toBe(200)
  })

  it('count on the review as the last meeting — automatic snapshots and snapshots saved by hand never do', async () => {
    // A case of 30 days old whose last participant left after a small change: an automatic snapshot.
    const id = await oldCase(30)
    const c = fixture.client(id)
    await synced(c)
    addItem(c.doc, { kind: 'note', text: 'typfout hersteld', author: pro })
    await vi.waitFor(async () => expect((await api(url(), 'GET', `/api/cases/${id}`)).body.plan.unassigned).toHaveLength(1), { timeout: 20_000 })
    c.destroy()
    await evicted(id)
    await vi.waitFor(async () => {
      const list = (await api(url(), 'GET', `/api/cases/${id}/snapshots`)).body
      expect(list.map((s: { kind: string; auto: boolean }) => [s.kind, s.auto])).toEqual([['auto', true]])
    }, { timeout: 20_000 })
    // A snapshot saved by hand is not a meeting either.
    expect((await api(url(), 'POST', `/api/cases/${id}/snapshots`, { body: { label: 'tussendoor' } })).status).toBe(201)

    let row = await reviewRow(id, 1)
    expect(row.lastMeeting).toBeNull()
    expect(row.stale).toBe(true)
    expect(row.meetingSince).toBeNull()

    // A meeting going on is not yet a meeting held; ending it is.
    const m = (await api(url(), 'POST', `/api/cases/${id}/meetings`, { body: { startedBy: 'Sanne' } })).body
    row = await reviewRow(id, 1)
    expect(row.lastMeeting).toBeNull()
    expect(new Date(row.meetingSince).getTime()).toBe(m.startedAt)
    const ended = (await api(url(), 'POST', `/api/cases/${id}/meetings/${m.id}/end`, { body: { participants: [{ name: 'Sanne' }] } })).body
    row = await reviewRow(id, 1)
    expect(new Date(row.lastMeeting).getTime()).toBe(ended.meeting.endedAt)
    expect(row.stale).toBe(false)
    expect(row.compareFrom).toBe(ended.meeting.snapshotId)

    // Later automatic snapshots do not move the last meeting.
    const again = fixture.client(id)
    await synced(again)
    addItem(again.doc, { kind: 'note', text: 'nog een kleinigheid', author: pro })
    await vi.waitFor(async () => expect((await api(url(), 'GET', `/api/cases/${id}`)).body.plan.unassigned).toHaveLength(2), { timeout: 20_000 })
    again.destroy()
    await evicted(id)
    await vi.waitFor(async () => {
      const list = (await api(url(), 'GET', `/api/cases/${id}/snapshots`)).body
      expect(list[0].kind).toBe('auto')
      expect(list[0].createdAt).toBeGreaterThan(ended.meeting.endedAt)
    }, { timeout: 20_000 })
    expect(new Date((await reviewRow(id, 1)).lastMeeting).getTime()).toBe(ended.meeting.endedAt)
  })

  it('show on the review when the agreed next meeting is overdue', async () => {
    const id = await createCase(url(), 'Casus volgend gesprek')
    expect((await reviewRow(id)).nextMeeting).toBeNull()
    expect((await reviewRow(id)).nextMeetingOverdue).toBe(false)

    const yesterday = dayFromToday(-1)
    const set = await api(url(), 'PUT', `/api/cases/${id}/next-meeting`, { body: { nextMeeting: yesterday } })
    expect(set.status).toBe(200)
    expect(await reviewRow(id)).toMatchObject({ nextMeeting: yesterday, nextMeetingOverdue: true })
    // Today is not overdue yet; later not either.
    await api(url(), 'PUT', `/api/cases/${id}/next-meeting`, { body: { nextMeeting: todayInNL() } })
    expect((await reviewRow(id)).nextMeetingOverdue).toBe(false)
    await api(url(), 'PUT', `/api/cases/${id}/next-meeting`, { body: { nextMeeting: yesterday } })
    // While the meeting that was due goes on, it is not overdue; ending it without a new date clears it.
    const m = (await api(url(), 'POST', `/api/cases/${id}/meetings`, { body: {} })).body
    expect((await reviewRow(id)).nextMeetingOverdue).toBe(false)
    await api(url(), 'POST', `/api/cases/${id}/meetings/${m.id}/end`, { body: { participants: [] } })
    expect(await reviewRow(id)).toMatchObject({ nextMeeting: null, nextMeetingOverdue: false })

    for (const bad of ['2026-02-30', '2026-1-5', 'morgen', '']) {
      const r = await api(url(), 'PUT', `/api/cases/${id}/next-meeting`, { body: { nextMeeting: bad } })
      expect(r.status, bad).toBe(400)
      expect(r.body.error).toBe('validation_failed')
    }
    expect((await api(url(), 'PUT', `/api/cases/${id}/next-meeting`, { body: { nextMeeting: null } })).status).toBe(200)
  })

  it('follow the snapshot rights: professionals start and end; residents and coordinators read; no credential 401', async () => {
    const id = await createCase(url(), 'Casus rechten')
    const other = await createCase(url(), 'Andere casus')
    const resident = await invite(url(), id, 'resident')
    const caseCoordinator = await invite(url(), id, 'coordinator')
    const invitedPro = await invite(url(), id, 'professional')

    for (const token of [resident, caseCoordinator, COORDINATOR_KEY]) {
      expect((await api(url(), 'POST', `/api/cases/${id}/meetings`, { auth: token, body: {} })).status).toBe(403)
      expect((await api(url(), 'PUT', `/api/cases/${id}/next-meeting`, { auth: token, body: { nextMeeting: null } })).status).toBe(403)
    }
    // A professional invited to this one case may run its meeting.
    const m = await api(url(), 'POST', `/api/cases/${id}/meetings`, { auth: invitedPro, body: { startedBy: 'Ahmed' } })
    expect(m.status).toBe(201)
    for (const token of [resident, caseCoordinator, COORDINATOR_KEY]) {
      const list = await api(url(), 'GET', `/api/cases/${id}/meetings`, { auth: token })
      expect(list.status).toBe(200)
      expect(list.body.current.id).toBe(m.body.id)
      expect((await api(url(), 'POST', `/api/cases/${id}/meetings/${m.body.id}/end`, { auth: token, body: { participants: [] } })).status).toBe(403)
    }
    expect((await api(url(), 'GET', `/api/cases/${other}/meetings`, { auth: resident })).status).toBe(404)
    expect((await api(url(), 'POST', `/api/cases/${other}/meetings`, { auth: invitedPro, body: {} })).status).toBe(404)
    for (const [method, path] of [['GET', 'meetings'], ['POST', 'meetings'], ['GET', 'meetings/changes'], ['POST', `meetings/${m.body.id}/end`]] as const) {
      expect((await api(url(), method, `/api/cases/${id}/${path}`, { auth: null, body: method === 'POST' ? { participants: [] } : undefined })).status).toBe(401)
    }
    expect((await api(url(), 'PUT', `/api/cases/${id}/next-meeting`, { auth: null, body: { nextMeeting: null } })).status).toBe(401)
    // Still going on: none of the refused calls ended it.
    expect((await api(url(), 'GET', `/api/cases/${id}/meetings`)).body.current.id).toBe(m.body.id)
    // Bad input is refused with a code.
    const bad = await api(url(), 'POST', `/api/cases/${id}/meetings/${m.body.id}/end`, { auth: TEST_ORG_KEY, body: { participants: [{ name: '' }] } })
    expect(bad.status).toBe(400)
    expect(bad.body.error).toBe('validation_failed')
  })

  it('are erased with their case', async () => {
    const id = await createCase(url(), 'Casus wissen')
    const m = (await api(url(), 'POST', `/api/cases/${id}/meetings`, { body: {} })).body
    await api(url(), 'POST', `/api/cases/${id}/meetings/${m.id}/end`, { body: { participants: [{ name: 'Jan', role: 'resident' }] } })
    expect(await fixture.server.storage.listMeetings(id)).toHaveLength(1)
    expect((await api(url(), 'DELETE', `/api/cases/${id}`)).status).toBe(204)
    expect(await fixture.server.storage.listMeetings(id)).toEqual([])
  })
})

describe('upgrading a database from before meetings', () => {
  it('turns each snapshot people saved into an ended meeting, except the copies kept before a restore', async () => {
    const dir = tempDir()
    const at = Date.UTC(2026, 9, 1, 10, 0, 0)
    const made = await storageWithCase(dir, at)
    let storage = made.storage
    const { caseId, doc } = made
    const meetingSnap = await saveSnapshot(storage, caseId, doc, 'Intake 1 oktober', { name: 'Sanne', role: 'professional' }, false, at + 3600_000)
    addItem(doc, { kind: 'note', text: 'later', author: pro })
    const backup = await saveSnapshot(storage, caseId, doc, 'Voor het terugzetten 02-10-2026 10:00', { name: 'Sanne', role: 'professional' }, false, at + DAY_MS)
    const auto = await saveSnapshot(storage, caseId, doc, 'Automatisch opgeslagen', { name: '', role: 'system' }, true, at + 2 * DAY_MS)
    await storage.close()
    // Back to schema 4: the database as the release before meetings left it.
    downgradeDatabase(dir, 4)

    storage = openSqliteStorage(dir)
    try {
      const meetings = await storage.listMeetings(caseId)
      expect(meetings).toHaveLength(1)
      expect(meetings[0]).toMatchObject({ startedAt: at + 3600_000, endedAt: at + 3600_000, snapshotId: meetingSnap.id, participants: [], startedBy: { name: 'Sanne', role: 'professional' } })
      expect((await storage.lastEndedMeeting(caseId))?.snapshotId).toBe(meetingSnap.id)
      expect((await storage.listSnapshots(caseId)).map((s) => [s.id, s.kind])).toEqual([[auto.id, 'auto'], [backup.id, 'saved'], [meetingSnap.id, 'meeting']])
      expect(await storage.nextMeeting(caseId)).toBeNull()
      expect(listItems(doc)).toHaveLength(1)
    } finally {
      await storage.close()
      doc.destroy()
    }
  })
})
