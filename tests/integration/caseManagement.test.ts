/**
 * Case management against a real server: archive and reopen (rights: professionals with a right
 * on the case; a coordinator or resident 403; outsiders 404), `archivedAt` in the list and the
 * case, archived cases out of the review's case table but still open and syncing; the review as
 * CSV (BOM, `;`, quoted fields, one row per case and per open action, no more than the review
 * shows, formulas defused); an erased case answers 404. The database upgrade adds the column.
 */
import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { addItem, updateItem } from '../../shared/doc.ts'
import { openSqliteStorage } from '../../server/storage/sqlite.ts'
import { api, createCase, invite, synced, tempDir, TEST_ORG_KEY, useServer } from '../helpers/server.ts'
import { addAccount, session } from '../helpers/accounts.ts'
import { downgradeDatabase, storageWithCase } from '../helpers/db.ts'
import { storedRows } from '../helpers/postgres.ts'

const COORDINATOR_KEY = 'test-coordinator-key-casemgmt-0123'
const fixture = useServer({ env: { COORDINATOR_KEY } })
const url = () => fixture.server.url
const pro = { name: 'Sanne', org: 'Sociaal wijkteam', role: 'professional' as const }

/** Parse our CSV (every field quoted, `;`, CRLF); checks the quoting as it goes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  for (const line of text.split('\r\n').filter(Boolean)) {
    const fields: string[] = []
    const re = /"((?:[^"]|"")*)"(;|$)/y
    let m: RegExpExecArray | null
    while (re.lastIndex < line.length && (m = re.exec(line))) fields.push((m[1] as string).replace(/""/g, '"'))
    expect(re.lastIndex, `unparsed CSV line: ${line}`).toBe(line.length)
    rows.push(fields)
  }
  return rows
}

describe('archive and reopen', () => {
  it('archives and reopens for professionals; archivedAt in the list and the case; idempotent; audited', async () => {
    const id = await createCase(url(), 'Familie Archief')
    const before = await api(url(), 'GET', '/api/cases')
    expect(before.body.find((c: { id: string }) => c.id === id).archivedAt).toBeNull()

    const t0 = Date.now()
    const a = await api(url(), 'POST', `/api/cases/${id}/archive`)
    expect(a.status).toBe(200)
    expect(a.body.id).toBe(id)
    expect(Date.parse(a.body.archivedAt)).toBeGreaterThanOrEqual(t0 - 1000)
    // Archiving again keeps the first time.
    const again = await api(url(), 'POST', `/api/cases/${id}/archive`)
    expect(again.body.archivedAt).toBe(a.body.archivedAt)
    expect((await api(url(), 'GET', '/api/cases')).body.find((c: { id: string }) => c.id === id).archivedAt).toBe(a.body.archivedAt)
    // An archived case still opens, for everyone with a right on it.
    const got = await api(url(), 'GET', `/api/cases/${id}`)
    expect(got.status).toBe(200)
    expect(got.body.archivedAt).toBe(a.body.archivedAt)
    expect(got.body.plan).toBeTruthy()

    const r = await api(url(), 'POST', `/api/cases/${id}/reopen`)
    expect(r.status).toBe(200)
    expect(r.body.archivedAt).toBeNull()
    expect((await api(url(), 'POST', `/api/cases/${id}/reopen`)).body.archivedAt).toBeNull()

    // Audit rows (no content, only the action and the case id).
    await fixture.server.storage.retryPending()
    const actions = (await storedRows<{ action: string }>(fixture.server.dataDir, 'SELECT action FROM audit WHERE case_id = ? ORDER BY id', [id])).map((x) => x.action)
    expect(actions.filter((x) => x === 'case.archive')).toHaveLength(2)
    expect(actions.filter((x) => x === 'case.reopen')).toHaveLength(2)
  })

  it('an invited professional may; a coordinator, resident or invited coordinator 403; outsiders and unknown ids 404', async () => {
    const id = await createCase(url(), 'Rechten')
    const other = await createCase(url(), 'Andere casus')
    const invitedPro = await invite(url(), id, 'professional')
    const resident = await invite(url(), id, 'resident')
    const invitedCoord = await invite(url(), id, 'coordinator')
    const outsider = await invite(url(), other, 'professional')

    for (const path of ['archive', 'reopen']) {
      expect((await api(url(), 'POST', `/api/cases/${id}/${path}`, { auth: COORDINATOR_KEY })).status, `coordinator ${path}`).toBe(403)
      expect((await api(url(), 'POST', `/api/cases/${id}/${path}`, { auth: resident })).status, `resident ${path}`).toBe(403)
      expect((await api(url(), 'POST', `/api/cases/${id}/${path}`, { auth: invitedCoord })).status, `invited coordinator ${path}`).toBe(403)
      const out = await api(url(), 'POST', `/api/cases/${id}/${path}`, { auth: outsider })
      expect(out.status, `outsider ${path}`).toBe(404)
      expect(out.body.error).toBe('not_found')
      expect((await api(url(), 'POST', `/api/cases/AAAAAAAAAAAAAAAAAAAAAA/${path}`)).status).toBe(404)
      expect((await api(url(), 'POST', `/api/cases/${id}/${path}`, { auth: null })).status).toBe(401)
      expect((await api(url(), 'GET', `/api/cases/${id}/${path}`)).status).toBe(405)
    }
    // None of the refusals changed anything.
    expect((await api(url(), 'GET', `/api/cases/${id}`)).body.archivedAt).toBeNull()

    const byInvited = await api(url(), 'POST', `/api/cases/${id}/archive`, { auth: invitedPro })
    expect(byInvited.status).toBe(200)
    expect(byInvited.body.archivedAt).not.toBeNull()
    expect((await api(url(), 'POST', `/api/cases/${id}/reopen`, { auth: invitedPro })).body.archivedAt).toBeNull()
  })

  it('a cookie request from another site is refused (403 cross_site), as for every state change', async () => {
    const id = await createCase(url(), 'Cross-site', 'integrale-intake', fixture.server.teamId)
    const cookie = await session(fixture.server, await addAccount(fixture.server))
    const r = await api(url(), 'POST', `/api/cases/${id}/archive`, { auth: null, cookie, origin: 'https://evil.example' })
    expect(r.status).toBe(403)
    expect(r.body.error).toBe('cross_site')
    expect((await api(url(), 'GET', `/api/cases/${id}`)).body.archivedAt).toBeNull()
    expect((await api(url(), 'POST', `/api/cases/${id}/archive`, { auth: null, cookie })).status).toBe(200)
  })

  it('an archived case still syncs live, and leaves the review table (its signals stay)', async () => {
    const id = await createCase(url(), 'Gesloten casus')
    const open = await createCase(url(), 'Open casus')
    const c = fixture.client(id)
    await synced(c)
    const itemId = addItem(c.doc, { kind: 'action', text: 'Gesloten actie', author: pro })
    updateItem(c.doc, itemId, { signal: true })
    await expect.poll(async () => (await api(url(), 'GET', '/api/review')).body.cases.some((x: { id: string; openActions: unknown[] }) => x.id === id && x.openActions.length === 1), { timeout: 20_000 }).toBe(true)

    expect((await api(url(), 'POST', `/api/cases/${id}/archive`)).status).toBe(200)
    const review = (await api(url(), 'GET', '/api/review?weeks=1')).body
    expect(review.cases.map((x: { id: string }) => x.id)).not.toContain(id)
    expect(review.cases.map((x: { id: string }) => x.id)).toContain(open)
    expect(review.signals.some((x: { caseId: string }) => x.caseId === id)).toBe(true)
    // Invited to the archived case only: an empty table.
    const resident = await invite(url(), id, 'resident')
    expect((await api(url(), 'GET', '/api/review', { auth: resident })).body.cases).toEqual([])

    // Still a live case: a second client gets what the first writes.
    const c2 = fixture.client(id)
    await synced(c2)
    addItem(c.doc, { kind: 'note', text: 'na archiveren', author: pro })
    await vi_waitForText(c2.doc, 'na archiveren')

    expect((await api(url(), 'POST', `/api/cases/${id}/reopen`)).status).toBe(200)
    expect((await api(url(), 'GET', '/api/review')).body.cases.map((x: { id: string }) => x.id)).toContain(id)
  })
})

/** A value as the CSV carries it: a formula-looking start gets a leading apostrophe. */
function csvCell(v: string): string {
  return /^[=+\-@]/.test(v) ? `'${v}` : v
}

/** Wait until some item of the document has this text. */
async function vi_waitForText(doc: Y.Doc, text: string): Promise<void> {
  await expect.poll(() => JSON.stringify(doc.getMap('items').toJSON()).includes(text), { timeout: 20_000 }).toBe(true)
}

describe('review as CSV', () => {
  it('BOM, `;`, quoted fields, one row per case and per open action; what the review shows and no more', async () => {
    const id = await createCase(url(), 'Familie "de Vries"; Noord')
    const c = fixture.client(id)
    await synced(c)
    const a1 = addItem(c.doc, { kind: 'action', text: '=HYPERLINK("http://evil")', author: pro })
    updateItem(c.doc, a1, { owner: 'Sanne', ownerOrg: 'Wijkteam', due: '2020-01-01' })
    const a2 = addItem(c.doc, { kind: 'action', text: 'Bel UWV over uitkering', author: pro })
    updateItem(c.doc, a2, { status: 'in_progress' })
    const done = addItem(c.doc, { kind: 'action', text: 'Afgerond werk', author: pro })
    updateItem(c.doc, done, { status: 'done' })
    addItem(c.doc, { kind: 'note', text: 'Geheime notitie over gezondheid', author: pro })
    await expect.poll(async () => (await api(url(), 'GET', '/api/review')).body.cases.find((x: { id: string }) => x.id === id)?.openActions.length, { timeout: 20_000 }).toBe(2)

    const res = await fetch(`${url()}/api/review.csv?weeks=2`, { headers: { authorization: `Bearer ${TEST_ORG_KEY}` } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="keukentafel-overzicht-\d{4}-\d{2}-\d{2}\.csv"$/)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const bytes = new Uint8Array(await res.arrayBuffer())
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1)
    expect(text.endsWith('\r\n')).toBe(true)
    const rows = parseCsv(text)
    expect(rows[0]).toEqual(['Soort', 'Casus-id', 'Casus', 'Laatste gesprek', 'Volgend gesprek', 'Volgend gesprek te laat',
      'Geen gesprek in 2 weken', 'Open acties', 'Acties te laat', 'Actie', 'Wie', 'Organisatie', 'Deadline', 'Status', 'Actie te laat'])
    for (const r of rows) expect(r).toHaveLength(15)
    // A case id is base64url: one starting with '-' is defused like any formula-looking field.
    const idCell = csvCell(id)
    const mine = rows.filter((r) => r[1] === idCell)
    expect(mine).toHaveLength(3)
    expect(mine[0]).toEqual(['casus', idCell, 'Familie "de Vries"; Noord', '', '', 'nee', 'nee', '2', '1', '', '', '', '', '', ''])
    const actions = mine.slice(1).sort((x, y) => (x[9] as string).localeCompare(y[9] as string))
    expect(actions).toEqual([
      ['actie', idCell, 'Familie "de Vries"; Noord', '', '', '', '', '', '', '\'=HYPERLINK("http://evil")', 'Sanne', 'Wijkteam', '2020-01-01', 'open', 'ja'],
      ['actie', idCell, 'Familie "de Vries"; Noord', '', '', '', '', '', '', 'Bel UWV over uitkering', '', '', '', 'bezig', 'nee'],
    ])
    // No more than the review shows: no notes, no done actions.
    expect(text).not.toContain('Geheime notitie')
    expect(text).not.toContain('Afgerond werk')

    // Every case of the review, and the same rights: an invite sees its own case only.
    const reviewIds = (await api(url(), 'GET', '/api/review?weeks=2')).body.cases.map((x: { id: string }) => x.id).sort()
    expect([...new Set(rows.slice(1).filter((r) => r[0] === 'casus').map((r) => r[1]))].sort()).toEqual(reviewIds.map(csvCell).sort())
    const resident = await invite(url(), id, 'resident')
    const own = await fetch(`${url()}/api/review.csv`, { headers: { authorization: `Bearer ${resident}` } })
    expect(own.status).toBe(200)
    expect(new Set(parseCsv((await own.text()).replace(/^\uFEFF/, '')).slice(1).map((r) => r[1]))).toEqual(new Set([idCell]))
    const coord = await fetch(`${url()}/api/review.csv`, { headers: { authorization: `Bearer ${COORDINATOR_KEY}` } })
    expect(coord.status).toBe(200)

    // English on request; archived cases leave it, like the review's table.
    const en = await (await fetch(`${url()}/api/review.csv?lang=en`, { headers: { authorization: `Bearer ${TEST_ORG_KEY}` } })).text()
    expect(parseCsv(en.replace(/^\uFEFF/, ''))[0]?.[0]).toBe('Type')
    await api(url(), 'POST', `/api/cases/${id}/archive`)
    const after = await (await fetch(`${url()}/api/review.csv`, { headers: { authorization: `Bearer ${TEST_ORG_KEY}` } })).text()
    expect(after).not.toContain(id)
    await api(url(), 'POST', `/api/cases/${id}/reopen`)
  })

  it('bad input gets a clear JSON error; no credential 401', async () => {
    for (const q of ['weeks=0', 'weeks=abc', 'lang=de']) {
      const r = await api(url(), 'GET', `/api/review.csv?${q}`)
      expect(r.status, q).toBe(400)
      expect(r.body.error).toBe('validation_failed')
    }
    const r = await api(url(), 'GET', '/api/review.csv', { auth: null })
    expect(r.status).toBe(401)
    expect(r.body.error).toBe('unauthorized')
  })
})

describe('erase', () => {
  it('after DELETE the case and every route under it answer 404', async () => {
    const id = await createCase(url(), 'Wissen')
    expect((await api(url(), 'DELETE', `/api/cases/${id}`)).status).toBe(204)
    for (const [method, path] of [['GET', ''], ['POST', '/archive'], ['POST', '/reopen'], ['DELETE', '']] as const) {
      expect((await api(url(), method, `/api/cases/${id}${path}`)).status, `${method} ${path}`).toBe(404)
    }
    expect((await api(url(), 'GET', '/api/cases')).body.map((c: { id: string }) => c.id)).not.toContain(id)
  })
})

describe('database upgrade to schema 7', () => {
  it('adds archived_at: cases from before are open', async () => {
    const dir = tempDir()
    const now = Date.now()
    const made = await storageWithCase(dir, now)
    let storage = made.storage
    const caseId = made.caseId
    await storage.setArchived(caseId, now)
    await storage.close()
    downgradeDatabase(dir, 6) // the release before archiving
    storage = openSqliteStorage(dir)
    try {
      expect((await storage.getCase(caseId))?.archivedAt).toBeNull()
      expect((await storage.setArchived(caseId, now + 1))?.archivedAt).toBe(now + 1)
      expect((await storage.setArchived(caseId, now + 2))?.archivedAt).toBe(now + 1)
      expect((await storage.setArchived(caseId, null))?.archivedAt).toBeNull()
      expect(await storage.setArchived('AAAAAAAAAAAAAAAAAAAAAA', now)).toBeNull()
    } finally {
      await storage.close()
    }
  })
})
