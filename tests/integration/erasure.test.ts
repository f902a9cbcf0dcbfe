/**
 * Erasure that reaches backups ('crypto-shredding'): a case's content is sealed with its own key,
 * kept outside the database; erasing the case destroys that key. With a real server, a real
 * y-websocket client and a backup taken before the erasure — while another connection holds a read
 * transaction on the database, so the WAL cannot be checkpointed — a unique marker from the case
 * is afterwards found nowhere: not in the database, its WAL, the backup or anything in DATA_DIR,
 * neither in plain text nor decryptable with any key that is left. A database from before
 * encryption is sealed at start and still reads.
 */
import fs from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { addItem, listItems } from '../../shared/doc.ts'
import { SEALED_TABLES } from '../../server/storage/sealExisting.ts'
import { aadOf, isSealedBlob, isSealedText, openBlob } from '../../server/storage/sealFormat.js'
import { caseKeysOf, dbFile, downgradeDatabase, storedDoc } from '../helpers/db.ts'
import { api, connect, createCase, startTestServer, synced, tempDir, TEST_ORG_KEY, type TestClient, type TestServer } from '../helpers/server.ts'
import { onPostgres } from '../helpers/postgres.ts'

const author = { name: 'Sanne', org: 'Sociaal wijkteam', role: 'professional' as const }
const clients: TestClient[] = []
const servers: TestServer[] = []
afterAll(async () => {
  for (const c of clients) c.destroy()
  for (const s of servers) await s.stop()
})

async function start(dataDir: string): Promise<TestServer> {
  const s = await startTestServer({ dataDir })
  servers.push(s)
  return s
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    return e.isDirectory() ? filesUnder(p) : [p]
  })
}

/** The files (of `files`) whose bytes hold the marker as UTF-8 or UTF-16. */
function holding(marker: string, files: string[]): string[] {
  const forms = [Buffer.from(marker, 'utf8'), Buffer.from(marker, 'utf16le')]
  return files.filter((f) => fs.existsSync(f) && forms.some((m) => fs.readFileSync(f).includes(m)))
}

/** Every sealed value stored for the case in a database file, as bytes. */
function sealedValuesOf(file: string, caseId: string): { column: string; bytes: Buffer }[] {
  const db = new Database(file, { readonly: true })
  try {
    return SEALED_TABLES.flatMap((t) => t.columns.flatMap((c) =>
      db.prepare<[string], { v: unknown }>(`SELECT ${c.name} AS v FROM ${t.table} WHERE ${t.caseColumn} = ?`).all(caseId).flatMap(({ v }) => {
        const column = `${t.table}.${c.name}`
        if (Buffer.isBuffer(v) && isSealedBlob(v)) return [{ column, bytes: v }]
        if (typeof v === 'string' && isSealedText(v)) return [{ column, bytes: Buffer.from(v.slice('kte1:'.length), 'base64url') }]
        return []
      })))
  } finally {
    db.close()
  }
}

/** The plaintexts of those values that open with `key` (with the AAD of this case and column). */
function opened(values: { column: string; bytes: Buffer }[], caseId: string, key: Uint8Array): Buffer[] {
  return values.flatMap(({ column, bytes }) => {
    try {
      return [openBlob(key, aadOf(caseId, column), bytes)]
    } catch {
      return []
    }
  })
}

/** Every case key still on disk. */
function keysLeft(dataDir: string): Uint8Array[] {
  const keys = caseKeysOf(dataDir)
  return fs.readdirSync(keys.dir).filter((n) => n.endsWith('.key')).map((n) => keys.get(n.slice(0, -4))).filter((k): k is Buffer => k !== null)
}

/** A case carrying `marker` in its title, an item (over a real WebSocket), a saved snapshot and a meeting. */
async function caseWithMarker(s: TestServer, marker: string): Promise<string> {
  const id = await createCase(s.url, `Gezin ${marker}`)
  const c = connect(s, id, TEST_ORG_KEY)
  clients.push(c)
  await synced(c)
  addItem(c.doc, { kind: 'problem', text: `Schulden ${marker}`, pos: { x: 0, y: 0 }, author })
  await vi.waitFor(() => expect(listItems(storedDoc(s.dataDir, id)).map((i) => i.text)).toContain(`Schulden ${marker}`), { timeout: 20_000 })
  expect((await api(s.url, 'POST', `/api/cases/${id}/snapshots`, { body: { label: `Intake ${marker}`, savedBy: 'Sanne' } })).status).toBe(201)
  const meeting = await api(s.url, 'POST', `/api/cases/${id}/meetings`, { body: { startedBy: 'Sanne' } })
  expect(meeting.status).toBe(201)
  const ended = await api(s.url, 'POST', `/api/cases/${id}/meetings/${meeting.body.id}/end`, {
    body: { participants: [{ name: `Jan ${marker}`, role: 'resident' }], note: `Afspraak ${marker}`, endedBy: 'Sanne' },
  })
  expect(ended.status).toBe(200)
  return id
}

describe.skipIf(onPostgres)(`erasing a case (crypto-shredding)${onPostgres ? ' (skipped on PostgreSQL: about the SQLite file; tests/integration/pgStorage.test.ts covers PostgreSQL)' : ''}`, () => {
  it('leaves its content nowhere: not in the database, the WAL, a backup taken before, or DATA_DIR; not even decryptable', async () => {
    const dataDir = tempDir()
    const s = await start(dataDir)
    const marker = `KTMARK${randomBytes(8).toString('hex')}`
    const otherMarker = `KTKEEP${randomBytes(8).toString('hex')}`
    const id = await caseWithMarker(s, marker)
    const other = await caseWithMarker(s, otherMarker)

    // Encryption really happens: the marker is nowhere on disk in plain text, yet the case reads back.
    expect(holding(marker, filesUnder(dataDir))).toEqual([])
    expect((await api(s.url, 'GET', `/api/cases/${id}`)).body.title).toBe(`Gezin ${marker}`)

    // A backup before the erasure; its sealed values open with the case's key (and hold the marker).
    const backup = path.join(tempDir('kt-backup-'), 'backup.db')
    const live = new Database(dbFile(dataDir))
    await live.backup(backup)
    live.close()
    const inBackup = sealedValuesOf(backup, id)
    const key = caseKeysOf(dataDir).get(id)
    expect(key).not.toBeNull()
    const columns = new Set(inBackup.map((v) => v.column))
    for (const c of ['cases.title', 'case_state.state', 'snapshots.state', 'snapshots.label', 'snapshots.plan', 'meetings.note', 'meetings.participants']) expect(columns).toContain(c)
    expect(opened(inBackup, id, key as Buffer).some((p) => p.includes(Buffer.from(marker)))).toBe(true)

    // Another reader holds a read transaction: the WAL cannot be checkpointed while it does.
    const reader = new Database(dbFile(dataDir), { readonly: true })
    reader.prepare('BEGIN').run()
    reader.prepare('SELECT count(*) AS n FROM case_updates').get()
    try {
      expect((await api(s.url, 'DELETE', `/api/cases/${id}`)).status).toBe(204)
      expect(fs.existsSync(path.join(dataDir, 'keys', `${id}.key`))).toBe(false)
      const files = [...filesUnder(dataDir), backup]
      expect(files).toContain(`${dbFile(dataDir)}-wal`)
      expect(holding(marker, files)).toEqual([])
      // The sealed values are still in the backup — and open with no key that is left.
      expect(sealedValuesOf(backup, id).length).toBe(inBackup.length)
      const left = keysLeft(dataDir)
      expect(left.length).toBeGreaterThan(0)
      for (const k of left) expect(opened(inBackup, id, k)).toEqual([])
    } finally {
      reader.prepare('COMMIT').run()
      reader.close()
    }
    expect((await api(s.url, 'GET', `/api/cases/${id}`)).status).toBe(404)

    // The other case is untouched, and works end to end after a restart (its key read back).
    await s.stop()
    const again = await start(dataDir)
    expect((await api(again.url, 'GET', `/api/cases/${other}`)).body.title).toBe(`Gezin ${otherMarker}`)
    const c = connect(again, other, TEST_ORG_KEY)
    clients.push(c)
    await synced(c)
    expect(listItems(c.doc).map((i) => i.text)).toContain(`Schulden ${otherMarker}`)
    addItem(c.doc, { kind: 'wish', text: `Rust ${otherMarker}`, pos: { x: 5, y: 5 }, author })
    await vi.waitFor(() => expect(listItems(storedDoc(dataDir, other)).map((i) => i.text)).toContain(`Rust ${otherMarker}`), { timeout: 20_000 })
    const snapshots = await api(again.url, 'GET', `/api/cases/${other}/snapshots`)
    expect(snapshots.body.map((x: { label: string }) => x.label)).toContain(`Intake ${otherMarker}`)
    const meetings = await api(again.url, 'GET', `/api/cases/${other}/meetings`)
    expect(JSON.stringify(meetings.body)).toContain(`Afspraak ${otherMarker}`)
    expect(holding(otherMarker, filesUnder(dataDir))).toEqual([])
  }, 120_000)
})

describe.skipIf(onPostgres)(`a database from before encryption at rest${onPostgres ? ' (skipped on PostgreSQL: about upgrading an SQLite file)' : ''}`, () => {
  it('is sealed in place at start, and still reads', async () => {
    const dataDir = tempDir()
    let s = await start(dataDir)
    const marker = `KTOLD${randomBytes(8).toString('hex')}`
    const id = await caseWithMarker(s, marker)
    await s.stop()
    // As the release before left it: schema 9, content in plain text, no key directory.
    downgradeDatabase(dataDir, 9)
    expect(holding(marker, filesUnder(dataDir))).toEqual([dbFile(dataDir)])
    expect(fs.existsSync(path.join(dataDir, 'keys', `${id}.key`))).toBe(false)

    for (let round = 0; round < 2; round++) {
      s = await start(dataDir)
      expect(holding(marker, filesUnder(dataDir))).toEqual([])
      expect(fs.existsSync(path.join(dataDir, 'keys', `${id}.key`))).toBe(true)
      const r = await api(s.url, 'GET', `/api/cases/${id}`)
      expect(r.body.title).toBe(`Gezin ${marker}`)
      expect(r.body.plan.unassigned.map((i: { text: string }) => i.text)).toEqual([`Schulden ${marker}`])
      expect((await api(s.url, 'GET', `/api/cases/${id}/snapshots`)).body.map((x: { label: string }) => x.label)).toContain(`Intake ${marker}`)
      expect(JSON.stringify((await api(s.url, 'GET', `/api/cases/${id}/meetings`)).body)).toContain(`Afspraak ${marker}`)
      await s.stop()
    }
  }, 120_000)
})
