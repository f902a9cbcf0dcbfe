/**
 * Requests from elsewhere, against a real server: a cookie-authenticated state change or
 * WebSocket upgrade from another site's page is refused (403 `cross_site`), the same request from
 * the server's own origin goes through, scripts with `Authorization: Bearer` are unaffected; and
 * the client address behind a reverse proxy (TRUST_PROXY): X-Forwarded-For is ignored unless the
 * setting says which proxy to believe, and then two clients behind it get their own budgets.
 */
import { describe, expect, it } from 'vitest'
import { readSettings, SettingsError } from '../../server/config.ts'
import { KDF_BURST } from '../../server/constants.ts'
import { DEFAULT_LIMITS } from '../../server/auth/rateLimit.ts'
import { api, createCase, startTestServer, TEST_ORG_KEY, upgradeStatus, useServer, type TestServer } from '../helpers/server.ts'
import { addAccount, session } from '../helpers/accounts.ts'

const EVIL = 'https://evil.example'

/** A signed-in account of the server's test team (a professional unless `role` says otherwise): its session cookie. */
async function login(server: TestServer, role: 'professional' | 'coordinator' = 'professional'): Promise<string> {
  return await session(server, await addAccount(server, { role }))
}

const caseCount = async (base: string) => (await api(base, 'GET', '/api/cases')).body.length as number

describe('cross-site requests with the session cookie', () => {
  const fixture = useServer()
  const base = () => fixture.server.url

  it('refuses a cross-site POST and DELETE, and accepts them from the own origin', async () => {
    const cookie = await login(fixture.server)
    const before = await caseCount(base())
    const post = await api(base(), 'POST', '/api/cases', { auth: null, cookie, origin: EVIL, body: { title: 'van elders' } })
    expect(post.status).toBe(403)
    expect(post.body).toEqual({ error: 'cross_site', message: expect.any(String) })
    expect(await caseCount(base())).toBe(before)

    const own = await api(base(), 'POST', '/api/cases', { auth: null, cookie, origin: base(), body: { title: 'van hier' } })
    expect(own.status).toBe(201)
    const id = own.body.id as string

    const del = await api(base(), 'DELETE', `/api/cases/${id}`, { auth: null, cookie, origin: EVIL })
    expect(del.status).toBe(403)
    expect(del.body.error).toBe('cross_site')
    expect((await api(base(), 'GET', `/api/cases/${id}`)).status).toBe(200)
    expect((await api(base(), 'DELETE', `/api/cases/${id}`, { auth: null, cookie, origin: base() })).status).toBe(204)
    expect((await api(base(), 'GET', `/api/cases/${id}`)).status).toBe(404)
  })

  it('needs Origin or, without it, Referer; `null` and other schemes count as another site', async () => {
    const cookie = await login(fixture.server)
    const send = (headers: Record<string, string>) =>
      fetch(`${base()}/api/cases`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', ...headers }, body: '{"title":"x"}' })
    expect((await send({})).status).toBe(403) // neither header: refused with the cookie
    expect((await send({ origin: 'null' })).status).toBe(403)
    expect((await send({ origin: base().replace('http:', 'ftp:') })).status).toBe(403)
    expect((await send({ origin: `${base()}.evil.example` })).status).toBe(403)
    expect((await send({ referer: `${EVIL}/page` })).status).toBe(403)
    expect((await send({ referer: `${base()}/case/abc` })).status).toBe(201)
    // The server's host over https counts as its own origin too (TLS ended at a proxy that keeps Host).
    expect((await send({ origin: base().replace('http:', 'https:') })).status).toBe(201)
    const refused = await send({ origin: EVIL })
    expect(refused.headers.get('content-type')).toMatch(/^application\/json/)
    expect(await refused.json()).toMatchObject({ error: 'cross_site' })
  })

  it('refuses a cross-site logout and login, and leaves reads alone', async () => {
    const cookie = await login(fixture.server)
    expect((await api(base(), 'POST', '/api/logout', { auth: null, cookie, origin: EVIL })).status).toBe(403)
    expect((await api(base(), 'GET', '/api/me', { auth: null, cookie })).status).toBe(200)
    // A login form on another site (no cookie yet) is refused as well; scripts send no Origin.
    const foreign = await api(base(), 'POST', '/api/login', { auth: null, origin: EVIL, body: { username: 'someone', password: 'a-password-of-someone' } })
    expect(foreign.status).toBe(403)
    expect(foreign.headers.get('set-cookie')).toBeNull()
    // Reads change nothing; SameSite=Strict keeps the cookie off them from other sites anyway.
    expect((await api(base(), 'GET', '/api/cases', { auth: null, cookie, origin: EVIL })).status).toBe(200)
    expect((await api(base(), 'POST', '/api/logout', { auth: null, cookie, origin: base() })).status).toBe(204)
    expect((await api(base(), 'GET', '/api/me', { auth: null, cookie })).status).toBe(401)
  })

  it('leaves Bearer requests alone, with or without an Origin', async () => {
    const a = await api(base(), 'POST', '/api/cases', { body: { title: 'script' } })
    expect(a.status).toBe(201)
    const b = await api(base(), 'POST', '/api/cases', { origin: EVIL, body: { title: 'script' } })
    expect(b.status).toBe(201)
    // A Bearer key wins over the cookie, so the request is not cookie-based.
    const cookie = await login(fixture.server)
    expect((await api(base(), 'DELETE', `/api/cases/${b.body.id}`, { cookie, origin: EVIL })).status).toBe(204)
  })

  it('keeps 403 forbidden (not cross_site) for a read-only session from the own origin', async () => {
    const cookie = await login(fixture.server, 'coordinator')
    const r = await api(base(), 'POST', '/api/cases', { auth: null, cookie, body: { title: 'x' } })
    expect(r.status).toBe(403)
    expect(r.body.error).toBe('forbidden')
  })

  it('refuses a cross-site WebSocket upgrade with the cookie, and one without Origin', async () => {
    const id = await createCase(base(), 'Casus', 'integrale-intake', fixture.server.teamId)
    const cookie = await login(fixture.server)
    const ws = `${base().replace('http', 'ws')}/ws/${id}`
    expect(await upgradeStatus(ws, { cookie, origin: EVIL })).toBe(403)
    expect(await upgradeStatus(ws, { cookie })).toBe(403)
    expect(await upgradeStatus(ws, { cookie, origin: 'null' })).toBe(403)
    expect(await upgradeStatus(ws, { cookie, origin: base() })).toBe(101)
    // Scripts with a key send no Origin.
    expect(await upgradeStatus(ws, { authorization: `Bearer ${TEST_ORG_KEY}` })).toBe(101)
  })
})

describe('with PUBLIC_URL, the own origin is PUBLIC_URL', () => {
  const PUBLIC = 'https://keukentafel.example.nl'
  const fixture = useServer({ env: { PUBLIC_URL: PUBLIC } })
  const base = () => fixture.server.url

  it('accepts PUBLIC_URL as Origin and refuses the Host it was reached on', async () => {
    const cookie = await login(fixture.server)
    expect((await api(base(), 'POST', '/api/cases', { auth: null, cookie, origin: base(), body: { title: 'x' } })).status).toBe(403)
    expect((await api(base(), 'POST', '/api/cases', { auth: null, cookie, origin: PUBLIC, body: { title: 'x' } })).status).toBe(201)
    const id = await createCase(base(), 'Casus', 'integrale-intake', fixture.server.teamId)
    const ws = `${base().replace('http', 'ws')}/ws/${id}`
    expect(await upgradeStatus(ws, { cookie, origin: base() })).toBe(403)
    expect(await upgradeStatus(ws, { cookie, origin: PUBLIC })).toBe(101)
  })
})

/**
 * The default budgets, except that a spent budget does not refill within the test: on a busy
 * machine ten key checks can take longer than one refill, and these tests are about whose budget a
 * request counts against, not about refill timing (tests/unit/server/rateLimit.test.ts is).
 */
const NO_REFILL = {
  ...DEFAULT_LIMITS,
  kdf: { ...DEFAULT_LIMITS.kdf, refillMs: 3_600_000 },
  misses: { ...DEFAULT_LIMITS.misses, refillMs: 3_600_000 },
}

/** Distinct wrong keys (a repeated key is checked once). */
let wrong = 0
const wrongKey = () => `wrong-key-crosssite-${++wrong}-abcdef`

/** A script's key check (Bearer), counted against the source the server sees. */
function loginFrom(server: TestServer, forwardedFor: string | null, key = wrongKey()) {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` }
  if (forwardedFor !== null) headers['x-forwarded-for'] = forwardedFor
  return fetch(`${server.url}/api/cases`, { headers })
}

/** Spend a source's whole budget of key checks with wrong keys, one at a time. */
async function spendBudget(server: TestServer, forwardedFor: string | null): Promise<void> {
  for (let i = 0; i < KDF_BURST; i++) expect((await loginFrom(server, forwardedFor)).status).toBe(401)
  expect((await loginFrom(server, forwardedFor)).status).toBe(429)
}

describe('TRUST_PROXY: the client address behind a reverse proxy', () => {
  it('ignores X-Forwarded-For when it is not set', async () => {
    const server = await startTestServer({ limits: NO_REFILL })
    try {
      await spendBudget(server, '203.0.113.1')
      // Another address in the header changes nothing: the source is the socket's.
      expect((await loginFrom(server, '203.0.113.2')).status).toBe(429)
      expect((await loginFrom(server, null)).status).toBe(429)
    } finally {
      await server.stop()
    }
  })

  it('with TRUST_PROXY=1 gives two clients behind the proxy their own budgets', async () => {
    const server = await startTestServer({ env: { TRUST_PROXY: '1' }, limits: NO_REFILL })
    try {
      await spendBudget(server, '203.0.113.1')
      expect((await loginFrom(server, '203.0.113.2')).status).toBe(401)
      // What a client writes into the header itself stands left of what the proxy appended.
      expect((await loginFrom(server, '203.0.113.2, 203.0.113.1')).status).toBe(429)
      expect((await loginFrom(server, '203.0.113.1, 203.0.113.2')).status).toBe(401)
      // The same source for Bearer keys and WebSocket tokens.
      const bearer = await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${wrongKey()}`, 'x-forwarded-for': '203.0.113.1' } })
      expect(bearer.status).toBe(429)
      const id = await createCase(server.url)
      const ws = `${server.url.replace('http', 'ws')}/ws/${id}`
      expect(await upgradeStatus(ws, { authorization: `Bearer ${wrongKey()}`, 'x-forwarded-for': '203.0.113.1' })).toBe(429)
      expect(await upgradeStatus(ws, { authorization: `Bearer ${wrongKey()}`, 'x-forwarded-for': '203.0.113.3' })).toBe(401)
      // The right key still gets in from the limited address.
      expect((await loginFrom(server, '203.0.113.1', TEST_ORG_KEY)).status).toBe(200)
    } finally {
      await server.stop()
    }
  })

  it('with a list of proxy addresses skips those proxies and believes nothing from others', async () => {
    const server = await startTestServer({ env: { TRUST_PROXY: '127.0.0.1, 10.0.0.7' }, limits: NO_REFILL })
    try {
      // Two proxies: the outer one (10.0.0.7) appended the client, the inner one is the socket's peer.
      await spendBudget(server, '203.0.113.1, 10.0.0.7')
      expect((await loginFrom(server, '203.0.113.1')).status).toBe(429)
      expect((await loginFrom(server, '203.0.113.2, 10.0.0.7')).status).toBe(401)
      // 198.51.100.9 is no trusted proxy: what stands left of it is the client's own claim.
      await spendBudget(server, '203.0.113.4, 198.51.100.9')
      expect((await loginFrom(server, '203.0.113.5, 198.51.100.9')).status).toBe(429)
    } finally {
      await server.stop()
    }
  })

  it('refuses a TRUST_PROXY it cannot read, naming the setting', () => {
    for (const value of ['yes', '11', '10.0.0.1, proxy.local', '-1']) {
      expect(() => readSettings({ TRUST_PROXY: value }, { clientDir: '.' })).toThrow(SettingsError)
      expect(() => readSettings({ TRUST_PROXY: value }, { clientDir: '.' })).toThrow(/TRUST_PROXY/)
    }
    expect(readSettings({}, { clientDir: '.' }).trustProxy).toEqual({ kind: 'off' })
    expect(readSettings({ TRUST_PROXY: '0' }, { clientDir: '.' }).trustProxy).toEqual({ kind: 'off' })
    expect(readSettings({ TRUST_PROXY: '2' }, { clientDir: '.' }).trustProxy).toEqual({ kind: 'hops', hops: 2 })
    expect(readSettings({ TRUST_PROXY: '::ffff:10.0.0.1,fd00::1' }, { clientDir: '.' }).trustProxy)
      .toEqual({ kind: 'addresses', proxies: ['10.0.0.1', 'fd00::1'] })
  })
})
