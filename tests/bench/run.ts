/**
 * `npm run bench`: figures that matter for a live meeting, printed with what they were measured
 * on. No assertions — these machines are shared and noisy; compare figures within one run.
 *
 * Sections: load (our server beside the reference y-websocket server: fan-out, burst ingest,
 * capacity), blocks (event-loop block per message kind), storage (durable appends/s), growth
 * (document growth from dragging), snapshot (snapshot save and diff of a large case), instances
 * (one instance on SQLite, one on PostgreSQL, two on PostgreSQL + Redis — ./instances.ts), browser
 * (Chromium: time to an editable board, bytes, observer fps during a peer's drag, long tasks,
 * document bytes per drag move — ./browserBench.ts).
 * `node dist/server/tests/bench/run.js [section…]` runs only the named ones (`--browser-only` is
 * `browser`). A section that fails is reported and the others still run.
 */
import os from 'node:os'
import { browserBench } from './browserBench.ts'
import { instancesBench } from './instances.ts'
import { dragGrowth } from './docGrowth.ts'
import { eventLoopBlocks, printBlocks, printCompactionDelay } from './eventLoopBlocks.ts'
import { startPostgres } from '../helpers/postgres.ts'
import { randomBytes } from 'node:crypto'
import { loadScenarios } from './loadScenarios.ts'
import { snapshotAndDiff } from './snapshotDiff.ts'
import { printStorage, storageThroughput } from './storageThroughput.ts'
import { printSummary, type BenchFigures } from './summary.ts'

const SECTIONS = ['load', 'blocks', 'storage', 'growth', 'snapshot', 'instances', 'browser'] as const
type Section = (typeof SECTIONS)[number]

function header(): void {
  const cpus = os.cpus()
  console.log(`Keukentafel benchmarks — node ${process.version}, ${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, ${new Date().toISOString()}`)
  console.log(`Load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`)
}

async function section<T>(name: Section, wanted: (s: Section) => boolean, run: () => Promise<T>): Promise<T | null> {
  if (!wanted(name)) return null
  try {
    return await run()
  } catch (err) {
    console.log(`\nSection '${name}' failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`)
    process.exitCode = 1
    return null
  }
}

async function main(): Promise<void> {
  const asked = process.argv.slice(2).map((a) => (a === '--browser-only' ? 'browser' : a))
  const unknown = asked.filter((a) => !(SECTIONS as readonly string[]).includes(a))
  if (unknown.length) throw new Error(`unknown section(s) ${unknown.join(', ')}; known: ${SECTIONS.join(', ')}`)
  const wanted = (s: Section) => asked.length === 0 || asked.includes(s)

  header()
  const figures: BenchFigures = {
    load: await section('load', wanted, loadScenarios),
    blocks: await section('blocks', wanted, async () => {
      const b = await eventLoopBlocks()
      printBlocks(b)
      // The same series on PostgreSQL storage: its compaction folds in a worker thread too.
      const pg = await startPostgres()
      try {
        const url = await pg.createDatabase('bench_blocks')
        printCompactionDelay(await eventLoopBlocks({ DATABASE_URL: url, MASTER_KEY: randomBytes(32).toString('hex') }), 'PostgreSQL')
      } finally {
        await pg.stop()
      }
      return b
    }),
    storage: await section('storage', wanted, async () => {
      const s = await storageThroughput()
      printStorage(s)
      return s
    }),
  }
  await section('growth', wanted, async () => dragGrowth())
  await section('snapshot', wanted, snapshotAndDiff)
  await section('instances', wanted, instancesBench)
  await section('browser', wanted, browserBench)
  printSummary(figures)
}

await main()
