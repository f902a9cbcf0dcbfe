/** The issue's targets beside this run's figures: one line per target, met or missed. */
import type { BlockFigures } from './eventLoopBlocks.ts'
import { CAPACITY_P99_MS, type LoadFigures } from './loadScenarios.ts'
import type { StorageFigures } from './storageThroughput.ts'
import { ms } from './stats.ts'

export interface BenchFigures {
  load: LoadFigures | null
  blocks: BlockFigures | null
  storage: StorageFigures | null
}

const CAPACITY_TARGET_CASES = 200
const NAME_WIDTH = 46

const quotient = (a: number, b: number) => (b > 0 ? a / b : a > 0 ? Infinity : 1)
const times = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '∞')

function line(name: string, value: string, target: string, met: boolean): void {
  console.log(`  ${name.padEnd(NAME_WIDTH)} ${value.padStart(22)}   target ${target.padEnd(8)} ${met ? 'met' : 'MISSED'}`)
}

export function printSummary(f: BenchFigures): void {
  console.log('\nSummary — ours / reference (@y/websocket-server), same run, same documents:')
  if (f.load) {
    const { fanout1, fanout50, burst, capacity } = f.load
    const ratios = [
      ['fan-out p99, 1 case × 8 clients', fanout1.ours.result.latency.p99, fanout1.reference.result.latency.p99, 1.0],
      ['fan-out p99, 50 cases × 8 clients', fanout50.ours.result.latency.p99, fanout50.reference.result.latency.p99, 1.0],
      ['server CPU, 1 case × 8 clients', fanout1.ours.serverCpuSeconds, fanout1.reference.serverCpuSeconds, 1.2],
      ['server CPU, 50 cases × 8 clients', fanout50.ours.serverCpuSeconds, fanout50.reference.serverCpuSeconds, 1.2],
      ['burst-ingest server CPU', burst.ours.serverCpuSeconds, burst.reference.serverCpuSeconds, 0.5],
    ] as const
    for (const [name, ours, reference, max] of ratios) {
      const q = quotient(ours, reference)
      line(name, times(q), `≤ ${max.toFixed(1)}×`, q <= max)
    }
    const saturated = capacity.stoppedBy.ours.includes('saturated') ? ' (load generator saturated)' : ''
    line(`cases of 8 held at p99 < ${CAPACITY_P99_MS} ms`, `${capacity.held.ours} (ref ${capacity.held.reference})${saturated}`, `≥ ${CAPACITY_TARGET_CASES}`, capacity.held.ours >= CAPACITY_TARGET_CASES)
  } else {
    console.log('  (load section not run)')
  }
  if (f.blocks) {
    const worst = f.blocks.rows.reduce((a, r) => (r.worstMs > a.worstMs ? r : a))
    console.log(`  ${'worst event-loop block, any message kind'.padEnd(NAME_WIDTH)} ${ms(worst.worstMs).padStart(22)}   (${worst.kind})`)
  }
  if (f.storage) {
    console.log(`  ${'durable appends (group commit)'.padEnd(NAME_WIDTH)} ${`${Math.round(f.storage.docLogConcurrent).toLocaleString('en')} updates/s`.padStart(22)}   (${(f.storage.docLogConcurrent / f.storage.perTransactionFull).toFixed(1)}× one transaction per update)`)
  }
}
