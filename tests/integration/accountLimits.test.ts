/**
 * Abuse limits per account, on top of the per-source budgets (auth/accounts.ts login,
 * auth/rateLimit.ts passwordCheck), with real sign-ins at POST /api/login:
 *   - wrong passwords lock that account after 5, with 429 and Retry-After, and the lock grows;
 *     another account from the same address still signs in;
 *   - once a source spent its budget on guesses, an account without failures still signs in from
 *     it, and an account with failures gets 429;
 *   - one answer for every failure: an unknown user name gets the same 401 as a wrong password;
 *     a wrong or replayed authenticator code, and a disabled account, are refused;
 *   - an organisation key in the body gets 400 use_personal_account.
 *
 * An authenticator code is accepted once per 30-s step and activation used the current one, so
 * each successful sign-in uses a fresh account and `nextCode`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_LIMITS } from '../../server/auth/rateLimit.ts'
import { addAccount, nextCode, type TestAccount } from '../helpers/accounts.ts'
import { api, startTestServer, TEST_ORG_KEY, type TestServer } from '../helpers/server.ts'

const servers: TestServer[] = []
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()))
})

async function serverWith(kdf: { burst: number; refillMs: number }): Promise<TestServer> {
  const s = await startTestServer({ limits: { ...DEFAULT_LIMITS, kdf } })
  servers.push(s)
  return s
}

function login(s: TestServer, body: Record<string, unknown>) {
  return api(s.url, 'POST', '/api/login', { auth: null, body })
}

/** Sign in with the right password and a fresh code: the answer. */
function signIn(s: TestServer, a: TestAccount) {
  return login(s, { username: a.username, password: a.password, code: nextCode(a) })
}

function wrong(s: TestServer, a: { username: string }) {
  return login(s, { username: a.username, password: 'not-the-password-1234', code: '123456' })
}

function retryAfter(r: { headers: Headers }): number {
  return Number(r.headers.get('retry-after'))
}

describe('failed sign-ins per account', () => {
  let s: TestServer
  beforeAll(async () => {
    // A source budget far above this file's guesses: only the accounts' own limits act here.
    s = await serverWith({ burst: 1000, refillMs: DEFAULT_LIMITS.kdf.refillMs })
  })

  it('locks an account after 5 wrong passwords (429, Retry-After), with a growing backoff; others still sign in', async () => {
    const [victim, colleague] = await Promise.all([addAccount(s), addAccount(s)])
    for (let i = 0; i < 5; i++) expect((await wrong(s, victim)).status).toBe(401)

    const locked = await wrong(s, victim)
    expect(locked.status).toBe(429)
    expect(locked.body.error).toBe('too_many_requests')
    const first = retryAfter(locked)
    expect(first).toBeGreaterThan(20)
    expect(first).toBeLessThanOrEqual(30)
    // The right password does not open a locked account either.
    expect((await signIn(s, victim)).status).toBe(429)

    // The colleague behind the same address is not affected.
    const ok = await signIn(s, colleague)
    expect(ok.status).toBe(204)
    expect(ok.headers.get('set-cookie')).toMatch(/^kt_session=kts_/)

    // When the lock has run out (moved to the past here), one more failure locks it twice as long.
    await s.storage.accounts.updateAccount(victim.id, { lockedUntil: Date.now() - 1 })
    expect((await wrong(s, victim)).status).toBe(401)
    const again = await wrong(s, victim)
    expect(again.status).toBe(429)
    expect(retryAfter(again)).toBeGreaterThan(first)
    expect(retryAfter(again)).toBeLessThanOrEqual(60)
  }, 60_000)

  it('answers an unknown user name exactly as a wrong password', async () => {
    const a = await addAccount(s)
    const unknown = await wrong(s, { username: 'niemand-bekend' })
    const bad = await wrong(s, a)
    expect(unknown.status).toBe(401)
    expect(unknown.body).toEqual(bad.body)
  }, 30_000)

  it('refuses a wrong authenticator code and a replayed one', async () => {
    const [a, b] = await Promise.all([addAccount(s), addAccount(s)])
    const code = nextCode(a)
    // Another digit: never the next step's code, and the earlier steps' codes are used up by the activation.
    const other = code.slice(0, 5) + String((Number(code[5]) + 1) % 10)
    const refused = await login(s, { username: a.username, password: a.password, code: other })
    expect(refused.status).toBe(401)
    expect((await login(s, { username: a.username, password: a.password })).status).toBe(401)

    const codeB = nextCode(b)
    expect((await login(s, { username: b.username, password: b.password, code: codeB })).status).toBe(204)
    const replay = await login(s, { username: b.username, password: b.password, code: codeB })
    expect(replay.status).toBe(401)
    expect(replay.body).toEqual(refused.body)
  }, 30_000)

  it('refuses a disabled account with the right password and code', async () => {
    const a = await addAccount(s)
    await s.storage.accounts.updateAccount(a.id, { disabledAt: Date.now() })
    const r = await signIn(s, a)
    expect(r.status).toBe(401)
    expect(r.headers.get('set-cookie')).toBeNull()
  }, 30_000)

  it('tells someone sending an organisation key to sign in with their personal account', async () => {
    const r = await login(s, { key: TEST_ORG_KEY })
    expect(r.status).toBe(400)
    expect(r.body.error).toBe('use_personal_account')
    expect(r.headers.get('set-cookie')).toBeNull()
  })
})

describe('a source that spent its budget on guesses', () => {
  it('still lets an account without failures in, and answers an account with failures 429', async () => {
    // Three password checks per source, and no refill during the test.
    const s = await serverWith({ burst: 3, refillMs: 3600_000 })
    const [guessed, clean, cleanToo] = await Promise.all([addAccount(s), addAccount(s), addAccount(s)])
    for (let i = 0; i < 3; i++) expect((await wrong(s, guessed)).status).toBe(401)

    // The budget is spent: the guessed account (it has failures) is refused, even with the right password.
    const limited = await wrong(s, guessed)
    expect(limited.status).toBe(429)
    expect(retryAfter(limited)).toBeGreaterThan(60)
    expect((await signIn(s, guessed)).status).toBe(429)
    // Guessing an unknown name from here is refused as well.
    expect((await wrong(s, { username: 'niemand-bekend' })).status).toBe(429)

    // A colleague behind the same address, with no failed sign-ins, gets in.
    expect((await signIn(s, clean)).status).toBe(204)
    // One wrong guess makes an account not clean: after it, the source's budget applies to it.
    expect((await wrong(s, cleanToo)).status).toBe(401)
    expect((await signIn(s, cleanToo)).status).toBe(429)
  }, 60_000)
})
