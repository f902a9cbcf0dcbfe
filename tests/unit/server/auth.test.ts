import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { AccessResolver, COORDINATOR_KEY_SETTING, ORG_KEY_SETTING, cookieOf, type CredentialRequest } from '../../../server/auth/access.ts'
import { CredentialLimiter, TooManyAttempts } from '../../../server/auth/rateLimit.ts'
import {
  INVITE_TOKEN_PREFIX, SESSION_ID_PREFIX, hashKey, hashToken, kdfRuns, newSecret, newToken, tokenKindOf, verifyKey,
} from '../../../server/auth/secrets.ts'
import { openSqliteStorage } from '../../../server/storage/sqlite.ts'

const CASE = 'A'.repeat(22)
const ORG_KEY = 'the-organisation-key'
const COORDINATOR_KEY = 'the-coordinators-key'

/** A request from `address` with the given headers. */
function from(address: string, headers: CredentialRequest['headers'] = {}): CredentialRequest {
  return { headers, socket: { remoteAddress: address } }
}

async function setup(limits?: ConstructorParameters<typeof CredentialLimiter>[0]) {
  const storage = openSqliteStorage(fs.mkdtempSync(path.join(os.tmpdir(), 'kt-auth-')))
  await storage.setSetting(ORG_KEY_SETTING, await hashKey(ORG_KEY))
  await storage.setSetting(COORDINATOR_KEY_SETTING, await hashKey(COORDINATOR_KEY))
  await storage.createCase({ id: CASE, title: 't', template: 'zrm', createdAt: 0, updatedAt: 0 }, new Uint8Array([0, 0]))
  return { storage, resolver: new AccessResolver(storage, new CredentialLimiter(limits)) }
}

/** The role a key gives as a Bearer credential from this source (what scripts send), or null. */
async function keyRole(resolver: AccessResolver, key: string, source: string, now: number): Promise<string | null> {
  return (await resolver.resolve(from(source, { authorization: `Bearer ${key}` }), null, now))?.role ?? null
}

describe('secrets', () => {
  it('are random, url-safe and long', () => {
    const a = newSecret()
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(newSecret()).not.toBe(a)
  })

  it('carry their kind as a prefix: kti_ for invites, kts_ for sessions', () => {
    expect(newToken('invite')).toMatch(/^kti_[A-Za-z0-9_-]{43}$/)
    expect(newToken('session')).toMatch(/^kts_[A-Za-z0-9_-]{43}$/)
    expect(tokenKindOf(INVITE_TOKEN_PREFIX + newSecret())).toBe('invite')
    expect(tokenKindOf(SESSION_ID_PREFIX + newSecret())).toBe('session')
    expect(tokenKindOf(newSecret())).toBeNull()
    expect(tokenKindOf('my-organisation-key')).toBeNull()
  })

  it('store the organisation key salted, and verify only the right key', async () => {
    const stored = await hashKey('mijn-sleutel-1234567')
    expect(stored).not.toContain('mijn-sleutel')
    expect(await hashKey('mijn-sleutel-1234567')).not.toBe(stored)
    expect(await verifyKey('mijn-sleutel-1234567', stored)).toBe(true)
    expect(await verifyKey('mijn-sleutel-1234568', stored)).toBe(false)
    expect(await verifyKey('x', 'garbage')).toBe(false)
    expect(await verifyKey('x', 'scrypt$1073741824$AAAA$AAAA')).toBe(false)
  })

  it('derive keys off the event loop: it keeps turning while a key is checked', async () => {
    const stored = await hashKey('mijn-sleutel-1234567')
    let settled = false
    const check = verifyKey('mijn-sleutel-1234567', stored).then((ok) => {
      settled = true
      return ok
    })
    let turns = 0
    while (!settled) {
      await new Promise<void>((resolve) => setImmediate(resolve))
      turns++
    }
    // A synchronous scrypt would have finished before the first turn of the loop.
    expect(turns).toBeGreaterThan(0)
    expect(await check).toBe(true)
  })
})

describe('access from credentials', () => {
  const now = 1_000_000

  it('maps the organisation key to an organisation-wide professional, the coordinator key to a coordinator', async () => {
    const { resolver } = await setup()
    expect(await resolver.resolve(from('10.0.0.1', { authorization: `Bearer ${ORG_KEY}` }), null, now)).toMatchObject({ role: 'professional', scope: 'org' })
    expect(await resolver.resolve(from('10.0.0.1', { authorization: `Bearer ${COORDINATOR_KEY}` }), null, now)).toMatchObject({ role: 'coordinator', scope: 'org' })
    expect(await resolver.resolve(from('10.0.0.1', { authorization: 'Bearer the-organisation-kez' }), null, now)).toBeNull()
  })

  it('checks a key once: afterwards it is known by its digest and costs no key derivation', async () => {
    const { resolver } = await setup()
    await resolver.resolve(from('10.0.0.1', { authorization: `Bearer ${ORG_KEY}` }), null, now)
    const before = kdfRuns()
    for (let i = 0; i < 20; i++) {
      expect(await resolver.resolve(from('10.0.0.1', { authorization: `Bearer ${ORG_KEY}` }), null, now)).toMatchObject({ role: 'professional' })
    }
    expect(kdfRuns() - before).toBe(0)
  })

  it('checks the same key sent many times at once only once', async () => {
    const { resolver } = await setup({ kdf: { burst: 2, refillMs: 60_000 }, misses: { burst: 100, refillMs: 1000 }, maxRunning: 1, maxQueued: 100 })
    const before = kdfRuns()
    const all = await Promise.all(Array.from({ length: 10 }, () => keyRole(resolver, ORG_KEY, '10.0.0.1', now)))
    expect(all).toEqual(Array(10).fill('professional'))
    // One check: one scrypt per key setting.
    expect(kdfRuns() - before).toBeLessThanOrEqual(2)
  })

  it('maps an invite token (stored only as a hash) to its one case and role until it expires, without a key derivation', async () => {
    const { storage, resolver } = await setup()
    const token = newToken('invite')
    await storage.createInvite({ tokenHash: hashToken(token), caseId: CASE, role: 'coordinator', createdAt: now, expiresAt: now + 1000 })
    const before = kdfRuns()
    expect(await resolver.resolve(from('10.0.0.1'), token, now + 999)).toMatchObject({ role: 'coordinator', scope: 'case', caseId: CASE })
    expect(await resolver.resolve(from('10.0.0.1', { authorization: `Bearer ${token}` }), null, now + 999)).toMatchObject({ role: 'coordinator' })
    expect(await resolver.resolve(from('10.0.0.1'), token, now + 1000)).toBeNull()
    expect(await resolver.resolve(from('10.0.0.1'), newToken('invite'), now)).toBeNull()
    expect(kdfRuns() - before).toBe(0)
    expect(await storage.findInvite(token)).toBeNull()
  })

  it('still accepts an invite token from before prefixes, found by its hash without a key derivation', async () => {
    const { storage, resolver } = await setup()
    const old = newSecret()
    await storage.createInvite({ tokenHash: hashToken(old), caseId: CASE, role: 'resident', createdAt: now, expiresAt: now + 1000 })
    const before = kdfRuns()
    expect(await resolver.resolve(from('10.0.0.1'), old, now)).toMatchObject({ role: 'resident', scope: 'case', caseId: CASE })
    expect(kdfRuns() - before).toBe(0)
  })

  it('finds sessions, prefixed or from before prefixes, by hash', async () => {
    const { storage, resolver } = await setup()
    const sid = newToken('session')
    const old = newSecret()
    const account = await storage.accounts.createAccount({
      username: 'coord', displayName: 'C', role: 'coordinator', teamId: null, passwordHash: null, totpSecret: null, totpLastStep: 0,
      oidcSubject: null, activationHash: null, activationExpiresAt: null, failedLogins: 0, lockedUntil: 0, createdAt: now, lastLoginAt: null, disabledAt: null,
    })
    for (const s of [sid, old]) await storage.createSession({ idHash: hashToken(s), role: 'coordinator', accountId: account.id, createdAt: now, expiresAt: now + 1000 })
    const before = kdfRuns()
    expect(await resolver.resolve(from('10.0.0.1', { cookie: `kt_session=${sid}` }), null, now)).toMatchObject({ role: 'coordinator', scope: 'org' })
    expect(await resolver.resolve(from('10.0.0.1', { cookie: `kt_session=${old}` }), null, now)).toMatchObject({ role: 'coordinator', scope: 'org' })
    expect(await resolver.resolve(from('10.0.0.1', { cookie: `kt_session=${newToken('session')}` }), null, now)).toBeNull()
    // A session id is no Bearer credential.
    expect(await resolver.resolve(from('10.0.0.1', { authorization: `Bearer ${sid}` }), null, now)).toBeNull()
    expect(kdfRuns() - before).toBe(0)
  })

  it('never tries a prefixed secret as a key', async () => {
    const { resolver } = await setup()
    const before = kdfRuns()
    expect(await keyRole(resolver, INVITE_TOKEN_PREFIX + ORG_KEY, '10.0.0.1', now)).toBeNull()
    expect(await keyRole(resolver, SESSION_ID_PREFIX + 'x'.repeat(43), '10.0.0.1', now)).toBeNull()
    expect(kdfRuns() - before).toBe(0)
  })

  it('refuses wrong keys from one source after its budget, while the right key, once known, still works from there', async () => {
    const { resolver } = await setup({ kdf: { burst: 3, refillMs: 60_000 }, misses: { burst: 100, refillMs: 1000 }, maxRunning: 1, maxQueued: 100 })
    expect(await keyRole(resolver, ORG_KEY, '10.0.0.1', now)).toBe('professional')
    for (let i = 0; i < 3; i++) expect(await keyRole(resolver, `wrong-key-${i}`, '10.0.0.1', now)).toBeNull()
    await expect(keyRole(resolver, 'wrong-key-4', '10.0.0.1', now)).rejects.toThrow(TooManyAttempts)
    await expect(resolver.resolve(from('10.0.0.1', { authorization: 'Bearer wrong-key-5' }), null, now)).rejects.toThrow(TooManyAttempts)
    expect(await keyRole(resolver, ORG_KEY, '10.0.0.1', now)).toBe('professional')
    expect(await resolver.resolve(from('10.0.0.1', { authorization: `Bearer ${ORG_KEY}` }), null, now)).toMatchObject({ role: 'professional' })
    // Another address has its own budget.
    expect(await keyRole(resolver, 'wrong-key-6', '10.0.0.2', now)).toBeNull()
  })

  it('checks a key not known yet from a refused source again once its budget refilled; the right key then resets it', async () => {
    const refillMs = 10_000
    const { resolver } = await setup({ kdf: { burst: 2, refillMs }, misses: { burst: 100, refillMs: 1000 }, maxRunning: 1, maxQueued: 100 })
    for (let i = 0; i < 2; i++) expect(await keyRole(resolver, `wrong-key-${i}`, '10.0.0.1', now)).toBeNull()
    const refused = await keyRole(resolver, ORG_KEY, '10.0.0.1', now).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(TooManyAttempts)
    expect((refused as TooManyAttempts).retryAfterS).toBe(refillMs / 1000)
    expect(await keyRole(resolver, ORG_KEY, '10.0.0.1', now + refillMs)).toBe('professional')
    // The success gave the source its whole budget back.
    for (let i = 0; i < 2; i++) expect(await keyRole(resolver, `wrong-again-${i}`, '10.0.0.1', now + refillMs)).toBeNull()
  })

  it('bounds token guessing: a source that presented too many unknown tokens is refused before the lookup', async () => {
    const { storage, resolver } = await setup({ kdf: { burst: 10, refillMs: 60_000 }, misses: { burst: 5, refillMs: 60_000 }, maxRunning: 1, maxQueued: 100 })
    const token = newToken('invite')
    await storage.createInvite({ tokenHash: hashToken(token), caseId: CASE, role: 'resident', createdAt: now, expiresAt: now + 60_000 })
    for (let i = 0; i < 5; i++) expect(await resolver.resolve(from('10.0.0.1'), newToken('invite'), now)).toBeNull()
    await expect(resolver.resolve(from('10.0.0.1'), newToken('invite'), now)).rejects.toThrow(TooManyAttempts)
    await expect(resolver.resolve(from('10.0.0.1', { cookie: `kt_session=${newToken('session')}` }), null, now)).rejects.toThrow(TooManyAttempts)
    // Other sources look up as before.
    expect(await resolver.resolve(from('10.0.0.2'), token, now)).toMatchObject({ role: 'resident' })
  })

  it('reads the session cookie among others, and ignores a value that is not valid percent-encoding', async () => {
    expect(cookieOf('a=1; kt_session=abc; b=2', 'kt_session')).toBe('abc')
    expect(cookieOf('kt_sessionx=abc', 'kt_session')).toBeNull()
    expect(cookieOf('kt_session=%E0%A4%A; ;;=', 'kt_session')).toBeNull()
    const { resolver } = await setup()
    expect(await resolver.resolve(from('10.0.0.1', { cookie: 'kt_session=' + newSecret() }), null, now)).toBeNull()
  })
})
