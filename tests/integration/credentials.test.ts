/**
 * Credentials without stalls: finding an invite or a session never runs a key derivation, and
 * key checks (scrypt) are limited per client address on every path — login, Bearer, WebSocket
 * token — without locking out the right key. Counted structurally with kdfRuns(), no timings.
 *
 * The tests reach the server from two loopback addresses (127.0.0.1 and 127.0.0.2) to show that
 * the limits are per source.
 */
import http from 'node:http'
import { afterAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { ApiError } from '../../shared/apiErrors.ts'
import { hashToken, kdfRuns, newSecret } from '../../server/auth/secrets.ts'
import { KDF_BURST, KDF_REFILL_MS, TOKEN_MISS_BURST } from '../../server/constants.ts'
import { api, createCase, invite, startTestServer, TEST_ORG_KEY, upgradeStatus, useServer, type TestServer } from '../helpers/server.ts'
import { addAccount, session } from '../helpers/accounts.ts'

const OTHER_ADDRESS = '127.0.0.2'
/** Key settings each check runs scrypt against: the professionals' and the coordinators' key. */
const KEY_SETTINGS = 2

const fixture = useServer()
const spare: TestServer[] = []
afterAll(async () => {
  await Promise.all(spare.map((s) => s.stop()))
})

async function freshServer(): Promise<TestServer> {
  const s = await startTestServer()
  spare.push(s)
  return s
}

interface Answer {
  status: number
  body: any
  retryAfter: string | null
  setCookie: string | null
}

/** An API request from a chosen local address (fetch cannot choose one). */
function request(
  base: string, method: string, pathname: string,
  opts: { from?: string; auth?: string; cookie?: string; body?: unknown } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {}
  if (opts.auth) headers.authorization = `Bearer ${opts.auth}`
  if (opts.cookie) headers.cookie = opts.cookie
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body)
  if (body !== undefined) headers['content-type'] = 'application/json'
  return new Promise((resolve, reject) => {
    const req = http.request(base + pathname, { method, headers, localAddress: opts.from ?? '127.0.0.1', agent: false }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => { text += c })
      res.on('end', () => {
        let parsed: unknown = text
        try {
          parsed = text ? JSON.parse(text) : null
        } catch { /* not JSON */ }
        const cookie = res.headers['set-cookie']?.[0] ?? null
        resolve({ status: res.statusCode ?? 0, body: parsed, retryAfter: (res.headers['retry-after'] as string | undefined) ?? null, setCookie: cookie })
      })
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** Try a WebSocket upgrade from a chosen address: 101 when accepted, else the refusal's status. */
function upgrade(base: string, caseId: string, opts: { token?: string; bearer?: string; cookie?: string; from?: string } = {}): Promise<number> {
  const query = opts.token ? `?token=${encodeURIComponent(opts.token)}` : ''
  // A browser sends Origin on every upgrade; with the cookie alone the server requires it.
  const headers: Record<string, string> = opts.cookie ? { cookie: opts.cookie, origin: new URL(base).origin } : {}
  if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`
  return upgradeStatus(`${base.replace('http', 'ws')}/ws/${caseId}${query}`, headers, opts.from ?? '127.0.0.1')
}

/** Distinct wrong keys (a repeated key would be checked once). */
const wrongKeys = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `wrong-key-${tag}-${i}-${newSecret(6)}`)

function expectTooMany(a: Answer, maxWaitS: number): void {
  expect(a.status).toBe(429)
  expect(a.body).toMatchObject({ error: ApiError.tooManyRequests })
  expect(a.body.message).toMatch(/^Te veel pogingen\. Probeer het over .+ opnieuw\.$/)
  expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1)
  expect(Number(a.retryAfter)).toBeLessThanOrEqual(maxWaitS)
}

describe('finding an invite or a session', () => {
  it('runs no key derivation for invite tokens, over the API and the WebSocket', async () => {
    const base = fixture.server.url
    const id = await createCase(base)
    const token = await invite(base, id, 'resident')
    expect(token).toMatch(/^kti_[A-Za-z0-9_-]{43}$/)
    const before = kdfRuns()
    const answers = await Promise.all(Array.from({ length: 50 }, () => request(base, 'GET', `/api/cases/${id}`, { auth: token })))
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200))
    const upgrades = await Promise.all(Array.from({ length: 20 }, () => upgrade(base, id, { token })))
    expect(upgrades).toEqual(Array(20).fill(101))
    expect(kdfRuns() - before).toBe(0)
  })

  it('runs no key derivation for session cookies, over the API and the WebSocket', async () => {
    const base = fixture.server.url
    const id = await createCase(base, 'Casus', 'integrale-intake', fixture.server.teamId)
    const cookie = await session(fixture.server, await addAccount(fixture.server))
    expect(cookie).toMatch(/^kt_session=kts_[A-Za-z0-9_-]{43}$/)
    const before = kdfRuns()
    const answers = await Promise.all(Array.from({ length: 50 }, () => request(base, 'GET', '/api/me', { cookie })))
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200))
    const upgrades = await Promise.all(Array.from({ length: 20 }, () => upgrade(base, id, { cookie })))
    expect(upgrades).toEqual(Array(20).fill(101))
    expect(kdfRuns() - before).toBe(0)
  })

  it('still accepts an invite token from before prefixes, found by its hash without a key derivation', async () => {
    const base = fixture.server.url
    const id = await createCase(base)
    const old = newSecret()
    const now = Date.now()
    await fixture.server.storage.createInvite({ tokenHash: hashToken(old), caseId: id, role: 'resident', createdAt: now, expiresAt: now + 3600_000 })
    const before = kdfRuns()
    expect((await request(base, 'GET', `/api/cases/${id}`, { auth: old })).status).toBe(200)
    expect(await upgrade(base, id, { token: old })).toBe(101)
    expect(kdfRuns() - before).toBe(0)
  })
})

describe('wrong keys from one address', () => {
  it('get at most the budget of key checks, then 429 on every path; the right key still works from there', async () => {
    const s = await freshServer()
    const id = await createCase(s.url) // the right key, checked once and known from now on
    const before = kdfRuns()
    const answers = await Promise.all(wrongKeys(3 * KDF_BURST, 'bearer').map((k) => request(s.url, 'GET', '/api/cases', { auth: k })))
    const refusedAfterCheck = answers.filter((a) => a.status === 401).length
    const limited = answers.filter((a) => a.status === 429)
    // All arrive within one refill period on any sane machine; allow one refill anyway.
    expect(refusedAfterCheck).toBeGreaterThanOrEqual(KDF_BURST)
    expect(refusedAfterCheck).toBeLessThanOrEqual(KDF_BURST + 1)
    expect(limited.length).toBe(answers.length - refusedAfterCheck)
    expectTooMany(limited[0] as Answer, KDF_REFILL_MS / 1000)
    expect(kdfRuns() - before).toBeLessThanOrEqual(refusedAfterCheck * KEY_SETTINGS)

    // Limited on every path: the WebSocket's Authorization header too.
    expect(await upgrade(s.url, id, { bearer: wrongKeys(1, 'ws')[0] })).toBe(429)
    const limitedRuns = kdfRuns()

    // The right key, known since its first check, from the same address: Bearer and WebSocket.
    expect((await request(s.url, 'GET', '/api/cases', { auth: TEST_ORG_KEY })).status).toBe(200)
    expect(await upgrade(s.url, id, { bearer: TEST_ORG_KEY })).toBe(101)
    expect(kdfRuns()).toBe(limitedRuns)

    // Another address has its own budget.
    expect((await request(s.url, 'GET', '/api/cases', { auth: wrongKeys(1, 'other')[0], from: OTHER_ADDRESS })).status).toBe(401)
  })

  it('on a fresh server (no key known yet) make the right key wait for one refill, which it then resets', async () => {
    const s = await freshServer()
    const bearer = (key: string) => request(s.url, 'GET', '/api/cases', { auth: key })
    const answers = await Promise.all(wrongKeys(KDF_BURST + 5, 'first').map(bearer))
    expect(answers.filter((a) => a.status === 429).length).toBeGreaterThan(0)
    // The rule: a key not known yet is only checked within the address's budget, so the right key
    // is told when to come back (no key derivation runs meanwhile)...
    const waiting = await bearer(TEST_ORG_KEY)
    expectTooMany(waiting, KDF_REFILL_MS / 1000)
    // ...and is accepted as soon as the budget has one check again.
    await expect.poll(async () => (await bearer(TEST_ORG_KEY)).status, { timeout: KDF_REFILL_MS * 3, interval: 250 }).toBe(200)
    // The success gave the address its whole budget back.
    const again = await Promise.all(wrongKeys(KDF_BURST, 'after').map(bearer))
    expect(again.map((a) => a.status)).toEqual(Array(KDF_BURST).fill(401))
    // Meanwhile another address was never limited.
    expect((await request(s.url, 'GET', '/api/cases', { auth: TEST_ORG_KEY, from: OTHER_ADDRESS })).status).toBe(200)
  })

  it('are never tried as keys when they carry a token prefix', async () => {
    const s = await freshServer()
    const before = kdfRuns()
    for (const prefix of ['kti_', 'kts_', 'ktc_', 'ktp_', 'kta_']) {
      expect((await request(s.url, 'GET', '/api/cases', { auth: `${prefix}${newSecret()}` })).status).toBe(401)
    }
    expect(kdfRuns() - before).toBe(0)
  })
})

describe('unknown tokens from one address', () => {
  it('cost no key derivation, and are refused with 429 beyond a generous budget', async () => {
    const s = await freshServer()
    const id = await createCase(s.url)
    const before = kdfRuns()
    const guesses = Array.from({ length: TOKEN_MISS_BURST + 50 }, () => `kti_${newSecret()}`)
    const answers = await Promise.all(guesses.map((g) => request(s.url, 'GET', `/api/cases/${id}`, { auth: g })))
    const unknown = answers.filter((a) => a.status === 401).length
    const limited = answers.filter((a) => a.status === 429)
    expect(unknown).toBeGreaterThanOrEqual(TOKEN_MISS_BURST)
    expect(limited.length).toBe(answers.length - unknown)
    expect(limited.length).toBeGreaterThan(0)
    expect(limited[0]?.body).toMatchObject({ error: ApiError.tooManyRequests })
    expect(kdfRuns() - before).toBe(0)
    // Other addresses, and the right key, are not affected.
    const token = await invite(s.url, id, 'resident')
    expect((await request(s.url, 'GET', `/api/cases/${id}`, { auth: token, from: OTHER_ADDRESS })).status).toBe(200)
    expect((await api(s.url, 'GET', `/api/cases/${id}`)).status).toBe(200)
  })
})

describe('routes open to anyone', () => {
  it('do not look at credentials, so a wrong Bearer costs nothing there', async () => {
    const s = await freshServer()
    const before = kdfRuns()
    for (const k of wrongKeys(KDF_BURST + 3, 'public')) {
      expect((await request(s.url, 'GET', '/api/config', { auth: k })).status).toBe(200)
    }
    expect(kdfRuns() - before).toBe(0)
  })
})
