/**
 * Messages between the bench (parent) and a load generator (child process, loadGenerator.ts).
 * The child announces the edges of every measured window; the parent reads the server's CPU at
 * those moments, so the server's CPU and the clients' latencies cover the same interval.
 */
import type { Distribution } from './stats.ts'

export interface LoadConfig {
  mode: 'fanout' | 'burst'
  /** ws://host:port/ws — the y-websocket client appends /<caseId>. Several: client i of a case uses base i mod n (instances). */
  wsBase: string | string[]
  /** Sent as `Authorization: Bearer` (ours); null for the reference. */
  token: string | null
  caseIds: string[]
  clientsPerCase: number
  /** Reference only: the first client of each case fills the empty room with initCaseDoc. */
  seedTemplate: string | null
  /** fanout: writes per second per client, warm-up, measured window, longest wait for stragglers. */
  writesPerSecond: number
  warmupMs: number
  windowMs: number
  drainTimeoutMs: number
  /** burst: this many small updates in total, spread over the writers (all clients but one). */
  burstUpdates: number
  burstTimeoutMs: number
}

export interface FanoutResult {
  latency: Distribution
  writes: number
  /** Deliveries not seen within the drain time (counted in `latency` at the time waited). */
  missed: number
  /** Closes of client connections during the run (refusals or drops). */
  closes: number
  /** The load generator's own CPU during the window, in cores (1.0 = one core busy). */
  loadCpuCores: number
  /** The load generator's event-loop utilisation during the window (near 1: it is the bottleneck). */
  loadElu: number
}

export interface BurstResult {
  updates: number
  wallMs: number
  closes: number
  /** The load generator's own CPU seconds during the burst. */
  loadCpuSeconds: number
}

export type ChildMessage =
  | { type: 'ready' }
  | { type: 'window-start' }
  | { type: 'window-end' }
  | { type: 'fanout-result'; result: FanoutResult }
  | { type: 'burst-end'; result: BurstResult }
  | { type: 'error'; message: string }

export type ParentMessage =
  | { type: 'config'; config: LoadConfig }
  | { type: 'go' }
  | { type: 'stop' }
