/**
 * The connection to Redis that carries messages between server instances (REDIS_URL).
 *
 * Two connections: one publishes, one subscribes (a subscribing Redis connection can do nothing
 * else). Channels: `kt:case:<caseId>` per case, subscribed while the case's room is open on this
 * instance, and `kt:control` for messages about every case (credential ends). Nothing waits for
 * Redis: while it is unreachable, publishing drops the message (the catch-up after it returns
 * makes up for it, caseRelay.ts), subscriptions are remembered and made again once it is back,
 * and the instance keeps serving its own clients. Every time the subscribing connection becomes
 * ready (the first time too) `onRecovered` runs, after every remembered channel is subscribed.
 */
import { randomBytes } from 'node:crypto'
import { Redis, type RedisOptions } from 'ioredis'
import type { Logger } from '../log.ts'
import { decodeMessage, encodeMessage, sameId, type RelayKind, type RelayMessage } from './wire.ts'

export const CONTROL_CHANNEL = 'kt:control'

export function caseChannel(caseId: string): string {
  return `kt:case:${caseId}`
}

export type RelayHandler = (message: RelayMessage) => void

export interface RelayHooks {
  /** A message from another instance arrived `lagMs` after it was sent. */
  onLag?(lagMs: number): void
  /** The relay went up or down. */
  onStatus?(up: boolean): void
  /** Both connections are ready and every channel is subscribed again: catch up on what was missed. */
  onRecovered?(): void
}

/** Reconnect quickly at first, then every 2 s. */
const RETRY_MAX_MS = 2000
/** A command Redis does not answer within this time fails (the instance goes on without it). */
const COMMAND_TIMEOUT_MS = 5000

export class Relay {
  /** This instance's id in every message it sends (random per start). */
  readonly instance: Uint8Array = randomBytes(16)
  private pub: Redis
  private sub: Redis
  private handlers = new Map<string, RelayHandler>()
  private up = false
  private subscribed = false
  private closed = false
  /** Whether the last thing logged was "down" (so it is logged once per outage, also at start). */
  private saidDown = false

  constructor(url: string, private log: Logger, private hooks: RelayHooks = {}) {
    const opts: RedisOptions = {
      enableOfflineQueue: false,
      autoResubscribe: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: COMMAND_TIMEOUT_MS,
      retryStrategy: (times) => Math.min(times * 100, RETRY_MAX_MS),
    }
    this.pub = new Redis(url, { ...opts, connectionName: 'keukentafel-pub' })
    this.sub = new Redis(url, { ...opts, connectionName: 'keukentafel-sub' })
    for (const conn of [this.pub, this.sub]) {
      conn.on('error', () => this.sayDown())
      conn.on('close', () => this.update())
      conn.on('ready', () => this.update())
    }
    this.sub.on('ready', () => void this.resubscribe())
    // What this instance published while only its publishing connection was down is lost too.
    this.pub.on('ready', () => { if (this.subscribed && !this.closed) this.hooks.onRecovered?.() })
    this.sub.on('close', () => { this.subscribed = false })
    this.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => this.dispatch(channel.toString(), message))
  }

  get status(): 'ok' | 'down' {
    return this.up ? 'ok' : 'down'
  }

  /** Listen to a channel. Resolves once subscribed, or at once while Redis is down (subscribed when it returns). */
  async subscribe(channel: string, handler: RelayHandler): Promise<void> {
    this.handlers.set(channel, handler)
    if (!this.subscribed) return
    try {
      await this.sub.subscribe(channel)
    } catch {
      this.update()
    }
  }

  unsubscribe(channel: string): void {
    if (!this.handlers.delete(channel) || !this.subscribed) return
    this.sub.unsubscribe(channel).catch(() => this.update())
  }

  /** Send to the other instances; dropped while Redis is down (the catch-up covers it). */
  publish(channel: string, kind: RelayKind, payload: Uint8Array): void {
    if (this.closed || this.pub.status !== 'ready') return
    const message = encodeMessage(kind, this.instance, payload)
    this.pub.publish(channel, Buffer.from(message.buffer, message.byteOffset, message.byteLength)).catch(() => this.update())
  }

  close(): void {
    this.closed = true
    this.handlers.clear()
    this.pub.disconnect()
    this.sub.disconnect()
  }

  private dispatch(channel: string, data: Buffer): void {
    const handler = this.handlers.get(channel)
    if (!handler) return
    const m = decodeMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    // Redis also delivers an instance's own messages back to it.
    if (!m || sameId(m.instance, this.instance)) return
    this.hooks.onLag?.(Math.max(0, Date.now() - m.sentAt))
    try {
      handler(m)
    } catch (err) {
      this.log.error({ err: err instanceof Error ? err.message : String(err) }, 'handling a relayed message failed')
    }
  }

  private async resubscribe(): Promise<void> {
    const channels = [...this.handlers.keys()]
    try {
      if (channels.length > 0) await this.sub.subscribe(...channels)
    } catch {
      return // the connection dropped again; the next 'ready' retries
    }
    // Channels added while this ran are subscribed by their own call from now on.
    this.subscribed = this.sub.status === 'ready'
    const missed = [...this.handlers.keys()].filter((c) => !channels.includes(c))
    if (missed.length > 0) await this.sub.subscribe(...missed).catch(() => {})
    this.update()
    if (this.subscribed && !this.closed) this.hooks.onRecovered?.()
  }

  private update(): void {
    const up = !this.closed && this.pub.status === 'ready' && this.sub.status === 'ready' && this.subscribed
    if (up === this.up) return
    this.up = up
    if (this.closed) return
    if (up) {
      this.saidDown = false
      this.log.info('relay to the other instances works (Redis)')
    } else {
      this.sayDown()
    }
    this.hooks.onStatus?.(up)
  }

  private sayDown(): void {
    if (this.saidDown || this.closed || this.up) return
    this.saidDown = true
    this.log.warn('relay to the other instances is down (Redis unreachable); this instance keeps serving its own clients')
  }
}
