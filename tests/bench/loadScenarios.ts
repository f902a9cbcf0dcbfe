/**
 * The load scenarios, each run against our server and then the reference, each server in a fresh
 * process of its own, with the same load generator and the same documents:
 * fan-out 1×8 and 50×8, burst ingest, and capacity (cases of 8 clients at p99 < 100 ms).
 */
import { runBurst, runFanout, type LoadSettings, type Measured } from './runLoad.ts'
import { createCases, startBenchServer, type ServerKind } from './serverProcess.ts'
import type { BurstResult, FanoutResult } from './loadProtocol.ts'
import { ms, ratio, row } from './stats.ts'

export const CLIENTS_PER_CASE = 8
/** Fan-out: every participant editing steadily (moves as drag writes, and typing). */
const WRITES_PER_SECOND_PER_CLIENT = 2
/**
 * Capacity: a meeting's average — one edit per participant every two seconds. At 2 writes/s the
 * load generator (7 deliveries to apply per write) saturates a core near 100 cases before either
 * server does, so the steps above that would measure the generator, not the servers.
 */
const CAPACITY_WRITES_PER_SECOND_PER_CLIENT = 0.5
/** BENCH_TIME_SCALE=0.25 shortens every window, to try the harness; figures need the full length. */
const TIME_SCALE = Number(process.env.BENCH_TIME_SCALE ?? '1') || 1
const WARMUP_MS = 5_000 * TIME_SCALE
export const FANOUT_WINDOW_MS = 20_000 * TIME_SCALE
const CAPACITY_WINDOW_MS = 15_000 * TIME_SCALE
const DRAIN_TIMEOUT_MS = 10_000
/**
 * The burst: 55,000 small updates, as fast as the sockets take them, from 100 writers in 20 cases
 * (5 writers and 1 observer each). 550 updates per writer stays inside one connection's burst
 * budget on our server (server/budgets.ts, UPDATES_BURST), so no connection is cut off and both
 * servers get exactly the same traffic.
 */
const BURST_UPDATES = 55_000
const BURST_CASES = 20
const BURST_WRITERS_PER_CASE = 5
const BURST_TIMEOUT_MS = 300_000
/** The capacity target: fan-out p99 below this. */
export const CAPACITY_P99_MS = 100
const CAPACITY_STEPS = [50, 100, 200, 300]
/** When even the first step misses, these smaller ones say where a server does hold. */
const CAPACITY_STEPS_DOWN = [25, 10]
/** Above this the load generator, not the server, limits the figures: stop stepping. */
const LOAD_GENERATOR_SATURATED_ELU = 0.9

const KINDS: ServerKind[] = ['ours', 'reference']

export type PerServer<T> = Record<ServerKind, T>

export interface FanoutRun extends Measured<FanoutResult> {
  cases: number
}

export interface CapacityResult {
  steps: PerServer<FanoutRun[]>
  /** Largest number of cases held at p99 < CAPACITY_P99_MS (0: not even the first step). */
  held: PerServer<number>
  /** Why stepping stopped: 'p99', 'load generator saturated' or 'last step'. */
  stoppedBy: PerServer<string>
}

export interface LoadFigures {
  fanout1: PerServer<FanoutRun>
  fanout50: PerServer<FanoutRun>
  burst: PerServer<Measured<BurstResult>>
  capacity: CapacityResult
}

export function settings(windowMs: number, writesPerSecond = WRITES_PER_SECOND_PER_CLIENT): LoadSettings {
  return {
    clientsPerCase: CLIENTS_PER_CASE,
    writesPerSecond,
    warmupMs: WARMUP_MS,
    windowMs,
    drainTimeoutMs: DRAIN_TIMEOUT_MS,
    burstUpdates: BURST_UPDATES,
    burstTimeoutMs: BURST_TIMEOUT_MS,
  }
}

async function fanoutOn(kind: ServerKind, cases: number, windowMs: number, writesPerSecond?: number): Promise<FanoutRun> {
  const server = await startBenchServer(kind)
  try {
    const ids = await createCases(server, cases)
    const m = await runFanout(server, ids, settings(windowMs, writesPerSecond))
    if (server.logLines() > 0) console.log(`    (${kind} server wrote ${server.logLines()} log lines at warn or above: ${server.logMessages().join('; ')})`)
    return { ...m, cases }
  } finally {
    await server.stop()
  }
}

async function burstOn(kind: ServerKind): Promise<Measured<BurstResult>> {
  const server = await startBenchServer(kind)
  try {
    const ids = await createCases(server, BURST_CASES)
    return await runBurst(server, ids, { ...settings(0), clientsPerCase: BURST_WRITERS_PER_CASE + 1 })
  } finally {
    await server.stop()
  }
}

const FANOUT_WIDTHS = [22, 9, 9, 9, 9, 7, 9, 8, 8, 7]

/** Cores busy with anything else than this server and this load generator during the interval. */
export function otherCores(m: Measured<unknown>, loadCpuSeconds: number): number {
  return m.wallSeconds > 0 ? Math.max(0, (m.machineCpuSeconds - m.serverCpuSeconds - loadCpuSeconds) / m.wallSeconds) : 0
}

export function fanoutHeader(): void {
  console.log(row(['', 'p50', 'p95', 'p99', 'max', 'missed', 'srv CPU', 'gen', 'gen ELU', 'others'], FANOUT_WIDTHS))
}

export function fanoutRow(label: string, r: FanoutRun): void {
  const f = r.result
  console.log(row([
    label, ms(f.latency.p50), ms(f.latency.p95), ms(f.latency.p99), ms(f.latency.max), String(f.missed),
    `${r.serverCpuSeconds.toFixed(2)} s`, `${f.loadCpuCores.toFixed(2)}`, f.loadElu.toFixed(2),
    otherCores(r, f.loadCpuCores * r.wallSeconds).toFixed(2),
  ], FANOUT_WIDTHS))
  if (f.closes > 0) console.log(`    (${f.closes} client connections were closed during the run)`)
}

export async function fanoutScenario(cases: number): Promise<PerServer<FanoutRun>> {
  const seconds = FANOUT_WINDOW_MS / 1000
  console.log(`\nFan-out, ${cases} case${cases === 1 ? '' : 's'} × ${CLIENTS_PER_CASE} clients, ${WRITES_PER_SECOND_PER_CLIENT} writes/s per client, ${seconds} s window after ${WARMUP_MS / 1000} s warm-up:`)
  fanoutHeader()
  const out = {} as PerServer<FanoutRun>
  for (const kind of KINDS) {
    out[kind] = await fanoutOn(kind, cases, FANOUT_WINDOW_MS)
    fanoutRow(kind, out[kind])
  }
  console.log(`  ratio ours/reference: p99 ${ratio(out.ours.result.latency.p99, out.reference.result.latency.p99)}, server CPU ${ratio(out.ours.serverCpuSeconds, out.reference.serverCpuSeconds)}`)
  return out
}

export async function burstScenario(): Promise<PerServer<Measured<BurstResult>>> {
  console.log(`\nBurst ingest: ${BURST_UPDATES.toLocaleString('en')} small updates from ${BURST_CASES * BURST_WRITERS_PER_CASE} clients in ${BURST_CASES} cases as fast as the sockets take them, until every case's observer has them all:`)
  const out = {} as PerServer<Measured<BurstResult>>
  for (const kind of KINDS) {
    out[kind] = await burstOn(kind)
    const r = out[kind].result
    console.log(row([
      kind, `server CPU ${out[kind].serverCpuSeconds.toFixed(2)} s`, `wall ${(r.wallMs / 1000).toFixed(1)} s`,
      `${Math.round(r.updates / r.wallMs * 1000).toLocaleString('en')} updates/s`, `gen CPU ${r.loadCpuSeconds.toFixed(2)} s`,
      `others ${otherCores(out[kind], r.loadCpuSeconds).toFixed(2)} cores`,
    ], [22, 22, 12, 18, 18, 20]))
    if (r.closes > 0) console.log(`    (${r.closes} client connections were closed during the burst)`)
  }
  console.log(`  ratio ours/reference: server CPU ${ratio(out.ours.serverCpuSeconds, out.reference.serverCpuSeconds)}`)
  return out
}

async function capacityScenario(): Promise<CapacityResult> {
  console.log(`\nCapacity: cases of ${CLIENTS_PER_CASE} clients at fan-out p99 < ${CAPACITY_P99_MS} ms, ${CAPACITY_WRITES_PER_SECOND_PER_CLIENT} writes/s per client, ${CAPACITY_WINDOW_MS / 1000} s windows:`)
  fanoutHeader()
  const result: CapacityResult = { steps: { ours: [], reference: [] }, held: { ours: 0, reference: 0 }, stoppedBy: { ours: 'last step', reference: 'last step' } }
  for (const kind of KINDS) {
    const step = async (cases: number) => {
      const r = await fanoutOn(kind, cases, CAPACITY_WINDOW_MS, CAPACITY_WRITES_PER_SECOND_PER_CLIENT)
      result.steps[kind].push(r)
      fanoutRow(`${kind} ${cases}×${CLIENTS_PER_CASE}`, r)
      return r
    }
    for (const cases of CAPACITY_STEPS) {
      const r = await step(cases)
      // A saturated generator delays deliveries itself: that step says nothing about the server.
      if (r.result.loadElu >= LOAD_GENERATOR_SATURATED_ELU) {
        result.stoppedBy[kind] = `load generator saturated at ${cases} cases`
        break
      }
      if (r.result.latency.p99 >= CAPACITY_P99_MS) {
        result.stoppedBy[kind] = `p99 ≥ ${CAPACITY_P99_MS} ms at ${cases} cases`
        break
      }
      result.held[kind] = cases
    }
    if (result.held[kind] > 0) continue
    for (const cases of CAPACITY_STEPS_DOWN) {
      const r = await step(cases)
      if (r.result.latency.p99 < CAPACITY_P99_MS) {
        result.held[kind] = cases
        break
      }
    }
  }
  console.log(`  held: ours ${result.held.ours} cases (${result.stoppedBy.ours}), reference ${result.held.reference} cases (${result.stoppedBy.reference})`)
  return result
}

export async function loadScenarios(): Promise<LoadFigures> {
  const fanout1 = await fanoutScenario(1)
  const fanout50 = await fanoutScenario(50)
  const burst = await burstScenario()
  const capacity = await capacityScenario()
  return { fanout1, fanout50, burst, capacity }
}
