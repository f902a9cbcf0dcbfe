/**
 * Start a server under test as its own process on a free port: ours (the built
 * dist/server/server/main.js with authentication and SQLite on disk) or the reference
 * (referenceServer.js). Each gets a process of its own so its CPU can be read from /proc alone.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { processCpuSeconds } from './processCpu.ts'
import { freePort } from '../helpers/ports.ts'

export type ServerKind = 'ours' | 'reference'

/** The professionals' key our server is started with (the bench's own, never a real one). */
export const BENCH_ORG_KEY = 'bench-org-key-0123456789'
const BENCH_COORDINATOR_KEY = 'bench-coordinator-key-0123456789'
const START_TIMEOUT_MS = 60_000
const STOP_TIMEOUT_MS = 30_000

const here = path.dirname(fileURLToPath(import.meta.url))
// Compiled: dist/server/tests/bench/ → dist/server/server/main.js.
const OURS_MAIN = path.resolve(here, '../../server/main.js')
const REFERENCE_MAIN = path.resolve(here, 'referenceServer.js')

export interface BenchServer {
  kind: ServerKind
  url: string
  /** Several instances of one installation (the clients of a case spread over them); absent: just `url`. */
  urls?: string[]
  pid: number
  /** CPU seconds the server process has used so far. */
  cpuSeconds(): number
  /** Log records the server wrote (ours logs at warn: refusals and errors, never content). */
  logLines(): number
  /** The distinct messages of those lines (our logs carry no case content). */
  logMessages(): string[]
  stop(): Promise<void>
}

/**
 * `opts.env` adds settings (DATABASE_URL, REDIS_URL, MASTER_KEY …); `opts.dataDir` shares one
 * DATA_DIR (and so one KEY_DIR) between instances, and is then left for the caller to remove.
 */
export async function startBenchServer(kind: ServerKind, opts: { env?: NodeJS.ProcessEnv; dataDir?: string } = {}): Promise<BenchServer> {
  const port = await freePort()
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `kt-bench-${kind}-`))
  const env: NodeJS.ProcessEnv = kind === 'ours'
    ? { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, ORG_KEY: BENCH_ORG_KEY, COORDINATOR_KEY: BENCH_COORDINATOR_KEY, LOG_LEVEL: 'warn', ...opts.env }
    : { ...process.env, PORT: String(port) }
  // KT_BENCH_OURS_NODE_ARGS, e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof', profiles our server under load.
  const nodeArgs = kind === 'ours' ? (process.env.KT_BENCH_OURS_NODE_ARGS ?? '').split(' ').filter(Boolean) : []
  const child = spawn(process.execPath, [...nodeArgs, kind === 'ours' ? OURS_MAIN : REFERENCE_MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let lines = 0
  const messages = new Set<string>()
  let lastStderr = ''
  // pino writes one JSON record per line; the start-up banner is plain text and not counted.
  let partial = ''
  child.stdout.on('data', (b: Buffer) => {
    const parts = (partial + b.toString()).split('\n')
    partial = parts.pop() ?? ''
    for (const l of parts) {
      if (!l.startsWith('{')) continue
      lines++
      try { messages.add(String((JSON.parse(l) as { msg?: unknown }).msg)) } catch { messages.add('(unreadable line)') }
    }
  })
  child.stderr.on('data', (b: Buffer) => { lastStderr = (lastStderr + b.toString()).slice(-2000) })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = `http://127.0.0.1:${port}`
  try {
    await waitHealthy(url, child)
  } catch (err) {
    child.kill('SIGKILL')
    throw new Error(`${kind} server did not start: ${String(err)}\n${lastStderr}`)
  }
  const pid = child.pid as number
  return {
    kind, url, pid,
    cpuSeconds: () => processCpuSeconds(pid),
    logLines: () => lines,
    logMessages: () => [...messages],
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS)
        await exited
        clearTimeout(timer)
      }
      if (!opts.dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Instances of one installation as one server under test: CPU and log lines added up, stopped together. */
export function asOne(instances: BenchServer[], cleanup: () => Promise<void>): BenchServer {
  const first = instances[0] as BenchServer
  return {
    kind: first.kind, url: first.url, urls: instances.map((i) => i.url), pid: first.pid,
    cpuSeconds: () => instances.reduce((s, i) => s + i.cpuSeconds(), 0),
    logLines: () => instances.reduce((s, i) => s + i.logLines(), 0),
    logMessages: () => [...new Set(instances.flatMap((i) => i.logMessages()))],
    async stop() {
      await Promise.all(instances.map((i) => i.stop()))
      await cleanup()
    },
  }
}

/** Create `n` cases through our API (the 'integrale-intake' template); ids for the reference. */
export async function createCases(server: BenchServer, n: number): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < n; i++) {
    if (server.kind === 'reference') {
      ids.push(`bench-case-${i}`)
      continue
    }
    const res = await fetch(`${server.url}/api/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${BENCH_ORG_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: `Bench ${i}`, template: 'integrale-intake' }),
    })
    if (res.status !== 201) throw new Error(`creating a case failed: HTTP ${res.status}`)
    ids.push(((await res.json()) as { id: string }).id)
  }
  return ids
}

async function waitHealthy(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`)
    try {
      const res = await fetch(`${url}/healthz`)
      if (res.ok) return
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('no answer on /healthz')
}

