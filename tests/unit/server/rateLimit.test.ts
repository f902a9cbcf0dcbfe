import { describe, expect, it } from 'vitest'
import { CredentialLimiter, Gate, SourceBuckets, TooManyAttempts, sourceOf } from '../../../server/auth/rateLimit.ts'

describe('a source', () => {
  it('is the client address; an IPv4-mapped address is its IPv4 address', () => {
    expect(sourceOf('203.0.113.7')).toBe('203.0.113.7')
    expect(sourceOf('::ffff:203.0.113.7')).toBe('203.0.113.7')
    expect(sourceOf(undefined)).toBe('unknown')
  })

  it('is one /64 network for IPv6, however the address is written', () => {
    expect(sourceOf('2001:db8:0:1::1')).toBe('2001:db8:0:1::/64')
    expect(sourceOf('2001:0db8:0000:0001:ffff:ffff:ffff:ffff')).toBe('2001:db8:0:1::/64')
    expect(sourceOf('2001:db8:0:2::1')).not.toBe(sourceOf('2001:db8:0:1::1'))
    expect(sourceOf('::1')).toBe('0:0:0:0::/64')
    expect(sourceOf('fe80::1%eth0')).toBe('fe80:0:0:0::/64')
  })
})

describe('a token bucket per source', () => {
  const spec = { burst: 3, refillMs: 1000 }

  it('allows a burst, then refuses with the wait until the next token', () => {
    const b = new SourceBuckets(spec)
    for (let i = 0; i < 3; i++) {
      b.ensure('a', 0)
      b.spend('a', 0)
    }
    const refused = (() => {
      try {
        b.ensure('a', 0)
      } catch (e) {
        return e
      }
    })()
    expect(refused).toBeInstanceOf(TooManyAttempts)
    expect((refused as TooManyAttempts).retryAfterS).toBe(1)
    expect((refused as TooManyAttempts).message).toBe('Te veel pogingen. Probeer het over een seconde opnieuw.')
    // Other sources are not affected.
    expect(() => b.ensure('b', 0)).not.toThrow()
  })

  it('refills at its rate, up to the burst', () => {
    const b = new SourceBuckets(spec)
    for (let i = 0; i < 3; i++) b.spend('a', 0)
    expect(b.level('a', 500)).toBeCloseTo(0.5)
    expect(() => b.ensure('a', 999)).toThrow(TooManyAttempts)
    expect(() => b.ensure('a', 1000)).not.toThrow()
    expect(b.level('a', 60_000)).toBe(3)
  })

  it('is full again after a reset', () => {
    const b = new SourceBuckets(spec)
    for (let i = 0; i < 3; i++) b.spend('a', 0)
    b.reset('a')
    expect(b.level('a', 0)).toBe(3)
  })

  it('remembers a bounded number of sources, forgetting full buckets first', () => {
    const b = new SourceBuckets(spec, 10)
    for (let i = 0; i < 10; i++) b.spend(`s${i}`, 0)
    b.spend('s0', 0)
    b.spend('s0', 0)
    for (let i = 10; i < 100; i++) b.spend(`s${i}`, 0)
    expect(b.size).toBeLessThanOrEqual(10)
    // Refilled buckets are forgotten before anyone still waiting.
    const c = new SourceBuckets(spec, 2)
    for (let i = 0; i < 3; i++) c.spend('busy', 0)
    c.spend('idle', 0)
    c.spend('new', 1000)
    expect(c.size).toBe(2)
    expect(c.level('busy', 1000)).toBe(1)
  })

  it('says longer waits in minutes', () => {
    expect(new TooManyAttempts(30).message).toBe('Te veel pogingen. Probeer het over 30 seconden opnieuw.')
    expect(new TooManyAttempts(60).message).toBe('Te veel pogingen. Probeer het over een minuut opnieuw.')
    expect(new TooManyAttempts(600).message).toBe('Te veel pogingen. Probeer het over 10 minuten opnieuw.')
  })
})

/** A job that finishes when the test says so. */
function deferred() {
  let finish!: () => void
  const done = new Promise<void>((resolve) => { finish = resolve })
  return { done, finish }
}

describe('the gate on key checks', () => {
  it('runs at most maxRunning jobs at once and the rest in arrival order', async () => {
    const gate = new Gate(1, 10)
    const order: number[] = []
    const jobs = [deferred(), deferred(), deferred()]
    const runs = jobs.map((j, i) => gate.run(async () => {
      order.push(i)
      await j.done
    }))
    await expect.poll(() => order).toEqual([0])
    expect(gate.busy).toEqual({ running: 1, waiting: 2 })
    jobs[2]!.finish()
    jobs[0]!.finish()
    await expect.poll(() => order).toEqual([0, 1])
    jobs[1]!.finish()
    await Promise.all(runs)
    expect(order).toEqual([0, 1, 2])
    expect(gate.busy).toEqual({ running: 0, waiting: 0 })
  })

  it('refuses beyond maxQueued waiting jobs, and frees the slot when a job fails', async () => {
    const gate = new Gate(1, 1)
    const first = deferred()
    const running = gate.run(() => first.done)
    const waiting = gate.run(async () => { throw new Error('broken') })
    await expect(gate.run(async () => 'late')).rejects.toThrow(TooManyAttempts)
    first.finish()
    await running
    await expect(waiting).rejects.toThrow('broken')
    expect(await gate.run(async () => 'after')).toBe('after')
  })
})

describe('the credential limiter', () => {
  const limits = { kdf: { burst: 2, refillMs: 60_000 }, misses: { burst: 2, refillMs: 60_000 }, maxRunning: 1, maxQueued: 10 }

  it('spends a key check before it runs, so a source cannot pile up checks', async () => {
    const limiter = new CredentialLimiter(limits)
    const slow = deferred()
    const started: number[] = []
    const checks = [0, 1].map((i) => limiter.keyCheck('a', 0, async () => {
      started.push(i)
      await slow.done
      return null
    }))
    await expect(limiter.keyCheck('a', 0, async () => 'never')).rejects.toThrow(TooManyAttempts)
    slow.finish()
    expect(await Promise.all(checks)).toEqual([null, null])
    expect(started).toEqual([0, 1])
  })

  it('gives a source its whole budget back after a successful check', async () => {
    const limiter = new CredentialLimiter(limits)
    expect(await limiter.keyCheck('a', 0, async () => null)).toBeNull()
    expect(await limiter.keyCheck('a', 0, async () => 'professional')).toBe('professional')
    expect(limiter.state('a', 0).keyChecksLeft).toBe(2)
  })

  it('returns the key check of a request the full queue refused', async () => {
    const limiter = new CredentialLimiter({ ...limits, kdf: { burst: 5, refillMs: 60_000 }, maxQueued: 0 })
    const slow = deferred()
    const running = limiter.keyCheck('a', 0, async () => { await slow.done; return null })
    await expect(limiter.keyCheck('b', 0, async () => 'x')).rejects.toThrow(TooManyAttempts)
    expect(limiter.state('b', 0).keyChecksLeft).toBe(5)
    slow.finish()
    await running
  })

  it('counts token misses apart from key checks', () => {
    const limiter = new CredentialLimiter(limits)
    limiter.miss('a', 0)
    limiter.miss('a', 0)
    expect(() => limiter.beforeLookup('a', 0)).toThrow(TooManyAttempts)
    expect(limiter.state('a', 0).keyChecksLeft).toBe(2)
  })
})
