/**
 * A real PostgreSQL server for tests and the bench: Debian's `postgresql` package, initialised
 * into a temporary folder and started on a free loopback port as the `postgres` user (PostgreSQL
 * refuses to run as root). Each test server gets a database of its own (`createDatabase`); one
 * PostgreSQL serves a whole run. `stop()` stops it (`pg_ctl stop -m fast`) and removes the folder.
 *
 * No test framework imports: the bench and vitest's globalSetup use it too.
 */
import { execFile, execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import * as Y from 'yjs'
import pg from 'pg'
import { freePort } from './ports.ts'
import { storedDoc } from './db.ts'

const run = promisify(execFile)

/** How long PostgreSQL may take to start or stop on a busy machine. */
const READY_TIMEOUT_MS = 60_000

export interface TestPostgres {
  /** A connection URL (superuser `postgres`, no password, loopback); default database `postgres`. */
  url(db?: string): string
  /** Create a fresh, empty database; returns its connection URL. */
  createDatabase(name: string): Promise<string>
  /** Stop the server (fast shutdown: connections end) without removing its folder. */
  halt(): Promise<void>
  /** Start it again after halt(), on the same port with the same data. */
  resume(): Promise<void>
  /** Stop it and remove its folder. */
  stop(): Promise<void>
  readonly port: number
  readonly dataDir: string
}

/** The folder of the installed PostgreSQL binaries (/usr/lib/postgresql/<version>/bin, newest). */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql'
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb'))) : []
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0]
  if (!newest) throw new Error(`PostgreSQL is not installed (no ${root}/<version>/bin/initdb): apt-get install postgresql`)
  return path.join(root, newest, 'bin')
}

/** Run a PostgreSQL program as the `postgres` user when this process is root; as is otherwise. */
function asPostgres(bin: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  const root = process.getuid?.() === 0
  return root ? run('runuser', ['-u', 'postgres', '--', bin, ...args]) : run(bin, args)
}

export async function startPostgres(): Promise<TestPostgres> {
  const bin = postgresBinDir()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-pg-'))
  const dataDir = path.join(dir, 'data')
  if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'postgres:postgres', dir])
  fs.chmodSync(dir, 0o700)
  await asPostgres(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '-N'])
  const port = await freePort()
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=300`
  const pgCtl = path.join(bin, 'pg_ctl')
  const start = () => asPostgres(pgCtl, ['start', '-D', dataDir, '-l', path.join(dir, 'server.log'), '-w', '-t', String(READY_TIMEOUT_MS / 1000), '-o', options])
  await start().catch((err: unknown) => {
    throw new Error(`PostgreSQL did not start: ${(err as Error).message}\n${readLog(dir)}`)
  })
  await waitReady(bin, port)
  const url = (db = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${db}`
  let stopped = false
  return {
    port, dataDir, url,
    async createDatabase(name: string) {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a database name: ${name}`)
      await run(path.join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', name])
      return url(name)
    },
    async halt() {
      await asPostgres(pgCtl, ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', String(READY_TIMEOUT_MS / 1000)])
    },
    async resume() {
      await start()
      await waitReady(bin, port)
    },
    async stop() {
      if (stopped) return
      stopped = true
      try {
        await asPostgres(pgCtl, ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', String(READY_TIMEOUT_MS / 1000)])
      } catch { /* not running */ }
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Wait until the server takes connections (pg_isready), with a generous timeout. */
async function waitReady(bin: string, port: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS
  for (;;) {
    try {
      await run(path.join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres'])
      return
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`PostgreSQL on port ${port} did not become ready: ${(err as Error).message}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}

function readLog(dir: string): string {
  try {
    return fs.readFileSync(path.join(dir, 'server.log'), 'utf8').slice(-2000)
  } catch {
    return ''
  }
}

/** Tests run on PostgreSQL storage (`npm run test:integration:pg`): KT_TEST_STORAGE=postgres. */
export const onPostgres = process.env.KT_TEST_STORAGE === 'postgres'

/** Where the integration run's PostgreSQL is (set by tests/helpers/pgGlobalSetup.ts). */
const RUN_URL_ENV = 'KT_TEST_PG_URL'
/** The file in a test DATA_DIR naming its database: a server restarted on that DATA_DIR finds its data again. */
const DATABASE_FILE = '.test-database'

/**
 * The DATABASE_URL for a test server on `dataDir` when the run is on PostgreSQL (a database of its
 * own, made on first use), or null on SQLite.
 */
export async function testDatabaseUrl(dataDir: string): Promise<string | null> {
  if (!onPostgres) return null
  const base = process.env[RUN_URL_ENV]
  if (!base) throw new Error(`KT_TEST_STORAGE=postgres needs the integration project's globalSetup (${RUN_URL_ENV} is not set)`)
  const file = path.join(dataDir, DATABASE_FILE)
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim()
  const name = `kt_${randomBytes(8).toString('hex')}`
  const { default: pg } = await import('pg')
  const admin = new pg.Client({ connectionString: base })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  const url = base.replace(/\/[^/]*$/, `/${name}`)
  fs.mkdirSync(dataDir, { recursive: true })
  fs.writeFileSync(file, url + '\n')
  return url
}

/** vitest globalSetup: one PostgreSQL for the whole run when KT_TEST_STORAGE=postgres. */
export async function startRunPostgres(): Promise<(() => Promise<void>) | undefined> {
  if (!onPostgres) return undefined
  const server = await startPostgres()
  process.env[RUN_URL_ENV] = server.url()
  return () => server.stop()
}

/**
 * A statement on the test server's own database on DATA_DIR — the SQLite file, or its PostgreSQL
 * database on a PostgreSQL run — the way an operator would, beside the server's storage module
 * (writes only while the server is stopped). `sql` must be valid in both; `?` placeholders.
 * Returns the rows of a SELECT (none for other statements).
 */
export async function storedRows<R>(dataDir: string, sql: string, params: unknown[] = []): Promise<R[]> {
  if (!onPostgres) {
    const { default: Database } = await import('better-sqlite3')
    const reads = /^\s*select\b/i.test(sql)
    const db = new Database(path.join(dataDir, 'keukentafel.db'), { readonly: reads })
    try {
      const st = db.prepare(sql)
      if (!reads) {
        st.run(...params)
        return []
      }
      return st.all(...params) as R[]
    } finally {
      db.close()
    }
  }
  const { default: pg } = await import('pg')
  const c = new pg.Client({ connectionString: await testDatabaseUrl(dataDir) as string })
  await c.connect()
  try {
    let n = 0
    return (await c.query(sql.replace(/\?/g, () => `$${++n}`), params)).rows as R[]
  } finally {
    await c.end()
  }
}

/**
 * The case's document as its storage holds it: the SQLite file read directly (db.ts storedDoc), or
 * on PostgreSQL the compacted state and log rows as the storage's document log reads them.
 */
export async function storedCaseDoc(server: { dataDir: string; storage: { docLog: { load(caseId: string): Promise<{ state: { data: Uint8Array } | null; updates: { data: Uint8Array }[] }> } } }, caseId: string): Promise<Y.Doc> {
  if (!onPostgres) return storedDoc(server.dataDir, caseId)
  const stored = await server.storage.docLog.load(caseId)
  const doc = new Y.Doc()
  for (const blob of stored.state ? [stored.state, ...stored.updates] : stored.updates) Y.applyUpdate(doc, blob.data)
  return doc
}

/** One statement on a PostgreSQL database by URL (a connection of its own); the rows. */
export async function pgQuery<R extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    return (await c.query<R>(sql, params)).rows
  } finally {
    await c.end()
  }
}
