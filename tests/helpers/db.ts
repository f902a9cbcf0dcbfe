/**
 * Test helpers that look at, and damage, a server's SQLite file directly (better-sqlite3), the
 * way a disk fault or an operator would — apart from the server's own storage module. Write only
 * while the server is stopped; reading while it runs is fine (WAL).
 */
import fs from 'node:fs'
import path from 'node:path'
import { createHash } from 'node:crypto'
import Database from 'better-sqlite3'
import * as Y from 'yjs'
import { CaseKeys } from '../../server/storage/caseKeys.ts'
import { caseRewriter } from '../../server/storage/sealExisting.ts'
import { isSealedBlob } from '../../server/storage/sealFormat.js'
import { openSqliteStorage, type SqliteStorage } from '../../server/storage/sqlite.ts'
import { newCaseId } from '../../server/ids.ts'
import { initCaseDoc } from '../../shared/doc.ts'

/** The database file of a DATA_DIR (see server/storage/sqlite.ts, README "Backup"). */
export function dbFile(dataDir: string): string {
  return path.join(dataDir, 'keukentafel.db')
}

/** Bytes on disk: the database file and its write-ahead log. */
export function dbFileBytes(dataDir: string): number {
  let n = 0
  for (const f of [dbFile(dataDir), `${dbFile(dataDir)}-wal`]) {
    try {
      n += fs.statSync(f).size
    } catch { /* absent */ }
  }
  return n
}

/** The case keys of a DATA_DIR whose server ran without MASTER_KEY (DATA_DIR/master.key, DATA_DIR/keys). */
export function caseKeysOf(dataDir: string): CaseKeys {
  return new CaseKeys({ dir: path.join(dataDir, 'keys'), master: null, dataDir })
}

function withDb<T>(dataDir: string, fn: (db: Database.Database) => T): T {
  const db = new Database(dbFile(dataDir))
  try {
    db.pragma('busy_timeout = 5000')
    return fn(db)
  } finally {
    db.close()
  }
}

/**
 * Damage one byte of a stored Yjs blob so that it no longer decodes — the kind of damage that a
 * reader without checksums cannot step around. Tries positions from the middle outwards and
 * takes the first whose flip breaks decoding; returns the damaged copy.
 */
export function breakOneByte(blob: Uint8Array): Uint8Array {
  const order: number[] = []
  const mid = Math.floor(blob.byteLength / 2)
  for (let d = 0; d < blob.byteLength; d++) {
    if (mid + d < blob.byteLength) order.push(mid + d)
    if (d > 0 && mid - d >= 0) order.push(mid - d)
  }
  for (const at of order) {
    const copy = new Uint8Array(blob)
    copy[at] = (copy[at] as number) ^ 0xff
    if (!decodes(copy)) return copy
  }
  throw new Error('no single flipped byte breaks this blob')
}

/** Whether the bytes apply to an empty document completely (nothing left waiting). */
function decodes(update: Uint8Array): boolean {
  try {
    const doc = new Y.Doc()
    Y.applyUpdate(doc, update)
    const broken = doc.store.pendingStructs !== null || doc.store.pendingDs !== null
    doc.destroy()
    return !broken
  } catch {
    return false
  }
}

/** Flip a byte in the case's compacted state row (its checksum column is left as it was). */
export function damageStateRow(dataDir: string, caseId: string): void {
  withDb(dataDir, (db) => {
    const row = db.prepare<[string], { state: Buffer }>('SELECT state FROM case_state WHERE case_id = ?').get(caseId)
    if (!row) throw new Error('the case has no state row')
    db.prepare('UPDATE case_state SET state = ? WHERE case_id = ?').run(Buffer.from(breakOneByte(new Uint8Array(row.state))), caseId)
  })
}

/** Sequence numbers of the case's update-log rows, oldest first. */
export function logSeqs(dataDir: string, caseId: string): number[] {
  return withDb(dataDir, (db) =>
    db.prepare<[string], { seq: number }>('SELECT seq FROM case_updates WHERE case_id = ? ORDER BY seq').all(caseId).map((r) => r.seq))
}

/** Flip a byte in one update-log row (its checksum column is left as it was). */
export function damageLogRow(dataDir: string, caseId: string, seq: number): void {
  withDb(dataDir, (db) => {
    const row = db.prepare<[string, number], { data: Buffer }>('SELECT data FROM case_updates WHERE case_id = ? AND seq = ?').get(caseId, seq)
    if (!row) throw new Error(`no log row ${seq}`)
    db.prepare('UPDATE case_updates SET data = ? WHERE case_id = ? AND seq = ?').run(Buffer.from(breakOneByte(new Uint8Array(row.data))), caseId, seq)
  })
}

/** Overwrite the case's state and every log row with bytes that are no Yjs update at all. */
export function garbleCase(dataDir: string, caseId: string): void {
  const garbage = Buffer.from('this is not a yjs update, only noise \u0000\u00ff\u0013'.repeat(4))
  withDb(dataDir, (db) => {
    db.prepare('UPDATE case_state SET state = ? WHERE case_id = ?').run(garbage, caseId)
    db.prepare('UPDATE case_updates SET data = ? WHERE case_id = ?').run(garbage, caseId)
  })
}

/** The checksum column of the case's state row (null where the schema has none, or none stored). */
export function stateChecksum(dataDir: string, caseId: string): string | null {
  return withDb(dataDir, (db) => {
    const hasSum = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('case_state')").all().some((c) => c.name === 'sum')
    if (!hasSum) return null
    return db.prepare<[string], { sum: string | null }>('SELECT sum FROM case_state WHERE case_id = ?').get(caseId)?.sum ?? null
  })
}

/**
 * The document as stored: the state row, then every log row after it, applied in order (rows
 * that do not apply are skipped). What a server would load; read directly from the file.
 */
export function storedDoc(dataDir: string, caseId: string): Y.Doc {
  const keys = caseKeysOf(dataDir)
  return withDb(dataDir, (db) => {
    const doc = new Y.Doc()
    const st = db.prepare<[string], { state: Buffer; upto_seq: number }>('SELECT state, upto_seq FROM case_state WHERE case_id = ?').get(caseId)
    const blobs: [string, Buffer][] = st ? [['case_state.state', st.state]] : []
    const rows = db.prepare<[string, number], { data: Buffer }>('SELECT data FROM case_updates WHERE case_id = ? AND seq > ? ORDER BY seq').all(caseId, st?.upto_seq ?? 0)
    for (const r of rows) blobs.push(['case_updates.data', r.data])
    for (const [column, b] of blobs) {
      try {
        Y.applyUpdate(doc, keys.openBlob(caseId, column, new Uint8Array(b)))
      } catch { /* a damaged row: skipped */ }
    }
    return doc
  })
}

/**
 * The case's snapshot rows, newest first: stored bytes (state + plan JSON; the state alone) and, where the schema
 * has it, the full snapshot a row is stored as a difference to (`baseId`; null: stored full).
 */
export function snapshotRows(dataDir: string, caseId: string): { id: string; auto: boolean; createdAt: number; bytes: number; stateBytes: number; baseId: string | null }[] {
  return withDb(dataDir, (db) => {
    const hasBase = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('snapshots')").all().some((c) => c.name === 'base_id')
    return db.prepare<[string], { id: string; auto: number; created_at: number; bytes: number; state_bytes: number; base_id: string | null }>(
      `SELECT id, auto, created_at, length(state) + length(plan) AS bytes, length(state) AS state_bytes, ${hasBase ? 'base_id' : 'NULL AS base_id'} FROM snapshots WHERE case_id = ? ORDER BY created_at DESC, rowid DESC`,
    ).all(caseId).map((r) => ({ id: r.id, auto: r.auto === 1, createdAt: r.created_at, bytes: r.bytes, stateBytes: r.state_bytes, baseId: r.base_id }))
  })
}

/** A case's stored document rows exactly as they are: the state row and the update-log rows. */
export interface CaseLogImage {
  state: Record<string, unknown> | null
  updates: Record<string, unknown>[]
}

/** Copy a case's state row and log rows (e.g. while the server runs, before it compacts them). */
export function readCaseLog(dataDir: string, caseId: string): CaseLogImage {
  return withDb(dataDir, (db) => ({
    state: (db.prepare<[string], Record<string, unknown>>('SELECT * FROM case_state WHERE case_id = ?').get(caseId)) ?? null,
    updates: db.prepare<[string], Record<string, unknown>>('SELECT * FROM case_updates WHERE case_id = ? ORDER BY seq').all(caseId),
  }))
}

/**
 * Put a copied image back in place of what is stored now — what a crash (kill -9) between the
 * commit of those rows and the next compaction leaves on disk. Write only while the server is stopped.
 */
export function writeCaseLog(dataDir: string, caseId: string, image: CaseLogImage): void {
  const insert = (db: Database.Database, table: string, row: Record<string, unknown>) => {
    const cols = Object.keys(row)
    db.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(...cols.map((c) => row[c]))
  }
  withDb(dataDir, (db) => db.transaction(() => {
    db.prepare('DELETE FROM case_state WHERE case_id = ?').run(caseId)
    db.prepare('DELETE FROM case_updates WHERE case_id = ?').run(caseId)
    if (image.state) insert(db, 'case_state', image.state)
    for (const u of image.updates) insert(db, 'case_updates', u)
  })())
}

/**
 * What each migration of server/storage/sqlite.ts added, undone: key = the schema version it
 * brought. Add a line with every new migration, so upgrade tests can rebuild a database exactly as
 * an older release left it.
 */
const UNDO_MIGRATION: Readonly<Record<number, string>> = {
  5: 'DROP TABLE meetings; ALTER TABLE cases DROP COLUMN next_meeting;',
  6: 'DROP INDEX invites_id; ALTER TABLE invites DROP COLUMN id; ALTER TABLE invites DROP COLUMN created_by; ALTER TABLE invites DROP COLUMN revoked_at;',
  7: 'ALTER TABLE cases DROP COLUMN archived_at;',
  8: 'DROP TABLE case_sessions;',
  9: 'DROP INDEX audit_case; ALTER TABLE audit DROP COLUMN ground;',
  10: 'DROP INDEX sessions_account; ALTER TABLE sessions DROP COLUMN account_id; DROP INDEX cases_team; ' +
    'ALTER TABLE cases DROP COLUMN owner_id; ALTER TABLE cases DROP COLUMN team_id; DROP TABLE case_members; DROP TABLE api_tokens; DROP TABLE accounts; DROP TABLE teams;',
}

/**
 * Every release before encryption at rest stored case content in plain text and had no key
 * directory: open every sealed value with its case's key, put it back in plain text (checksums
 * over the plain bytes) and remove the key files.
 */
function unsealDatabase(dataDir: string, db: Database.Database): void {
  const keys = caseKeysOf(dataDir)
  const rewrite = caseRewriter(db, (data) => createHash('sha256').update(data).digest('base64url').slice(0, 22))
  db.transaction(() => {
    for (const { id } of db.prepare<[], { id: string }>('SELECT id FROM cases').all()) {
      rewrite(id, {
        blob: (column, v) => (isSealedBlob(v) ? Buffer.from(keys.openBlob(id, column, v)) : v),
        text: (column, v) => keys.openText(id, column, v),
      })
    }
  })()
  db.pragma('wal_checkpoint(TRUNCATE)')
  fs.rmSync(keys.dir, { recursive: true, force: true })
}

/** Take a (closed) database back to schema `version`, newest migration first, and its content back to plain text. */
export function downgradeDatabase(dataDir: string, version: number): void {
  const db = new Database(dbFile(dataDir))
  try {
    unsealDatabase(dataDir, db)
    const current = db.pragma('user_version', { simple: true }) as number
    for (let v = current; v > version; v--) {
      const undo = UNDO_MIGRATION[v]
      if (undo === undefined) throw new Error(`tests/helpers/db.ts: no undo for schema ${v}; add it to UNDO_MIGRATION`)
      db.exec(undo)
    }
    db.pragma(`user_version = ${version}`)
  } finally {
    db.close()
  }
}

/**
 * An SQLite storage in `dir` with one case ('Oud', made from the intake template, created at
 * `at`): where the upgrade tests start before they take the database back to an older schema.
 */
export async function storageWithCase(dir: string, at = Date.now()): Promise<{ storage: SqliteStorage; caseId: string; doc: Y.Doc }> {
  const storage = openSqliteStorage(dir)
  const doc = new Y.Doc()
  initCaseDoc(doc, 'integrale-intake')
  const caseId = newCaseId()
  await storage.createCase({ id: caseId, title: 'Oud', template: 'integrale-intake', createdAt: at, updatedAt: at }, Y.encodeStateAsUpdate(doc))
  return { storage, caseId, doc }
}
