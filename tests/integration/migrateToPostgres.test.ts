/**
 * Moving an SQLite installation to PostgreSQL (server/cli/migrateToPostgres.ts; docs/deploy.md,
 * "Moving from SQLite to PostgreSQL"), for real: an installation is built through a real server on
 * SQLite (accounts with password + authenticator, teams, cases with items, snapshots, a meeting, an
 * invite and its case session, a personal API token, a case member, an archived case, an erased
 * case, audit rows), the built tool runs as a child process against a real PostgreSQL of this
 * file's own, and a real server on that PostgreSQL with the same KEY_DIR and MASTER_KEY must show
 * everything: sign-in with password + code, the old session and token, the document over
 * y-websocket, snapshots, meetings, audit rows; the erased case stays gone. Edits made after the
 * move survive a restart (the sequences continue past every position used on SQLite). A second
 * run, an older schema, wrong paths and an unreachable PostgreSQL are refused with clear messages.
 *
 * The source is SQLite in both runs of the integration project (KT_TEST_STORAGE is not used here).
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import Database from 'better-sqlite3'
import * as Y from 'yjs'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../server/app.ts'
import { readSettings } from '../../server/config.ts'
import { migrateToPostgres, MigrateError } from '../../server/cli/migrateToPostgres.ts'
import { addItem, listItems } from '../../shared/doc.ts'
import { addAccount, nextCode, session, type TestAccount } from '../helpers/accounts.ts'
import { downgradeDatabase, storageWithCase } from '../helpers/db.ts'
import { openSqliteStorage } from '../../server/storage/sqlite.ts'
import { pgQuery, startPostgres, type TestPostgres } from '../helpers/postgres.ts'
import { freePort } from '../helpers/ports.ts'
import { api, connect, stateOf, synced, tempDir, TEST_ORG_KEY, type TestClient, type TestServer } from '../helpers/server.ts'

const TOOL = path.resolve('dist/server/server/cli/migrateToPostgres.js')
const MASTER_KEY = randomBytes(32).toString('hex')
const STEP_TIMEOUT_MS = 30_000
const author = { name: 'Sanne', org: 'Sociaal wijkteam', role: 'professional' as const }
/** Text that must never appear in the tool's output (case content). */
const MARKER = `geheim-${randomBytes(4).toString('hex')}`

let postgres: TestPostgres
beforeAll(async () => {
  if (!fs.existsSync(TOOL)) throw new Error('run `npm run build:server` first (npm test does): the tool runs from dist/')
  postgres = await startPostgres()
}, 120_000)
afterAll(async () => {
  await postgres?.stop()
})

let databases = 0
function freshDatabase(): Promise<string> {
  return postgres.createDatabase(`kt_migrate_${++databases}_${randomBytes(3).toString('hex')}`)
}

/** A real in-process server on DATA_DIR with this file's KEY_DIR and MASTER_KEY; SQLite unless `databaseUrl`. */
async function start(dataDir: string, keyDir: string, databaseUrl = ''): Promise<RunningServer> {
  const settings = readSettings(
    { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, KEY_DIR: keyDir, MASTER_KEY, ORG_KEY: TEST_ORG_KEY, LOG_LEVEL: 'silent', PASSWORD_SCRYPT_N: '16384', DATABASE_URL: databaseUrl },
    { clientDir: path.resolve(process.env.KT_CLIENT_DIR ?? 'dist/client') },
  )
  return startServer(settings, { logger: pino({ level: 'silent' }) })
}

/** The built tool as an operator runs it (`npm run migrate-to-postgres -- …` runs this file). */
function runTool(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TOOL, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    child.once('error', reject)
    child.once('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = STEP_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const TABLES = ['settings', 'teams', 'accounts', 'cases', 'case_state', 'case_updates', 'invites', 'sessions', 'case_sessions', 'audit', 'snapshots', 'meetings', 'api_tokens', 'case_members']

function sqliteCounts(dataDir: string): Record<string, number> {
  const db = new Database(path.join(dataDir, 'keukentafel.db'), { readonly: true })
  try {
    return Object.fromEntries(TABLES.map((t) => [t, (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]))
  } finally {
    db.close()
  }
}
async function pgCounts(url: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const t of TABLES) out[t] = Number((await pgQuery<{ n: string }>(url, `SELECT count(*) AS n FROM ${t}`))[0]?.n)
  return out
}

const clients: TestClient[] = []
function client(s: { url: string }, caseId: string, token: string = TEST_ORG_KEY): TestClient {
  const c = connect(s, caseId, token)
  clients.push(c)
  return c
}

describe('npm run migrate-to-postgres', () => {
  const dataDir = tempDir('kt-migrate-src-')
  const keyDir = tempDir('kt-migrate-keys-')
  let target: string
  let prof: TestAccount
  let other: TestAccount
  let oldCookie: string
  let apiToken: string
  let caseA: string
  let caseC: string
  let erased: string
  const before: Record<string, any> = {}

  beforeAll(async () => {
    target = await freshDatabase()
    const s = await start(dataDir, keyDir)
    try {
      const team = await s.storage.accounts.createTeam('Wijkteam Noord', Date.now())
      const team2 = await s.storage.accounts.createTeam('Werk en Inkomen', Date.now())
      const shim = Object.assign(s, { dataDir, teamId: team.id, stop: () => s.close() }) as TestServer
      prof = await addAccount(shim)
      other = await addAccount(shim, { teamId: team2.id })
      await addAccount(shim, { role: 'admin', teamId: null })
      oldCookie = await session(shim, prof)
      const asProf = { auth: null, cookie: oldCookie }

      apiToken = (await api(s.url, 'POST', '/api/me/tokens', { ...asProf, body: { label: 'script' } })).body.token
      expect(apiToken).toMatch(/^ktp_/)
      const newCase = async (title: string) => {
        const r = await api(s.url, 'POST', '/api/cases', { ...asProf, body: { title, template: 'integrale-intake' } })
        expect(r.status).toBe(201)
        return r.body.id as string
      }
      caseC = await newCase('Casus C')
      caseA = await newCase(`Casus A ${MARKER}`)
      erased = await newCase(`Gewist ${MARKER}`)

      // C is edited first, A after it, then A's log is compacted: A's compacted position is
      // above every log row left, so sequences set from the rows alone would reuse positions.
      const c = client(s, caseC)
      await synced(c)
      addItem(c.doc, { kind: 'wish', text: `wens C ${MARKER}`, pos: { x: 0, y: 0 }, author })
      await waitFor('C stored', async () => (await s.storage.docLog.count(caseC)) > 0)
      const a = client(s, caseA)
      await synced(a)
      for (let i = 0; i < 3; i++) addItem(a.doc, { kind: 'problem', text: `kaart ${i} ${MARKER}`, pos: { x: i, y: 0 }, author })
      await waitFor('A stored', async () => (await s.storage.docLog.count(caseA)) >= 1)
      await s.storage.docLog.compact(caseA)
      const e = client(s, erased)
      await synced(e)
      addItem(e.doc, { kind: 'problem', text: `gewist ${MARKER}`, pos: { x: 0, y: 0 }, author })
      await waitFor('E stored', async () => (await s.storage.docLog.count(erased)) > 0)

      expect((await api(s.url, 'POST', `/api/cases/${caseA}/snapshots`, { body: { label: `Tussenstand ${MARKER}` } })).status).toBe(201)
      const meeting = (await api(s.url, 'POST', `/api/cases/${caseA}/meetings`, { body: { startedBy: 'Sanne' } })).body
      expect((await api(s.url, 'POST', `/api/cases/${caseA}/meetings/${meeting.id}/end`, { body: { participants: [{ name: `Deelnemer ${MARKER}` }], note: `Notitie ${MARKER}` } })).status).toBe(200)
      const inviteToken = (await api(s.url, 'POST', `/api/cases/${caseA}/invites`, { ...asProf, body: { role: 'resident' } })).body.token as string
      expect((await api(s.url, 'POST', '/api/invites/redeem', { auth: null, body: { token: inviteToken }, origin: s.url })).status).toBeLessThan(300)
      expect((await api(s.url, 'POST', `/api/cases/${caseA}/members`, { ...asProf, body: { username: other.username } })).status).toBe(201)
      expect((await api(s.url, 'POST', `/api/cases/${caseC}/archive`, asProf)).status).toBe(200)
      expect((await api(s.url, 'DELETE', `/api/cases/${erased}`)).status).toBe(204)
      e.destroy()

      before.docA = stateOf(a.doc)
      before.itemsA = listItems(a.doc).map((i) => i.text).sort()
      before.itemsC = listItems(c.doc).map((i) => i.text).sort()
      before.cases = (await api(s.url, 'GET', '/api/cases', asProf)).body
      before.snapshots = (await api(s.url, 'GET', `/api/cases/${caseA}/snapshots`)).body
      before.meetings = (await api(s.url, 'GET', `/api/cases/${caseA}/meetings`)).body
      before.invites = (await api(s.url, 'GET', `/api/cases/${caseA}/invites`)).body
      before.members = (await api(s.url, 'GET', `/api/cases/${caseA}/members`)).body
      before.audit = (await api(s.url, 'GET', `/api/cases/${caseA}/audit`)).body
      expect(before.snapshots.length).toBeGreaterThanOrEqual(2)
      expect(before.meetings.meetings.length).toBe(1)
    } finally {
      for (const c of clients.splice(0)) c.destroy()
      await s.close()
    }
    // The server compacts every case when it stops; with the storage API, log rows are left in
    // place: C gets an update row, then A one that is compacted at once. So the copy has state and
    // log rows, and A's compacted position lies above every log row left.
    const st = openSqliteStorage(dataDir, { masterKey: Buffer.from(MASTER_KEY, 'hex'), keyDir })
    try {
      const edit = async (caseId: string, text: string) => {
        const stored = await st.docLog.load(caseId)
        const doc = new Y.Doc()
        for (const b of stored.state ? [stored.state, ...stored.updates] : stored.updates) Y.applyUpdate(doc, b.data)
        const updates: Uint8Array[] = []
        doc.on('update', (u: Uint8Array) => updates.push(u))
        addItem(doc, { kind: 'strength', text, pos: { x: 5, y: 5 }, author })
        for (const u of updates) await st.docLog.append(caseId, u, Date.now())
        return doc
      }
      before.itemsC = listItems(await edit(caseC, `sterk C ${MARKER}`)).map((i) => i.text).sort()
      const docA = await edit(caseA, `sterk A ${MARKER}`)
      await st.docLog.compact(caseA)
      before.docA = stateOf(docA)
      before.itemsA = listItems(docA).map((i) => i.text).sort()
    } finally {
      await st.close()
    }
    before.counts = sqliteCounts(dataDir)
    const src = new Database(path.join(dataDir, 'keukentafel.db'), { readonly: true })
    before.updatedAt = Object.fromEntries(src.prepare<[], { id: string; updated_at: number }>('SELECT id, updated_at FROM cases').all().map((r) => [r.id, r.updated_at]))
    src.close()
    expect(before.counts.case_updates).toBeGreaterThan(0)
    const db = new Database(path.join(dataDir, 'keukentafel.db'), { readonly: true })
    try {
      const { upto } = db.prepare('SELECT max(upto_seq) AS upto FROM case_state').get() as { upto: number }
      const { seq } = db.prepare('SELECT coalesce(max(seq), 0) AS seq FROM case_updates').get() as { seq: number }
      // What makes the sequence test below bite.
      expect(upto).toBeGreaterThan(seq)
    } finally {
      db.close()
    }
  }, 180_000)

  it('copies everything, verifies it and says so without any case content', async () => {
    const r = await runTool(['--from', dataDir, '--to', target], { KEY_DIR: keyDir, MASTER_KEY })
    expect(r.stderr + r.stdout).not.toContain(MARKER)
    expect(r.code, r.stderr).toBe(0)
    const total = Object.values(before.counts as Record<string, number>).reduce((x, y) => x + y, 0)
    expect(r.stdout).toContain(`${total} rows in ${TABLES.length} tables`)
    expect(r.stdout).toMatch(/2 case\(s\) read the same through both storages/)
    expect(await pgCounts(target)).toEqual(before.counts)
    for (const t of ['teams', 'accounts', 'cases', 'case_state', 'case_updates', 'invites', 'sessions', 'case_sessions', 'audit', 'snapshots', 'meetings', 'api_tokens', 'case_members']) {
      expect(before.counts[t], t).toBeGreaterThan(0)
    }
    // Sealed bytes stay sealed: the marker is in no row of the target.
    const titles = await pgQuery<{ title: string }>(target, 'SELECT title FROM cases')
    expect(titles.every((t) => !t.title.includes(MARKER))).toBe(true)
  }, 120_000)

  it('a server on the PostgreSQL target (same KEY_DIR and MASTER_KEY) has everything', async () => {
    const t = await start(tempDir('kt-migrate-pg-'), keyDir, target)
    try {
      // Password + authenticator code, as the sign-in form sends them.
      const login = await api(t.url, 'POST', '/api/login', { auth: null, body: { username: prof.username, password: prof.password, code: nextCode(prof) } })
      expect(login.status).toBe(204)
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string
      const cases = (await api(t.url, 'GET', '/api/cases', { auth: null, cookie })).body
      // As listed on SQLite; the last change as stored after the storage edits above.
      const withoutUpdated = (xs: { updatedAt: string }[]) => xs.map(({ updatedAt: _, ...rest }) => rest)
      expect(withoutUpdated(cases)).toEqual(withoutUpdated(before.cases))
      for (const c of cases as { id: string; updatedAt: string }[]) expect(c.updatedAt).toBe(new Date(before.updatedAt[c.id]).toISOString())
      expect(cases.map((c: { id: string }) => c.id).sort()).toEqual([caseA, caseC].sort())
      // The session and the personal API token made on SQLite still work.
      expect((await api(t.url, 'GET', '/api/me', { auth: null, cookie: oldCookie })).status).toBe(200)
      expect((await api(t.url, 'GET', '/api/cases', { auth: apiToken })).status).toBe(200)

      const a = client(t, caseA)
      await synced(a)
      expect(stateOf(a.doc).equals(before.docA)).toBe(true)
      expect(listItems(a.doc).map((i) => i.text).sort()).toEqual(before.itemsA)
      const c = client(t, caseC)
      await synced(c)
      expect(listItems(c.doc).map((i) => i.text).sort()).toEqual(before.itemsC)

      expect((await api(t.url, 'GET', `/api/cases/${caseA}/snapshots`)).body).toEqual(before.snapshots)
      for (const snap of before.snapshots as { id: string }[]) {
        expect((await api(t.url, 'GET', `/api/cases/${caseA}/snapshots/${snap.id}/state`)).status).toBe(200)
      }
      const meetings = (await api(t.url, 'GET', `/api/cases/${caseA}/meetings`)).body
      expect(meetings.meetings).toEqual(before.meetings.meetings)
      expect(meetings.nextMeeting).toEqual(before.meetings.nextMeeting)
      expect((await api(t.url, 'GET', `/api/cases/${caseA}/invites`)).body).toEqual(before.invites)
      expect((await api(t.url, 'GET', `/api/cases/${caseA}/members`)).body).toEqual(before.members)
      const audit = (await api(t.url, 'GET', `/api/cases/${caseA}/audit`)).body
      const key = (e: { at: number; action: string; actor: string }) => `${e.at} ${e.action} ${e.actor}`
      const now = new Set((audit.entries ?? audit).map(key))
      const was = (before.audit.entries ?? before.audit) as { at: number; action: string; actor: string }[]
      expect(was.length).toBeGreaterThan(0)
      for (const e of was) expect(now.has(key(e)), key(e)).toBe(true)

      // The erased case stays erased: not listed, not readable, no key, no rows but its audit trail.
      expect((await api(t.url, 'GET', `/api/cases/${erased}`)).status).toBe(404)
      expect(fs.existsSync(path.join(keyDir, `${erased}.key`))).toBe(false)
      for (const table of ['cases', 'case_state', 'case_updates', 'snapshots', 'meetings', 'invites']) {
        const col = table === 'cases' ? 'id' : 'case_id'
        expect(await pgQuery(target, `SELECT 1 FROM ${table} WHERE ${col} = $1`, [erased]), table).toEqual([])
      }
      expect((await pgQuery(target, 'SELECT 1 FROM audit WHERE case_id = $1 AND action = $2', [erased, 'case.erase'])).length).toBe(1)

      // An edit after the move is stored past the compacted position and survives a restart.
      addItem(a.doc, { kind: 'wish', text: 'na de verhuizing', pos: { x: 9, y: 9 }, author })
      await waitFor('the edit stored', async () => (await t.storage.docLog.count(caseA)) > 0)
    } finally {
      for (const c of clients.splice(0)) c.destroy()
      await t.close()
    }
    const again = await start(tempDir('kt-migrate-pg-'), keyDir, target)
    try {
      const a = client(again, caseA)
      await synced(a)
      expect(listItems(a.doc).map((i) => i.text)).toContain('na de verhuizing')
      const maxAudit = Number((await pgQuery<{ m: string }>(target, 'SELECT max(id) AS m FROM audit'))[0]?.m)
      expect(maxAudit).toBeGreaterThan(before.counts.audit)
    } finally {
      for (const c of clients.splice(0)) c.destroy()
      await again.close()
    }
  }, 120_000)

  it('refuses a second run against the same target and changes nothing', async () => {
    const counts = await pgCounts(target)
    const r = await runTool(['--from', dataDir, '--to', target], { KEY_DIR: keyDir, MASTER_KEY })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/is not empty \(rows in settings, teams, accounts, cases/)
    expect(r.stderr).toMatch(/never merges or overwrites/)
    expect(await pgCounts(target)).toEqual(counts)
  }, 60_000)
})

describe('what the tool refuses', () => {
  it('a database of an older schema: start the current version once first', async () => {
    const dir = tempDir('kt-migrate-old-')
    const { storage } = await storageWithCase(dir)
    await storage.close()
    downgradeDatabase(dir, 9)
    const url = await freshDatabase()
    const r = await runTool(['--from', path.join(dir, 'keukentafel.db'), '--to', url], {})
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/schema version 9; this version of Keukentafel writes 10/)
    expect(r.stderr).toMatch(/Start this version of Keukentafel once on the SQLite database/)
    // Nothing was written: not even the schema.
    expect(await pgQuery(url, "SELECT 1 FROM information_schema.tables WHERE table_name = 'cases'")).toEqual([])
  }, 60_000)

  it('wrong paths, a wrong URL, an unreachable PostgreSQL, another master key, an unknown table or a foreign database, with clear messages', async () => {
    const url = await freshDatabase()
    const missing = path.join(tempDir(), 'nope')
    await expect(migrateToPostgres({ from: missing, to: url, env: {} })).rejects.toThrow(/does not exist/)
    await expect(migrateToPostgres({ from: tempDir(), to: url, env: {} })).rejects.toThrow(/holds no keukentafel.db/)
    const notDb = path.join(tempDir(), 'keukentafel.db')
    fs.writeFileSync(notDb, 'not a database')
    await expect(migrateToPostgres({ from: notDb, to: url, env: {} })).rejects.toThrow(/is not an SQLite database/)

    const dir = tempDir('kt-migrate-small-')
    const { storage } = await storageWithCase(dir)
    await storage.close()
    await expect(migrateToPostgres({ from: dir, to: 'mysql://x@localhost/db', env: {} })).rejects.toThrow(MigrateError)
    const port = await freePort()
    const err = await migrateToPostgres({ from: dir, to: `postgres://u:secret-pw@127.0.0.1:${port}/kt`, env: {} }).catch((e: Error) => e)
    expect(err).toBeInstanceOf(MigrateError)
    expect((err as Error).message).toMatch(/Cannot reach PostgreSQL at 127\.0\.0\.1:\d+\/kt/)
    expect((err as Error).message).not.toContain('secret-pw')
    const noDb = await migrateToPostgres({ from: dir, to: postgres.url('no_such_db'), env: {} }).catch((e: Error) => e)
    expect((noDb as Error).message).toMatch(/does not exist/)
    // A table that this tool does not know (a future migration): refused before anything is written.
    const future = tempDir('kt-migrate-future-')
    fs.cpSync(dir, future, { recursive: true })
    const db = new Database(path.join(future, 'keukentafel.db'))
    db.exec('CREATE TABLE future_things (id TEXT PRIMARY KEY)')
    db.close()
    await expect(migrateToPostgres({ from: future, to: url, env: {} })).rejects.toThrow(/the SQLite table future_things is not mapped.*Nothing was written/)
    expect(await pgQuery(url, 'SELECT 1 FROM cases')).toEqual([])

    // Another master key than the one the case keys are wrapped with: refused before anything is written.
    const untouched = await freshDatabase()
    await expect(migrateToPostgres({ from: dir, to: untouched, env: { MASTER_KEY: randomBytes(32).toString('hex') } })).rejects.toThrow(/wrapped with another master key/)
    expect(await pgQuery(untouched, "SELECT 1 FROM information_schema.tables WHERE table_name = 'cases'")).toEqual([])

    // A database of another program is not written into.
    const foreign = await freshDatabase()
    await pgQuery(foreign, 'CREATE TABLE customers (id TEXT)')
    await expect(migrateToPostgres({ from: dir, to: foreign, env: {} })).rejects.toThrow(/not empty: it holds 1 table\(s\) that are not Keukentafel's/)
    expect(await pgQuery(foreign, "SELECT 1 FROM information_schema.tables WHERE table_name = 'cases'")).toEqual([])

    // The small installation itself moves (its generated master key in DATA_DIR is found).
    const done = await migrateToPostgres({ from: dir, to: url, env: {} })
    expect(done.casesVerified).toBe(1)
    expect(done.masterKey?.source).toBe('generated')
  }, 60_000)
})
