/**
 * `npm run migrate-to-postgres -- --from <DATA_DIR or keukentafel.db> --to <postgres://…>`: move an
 * SQLite installation to PostgreSQL (docs/deploy.md, "Moving from SQLite to PostgreSQL"). Stop the
 * server first. Reads KEY_DIR and MASTER_KEY / MASTER_KEY_FILE like the server does (defaults:
 * DATA_DIR/keys and DATA_DIR/master.key, DATA_DIR being the folder of the database).
 *
 *   1. a consistent copy of the SQLite database (`VACUUM INTO`, one read transaction) into a
 *      private temporary folder; the source is only read. A schema older than this version's, or
 *      cases from before encryption at rest, are refused: start this version once on SQLite first.
 *   2. the PostgreSQL migrations on the target (pg/migrations.ts); a target that holds any row in
 *      any table is refused: nothing is ever merged or overwritten.
 *   3. every table of both schemas must be mapped here (TABLES): a table or column that only one
 *      side knows stops the tool before anything is written, so a future migration is never
 *      silently dropped.
 *   4. all rows copied in ONE PostgreSQL transaction, bytes as they are: sealed content stays
 *      sealed with the per-case keys in KEY_DIR (which stay valid: the PostgreSQL instances must use
 *      the same KEY_DIR and master key). Sequences (bigserial columns) are set past every value
 *      used, including SQLite's AUTOINCREMENT high-water marks and compacted log positions.
 *      Row counts per table are checked before the commit.
 *   5. after the commit, per case: the case, its document log, the document (Y.encodeStateAsUpdate),
 *      snapshots (and their states), meetings and invites read through the PostgreSQL storage equal
 *      what the SQLite storage reads from the copy; accounts and teams likewise.
 *
 * Prints a short summary (tables, rows, cases verified) and never any case content.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { isDeepStrictEqual, parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import pg from 'pg'
import * as Y from 'yjs'
import { readErasureSettings } from '../erasureSettings.ts'
import { CaseKeys, fingerprintOf, MasterKeyError, parseMasterKey } from '../storage/caseKeys.ts'
import { isSealedText } from '../storage/sealFormat.js'
import { DB_SCHEMA_VERSION, SqliteStorage } from '../storage/sqlite.ts'
import { migrate, PG_SCHEMA_VERSION } from '../storage/pg/migrations.ts'
import { PgStorage } from '../storage/pg/pgStorage.ts'
import { inTransaction, openPool, type Pool } from '../storage/pg/pool.ts'
import type { StoredLog } from '../storage/docLog.ts'
import type { Storage } from '../storage/storage.ts'

/**
 * Every table, in an order that satisfies the foreign keys. `extra`: PostgreSQL columns SQLite
 * has not, and what fills them (`rowid`: SQLite's row order, which PostgreSQL keeps in `ord`).
 * `seqAbove`: values elsewhere that a table's sequence must stay above (a compacted log's position).
 */
interface TableMap {
  table: string
  extra?: Record<string, 'rowid'>
  seqAbove?: { table: string; column: string }[]
}
const TABLES: readonly TableMap[] = [
  { table: 'settings' },
  { table: 'teams' },
  { table: 'accounts' },
  { table: 'cases' },
  { table: 'case_state' },
  { table: 'case_updates', seqAbove: [{ table: 'case_state', column: 'upto_seq' }] },
  { table: 'invites', extra: { ord: 'rowid' } },
  { table: 'sessions' },
  { table: 'case_sessions' },
  { table: 'audit' },
  { table: 'snapshots', extra: { ord: 'rowid' } },
  { table: 'meetings', extra: { ord: 'rowid' } },
  { table: 'api_tokens' },
  { table: 'case_members' },
]
/** PostgreSQL's own bookkeeping, not data: filled by its migrations. */
const PG_ONLY_TABLES = new Set(['schema_migrations'])

/** Rows per INSERT (bounded by PostgreSQL's 65535 parameters) and bytes per INSERT. */
const MAX_PARAMS = 30_000
const MAX_BATCH_BYTES = 8 * 1024 * 1024
/** Cases verified at once. */
const VERIFY_CONCURRENCY = 4

/** Refused input or a failed step; the message says what to do and holds no case content. */
export class MigrateError extends Error {
  override name = 'MigrateError'
}

export interface MigrateOptions {
  /** DATA_DIR (holding keukentafel.db) or the database file itself. */
  from: string
  /** postgres://user:password@host:port/database */
  to: string
  /** KEY_DIR, MASTER_KEY, MASTER_KEY_FILE (default: process.env). */
  env?: NodeJS.ProcessEnv
  /** Progress lines (no content); default none. */
  progress?: (line: string) => void
}

export interface MigrateSummary {
  tables: { table: string; rows: number }[]
  rows: number
  /** Cases whose document, snapshots, meetings and invites read the same through both storages. */
  casesVerified: number
  /** Cases without a usable key file: copied byte for byte, but their content cannot be read on either side. */
  casesWithoutKey: number
  keyDir: string
  /** How to give the PostgreSQL instances the same master key. */
  masterKey: { fingerprint: string; source: 'MASTER_KEY' | 'MASTER_KEY_FILE' | 'generated'; file: string | null } | null
  target: string
}

/** The URL without its password: host, port and database. */
export function describeTarget(url: string): string {
  try {
    const u = new URL(url)
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`
  } catch {
    return '(not a URL)'
  }
}

interface Source { file: string; dataDir: string }

function resolveSource(from: string): Source {
  const p = path.resolve(from)
  let st: fs.Stats
  try {
    st = fs.statSync(p)
  } catch {
    throw new MigrateError(`--from: ${p} does not exist. Give the server's DATA_DIR (the folder holding keukentafel.db) or the database file.`)
  }
  const file = st.isDirectory() ? path.join(p, 'keukentafel.db') : p
  if (!fs.existsSync(file)) throw new MigrateError(`--from: ${p} holds no keukentafel.db. Give the server's DATA_DIR (the folder holding keukentafel.db) or the database file.`)
  const head = Buffer.alloc(16)
  const fd = fs.openSync(file, 'r')
  try {
    fs.readSync(fd, head, 0, 16, 0)
  } finally {
    fs.closeSync(fd)
  }
  if (head.toString('latin1') !== 'SQLite format 3\u0000') throw new MigrateError(`--from: ${file} is not an SQLite database.`)
  return { file, dataDir: path.dirname(file) }
}

function checkTarget(to: string): void {
  let u: URL
  try {
    u = new URL(to)
  } catch {
    throw new MigrateError('--to must be a PostgreSQL URL such as postgres://keukentafel:password@db.example.nl:5432/keukentafel (the value given is not one).')
  }
  if ((u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') || u.hostname === '' || !/^\/[^/]+$/.test(u.pathname)) {
    throw new MigrateError('--to must be a PostgreSQL URL such as postgres://keukentafel:password@db.example.nl:5432/keukentafel, naming the database.')
  }
}

/** Temporary folders of runs under way: removed also when the tool is interrupted (main). */
const tempDirs = new Set<string>()

/** A private folder for the copy: beside the database (same disk, same protection), else the system's temp folder. */
function privateTempDir(near: string): string {
  for (const base of [near, os.tmpdir()]) {
    try {
      const dir = fs.mkdtempSync(path.join(base, '.kt-migrate-'))
      fs.chmodSync(dir, 0o700)
      tempDirs.add(dir)
      return dir
    } catch { /* next */ }
  }
  throw new MigrateError(`Cannot make a temporary folder beside ${near} or in ${os.tmpdir()} for the copy of the database.`)
}

/** A consistent copy of the database (one read transaction); the source is opened read-only. */
function snapshotCopy(src: Source, dir: string): string {
  const copy = path.join(dir, 'keukentafel.db')
  let db: Database.Database
  try {
    db = new Database(src.file, { readonly: true, fileMustExist: true })
  } catch (err) {
    throw new MigrateError(`Cannot open ${src.file} (${(err as { code?: string }).code ?? (err as Error).message}).`)
  }
  try {
    db.pragma('busy_timeout = 10000')
    const version = db.pragma('user_version', { simple: true }) as number
    if (version < DB_SCHEMA_VERSION) {
      throw new MigrateError(`${src.file} has schema version ${version}; this version of Keukentafel writes ${DB_SCHEMA_VERSION}. ` +
        'Start this version of Keukentafel once on the SQLite database (without DATABASE_URL, with the same DATA_DIR, KEY_DIR and master key): ' +
        'it upgrades the database at start. Stop it, then run this tool again.')
    }
    if (version > DB_SCHEMA_VERSION) {
      throw new MigrateError(`${src.file} was written by a newer Keukentafel (schema ${version}, this one knows ${DB_SCHEMA_VERSION}). Use that version's tool.`)
    }
    db.prepare('VACUUM INTO ?').run(copy)
  } catch (err) {
    if (err instanceof MigrateError) throw err
    throw new MigrateError(`Cannot copy ${src.file} (${(err as { code?: string }).code ?? (err as Error).message}).`)
  } finally {
    db.close()
  }
  return copy
}

interface ColumnInfo { name: string; pgType: string }
interface TablePlan { map: TableMap; sqliteColumns: string[]; columns: ColumnInfo[] }

/** Both schemas against TABLES: every table and column of either side accounted for, or a MigrateError naming what is not. */
async function planTables(db: Database.Database, c: pg.PoolClient): Promise<TablePlan[]> {
  const sqliteTables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").all().map((r) => r.name)
  const pgTables = (await c.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")).rows
    .map((r) => r.name).filter((n) => !PG_ONLY_TABLES.has(n))
  const mapped = new Set(TABLES.map((t) => t.table))
  const problems: string[] = []
  for (const t of sqliteTables) if (!mapped.has(t)) problems.push(`the SQLite table ${t} is not mapped`)
  for (const t of pgTables) if (!mapped.has(t)) problems.push(`the PostgreSQL table ${t} is not mapped (a table of another program, or of a newer Keukentafel, in the target?)`)
  for (const t of mapped) {
    if (!sqliteTables.includes(t)) problems.push(`the mapped table ${t} is missing in SQLite`)
    if (!pgTables.includes(t)) problems.push(`the mapped table ${t} is missing in PostgreSQL`)
  }
  const plans: TablePlan[] = []
  if (problems.length === 0) {
    for (const map of TABLES) {
      const sqliteColumns = db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${map.table}')`).all().map((r) => r.name)
      const pgColumns = (await c.query<{ name: string; type: string }>(
        'SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position', [map.table])).rows
      const pgNames = new Set(pgColumns.map((col) => col.name))
      for (const col of sqliteColumns) if (!pgNames.has(col)) problems.push(`the SQLite column ${map.table}.${col} has no PostgreSQL column`)
      for (const col of pgColumns) {
        if (!sqliteColumns.includes(col.name) && !map.extra?.[col.name]) problems.push(`the PostgreSQL column ${map.table}.${col.name} has no SQLite column`)
      }
      plans.push({ map, sqliteColumns, columns: pgColumns.map((col) => ({ name: col.name, pgType: col.type })) })
    }
  }
  if (problems.length > 0) {
    throw new MigrateError(`The SQLite and PostgreSQL schemas do not match what this tool copies: ${problems.join('; ')}. ` +
      'Nothing was written. This version of the tool cannot move this database (server/cli/migrateToPostgres.ts, TABLES, must learn the change).')
  }
  return plans
}

/** A value read from SQLite (integers as BigInt) as a query parameter. */
function param(v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v
}
function byteSize(v: unknown): number {
  if (Buffer.isBuffer(v)) return v.byteLength
  if (typeof v === 'string') return v.length
  return 8
}

async function copyTable(db: Database.Database, c: pg.PoolClient, plan: TablePlan): Promise<number> {
  const { map, columns } = plan
  const select = columns.map((col) => (plan.sqliteColumns.includes(col.name) ? `"${col.name}"` : `${map.extra?.[col.name] as string} AS "${col.name}"`))
  const rows = db.prepare(`SELECT ${select.join(', ')} FROM "${map.table}" ORDER BY rowid`).raw(true).safeIntegers(true).iterate() as IterableIterator<unknown[]>
  const perBatch = Math.max(1, Math.floor(MAX_PARAMS / columns.length))
  const insert = `INSERT INTO "${map.table}" (${columns.map((col) => `"${col.name}"`).join(', ')}) VALUES `
  let batch: unknown[][] = []
  let bytes = 0
  let n = 0
  const flush = async () => {
    if (batch.length === 0) return
    const params: unknown[] = []
    const tuples = batch.map((row) => `(${row.map((v) => { params.push(param(v)); return `$${params.length}` }).join(', ')})`)
    try {
      await c.query(insert + tuples.join(', '), params)
    } catch (err) {
      // The database's message names the constraint, never a value (those are in `detail`, not shown).
      throw new MigrateError(`Copying the table ${map.table} failed (${(err as { code?: string }).code ?? 'error'}: ${(err as Error).message}). Nothing was written.`)
    }
    n += batch.length
    batch = []
    bytes = 0
  }
  for (const row of rows) {
    batch.push(row)
    bytes += row.reduce<number>((s, v) => s + byteSize(v), 0)
    if (batch.length >= perBatch || bytes >= MAX_BATCH_BYTES) await flush()
  }
  await flush()
  return n
}

/** Every serial column's sequence set past every value used (SQLite AUTOINCREMENT high-water marks included). */
async function fixSequences(db: Database.Database, c: pg.PoolClient): Promise<void> {
  const hasSeqTable = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").get() !== undefined
  const highWater = new Map<string, number>(hasSeqTable
    ? db.prepare<[], { name: string; seq: number }>('SELECT name, seq FROM sqlite_sequence').all().map((r) => [r.name, Number(r.seq)])
    : [])
  const serials = (await c.query<{ table: string; column: string; seq: string }>(`
    SELECT table_name AS table, column_name AS column, pg_get_serial_sequence(quote_ident(table_name), column_name) AS seq
    FROM information_schema.columns WHERE table_schema = current_schema() AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')`)).rows
  for (const s of serials) {
    const map = TABLES.find((t) => t.table === s.table)
    if (!map || !s.seq) continue
    let floor = Number((await c.query<{ m: number | null }>(`SELECT max("${s.column}") AS m FROM "${s.table}"`)).rows[0]?.m ?? 0)
    // SQLite's AUTOINCREMENT counter belongs to the table's INTEGER PRIMARY KEY (the rowid).
    const pk = db.prepare<[], { name: string; pk: number; type: string }>(`SELECT name, pk, type FROM pragma_table_info('${s.table}')`).all()
    const rowidColumn = pk.filter((col) => col.pk > 0).length === 1 ? pk.find((col) => col.pk === 1 && /^integer$/i.test(col.type))?.name : undefined
    if (rowidColumn === s.column) floor = Math.max(floor, highWater.get(s.table) ?? 0)
    for (const above of map.seqAbove ?? []) {
      floor = Math.max(floor, Number((await c.query<{ m: number | null }>(`SELECT max("${above.column}") AS m FROM "${above.table}"`)).rows[0]?.m ?? 0))
    }
    if (floor > 0) await c.query('SELECT setval($1::regclass, $2, true)', [s.seq, floor])
    else await c.query('SELECT setval($1::regclass, 1, false)', [s.seq])
  }
}

function pgProblem(err: unknown, target: string): MigrateError {
  const code = (err as { code?: string }).code ?? ''
  const message = (err as Error).message ?? String(err)
  if (/^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ECONNRESET)$/.test(code) || /timeout|terminated/i.test(message)) {
    return new MigrateError(`Cannot reach PostgreSQL at ${target} (${code || message}). Check the host, the port and that PostgreSQL runs. Nothing was written.`)
  }
  if (code === '28P01' || code === '28000') return new MigrateError(`PostgreSQL at ${target} refused the user or password in --to (${code}). Nothing was written.`)
  if (code === '55P03') return new MigrateError(`The tables at ${target} are in use (${code}): stop every Keukentafel instance on that database first. Nothing was written.`)
  if (code === '3D000') return new MigrateError(`The database in --to does not exist at ${target} (${code}): create an empty database first (createdb). Nothing was written.`)
  return new MigrateError(`PostgreSQL at ${target} failed (${code || 'error'}: ${message}). Nothing was written.`)
}

/** Compare one thing read through both storages: equal values, or the same kind of failure. */
async function same<T>(a: () => Promise<T>, b: () => Promise<T>): Promise<boolean> {
  const settle = async (f: () => Promise<T>) => {
    try {
      return { ok: true as const, v: await f() }
    } catch (err) {
      return { ok: false as const, v: (err as Error).name }
    }
  }
  const [x, y] = await Promise.all([settle(a), settle(b)])
  return isDeepStrictEqual(normalise(x), normalise(y))
}
function normalise(v: unknown): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64')
  if (Array.isArray(v)) return v.map(normalise)
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalise(x)]))
  return v
}

/** The document the storage's log holds, encoded (null when a blob is damaged or unreadable). */
function docOf(log: StoredLog): Buffer | null {
  const blobs = log.state ? [log.state, ...log.updates] : log.updates
  if (blobs.some((b) => !b.ok)) return null
  const doc = new Y.Doc()
  try {
    for (const b of blobs) Y.applyUpdate(doc, b.data)
    return Buffer.from(Y.encodeStateAsUpdate(doc))
  } finally {
    doc.destroy()
  }
}

/** Per case (and for accounts and teams): what the PostgreSQL storage reads equals what the SQLite storage reads. */
async function verify(sqlite: Storage, pgs: Storage, caseIds: string[], keys: CaseKeys, progress: (l: string) => void): Promise<{ verified: number; withoutKey: number }> {
  const failed: string[] = []
  const byId = <T extends { id: string }>(xs: T[]) => [...xs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  if (!await same(async () => byId(await sqlite.accounts.listAccounts()), async () => byId(await pgs.accounts.listAccounts()))) failed.push('accounts')
  if (!await same(async () => byId(await sqlite.accounts.listTeams()), async () => byId(await pgs.accounts.listTeams()))) failed.push('teams')
  for (const a of await sqlite.accounts.listAccounts()) {
    if (!await same(() => sqlite.accounts.listApiTokens(a.id), () => pgs.accounts.listApiTokens(a.id))) {
      failed.push('API tokens')
      break
    }
  }
  let verified = 0
  let withoutKey = 0
  let done = 0
  const one = async (i: number, id: string) => {
    const problems: string[] = []
    const check = async (what: string, f: (s: Storage) => Promise<unknown>) => {
      if (!await same(() => f(sqlite), () => f(pgs))) problems.push(what)
    }
    await check('case', (s) => s.getCase(id))
    const [a, b] = await Promise.all([sqlite.docLog.load(id), pgs.docLog.load(id)])
    if (!isDeepStrictEqual(normalise(a), normalise(b))) problems.push('document log')
    const docA = docOf(a)
    const docB = docOf(b)
    if (docA === null || docB === null ? docA !== docB : !docA.equals(docB)) problems.push('document')
    await check('snapshots', (s) => s.listSnapshots(id))
    for (const snap of await sqlite.listSnapshots(id).catch(() => [])) {
      await check('snapshot state', (s) => s.getSnapshotState(id, snap.id))
      await check('snapshot plan', (s) => s.getSnapshot(id, snap.id))
    }
    await check('meetings', (s) => s.listMeetings(id))
    await check('next meeting', (s) => s.nextMeeting(id))
    await check('invites', (s) => s.listInvites(id))
    await check('members', (s) => s.accounts.listCaseMembers(id))
    if (problems.length > 0) failed.push(`case #${i + 1} (${problems.join(', ')})`)
    else if (keys.get(id) === null) withoutKey++
    else verified++
    if (++done % 100 === 0) progress(`verified ${done} of ${caseIds.length} cases`)
  }
  // A few cases at a time: each waits mostly on PostgreSQL and the SQLite document-log worker.
  let next = 0
  await Promise.all(Array.from({ length: VERIFY_CONCURRENCY }, async () => {
    while (next < caseIds.length) {
      const i = next++
      await one(i, caseIds[i] as string)
    }
  }))
  if (failed.length > 0) {
    throw new MigrateError(`Verification failed: ${failed.slice(0, 10).join('; ')}${failed.length > 10 ? ` and ${failed.length - 10} more` : ''}. ` +
      'The PostgreSQL database now holds a copy that differs from the SQLite database: do not start Keukentafel on it. ' +
      'Drop it, create an empty one and report this; the SQLite installation is unchanged.')
  }
  return { verified, withoutKey }
}

export async function migrateToPostgres(opts: MigrateOptions): Promise<MigrateSummary> {
  const progress = opts.progress ?? (() => {})
  const env = opts.env ?? process.env
  const src = resolveSource(opts.from)
  checkTarget(opts.to)
  const target = describeTarget(opts.to)

  // The key settings exactly as the server reads them, with DATA_DIR the database's folder.
  const problems: string[] = []
  const erasure = readErasureSettings(env, src.dataDir, problems)
  if (problems.length > 0) throw new MigrateError(problems.join('\n'))
  if (erasure.masterKeyPrevious) {
    throw new MigrateError('MASTER_KEY_PREVIOUS is set: finish the master key rotation on SQLite first (start the server once with it, then remove it), then run this tool without it.')
  }

  const tmp = privateTempDir(src.dataDir)
  const pool: Pool = openPool(opts.to, () => {}, 2)
  let sqlite: SqliteStorage | null = null
  let pgs: PgStorage | null = null
  try {
    progress(`copying ${src.file} (one read transaction)`)
    const copyFile = snapshotCopy(src, tmp)
    const db = new Database(copyFile, { fileMustExist: true })
    let caseIds: string[]
    let keys: CaseKeys
    let tables: { table: string; rows: number }[]
    try {
      const cases = db.prepare<[], { id: string; title: string }>('SELECT id, title FROM cases ORDER BY rowid').all()
      if (cases.some((c) => !isSealedText(c.title))) {
        throw new MigrateError(`${src.file} holds cases from before encryption at rest. Start this version of Keukentafel once on the SQLite database ` +
          '(without DATABASE_URL, with the same DATA_DIR, KEY_DIR and master key): it seals them at start. Stop it, then run this tool again.')
      }
      caseIds = cases.map((c) => c.id)

      // The keys are only read, never made: the tool must not generate a master key or a key folder.
      const generated = path.join(src.dataDir, 'master.key')
      if (caseIds.length > 0) {
        if (!fs.existsSync(erasure.keyDir)) {
          throw new MigrateError(`The key directory ${erasure.keyDir} does not exist, but the database holds ${caseIds.length} case(s). Set KEY_DIR to the server's key directory.`)
        }
        if (!erasure.masterKey && !fs.existsSync(generated)) {
          throw new MigrateError(`No master key: set MASTER_KEY or MASTER_KEY_FILE to the one the server uses (${generated} does not exist).`)
        }
      }

      // The installation's keys, only read (for the verification); without cases, keys of a
      // throwaway folder (nothing of the installation is read or made).
      try {
        keys = caseIds.length > 0
          ? new CaseKeys({ dir: erasure.keyDir, master: erasure.masterKey, dataDir: src.dataDir })
          : new CaseKeys({ dir: path.join(tmp, 'keys'), master: randomBytes(32), dataDir: tmp })
      } catch (err) {
        if (err instanceof MasterKeyError) throw new MigrateError(err.message)
        throw err
      }

      let client: pg.PoolClient
      try {
        client = await pool.connect()
      } catch (err) {
        throw pgProblem(err, target)
      }
      try {
        await client.query('SELECT 1')
      } catch (err) {
        client.release(true)
        throw pgProblem(err, target)
      }
      client.release()
      // A database that holds other tables but no Keukentafel schema is somebody else's: never write into it.
      const existing = (await pool.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()")).rows.map((r) => r.name)
      if (existing.length > 0 && !existing.includes('schema_migrations')) {
        throw new MigrateError(`The PostgreSQL database at ${target} is not empty: it holds ${existing.length} table(s) that are not Keukentafel's. ` +
          'Create a new, empty database (createdb) and give that as --to. Nothing was written.')
      }
      progress(`migrating the PostgreSQL schema at ${target}`)
      try {
        await migrate(pool)
      } catch (err) {
        if (/newer Keukentafel/.test((err as Error).message)) throw new MigrateError(`${target}: ${(err as Error).message}`)
        throw pgProblem(err, target)
      }

      tables = await inTransaction(pool, async (c) => {
        const plans = await planTables(db, c)
        // No instance may write while we look and copy; one that holds the tables is reported, not waited for.
        await c.query("SET LOCAL lock_timeout = '15s'")
        await c.query(`LOCK TABLE ${plans.map((p) => `"${p.map.table}"`).join(', ')} IN EXCLUSIVE MODE`)
        const held: string[] = []
        for (const p of plans) {
          if ((await c.query(`SELECT EXISTS (SELECT 1 FROM "${p.map.table}") AS e`)).rows[0]?.e) held.push(p.map.table)
        }
        if (held.length > 0) {
          throw new MigrateError(`The PostgreSQL database at ${target} is not empty (rows in ${held.join(', ')}). ` +
            'This tool copies into an empty database only and never merges or overwrites: create a new, empty database (createdb) and give that as --to. Nothing was written.')
        }
        const counted: { table: string; rows: number }[] = []
        for (const p of plans) {
          const n = await copyTable(db, c, p)
          progress(`${p.map.table}: ${n} rows`)
          counted.push({ table: p.map.table, rows: n })
        }
        await fixSequences(db, c)
        const mismatched: string[] = []
        for (const t of counted) {
          const inSqlite = Number((db.prepare(`SELECT count(*) AS n FROM "${t.table}"`).get() as { n: number }).n)
          const inPg = Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM "${t.table}"`)).rows[0]?.n)
          if (inSqlite !== inPg || inPg !== t.rows) mismatched.push(`${t.table} (SQLite ${inSqlite}, PostgreSQL ${inPg})`)
        }
        if (mismatched.length > 0) throw new MigrateError(`Row counts differ after copying: ${mismatched.join(', ')}. Nothing was written.`)
        return counted
      }).catch((err: unknown) => {
        throw err instanceof MigrateError ? err : pgProblem(err, target)
      })
    } finally {
      db.close()
    }
    progress(`committed ${tables.reduce((s, t) => s + t.rows, 0)} rows in one transaction; verifying ${caseIds.length} case(s)`)

    sqlite = new SqliteStorage(copyFile, keys)
    pgs = new PgStorage(opts.to, keys)
    const { verified, withoutKey } = await verify(sqlite, pgs, caseIds, keys, progress)

    const generatedFile = path.join(src.dataDir, 'master.key')
    const master = erasure.masterKey ?? (fs.existsSync(generatedFile) ? parseMasterKey(fs.readFileSync(generatedFile, 'utf8')) : null)
    const masterKey: MigrateSummary['masterKey'] = !master ? null : erasure.masterKey
      ? env.MASTER_KEY?.trim()
        ? { fingerprint: fingerprintOf(master), source: 'MASTER_KEY', file: null }
        : { fingerprint: fingerprintOf(master), source: 'MASTER_KEY_FILE', file: path.resolve((env.MASTER_KEY_FILE ?? '').trim()) }
      : { fingerprint: fingerprintOf(master), source: 'generated', file: generatedFile }
    return {
      tables, rows: tables.reduce((s, t) => s + t.rows, 0), casesVerified: verified, casesWithoutKey: withoutKey,
      keyDir: erasure.keyDir, masterKey, target,
    }
  } finally {
    await sqlite?.close().catch(() => {})
    await pgs?.close().catch(() => {})
    await pool.end().catch(() => {})
    fs.rmSync(tmp, { recursive: true, force: true })
    tempDirs.delete(tmp)
  }
}

const USAGE = `Usage: npm run migrate-to-postgres -- --from <DATA_DIR or keukentafel.db> --to <postgres://user:password@host:5432/database>

Copies a stopped SQLite installation into an EMPTY PostgreSQL database, in one transaction, and
verifies it. Uses KEY_DIR and MASTER_KEY / MASTER_KEY_FILE as the server does (default
DATA_DIR/keys and DATA_DIR/master.key). See docs/deploy.md, "Moving from SQLite to PostgreSQL".`

export function formatSummary(s: MigrateSummary): string {
  const width = Math.max(...s.tables.map((t) => t.table.length))
  const lines = [
    `Moved to PostgreSQL at ${s.target} (PostgreSQL schema ${PG_SCHEMA_VERSION}), in one transaction:`,
    ...s.tables.map((t) => `  ${t.table.padEnd(width)}  ${t.rows}`),
    `  ${'total'.padEnd(width)}  ${s.rows} rows in ${s.tables.length} tables`,
    `Verified: row counts of every table; ${s.casesVerified} case(s) read the same through both storages (case, document, snapshots, meetings, invites, members); accounts and teams.`,
  ]
  if (s.casesWithoutKey > 0) lines.push(`Warning: ${s.casesWithoutKey} case(s) have no usable key file in ${s.keyDir}: copied as they are, but unreadable (as they were on SQLite).`)
  lines.push('Start the PostgreSQL instances with:', `  DATABASE_URL=<the --to URL>`, `  KEY_DIR=${s.keyDir}`)
  if (s.masterKey?.source === 'generated') lines.push(`  MASTER_KEY_FILE=${s.masterKey.file} (the master key generated on SQLite; better: copy it into your secret store and set MASTER_KEY) — fingerprint ${s.masterKey.fingerprint}`)
  else if (s.masterKey) lines.push(`  ${s.masterKey.source}=<the same as now>${s.masterKey.file ? ` (${s.masterKey.file})` : ''} — fingerprint ${s.masterKey.fingerprint}`)
  return lines.join('\n')
}

async function main(argv: string[]): Promise<number> {
  let values: { from?: string; to?: string; help?: boolean }
  try {
    ({ values } = parseArgs({ args: argv, options: { from: { type: 'string' }, to: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }))
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`)
    return 2
  }
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  if (!values.from || !values.to) {
    console.error(`Both --from and --to are needed.\n\n${USAGE}`)
    return 2
  }
  // Interrupted: PostgreSQL rolls the open transaction back; the copy of the database is removed.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true })
      console.error('Interrupted. Before "committed" was printed nothing was written to PostgreSQL; after it the copy is committed but not verified: drop that database, create an empty one and run the tool again.')
      process.exit(130)
    })
  }
  const started = Date.now()
  const summary = await migrateToPostgres({ from: values.from, to: values.to, progress: (l) => console.error(l) })
  console.log(formatSummary(summary))
  console.log(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s.`)
  return 0
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code },
    (err: unknown) => {
      if (err instanceof MigrateError) console.error(`Refused: ${err.message}`)
      else console.error(`The move failed: ${(err as Error).name}: ${(err as Error).message}. Nothing is changed in the SQLite installation.`)
      process.exitCode = 1
    },
  )
}
