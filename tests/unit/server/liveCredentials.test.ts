/**
 * LiveCredentials: ending a credential closes only its sockets; expiry closes each socket at its
 * own credential's expiry (one timer, re-armed for the next); a forgotten socket is never closed.
 * Fake timers: the clock is the test's.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { LiveCredentials, type Credential } from '../../../server/auth/liveCredentials.ts'

const cred = (kind: Credential['kind'], id: string, expiresAt: number): Credential => ({ kind, id, tokenHash: `h-${id}`, expiresAt })

describe('open sockets by credential', () => {
  beforeEach(() => { vi.useFakeTimers({ now: 1_000_000 }) })
  afterEach(() => { vi.useRealTimers() })

  it('end() closes the sockets of that credential only, with 4401 and the reason', () => {
    const live = new LiveCredentials()
    const closes: string[] = []
    live.register(cred('invite', 'a', Infinity), (code, reason) => closes.push(`a1 ${code} ${reason}`))
    live.register(cred('invite', 'a', Infinity), (code) => closes.push(`a2 ${code}`))
    live.register(cred('invite', 'b', Infinity), () => closes.push('b'))
    live.register(cred('session', 'a', Infinity), () => closes.push('session a'))
    expect(live.end('invite', 'a', 'the invitation was revoked')).toBe(2)
    expect(closes).toEqual(['a1 4401 the invitation was revoked', 'a2 4401'])
    expect(live.size()).toBe(2)
    expect(live.end('invite', 'a', 'again')).toBe(0)
  })

  it('closes each socket when its own credential expires, not before', () => {
    const live = new LiveCredentials()
    const closed: string[] = []
    const now = Date.now()
    live.register(cred('invite', 'late', now + 5000), (_c, reason) => closed.push(`late: ${reason}`))
    live.register(cred('session', 'soon', now + 1000), (_c, reason) => closed.push(`soon: ${reason}`))
    vi.advanceTimersByTime(999)
    expect(closed).toEqual([])
    vi.advanceTimersByTime(1)
    expect(closed).toEqual(['soon: the session has expired'])
    vi.advanceTimersByTime(3999)
    expect(closed).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(closed).toEqual(['soon: the session has expired', 'late: the invitation has expired'])
    expect(live.size()).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('never closes a socket that was forgotten (closed by itself)', () => {
    const live = new LiveCredentials()
    const close = vi.fn()
    const forget = live.register(cred('invite', 'x', Date.now() + 1000), close)
    forget()
    vi.advanceTimersByTime(2000)
    expect(live.end('invite', 'x', 'revoked')).toBe(0)
    expect(close).not.toHaveBeenCalled()
  })

  it('arms no timer for credentials that do not expire, and stop() clears it', () => {
    const live = new LiveCredentials()
    live.register(cred('invite', 'forever', Infinity), () => {})
    expect(vi.getTimerCount()).toBe(0)
    live.register(cred('invite', 'soon', Date.now() + 1000), () => {})
    expect(vi.getTimerCount()).toBe(1)
    live.stop()
    expect(vi.getTimerCount()).toBe(0)
  })
})
