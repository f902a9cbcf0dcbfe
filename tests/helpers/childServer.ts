/**
 * The built server (dist/server/server/main.js) as a child process on a free port, so a test can
 * observe what an in-process server hides: whether the process exits, what it writes to stderr,
 * and what survives a stop and a start on the same DATA_DIR. `npm run build:server` builds it.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { TEST_ORG_KEY, tempDir } from './server.ts'
import { freePort } from './ports.ts'
import { testDatabaseUrl } from './postgres.ts'
import { processCpuSeconds } from '../bench/processCpu.ts'

export { freePort }

/** The built server; KT_SERVER_MAIN points the tests at another build (e.g. of an older commit). */
export const CHILD_MAIN = path.resolve(process.env.KT_SERVER_MAIN ?? 'dist/server/server/main.js')
/** How long a (re)started server may take to answer /healthz on a busy machine. */
export const CHILD_START_TIMEOUT_MS = 30_000
/** How long a SIGTERM'd server may take to store its rooms and exit. */
export const CHILD_STOP_TIMEOUT_MS = 30_000
/** Only the tail of the child's output is kept (it can log a line per refused frame). */
const MAX_KEPT_OUTPUT_CHARS = 256 * 1024

export interface ChildExit {
  code: number | null
  signal: NodeJS.Signals | null
}

export interface ChildServer {
  url: string
  port: number
  dataDir: string
  child: ChildProcess
  /** Resolves when the process has exited, for whatever reason. */
  exited: Promise<ChildExit>
  /** True while the process runs. */
  alive(): boolean
  /** The tail of what the process wrote to stderr / stdout (pino JSON lines). */
  stderr(): string
  stdout(): string
  /** Lines written to stdout so far (counted even when the kept tail is cut). */
  stdoutLines(): number
  /** SIGTERM, then wait for the exit (SIGKILL after CHILD_STOP_TIMEOUT_MS). */
  stop(): Promise<ChildExit>
  /** SIGKILL, and wait for the exit. Safe to call on an exited process. */
  kill(): Promise<ChildExit>
}

export interface ChildServerOptions {
  dataDir?: string
  env?: Record<string, string>
  /** pino level of the child; default 'warn' (refusals are logged, no case content). */
  logLevel?: string
  /** Called with each complete stdout line (a pino JSON line), e.g. to count log messages. */
  onStdoutLine?: (line: string) => void
}

export async function startChildServer(opts: ChildServerOptions = {}): Promise<ChildServer> {
  if (!fs.existsSync(CHILD_MAIN)) throw new Error('run `npm run build:server` first (npm test does)')
  const dataDir = opts.dataDir ?? tempDir('kt-child-')
  // KT_TEST_STORAGE=postgres: a database per DATA_DIR on the run's PostgreSQL.
  const databaseUrl = await testDatabaseUrl(dataDir)
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const child = spawn(process.execPath, [CHILD_MAIN], {
    env: {
      ...process.env,
      PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, ORG_KEY: TEST_ORG_KEY,
      LOG_LEVEL: opts.logLevel ?? 'warn', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}), ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let err = ''
  let out = ''
  let partial = ''
  let lines = 0
  child.stderr!.setEncoding('utf8').on('data', (s: string) => { err = keepTail(err + s) })
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    out = keepTail(out + s)
    const parts = (partial + s).split('\n')
    partial = parts.pop() ?? ''
    lines += parts.length
    if (opts.onStdoutLine) for (const l of parts) opts.onStdoutLine(l)
  })
  const exited = new Promise<ChildExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  const alive = () => child.exitCode === null && child.signalCode === null
  const kill = async () => {
    if (alive()) child.kill('SIGKILL')
    return exited
  }
  const server: ChildServer = {
    url, port, dataDir, child, exited, alive, kill,
    stderr: () => err,
    stdout: () => out,
    stdoutLines: () => lines,
    async stop() {
      if (alive()) child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_STOP_TIMEOUT_MS)
      try {
        return await exited
      } finally {
        clearTimeout(timer)
      }
    },
  }
  try {
    await waitHealthy(server)
  } catch (e) {
    await kill()
    throw new Error(`the server did not start: ${(e as Error).message}\nstderr: ${err.slice(-2000)}`)
  }
  return server
}

/** Poll /healthz until it answers 200; fail early if the process exits. */
export async function waitHealthy(server: Pick<ChildServer, 'url' | 'alive'>, timeoutMs = CHILD_START_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (!server.alive()) throw new Error('the process exited')
    if (await healthy(server.url)) return
    if (Date.now() > deadline) throw new Error(`no healthy answer within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** True when GET /healthz answers 200 within a generous time. */
export async function healthy(url: string): Promise<boolean> {
  try {
    const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) })
    await r.arrayBuffer()
    return r.status === 200
  } catch {
    return false
  }
}

/** CPU time (user + system, ms) a process has used so far; null where /proc is not available. */
export function processCpuMs(pid: number | undefined): number | null {
  try {
    return pid === undefined ? null : processCpuSeconds(pid) * 1000
  } catch {
    return null
  }
}

function keepTail(s: string): string {
  return s.length > MAX_KEPT_OUTPUT_CHARS ? s.slice(-MAX_KEPT_OUTPUT_CHARS) : s
}
