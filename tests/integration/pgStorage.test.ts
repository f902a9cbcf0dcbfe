/**
 * What is particular to PostgreSQL storage (DATABASE_URL), against a real PostgreSQL server of
 * this file's own (tests/helpers/postgres.ts) and real in-process servers:
 *   - migrations: two instances starting at once on an empty database migrate it once; a start on
 *     a migrated database changes nothing;
 *   - erasure: afterwards a marker from the case is in no text or bytea column of any table, and a
 *     pg_dump taken before the erasure holds it only sealed, with the case's key destroyed;
 *   - PostgreSQL down mid-editing: the same behaviour as a full disk on SQLite — relaying goes on,
 *     /healthz 503 says what fails, the API answers 503 storage_unavailable, edits wait in memory —
 *     and once it is back everything is stored: proven by a restart.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { promisify } from 'node:util'
import * as Y from 'yjs'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { addItem, listItems } from '../../shared/doc.ts'
import { ApiError } from '../../shared/apiErrors.ts'
import { api, connect, createCase, startTestServer, synced, tempDir, TEST_ORG_KEY, type TestClient, type TestServer } from '../helpers/server.ts'
import type { PgStorage } from '../../server/storage/pg/pgStorage.ts'
import { pgQuery, postgresBinDir, startPostgres, type TestPostgres } from '../helpers/postgres.ts'

const run = promisify(execFile)
const author = { name: 'Sanne', org: 'Sociaal wijkteam', role: 'professional' as const }
const MASTER_KEY = randomBytes(32).toString('hex')
const STEP_TIMEOUT_MS = 30_000
/** How long storage may take to catch up once PostgreSQL is back (retry backoff tops at 5 s). */
const RECOVER_TIMEOUT_MS = 45_000

let postgres: TestPostgres
beforeAll(async () => {
  postgres = await startPostgres()
})
afterAll(async () => {
  await postgres?.stop()
})

const clients: TestClient[] = []
const servers: TestServer[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  for (const s of servers.splice(0)) await s.stop()
})

let databases = 0
async function freshDatabase(): Promise<string> {
  return postgres.createDatabase(`kt_pgtest_${++databases}_${randomBytes(3).toString('hex')}`)
}

/** A server on PostgreSQL; several instances share one key directory (KEY_DIR) and master key. */
async function start(url: string, keyDir: string, dataDir = tempDir()): Promise<TestServer> {
  const s = await startTestServer({ dataDir, env: { DATABASE_URL: url, KEY_DIR: keyDir, MASTER_KEY } })
  servers.push(s)
  return s
}

function client(s: { url: string }, caseId: string): TestClient {
  const c = connect(s, caseId, TEST_ORG_KEY)
  clients.push(c)
  return c
}

async function healthz(url: string): Promise<{ status: number; body: any }> {
  const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) })
  return { status: r.status, body: await r.json() }
}

describe('PostgreSQL storage', () => {
  it('migrates an empty database once when two instances start at once, and not again on a restart', async () => {
    const url = await freshDatabase()
    const keyDir = tempDir('kt-keys-')
    const [a, b] = await Promise.all([start(url, keyDir), start(url, keyDir)])
    const versions = await pgQuery<{ version: number }>(url, 'SELECT version FROM schema_migrations ORDER BY version')
    expect(versions.length).toBeGreaterThan(0)
    expect(new Set(versions.map((v) => v.version)).size).toBe(versions.length)
    // Both serve the same data.
    const caseId = await createCase(a.url, 'Gedeeld')
    expect((await api(b.url, 'GET', `/api/cases/${caseId}`)).body.title).toBe('Gedeeld')
    await a.stop()
    await b.stop()
    servers.splice(0)
    const again = await start(url, keyDir)
    expect(await pgQuery(url, 'SELECT version FROM schema_migrations ORDER BY version')).toEqual(versions)
    expect((await api(again.url, 'GET', `/api/cases/${caseId}`)).body.title).toBe('Gedeeld')
  })

  it('erases a case: its marker is in no column afterwards, and a dump from before holds it only sealed, without a key', async () => {
    const url = await freshDatabase()
    const keyDir = tempDir('kt-keys-')
    const srv = await start(url, keyDir)
    const marker = `MARKER-${randomBytes(8).toString('hex')}`
    const caseId = await createCase(srv.url, `Casus ${marker}`)
    const c = client(srv, caseId)
    await synced(c)
    addItem(c.doc, { kind: 'problem', text: `kaart ${marker}`, pos: { x: 0, y: 0 }, author })
    expect((await api(srv.url, 'POST', `/api/cases/${caseId}/snapshots`, { body: { label: `Momentopname ${marker}`, savedBy: marker } })).status).toBe(201)
    // Stored: the update and the snapshot are in the database (sealed).
    await vi.waitFor(async () => expect(Number((await pgQuery<{ n: string }>(url, 'SELECT count(*) AS n FROM case_updates WHERE case_id = $1', [caseId]))[0]?.n)).toBeGreaterThan(0), { timeout: STEP_TIMEOUT_MS })
    const dump = path.join(tempDir('kt-dump-'), 'before.sql')
    await run(path.join(postgresBinDir(), 'pg_dump'), ['--dbname', url, '--file', dump])
    const dumped = fs.readFileSync(dump, 'utf8')
    expect(dumped).toContain(caseId)
    expect(dumped).not.toContain(marker)
    expect(fs.existsSync(path.join(keyDir, `${caseId}.key`))).toBe(true)

    expect((await api(srv.url, 'DELETE', `/api/cases/${caseId}`)).status).toBe(204)
    // The key that sealed what the dump holds is destroyed.
    expect(fs.existsSync(path.join(keyDir, `${caseId}.key`))).toBe(false)
    expect((srv.storage as PgStorage).keys.get(caseId)).toBeNull()
    // No text or bytea column of any table holds the marker or the case's rows.
    const columns = await pgQuery<{ table_name: string; column_name: string; data_type: string }>(url,
      `SELECT table_name, column_name, data_type FROM information_schema.columns
       WHERE table_schema = 'public' AND data_type IN ('text', 'bytea', 'character varying')`)
    expect(columns.length).toBeGreaterThan(10)
    for (const col of columns) {
      const asText = col.data_type === 'bytea' ? `encode("${col.column_name}", 'escape')` : `"${col.column_name}"`
      const hits = await pgQuery(url, `SELECT 1 FROM "${col.table_name}" WHERE ${asText} LIKE $1 LIMIT 1`, [`%${marker}%`])
      expect(hits, `${col.table_name}.${col.column_name}`).toEqual([])
    }
    for (const table of ['cases', 'case_state', 'case_updates', 'snapshots', 'invites']) {
      const idColumn = table === 'cases' ? 'id' : 'case_id'
      expect(await pgQuery(url, `SELECT 1 FROM ${table} WHERE ${idColumn} = $1`, [caseId]), table).toEqual([])
    }
  })

  it('stores a snapshot as the difference to the latest full one, opens it exactly, and keeps dependents readable when their base is pruned', async () => {
    const url = await freshDatabase()
    const srv = await start(url, tempDir('kt-keys-'))
    const caseId = await createCase(srv.url)
    const c = client(srv, caseId)
    await synced(c)
    const ids: string[] = []
    for (let i = 0; i < 40; i++) ids.push(addItem(c.doc, { kind: 'problem', text: `kaart ${i} ${'x'.repeat(200)}`, pos: { x: i, y: 0 }, author }))
    // The server snapshots its live document: wait until it has every card the client made.
    const snap = async (label: string, cards: number) => {
      await vi.waitFor(async () => expect(listItems((await srv.rooms.peek(caseId))!.doc)).toHaveLength(cards), { timeout: STEP_TIMEOUT_MS })
      const r = await api<{ id: string }>(srv.url, 'POST', `/api/cases/${caseId}/snapshots`, { body: { label } })
      expect(r.status).toBe(201)
      return { id: r.body.id }
    }
    const first = await snap('een', 40)
    addItem(c.doc, { kind: 'wish', text: 'nog een', pos: { x: 0, y: 9 }, author })
    const second = await snap('twee', 41)
    const rows = await pgQuery<{ id: string; base_id: string | null; n: number }>(url, 'SELECT id, base_id, length(state) AS n FROM snapshots WHERE case_id = $1', [caseId])
    const row = (id: string) => rows.find((r) => r.id === id)
    expect(row(first.id)?.base_id).toBeNull()
    expect(row(second.id)?.base_id).toBe(first.id)
    expect(Number(row(second.id)?.n)).toBeLessThan(Number(row(first.id)?.n) / 2)
    // Opens exactly as it was saved, through the storage.
    const opened = await srv.storage.getSnapshotState(caseId, second.id)
    const doc = new Y.Doc()
    Y.applyUpdate(doc, opened!.state)
    expect(new Set(listItems(doc).map((i) => i.id))).toEqual(new Set(listItems(c.doc).map((i) => i.id)))
    doc.destroy()
    // The base goes: its dependent becomes full and still opens.
    await srv.storage.deleteSnapshots(caseId, [first.id])
    expect((await pgQuery<{ base_id: string | null }>(url, 'SELECT base_id FROM snapshots WHERE id = $1', [second.id]))[0]?.base_id).toBeNull()
    const again = new Y.Doc()
    Y.applyUpdate(again, (await srv.storage.getSnapshotState(caseId, second.id))!.state)
    expect(listItems(again)).toHaveLength(41)
    again.destroy()
  })

  it('keeps edits in memory while PostgreSQL is down, says so, and stores everything once it is back', async () => {
    // A PostgreSQL of this test's own: it is stopped mid-editing.
    const own = await startPostgres()
    try {
      const url = await own.createDatabase('kt_down')
      const keyDir = tempDir('kt-keys-')
      const dataDir = tempDir()
      let srv = await start(url, keyDir, dataDir)
      const caseId = await createCase(srv.url)
      const a = client(srv, caseId)
      const b = client(srv, caseId)
      await Promise.all([synced(a), synced(b)])
      const before = addItem(a.doc, { kind: 'problem', text: 'voor', pos: { x: 0, y: 0 }, author })
      await vi.waitFor(async () => expect(await srv.storage.docLog.count(caseId)).toBeGreaterThan(0), { timeout: STEP_TIMEOUT_MS })

      await own.halt()
      const during: string[] = []
      for (let i = 0; i < 20; i++) during.push(addItem(a.doc, { kind: 'problem', text: `tijdens ${i}`, pos: { x: i * 10, y: 50 }, author }))
      // Relayed although nothing can be stored.
      await vi.waitFor(() => expect(new Set(listItems(b.doc).map((i) => i.id))).toEqual(new Set([before, ...during])), { timeout: STEP_TIMEOUT_MS })
      await expect.poll(() => healthz(srv.url), { timeout: STEP_TIMEOUT_MS }).toMatchObject({
        status: 503, body: { ok: false, failing: expect.arrayContaining([expect.objectContaining({ source: 'document log' })]) },
      })
      expect((await healthz(srv.url)).body.unsavedUpdates).toBeGreaterThan(0)
      const refused = await api(srv.url, 'POST', '/api/cases', { body: { title: 'Nieuw', template: 'integrale-intake' } })
      expect(refused.status).toBe(503)
      expect(refused.body.error).toBe(ApiError.storageUnavailable)

      await own.resume()
      await expect.poll(async () => (await healthz(srv.url)).status, { timeout: RECOVER_TIMEOUT_MS }).toBe(200)
      // Everything is stored: a new server on the same database has every card.
      for (const c of clients.splice(0)) c.destroy()
      await srv.stop()
      servers.splice(0)
      srv = await start(url, keyDir, dataDir)
      const check = client(srv, caseId)
      await synced(check)
      expect(new Set(listItems(check.doc).map((i) => i.id))).toEqual(new Set([before, ...during]))
    } finally {
      for (const c of clients.splice(0)) c.destroy()
      for (const s of servers.splice(0)) await s.stop()
      await own.stop()
    }
  }, 180_000)
})
