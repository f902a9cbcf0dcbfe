/**
 * Rate limits on credential checks, per source (the client address; an IPv6 /64 counts as one).
 * The client address is the socket's, unless TRUST_PROXY says which proxies stand in front of
 * the server: then it is the right-most address in X-Forwarded-For that no trusted proxy added
 * (`clientAddress`). Without TRUST_PROXY, X-Forwarded-For is never read.
 *
 * Two budgets, each a token bucket per source (a source not in the map has a full bucket):
 *   1. Key checks (scrypt): KDF_BURST, one more every KDF_REFILL_MS. A check spends one before it
 *      starts, so a source can neither guess fast nor pile up work; a correct key refills the
 *      source (a success resets its failures).
 *   2. Token misses (hash lookups that found nothing): TOKEN_MISS_BURST, one more every
 *      TOKEN_MISS_REFILL_MS. Cheap, but bounded, so guessing tokens is bounded too.
 * And one global gate: at most KDF_MAX_RUNNING key checks run at once, the rest wait in arrival
 * order (at most KDF_MAX_QUEUED), so a flood from many sources queues instead of filling the
 * libuv threadpool that file reads share.
 *
 * What is never limited: a key whose digest was verified before, and a token found by its hash
 * (access.ts checks those first). So the right key, once checked, is never locked out; a source
 * that spent its key budget waits for one refill (Retry-After) before an unverified key is
 * checked again.
 */
import type { IncomingHttpHeaders } from 'node:http'
import { isIP, isIPv6 } from 'node:net'
import {
  KDF_BURST, KDF_MAX_QUEUED, KDF_MAX_RUNNING, KDF_QUEUE_FULL_RETRY_S, KDF_REFILL_MS, RATE_LIMIT_MAX_SOURCES,
  TOKEN_MISS_BURST, TOKEN_MISS_REFILL_MS,
} from '../constants.ts'

/** Thrown when a source is over its budget; the API answers 429 with Retry-After: retryAfterS. */
export class TooManyAttempts extends Error {
  constructor(readonly retryAfterS: number) {
    super(`Te veel pogingen. Probeer het over ${inDutch(retryAfterS)} opnieuw.`)
    this.name = 'TooManyAttempts'
  }
}

function inDutch(seconds: number): string {
  if (seconds <= 1) return 'een seconde'
  if (seconds < 60) return `${seconds} seconden`
  const minutes = Math.ceil(seconds / 60)
  return minutes === 1 ? 'een minuut' : `${minutes} minuten`
}

/**
 * Which X-Forwarded-For to believe: none (`off`), that of a number of proxies in front of the
 * server (`hops`; the socket's peer is the nearest), or that of proxies at these addresses.
 */
export type TrustProxy =
  | { kind: 'off' }
  | { kind: 'hops'; hops: number }
  | { kind: 'addresses'; proxies: string[] }

/** What clientAddress needs of a request (an http.IncomingMessage fits). */
export interface AddressedRequest {
  headers: IncomingHttpHeaders
  socket: { remoteAddress?: string }
}

/** An IP address as compared: IPv4-mapped IPv6 as IPv4, IPv6 lower case without a zone. */
export function normalizeAddress(address: string): string {
  const a = address.trim().split('%')[0] as string
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(a)
  return mapped ? (mapped[1] as string) : a.toLowerCase()
}

/**
 * The client's address. The chain is X-Forwarded-For's addresses (each proxy appends the address
 * it received the request from) followed by the socket's peer. Walking it from the right, trusted
 * proxies are skipped; the first address that is not one is the client — what a client writes
 * into X-Forwarded-For itself stands further left and is never reached. When every address
 * belongs to trusted proxies, the left-most is taken. An entry that is not an IP address ends
 * the walk at the last proxy passed.
 */
export function clientAddress(req: AddressedRequest, trust: TrustProxy): string | undefined {
  const peer = req.socket.remoteAddress
  if (trust.kind === 'off' || !peer) return peer
  const raw = req.headers['x-forwarded-for']
  const forwarded = (Array.isArray(raw) ? raw.join(',') : raw ?? '').split(',').map((a) => a.trim()).filter((a) => a !== '')
  const chain = [...forwarded, peer]
  let current = peer
  for (let i = chain.length - 1, passed = 0; i >= 0; i--) {
    const address = chain[i] as string
    if (isIP(address.split('%')[0] as string) === 0) return current
    current = address
    const trusted = trust.kind === 'hops' ? passed < trust.hops : trust.proxies.includes(normalizeAddress(address))
    if (!trusted) return address
    passed++
  }
  return current
}

/** The limiter's key for a client address: IPv4 as is, IPv6 by its /64 (one subscriber's network). */
export function sourceOf(address: string | undefined): string {
  if (!address) return 'unknown'
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)
  if (mapped) return mapped[1] as string
  const bare = address.split('%')[0] as string
  if (!isIPv6(bare)) return address
  const [head = '', tail] = bare.split('::')
  const groups = (part: string | undefined) => (part ? part.split(':') : [])
  const left = groups(head)
  const right = groups(tail)
  const missing = 8 - left.length - right.length
  const all = tail === undefined ? left : [...left, ...Array<string>(Math.max(missing, 0)).fill('0'), ...right]
  return `${all.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`
}

export interface BucketSpec {
  burst: number
  refillMs: number
}

/** One token bucket per source. */
export class SourceBuckets {
  private buckets = new Map<string, { tokens: number; at: number }>()

  constructor(private spec: BucketSpec, private maxSources = RATE_LIMIT_MAX_SOURCES) {}

  /** Tokens left for this source now (fractional while refilling). */
  level(source: string, now: number): number {
    const b = this.buckets.get(source)
    if (!b) return this.spec.burst
    return Math.min(this.spec.burst, b.tokens + Math.max(0, now - b.at) / this.spec.refillMs)
  }

  /** Throw TooManyAttempts, with the wait until the next token, when the bucket is empty. */
  ensure(source: string, now: number): void {
    const tokens = this.level(source, now)
    if (tokens < 1) throw new TooManyAttempts(Math.max(1, Math.ceil(((1 - tokens) * this.spec.refillMs) / 1000)))
  }

  /** Spend one token (never below zero). */
  spend(source: string, now: number): void {
    const tokens = Math.max(0, this.level(source, now) - 1)
    this.buckets.delete(source) // re-insert: the map's order is the order of last use
    this.buckets.set(source, { tokens, at: now })
    if (this.buckets.size > this.maxSources) this.forget(now)
  }

  /** Give one token back (a check that never ran). */
  refund(source: string, now: number): void {
    const b = this.buckets.get(source)
    if (b) this.buckets.set(source, { tokens: Math.min(this.spec.burst, this.level(source, now) + 1), at: now })
  }

  /** Fill the source's bucket again. */
  reset(source: string): void {
    this.buckets.delete(source)
  }

  /** Sources remembered (full buckets are forgotten when space runs out). */
  get size(): number {
    return this.buckets.size
  }

  private forget(now: number): void {
    for (const source of this.buckets.keys()) {
      if (this.level(source, now) >= this.spec.burst) this.buckets.delete(source)
    }
    // Still too many (a flood from very many addresses): forget the least recently used. The
    // global gate still bounds the work they can cause.
    for (const source of this.buckets.keys()) {
      if (this.buckets.size <= this.maxSources) break
      this.buckets.delete(source)
    }
  }
}

/** At most `maxRunning` jobs at once; the rest wait in arrival order, at most `maxQueued` of them. */
export class Gate {
  private running = 0
  private waiting: (() => void)[] = []

  constructor(private maxRunning: number, private maxQueued: number) {}

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running < this.maxRunning) {
      this.running++
    } else {
      if (this.waiting.length >= this.maxQueued) throw new TooManyAttempts(KDF_QUEUE_FULL_RETRY_S)
      await new Promise<void>((resolve) => this.waiting.push(resolve))
    }
    try {
      return await job()
    } finally {
      // Hand the slot straight to the next waiter, or free it.
      const next = this.waiting.shift()
      if (next) next()
      else this.running--
    }
  }

  get busy(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length }
  }
}

export interface LimiterOptions {
  kdf: BucketSpec
  misses: BucketSpec
  maxRunning: number
  maxQueued: number
}

export const DEFAULT_LIMITS: LimiterOptions = {
  kdf: { burst: KDF_BURST, refillMs: KDF_REFILL_MS },
  misses: { burst: TOKEN_MISS_BURST, refillMs: TOKEN_MISS_REFILL_MS },
  maxRunning: KDF_MAX_RUNNING,
  maxQueued: KDF_MAX_QUEUED,
}

/** The budgets of one server: key checks and token misses per source, and the global gate. */
export class CredentialLimiter {
  private kdf: SourceBuckets
  private misses: SourceBuckets
  private gate: Gate

  constructor(limits: LimiterOptions = DEFAULT_LIMITS, private trust: TrustProxy = { kind: 'off' }) {
    this.kdf = new SourceBuckets(limits.kdf)
    this.misses = new SourceBuckets(limits.misses)
    this.gate = new Gate(limits.maxRunning, limits.maxQueued)
  }

  /** The source a request counts for: its client address as TRUST_PROXY says (clientAddress). */
  sourceOf(req: AddressedRequest): string {
    return sourceOf(clientAddress(req, this.trust))
  }

  /**
   * Run a key check for a source: refused (TooManyAttempts) when the source spent its budget or
   * the queue is full; otherwise it waits for a slot and runs. A non-null result (a correct key)
   * refills the source.
   */
  async keyCheck<T>(source: string, now: number, check: () => Promise<T | null>): Promise<T | null> {
    this.kdf.ensure(source, now)
    this.kdf.spend(source, now)
    let result: T | null
    try {
      result = await this.gate.run(check)
    } catch (err) {
      if (err instanceof TooManyAttempts) this.kdf.refund(source, now)
      throw err
    }
    if (result !== null) this.kdf.reset(source)
    return result
  }

  /**
   * A password check at sign-in. Like keyCheck, with one exception: an account that has no failed
   * sign-ins in a row (`clean`) is checked even when its source spent its budget, so one person
   * guessing behind a shared address (a municipality's NAT, a proxy) does not lock colleagues
   * out. An attacker gains one guess per clean account that way; after it the account is not
   * clean, and its own backoff (auth/accounts.ts) and the global gate bound the rest.
   */
  async passwordCheck<T>(source: string, now: number, clean: boolean, check: () => Promise<T | null>): Promise<T | null> {
    const hasBudget = this.kdf.level(source, now) >= 1
    if (!hasBudget && !clean) this.kdf.ensure(source, now)
    if (hasBudget) this.kdf.spend(source, now)
    let result: T | null
    try {
      result = await this.gate.run(check)
    } catch (err) {
      if (err instanceof TooManyAttempts && hasBudget) this.kdf.refund(source, now)
      throw err
    }
    return result
  }

  /** Run a key derivation that no source pays for (setting a password), still through the global gate. */
  gated<T>(job: () => Promise<T>): Promise<T> {
    return this.gate.run(job)
  }

  /** Before looking a token up: refused when the source presented too many unknown tokens. */
  beforeLookup(source: string, now: number): void {
    this.misses.ensure(source, now)
  }

  /** A token that was not found (or no longer valid). */
  miss(source: string, now: number): void {
    this.misses.spend(source, now)
  }

  /** For tests and diagnostics. */
  state(source: string, now: number): { keyChecksLeft: number; lookupsLeft: number; running: number; waiting: number } {
    return { keyChecksLeft: this.kdf.level(source, now), lookupsLeft: this.misses.level(source, now), ...this.gate.busy }
  }
}
