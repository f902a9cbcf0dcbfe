/**
 * The processing log ('Logboek Dataverwerkingen') against a real server: every read of a case (the
 * live board's WebSocket, the case, its plan, snapshots, snapshot state, diff, meetings, changes,
 * the review and its CSV) and a few writes leave exactly one audit row with the right action,
 * role, actor and processing ground; no row holds case content (a unique marker written into the
 * case is searched in every column); GET /api/cases/:id/audit answers professionals only
 * (coordinator and resident 403, outsiders 404), newest first, paged.
 */
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { addItem, listItems } from '../../shared/doc.ts'
import type { AuditPage } from '../../shared/api.ts'
import { hashToken } from '../../server/auth/secrets.ts'
import { api, connect, createCase, invite, synced, TEST_ORG_KEY, useServer } from '../helpers/server.ts'
import { storedRows } from '../helpers/postgres.ts'

const COORDINATOR_KEY = 'test-coordinator-key-audit-0123456'
const fixture = useServer({ env: { COORDINATOR_KEY } })
const url = () => fixture.server.url
const pro = { name: 'Sanne', org: 'Sociaal wijkteam', role: 'professional' as const }

interface Row { id: number; at: number; actor: string; role: string; action: string; case_id: string | null; ground: string | null }

async function allRows(): Promise<Row[]> {
  await fixture.server.storage.retryPending()
  // Read as stored, in SQLite or PostgreSQL (BIGINT ids and times come back as text there).
  return (await storedRows<Row>(fixture.server.dataDir, 'SELECT * FROM audit ORDER BY id')).map((r) => ({ ...r, id: Number(r.id), at: Number(r.at) }))
}

/** The audit rows written while `fn` ran (for every case, and none). */
async function rowsDuring(fn: () => Promise<unknown>): Promise<Row[]> {
  const last = (await allRows()).at(-1)?.id ?? 0
  await fn()
  return (await allRows()).filter((r) => r.id > last)
}

/** Exactly one row, and it is this one. */
function expectOne(rows: Row[], want: Partial<Row>): void {
  expect(rows.map(({ action, role, actor, ground, case_id }) => ({ action, role, actor, ground, case_id }))).toEqual([
    expect.objectContaining(want),
  ])
}

const ORG_PRO = 'service:org-key'
const ORG_COORD = 'service:coordinator-key'
const asCoord = { auth: COORDINATOR_KEY }

describe('audit rows for reads and writes', () => {
  it('one row per read and write with action, role, actor and ground; no case content anywhere', async () => {
    const marker = `MARKER${randomBytes(8).toString('hex')}`
    let id = ''
    expectOne(await rowsDuring(async () => { id = await createCase(url(), `Familie ${marker}`) }), { action: 'case.create', role: 'professional', actor: ORG_PRO, ground: 'intake' })
    const caseRow = { case_id: id }

    // The live board: opening it (WebSocket accept) is a read.
    const c = connect(fixture.server, id, TEST_ORG_KEY)
    try {
      const opened = await rowsDuring(async () => {
        await synced(c)
        await waitForRow('case.open', id)
      })
      expectOne(opened, { action: 'case.open', role: 'professional', actor: ORG_PRO, ground: 'intake', ...caseRow })
      // Writing over the WebSocket is audited once for the connection ('case.edit'), not per keystroke.
      const edited = await rowsDuring(async () => {
        addItem(c.doc, { kind: 'note', text: `Zorgen over ${marker}`, author: pro })
        addItem(c.doc, { kind: 'note', text: 'nog een', author: pro })
        await waitForRow('case.edit', id)
        // The items reach the server (its plan shows them).
        await expect.poll(async () => JSON.stringify(await fixture.server.rooms.withDoc(id, (d) => listItems(d).map((i) => i.text))), { timeout: 20_000 }).toContain('nog een')
      })
      expectOne(edited, { action: 'case.edit', role: 'professional', actor: ORG_PRO, ground: 'intake', ...caseRow })
      await expect.poll(async () => JSON.stringify((await api(url(), 'GET', `/api/cases/${id}`)).body), { timeout: 20_000 }).toContain(marker)
    } finally {
      c.destroy()
    }

    const residentToken = await invite(url(), id, 'resident')
    const residentActor = `invite:${hashToken(residentToken).slice(0, 10)}`

    let snapId = ''
    expectOne(await rowsDuring(async () => {
      const r = await api(url(), 'POST', `/api/cases/${id}/snapshots`, { body: { label: `Label ${marker}`, savedBy: `Naam ${marker}` } })
      expect(r.status).toBe(201)
      snapId = r.body.id
    }), { action: 'snapshot.create', role: 'professional', actor: ORG_PRO, ground: 'intake', ...caseRow })
    let meetingId = ''
    expectOne(await rowsDuring(async () => {
      const r = await api(url(), 'POST', `/api/cases/${id}/meetings`, { body: { startedBy: `Naam ${marker}` } })
      expect(r.status).toBe(201)
      meetingId = r.body.id
    }), { action: 'meeting.start', role: 'professional', actor: ORG_PRO, ground: 'intake', ...caseRow })
    expectOne(await rowsDuring(async () => {
      const r = await api(url(), 'POST', `/api/cases/${id}/meetings/${meetingId}/end`, { body: { participants: [{ name: `Deelnemer ${marker}` }], note: `Notitie ${marker}` } })
      expect(r.status).toBe(200)
    }), { action: 'meeting.end', role: 'professional', actor: ORG_PRO, ground: 'intake', ...caseRow })

    const reads: [string, string, string][] = [
      [`/api/cases/${id}`, 'case.read', 'GET case'],
      [`/api/cases/${id}/plan`, 'plan.export', 'plan (print data)'],
      [`/api/cases/${id}/plan?snapshot=${snapId}`, 'plan.export', 'plan of a snapshot'],
      [`/api/cases/${id}/snapshots`, 'snapshot.list', 'snapshots'],
      [`/api/cases/${id}/snapshots/${snapId}`, 'snapshot.read', 'one snapshot'],
      [`/api/cases/${id}/snapshots/${snapId}/state`, 'snapshot.state', 'snapshot state'],
      [`/api/cases/${id}/diff?from=${snapId}`, 'case.diff', 'diff'],
      [`/api/cases/${id}/meetings`, 'meeting.list', 'meetings'],
      [`/api/cases/${id}/meetings/changes`, 'case.diff', 'changes since the last meeting'],
    ]
    for (const [path, action, what] of reads) {
      // A professional works on the plan (intake); a resident too; a coordinator reads for the review.
      for (const [auth, role, actor, ground] of [
        [undefined, 'professional', ORG_PRO, 'intake'],
        [residentToken, 'resident', residentActor, 'intake'],
        [COORDINATOR_KEY, 'coordinator', ORG_COORD, 'review'],
      ] as const) {
        const rows = await rowsDuring(async () => {
          const r = await api(url(), 'GET', path, { auth })
          expect(r.status, `${what} as ${role}`).toBe(200)
        })
        expectOne(rows, { action, role, actor, ground, ...caseRow })
      }
    }

    // The review and its CSV have no case: one row each, ground review for coordinators.
    expectOne(await rowsDuring(async () => expect((await api(url(), 'GET', '/api/review', asCoord)).status).toBe(200)),
      { action: 'review.read', role: 'coordinator', actor: ORG_COORD, ground: 'review', case_id: null })
    expectOne(await rowsDuring(async () => expect((await api(url(), 'GET', '/api/review.csv', asCoord)).status).toBe(200)),
      { action: 'review.export', role: 'coordinator', actor: ORG_COORD, ground: 'review', case_id: null })

    // A resident's live board (connecting inside: the row is written as the socket opens).
    let rc: ReturnType<typeof connect> | null = null
    try {
      expectOne(await rowsDuring(async () => {
        rc = connect(fixture.server, id, residentToken)
        await synced(rc)
        await waitForRow('case.open', id, residentActor)
      }), { action: 'case.open', role: 'resident', actor: residentActor, ground: 'intake', ...caseRow })
    } finally {
      (rc as ReturnType<typeof connect> | null)?.destroy()
    }

    // Erasure: its own ground.
    expectOne(await rowsDuring(async () => expect((await api(url(), 'DELETE', `/api/cases/${id}`)).status).toBe(204)),
      { action: 'case.erase', role: 'professional', actor: ORG_PRO, ground: 'erasure', ...caseRow })

    // No row, in any column, holds the case's content (title, item text, labels, names, notes).
    const all = await allRows()
    expect(all.filter((r) => r.case_id === id).length).toBeGreaterThan(30)
    for (const r of all) expect(JSON.stringify(r)).not.toContain(marker)
    // Every row has a ground.
    expect(all.filter((r) => r.ground === null)).toEqual([])
  })
})

/** Wait until the audit row of an asynchronous event (a WebSocket accept) is stored. */
async function waitForRow(action: string, caseId: string, actor?: string): Promise<void> {
  await expect.poll(async () => (await allRows()).some((r) => r.action === action && r.case_id === caseId && (!actor || r.actor === actor)), { timeout: 20_000 }).toBe(true)
}

describe('GET /api/cases/:id/audit', () => {
  it('professionals (organisation or invited) 200; coordinator and resident 403; outsiders and unknown ids 404', async () => {
    const id = await createCase(url(), 'Logboek rechten')
    const other = await createCase(url(), 'Andere casus')
    const invitedPro = await invite(url(), id, 'professional')
    const resident = await invite(url(), id, 'resident')
    const invitedCoord = await invite(url(), id, 'coordinator')
    const otherPro = await invite(url(), other, 'professional')

    const path = `/api/cases/${id}/audit`
    const org = await api<AuditPage>(url(), 'GET', path)
    expect(org.status).toBe(200)
    expect(org.body.entries.map((e) => e.action)).toEqual(['invite.create.coordinator', 'invite.create.resident', 'invite.create.professional', 'case.create'])
    expect(org.body.entries[0]).toMatchObject({ actor: ORG_PRO, role: 'professional', ground: 'intake' })
    expect(Number.isNaN(Date.parse(org.body.entries[0]?.at ?? ''))).toBe(false)
    expect(org.body.nextBefore).toBeNull()
    expect((await api(url(), 'GET', path, { auth: invitedPro })).status).toBe(200)

    expect((await api(url(), 'GET', path, asCoord)).status).toBe(403)
    expect((await api(url(), 'GET', path, { auth: invitedCoord })).status).toBe(403)
    expect((await api(url(), 'GET', path, { auth: resident })).status).toBe(403)
    expect((await api(url(), 'GET', path, { auth: otherPro })).status).toBe(404)
    expect((await api(url(), 'GET', `/api/cases/${other}/audit`, { auth: invitedPro })).status).toBe(404)
    expect((await api(url(), 'GET', '/api/cases/c_doesnotexist0000000000/audit')).status).toBe(404)
    expect((await api(url(), 'GET', path, { auth: null })).status).toBe(401)

    // Reading the log is itself logged.
    const after = await api<AuditPage>(url(), 'GET', path)
    expect(after.body.entries[0]).toMatchObject({ action: 'audit.read', role: 'professional' })
  })

  it('pages newest first with before and limit; rows of one millisecond stay together; bad paging 400', async () => {
    const id = await createCase(url(), 'Logboek pagina')
    const base = Date.now() - 3600_000
    // 7 entries at 5 distinct times, two pairs sharing a millisecond.
    const times = [base + 1, base + 2, base + 2, base + 3, base + 4, base + 4, base + 5]
    for (const [i, at] of times.entries()) fixture.server.storage.audit({ at, actor: ORG_PRO, role: 'professional', action: `test.${i}`, caseId: id })
    const path = `/api/cases/${id}/audit`

    const seen: string[] = []
    let before: number | null = base + 6
    let pages = 0
    while (before !== null) {
      const r: { status: number; body: AuditPage } = await api<AuditPage>(url(), 'GET', `${path}?before=${before}&limit=2`)
      expect(r.status).toBe(200)
      expect(r.body.entries.length).toBeLessThanOrEqual(2)
      seen.push(...r.body.entries.map((e) => e.action))
      before = r.body.nextBefore
      if (++pages > 10) throw new Error('paging does not end')
    }
    // Newest first, each once, nothing lost at page edges (case.create is newer than `before`).
    expect(seen).toEqual(['test.6', 'test.5', 'test.4', 'test.3', 'test.2', 'test.1', 'test.0'])

    const firstTwo = await api<AuditPage>(url(), 'GET', `${path}?before=${base + 6}&limit=2`)
    expect(firstTwo.body.entries.map((e) => e.action)).toEqual(['test.6'])
    expect(firstTwo.body.nextBefore).toBe(base + 5)

    for (const q of ['limit=0', 'limit=501', 'limit=abc', 'before=-1', 'before=1e5', 'limit=2.5']) {
      const r = await api(url(), 'GET', `${path}?${q}`)
      expect(r.status, q).toBe(400)
      expect(r.body.error).toBe('validation_failed')
    }
    expect((await api(url(), 'GET', `${path}?limit=500`)).status).toBe(200)
  })
})
