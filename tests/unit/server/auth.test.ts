import { describe, expect, it } from 'vitest'
import { AccessResolver, ORG_KEY_SETTING, cookieOf } from '../../../server/auth/access.ts'
import { hashKey, hashToken, newSecret, verifyKey } from '../../../server/auth/secrets.ts'
import { openSqliteStorage } from '../../../server/storage/sqlite.ts'
import { tempDir } from '../../helpers/server.ts'

describe('secrets', () => {
  it('are random, url-safe and long', () => {
    const a = newSecret()
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(newSecret()).not.toBe(a)
  })

  it('store the organisation key salted, and verify only the right key', () => {
    const stored = hashKey('mijn-sleutel-1234567')
    expect(stored).not.toContain('mijn-sleutel')
    expect(hashKey('mijn-sleutel-1234567')).not.toBe(stored)
    expect(verifyKey('mijn-sleutel-1234567', stored)).toBe(true)
    expect(verifyKey('mijn-sleutel-1234568', stored)).toBe(false)
    expect(verifyKey('x', 'garbage')).toBe(false)
  })
})

describe('access from credentials', () => {
  const storage = openSqliteStorage(tempDir())
  storage.setSetting(ORG_KEY_SETTING, hashKey('the-organisation-key'))
  storage.createCase({ id: 'A'.repeat(22), title: 't', template: 'zrm', createdAt: 0, updatedAt: 0 }, new Uint8Array([0, 0]))
  const resolver = new AccessResolver(storage)
  const now = 1_000_000

  it('maps the organisation key to an organisation-wide professional', () => {
    expect(resolver.resolve({ authorization: 'Bearer the-organisation-key' }, null, now)).toMatchObject({ role: 'professional', scope: 'org' })
    expect(resolver.resolve({ authorization: 'Bearer the-organisation-kez' }, null, now)).toBeNull()
  })

  it('maps an invite token (stored only as a hash) to its one case and role until it expires', () => {
    const token = newSecret()
    storage.createInvite({ tokenHash: hashToken(token), caseId: 'A'.repeat(22), role: 'coordinator', createdAt: now, expiresAt: now + 1000 })
    expect(resolver.resolve({}, token, now + 999)).toMatchObject({ role: 'coordinator', scope: 'case', caseId: 'A'.repeat(22) })
    expect(resolver.resolve({}, token, now + 1000)).toBeNull()
    expect(storage.findInvite(token)).toBeNull()
  })

  it('reads the session cookie among others', () => {
    expect(cookieOf('a=1; kt_session=abc; b=2', 'kt_session')).toBe('abc')
    expect(cookieOf('kt_sessionx=abc', 'kt_session')).toBeNull()
    expect(resolver.resolve({ cookie: 'kt_session=' + newSecret() }, null, now)).toBeNull()
  })
})
