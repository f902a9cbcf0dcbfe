/**
 * Which credential each open WebSocket was authorised with, so that ending the credential ends
 * the socket too: logout, revoking an invite and the credential's expiry close the matching open
 * sockets (4401 with a reason) within a second.
 *
 * Expiry uses one timer set to the earliest expiry among the open sockets (no polling): when it
 * fires, every socket whose credential has expired is closed and the timer is set for the next.
 * Organisation keys (Bearer) carry no credential here: they do not expire and are not revoked.
 * A credential of a personal account (session, API token) is also filed under its account, so
 * disabling the account, or changing its role or team, closes all of its sockets at once.
 */
import { CloseCode } from '../../shared/closeCodes.ts'

/** A session, API token or invite, as an open socket was authorised with it. */
export interface Credential {
  kind: 'session' | 'invite' | 'apiToken'
  /** Session: the id's SHA-256; invite and API token: the public id. */
  id: string
  /** The personal account it belongs to (sessions and API tokens). */
  accountId?: string
  /** The SHA-256 of the secret (to look it up again). */
  tokenHash: string
  expiresAt: number
}

export type CloseSocket = (code: number, reason: string) => void

interface Entry {
  cred: Credential
  close: CloseSocket
}

/** Longest delay setTimeout takes (about 24.8 days); later expiries are re-armed when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1

export function credentialKey(kind: Credential['kind'] | 'account', id: string): string {
  return `${kind}:${id}`
}

export class LiveCredentials {
  private open = new Map<string, Set<Entry>>()
  private timer: NodeJS.Timeout | null = null
  private timerAt = Infinity

  constructor(private clock: () => number = Date.now) {}

  /** Remember an open socket's credential; returns the function that forgets it (on close). */
  register(cred: Credential, close: CloseSocket): () => void {
    const keys = [credentialKey(cred.kind, cred.id)]
    if (cred.accountId) keys.push(credentialKey('account', cred.accountId))
    const entry: Entry = { cred, close }
    for (const key of keys) {
      let set = this.open.get(key)
      if (!set) this.open.set(key, (set = new Set()))
      set.add(entry)
    }
    if (cred.expiresAt < this.timerAt) this.arm()
    return () => {
      for (const key of keys) {
        const s = this.open.get(key)
        if (!s) continue
        s.delete(entry)
        if (s.size === 0) this.open.delete(key)
      }
    }
  }

  /** Close every open socket authorised with this credential; returns how many. */
  end(kind: Credential['kind'] | 'account', id: string, reason: string): number {
    const key = credentialKey(kind, id)
    const set = this.open.get(key)
    if (!set) return 0
    this.open.delete(key)
    // The entries leave their other key too (an account's credential is filed twice).
    for (const other of this.open.values()) for (const e of set) other.delete(e)
    for (const e of set) e.close(CloseCode.Unauthorized, reason)
    return set.size
  }

  /** Open sockets being tracked (for tests and health). */
  size(): number {
    const all = new Set<Entry>()
    for (const s of this.open.values()) for (const e of s) all.add(e)
    return all.size
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.timerAt = Infinity
  }

  /** Close the sockets whose credential expired, then set the timer for the next expiry. */
  private sweep(): void {
    this.timer = null
    this.timerAt = Infinity
    const now = this.clock()
    const closed = new Set<Entry>()
    for (const [key, set] of this.open) {
      for (const e of set) {
        if (e.cred.expiresAt > now) continue
        set.delete(e)
        if (closed.has(e)) continue
        closed.add(e)
        e.close(CloseCode.Unauthorized, e.cred.kind === 'invite' ? 'the invitation has expired' : 'the session has expired')
      }
      if (set.size === 0) this.open.delete(key)
    }
    this.arm()
  }

  private arm(): void {
    let next = Infinity
    for (const set of this.open.values()) for (const e of set) next = Math.min(next, e.cred.expiresAt)
    if (next === this.timerAt) return
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.timerAt = next
    if (next === Infinity) return
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, next - this.clock()))
    this.timer = setTimeout(() => this.sweep(), delay)
    this.timer.unref()
  }
}
