/**
 * /metrics in the Prometheus text format (prom-client), for the operator's monitoring: open
 * connections and cases, accepted updates, storage latency and errors, the relay between
 * instances (status and lag) and event-loop delay. Counts and timings only: no case ids, no
 * content, no names.
 *
 * Who may read it (the `allowed` check): with METRICS_TOKEN set, a request with
 * `Authorization: Bearer <METRICS_TOKEN>`; without it, only a request made directly on a loopback
 * address (no X-Forwarded-For / Forwarded header, so nothing that came through the reverse
 * proxy). Anyone else gets 404, as if there were no such page.
 */
import { timingSafeEqual, createHash } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks'
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import { bearerOf } from './auth/access.ts'
import type { DocLog } from './storage/docLog.ts'

export interface MetricsSources {
  connections(): number
  openCases(): number
}

/** Storage latency buckets (seconds): group commits take a few ms, a slow disk or database far more. */
const STORAGE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
const LAG_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

export class Metrics {
  readonly registry = new Registry()
  readonly updates: Counter
  readonly storageSeconds: Histogram<'op'>
  readonly storageErrors: Counter<'op'>
  private loop: IntervalHistogram

  constructor(sources: MetricsSources) {
    const registers = [this.registry]
    new Gauge({ name: 'kt_connections', help: 'Open WebSocket connections on this instance.', registers, collect() { this.set(sources.connections()) } })
    new Gauge({ name: 'kt_open_cases', help: 'Cases open (in memory) on this instance.', registers, collect() { this.set(sources.openCases()) } })
    this.updates = new Counter({ name: 'kt_updates_accepted_total', help: 'Document updates accepted from clients of this instance (rate: updates/s).', registers })
    this.storageSeconds = new Histogram({ name: 'kt_storage_seconds', help: 'Time of storage calls (document log and API), by operation.', labelNames: ['op'], buckets: STORAGE_BUCKETS, registers })
    this.storageErrors = new Counter({ name: 'kt_storage_errors_total', help: 'Storage calls that failed, by operation.', labelNames: ['op'], registers })
    this.loop = monitorEventLoopDelay({ resolution: 10 })
    this.loop.enable()
    const loop = this.loop
    new Gauge({
      name: 'kt_event_loop_delay_seconds', help: 'Event-loop delay since the previous scrape (p50, p99, max).', labelNames: ['stat'], registers,
      collect() {
        this.set({ stat: 'p50' }, loop.percentile(50) / 1e9)
        this.set({ stat: 'p99' }, loop.percentile(99) / 1e9)
        this.set({ stat: 'max' }, loop.max / 1e9)
        loop.reset()
      },
    })
  }

  /** The relay metrics exist only when relaying is on (REDIS_URL). */
  enableRelay(): { lag(ms: number): void; status(up: boolean): void } {
    const registers = [this.registry]
    const lag = new Histogram({ name: 'kt_relay_lag_seconds', help: 'Time from another instance sending a message until it arrived here.', buckets: LAG_BUCKETS, registers })
    const up = new Gauge({ name: 'kt_relay_up', help: '1 while the relay to the other instances (Redis) works, else 0.', registers })
    up.set(0)
    return { lag: (ms) => lag.observe(ms / 1000), status: (u) => up.set(u ? 1 : 0) }
  }

  /** Time a storage call (sync or async) under `op`; failures count as errors. */
  time<T>(op: string, run: () => T): T {
    const end = this.storageSeconds.startTimer({ op })
    const failed = (err: unknown) => {
      end()
      this.storageErrors.inc({ op })
      throw err
    }
    let result: T
    try {
      result = run()
    } catch (err) {
      return failed(err)
    }
    if (result instanceof Promise) return result.then((v) => { end(); return v }, failed) as T
    end()
    return result
  }

  /** Time the document log's calls in place (load, append, compact, replace). */
  instrumentDocLog(docLog: DocLog): void {
    for (const op of ['load', 'append', 'compact', 'replace'] as const) {
      const original = docLog[op].bind(docLog) as (...args: unknown[]) => Promise<unknown>
      ;(docLog as unknown as Record<string, unknown>)[op] = (...args: unknown[]) => this.time(`docLog.${op}`, () => original(...args))
    }
  }

  /** The same storage with every method call timed (op: `api.<method>`), for the HTTP API. */
  timed<S extends object>(storage: S): S {
    const cache = new Map<PropertyKey, unknown>()
    return new Proxy(storage, {
      get: (target, prop) => {
        const value = Reflect.get(target, prop, target) as unknown
        if (typeof value !== 'function' || typeof prop !== 'string') return value
        let wrapped = cache.get(prop)
        if (!wrapped) {
          const fn = value as (...args: unknown[]) => unknown
          wrapped = (...args: unknown[]) => this.time(`api.${prop}`, () => fn.apply(target, args))
          cache.set(prop, wrapped)
        }
        return wrapped
      },
    })
  }

  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() }
  }

  close(): void {
    this.loop.disable()
    this.registry.clear()
  }
}

/** May this request read /metrics? (See the top of this file.) */
export function metricsAllowed(req: IncomingMessage, token: string | null): boolean {
  if (token) {
    const bearer = bearerOf(req.headers.authorization)
    return bearer !== null && sameSecret(bearer, token)
  }
  if (req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined) return false
  const addr = req.socket.remoteAddress ?? ''
  return addr === '::1' || /^(::ffff:)?127\./.test(addr)
}

function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest()
  return timingSafeEqual(digest(a), digest(b))
}
