/**
 * Budgets, not stalls: what one connection and one case may cost the server. Over budget, that
 * connection is closed with a named code and a reason; everyone else keeps working. The numbers
 * sit far above what a person at a table produces (typing, dragging, a paste of a page of text)
 * and far below what stalls a 2-core server.
 */
import { MAX_WS_MESSAGE_BYTES } from '../shared/limits.ts'

/** Document updates per connection: sustained per second, and the burst allowed on top. */
export const UPDATES_PER_S = 60
export const UPDATES_BURST = 600
/** Bytes of document updates per connection: sustained per second and burst (a big first sync fits). */
export const UPDATE_BYTES_PER_S = 512 * 1024
export const UPDATE_BYTES_BURST = MAX_WS_MESSAGE_BYTES * 8
/** Awareness (presence) messages per connection. The board sends at most ~20/s while moving. */
export const AWARENESS_PER_S = 30
export const AWARENESS_BURST = 120
/** Largest awareness state one client may publish (JSON characters): a name, a cursor, a selection. */
export const MAX_AWARENESS_STATE_CHARS = 8 * 1024
/** Awareness clients one connection may introduce (a browser tab has one). */
export const MAX_AWARENESS_CLIENTS_PER_CONN = 4
/**
 * Size budget of one case's document (bytes of its stored state plus updates since). A case with
 * 2,000 cards and long texts stays under 4 MB; past this, further edits are refused.
 */
export const MAX_CASE_DOC_BYTES = 16 * 1024 * 1024
/** Stop sending passing traffic (presence) to a connection whose send buffer holds this much. */
export const MAX_BUFFERED_FOR_PRESENCE_BYTES = 1024 * 1024
/** A connection that does not read its document updates is dropped past this (it resyncs on reconnect). */
export const MAX_BUFFERED_BYTES = 32 * 1024 * 1024

/** A token bucket: `take(cost)` is false once the budget is spent; it refills continuously. */
export class TokenBucket {
  private tokens: number
  private last: number

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst
    this.last = now()
  }

  take(cost = 1): boolean {
    const t = this.now()
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.perSecond)
    this.last = t
    if (this.tokens < cost) return false
    this.tokens -= cost
    return true
  }
}

/** The budgets of one connection. */
export class ConnBudget {
  readonly updates = new TokenBucket(UPDATES_PER_S, UPDATES_BURST)
  readonly updateBytes = new TokenBucket(UPDATE_BYTES_PER_S, UPDATE_BYTES_BURST)
  readonly awareness = new TokenBucket(AWARENESS_PER_S, AWARENESS_BURST)
}
