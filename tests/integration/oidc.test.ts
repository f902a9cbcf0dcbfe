/**
 * Sign-in through the organisation's identity provider (OIDC, authorization code + PKCE) against a
 * real provider (oidc-provider, tests/helpers/oidcProvider.ts): the settings, the start and the
 * callback's checks, and whole sign-ins driven by a small fetch loop that follows redirects, keeps
 * cookies per host and submits the provider's login and consent pages as a browser would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readSettings, SettingsError } from '../../server/config.ts'
import { addAccount } from '../helpers/accounts.ts'
import { freePort } from '../helpers/ports.ts'
import { OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_PUBLIC_CLIENT_ID, startOidcProvider, type TestOidcProvider } from '../helpers/oidcProvider.ts'
import { api, startTestServer, type TestServer } from '../helpers/server.ts'

const ROLE_MAP = 'wmo-consulent=professional,teamleider=coordinator'

/** A Keukentafel with OIDC on, at a fixed port so PUBLIC_URL (and the provider's redirect URI) are known first. */
async function startPair(clientId = OIDC_CLIENT_ID): Promise<{ server: TestServer; provider: TestOidcProvider }> {
  const port = await freePort()
  const publicUrl = `http://127.0.0.1:${port}`
  const provider = await startOidcProvider({ redirectUris: [`${publicUrl}/api/oidc/callback`] })
  const server = await startTestServer({
    env: {
      PORT: String(port), PUBLIC_URL: publicUrl, OIDC_ISSUER: provider.issuer, OIDC_CLIENT_ID: clientId,
      ...(clientId === OIDC_CLIENT_ID ? { OIDC_CLIENT_SECRET } : {}), OIDC_NAME: 'Gemeente Teststad', OIDC_ROLE_MAP: ROLE_MAP,
    },
  })
  return { server, provider }
}

/** A cookie-keeping, redirect-following user agent (cookies per host; paths ignored). */
class Agent {
  private jars = new Map<string, Map<string, string>>()

  cookie(url: string, name: string): string | null {
    return this.jars.get(new URL(url).host)?.get(name) ?? null
  }

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const u = new URL(url)
    const jar = this.jars.get(u.host) ?? new Map<string, string>()
    this.jars.set(u.host, jar)
    const headers: Record<string, string> = {}
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
    let body: string | undefined
    if (init.form) {
      body = new URLSearchParams(init.form).toString()
      headers['content-type'] = 'application/x-www-form-urlencoded'
      headers.origin = u.origin
    }
    const res = await fetch(url, { method: init.method ?? 'GET', headers, body, redirect: 'manual' })
    for (const c of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = c.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const gone = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a))
      if (gone) jar.delete(name)
      else jar.set(name, pair.slice(eq + 1).trim())
    }
    return res
  }

  /**
   * Sign in at Keukentafel `base` as `login` on the provider: follows every redirect, fills the
   * login page and accepts the consent page, until Keukentafel's callback answers. Returns where
   * the callback sends the browser.
   */
  async signIn(base: string, login: string): Promise<{ location: string; setCookies: string[] }> {
    let url = `${base}/api/oidc/login`
    let res = await this.request(url)
    for (let step = 0; step < 20; step++) {
      if (url.startsWith(`${base}/api/oidc/callback`)) return { location: res.headers.get('location') ?? '', setCookies: res.headers.getSetCookie() }
      const location = res.headers.get('location')
      if (res.status >= 300 && res.status < 400 && location) {
        url = new URL(location, url).href
        res = await this.request(url)
        continue
      }
      const html = await res.text()
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1]
      const prompt = /name="prompt" value="([a-z]+)"/.exec(html)?.[1]
      if (res.status !== 200 || !action || !prompt) throw new Error(`unexpected page at ${url}: ${res.status}`)
      url = new URL(action.replace(/&amp;/g, '&'), url).href
      res = await this.request(url, { method: 'POST', form: prompt === 'login' ? { prompt, login, password: 'any' } : { prompt } })
    }
    throw new Error('the sign-in did not come back to Keukentafel')
  }
}

function sessionOf(setCookies: string[]): string | null {
  const c = setCookies.find((x) => x.startsWith('kt_session=') && !/max-age=0/i.test(x))
  return c ? (c.split(';')[0] as string) : null
}

describe('OIDC settings', () => {
  const base = { DATA_DIR: '/tmp/kt-oidc-settings', PUBLIC_URL: 'https://keukentafel.example.nl' }
  const read = (env: Record<string, string>) => readSettings({ ...base, ...env }, { clientDir: '.' })
  const problem = (env: Record<string, string>): string => {
    try {
      read(env)
    } catch (err) {
      if (err instanceof SettingsError) return err.message
      throw err
    }
    throw new Error('the settings were accepted')
  }

  it('is off without settings, and reads a full set with its defaults', () => {
    expect(read({}).oidc).toBeNull()
    const s = read({ OIDC_ISSUER: 'https://login.example.nl/realms/x', OIDC_CLIENT_ID: 'kt', OIDC_ROLE_MAP: ROLE_MAP }).oidc
    expect(s?.issuer.href).toBe('https://login.example.nl/realms/x')
    expect(s).toMatchObject({ clientId: 'kt', clientSecret: null, name: 'uw organisatie', roleClaim: 'keukentafel_role', teamClaim: 'keukentafel_team', scopes: 'openid profile email' })
    expect([...(s?.roleMap ?? [])]).toEqual([['wmo-consulent', 'professional'], ['teamleider', 'coordinator']])
  })

  it('refuses half a set, plain http elsewhere, bad role maps and a missing PUBLIC_URL with clear messages', () => {
    expect(problem({ OIDC_ISSUER: 'https://login.example.nl' })).toMatch(/OIDC_CLIENT_ID is missing/)
    expect(problem({ OIDC_CLIENT_SECRET: 'x' })).toMatch(/OIDC_CLIENT_SECRET is set but OIDC is off/)
    expect(problem({ OIDC_ISSUER: 'http://login.example.nl', OIDC_CLIENT_ID: 'kt' })).toMatch(/OIDC_ISSUER must be an https URL/)
    expect(problem({ OIDC_ISSUER: 'not a url', OIDC_CLIENT_ID: 'kt' })).toMatch(/OIDC_ISSUER must be the provider's issuer URL/)
    expect(problem({ OIDC_ISSUER: 'https://login.example.nl', OIDC_CLIENT_ID: 'kt', OIDC_ROLE_MAP: 'teamleider=boss' })).toMatch(/OIDC_ROLE_MAP .*wrong: "teamleider=boss"/)
    expect(problem({ OIDC_ISSUER: 'https://login.example.nl', OIDC_CLIENT_ID: 'kt', OIDC_SCOPES: 'profile' })).toMatch(/OIDC_SCOPES must include openid/)
    expect(problem({ OIDC_ISSUER: 'https://login.example.nl', OIDC_CLIENT_ID: 'kt', OIDC_ROLE_CLAIM: 'has space' })).toMatch(/OIDC_ROLE_CLAIM must be a claim name/)
    expect(() => readSettings({ DATA_DIR: '/tmp/kt-oidc-settings', OIDC_ISSUER: 'https://login.example.nl', OIDC_CLIENT_ID: 'kt' }, { clientDir: '.' }))
      .toThrow(/PUBLIC_URL is required when OIDC is on/)
    // http is fine for a provider on this machine (tests, development).
    expect(read({ OIDC_ISSUER: 'http://127.0.0.1:9999', OIDC_CLIENT_ID: 'kt' }).oidc?.issuer.protocol).toBe('http:')
  })
})

describe('OIDC sign-in against a real provider', () => {
  let server: TestServer
  let provider: TestOidcProvider
  beforeAll(async () => {
    ({ server, provider } = await startPair())
    provider.users.set('anna', { name: 'Anna de Vries', email: 'anna@teststad.nl', role: 'wmo-consulent', team: 'Wijkteam Noord' })
  })
  afterAll(async () => {
    await server?.stop()
    await provider?.stop()
  })

  it('names the provider in /api/config', async () => {
    const r = await api(server.url, 'GET', '/api/config', { auth: null })
    expect(r.body.oidc).toEqual({ name: 'Gemeente Teststad' })
  })

  it('starts with a redirect that carries an S256 challenge, state and nonce, and a Lax cookie', async () => {
    const res = await fetch(`${server.url}/api/oidc/login`, { redirect: 'manual' })
    expect(res.status).toBe(302)
    const to = new URL(res.headers.get('location') as string)
    expect(to.origin).toBe(provider.issuer)
    const q = to.searchParams
    expect(q.get('code_challenge_method')).toBe('S256')
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{20,}$/)
    expect(q.get('nonce')).toMatch(/^[A-Za-z0-9_-]{20,}$/)
    expect(q.get('response_type')).toBe('code')
    expect(q.get('client_id')).toBe(OIDC_CLIENT_ID)
    expect(q.get('redirect_uri')).toBe(`${server.url}/api/oidc/callback`)
    expect(q.get('scope')).toBe('openid profile email')
    // Nothing secret in the URL: the verifier stays on the server.
    expect(to.href).not.toMatch(/code_verifier/)
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('kt_oidc=')) ?? ''
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Lax/)
    expect(cookie).toMatch(/Path=\/api\/oidc/)
  })

  it('refuses a callback with a wrong state, without a started sign-in, or with an error from the provider', async () => {
    const agent = new Agent()
    const start = await agent.request(`${server.url}/api/oidc/login`)
    const state = new URL(start.headers.get('location') as string).searchParams.get('state')
    const wrong = await agent.request(`${server.url}/api/oidc/callback?code=abc&state=not-${state}`)
    expect(wrong.status).toBe(302)
    expect(wrong.headers.get('location')).toBe('/?login_error=oidc_failed')
    expect(sessionOf(wrong.headers.getSetCookie())).toBeNull()

    // The started sign-in was used up by that attempt: even the right state is refused now.
    const again = await agent.request(`${server.url}/api/oidc/callback?code=abc&state=${state}`)
    expect(again.headers.get('location')).toBe('/?login_error=oidc_failed')

    const noCookie = await fetch(`${server.url}/api/oidc/callback?code=abc&state=x`, { redirect: 'manual' })
    expect(noCookie.headers.get('location')).toBe('/?login_error=oidc_failed')

    const agent2 = new Agent()
    const start2 = await agent2.request(`${server.url}/api/oidc/login`)
    const state2 = new URL(start2.headers.get('location') as string).searchParams.get('state')
    const denied = await agent2.request(`${server.url}/api/oidc/callback?error=access_denied&state=${state2}`)
    expect(denied.headers.get('location')).toBe('/?login_error=oidc_failed')
    expect(sessionOf(denied.headers.getSetCookie())).toBeNull()
  })

  it('signs a person in end to end: account, role and team from the claims; the team is created', async () => {
    const done = await new Agent().signIn(server.url, 'anna')
    expect(done.location).toBe('/')
    const cookie = sessionOf(done.setCookies)
    expect(cookie).not.toBeNull()
    const me = await api(server.url, 'GET', '/api/me', { auth: null, cookie: cookie as string })
    expect(me.status).toBe(200)
    expect(me.body.account).toMatchObject({ username: 'anna', displayName: 'Anna de Vries', role: 'professional', external: true, totp: false })
    expect(me.body.account.team.name).toBe('Wijkteam Noord')
    const stored = await server.storage.accounts.findAccountByUsername('anna')
    expect(stored?.oidcSubject).toBe(`${provider.issuer}|anna`)
    expect(stored?.passwordHash).toBeNull()
    const audit = (await server.storage.exportAudit(0, Date.now() + 1000)).filter((r) => r.actor === 'oidc').map((r) => r.action)
    expect(audit).toEqual(expect.arrayContaining(['team.create', 'account.create.professional']))
    // A person's case goes to the team the provider named.
    const created = await api(server.url, 'POST', '/api/cases', { auth: null, cookie: cookie as string, body: { title: 'Casus OIDC', template: 'integrale-intake' } })
    expect(created.status).toBe(201)
    expect(created.body.team.name).toBe('Wijkteam Noord')
  })

  it('follows the provider at the next sign-in: a changed role claim changes the role, same account', async () => {
    const before = await server.storage.accounts.findAccountByUsername('anna')
    provider.users.set('anna', { name: 'Anna de Vries', role: 'teamleider', team: 'Wijkteam Noord' })
    const done = await new Agent().signIn(server.url, 'anna')
    const me = await api(server.url, 'GET', '/api/me', { auth: null, cookie: sessionOf(done.setCookies) as string })
    expect(me.body.account).toMatchObject({ id: before?.id, role: 'coordinator' })
    // A role name is accepted as it is, without the map.
    provider.users.set('anna', { name: 'Anna de Vries', role: ['onbekend', 'professional'], team: 'Wijkteam Noord' })
    const third = await new Agent().signIn(server.url, 'anna')
    const me3 = await api(server.url, 'GET', '/api/me', { auth: null, cookie: sessionOf(third.setCookies) as string })
    expect(me3.body.account).toMatchObject({ id: before?.id, role: 'professional' })
  })

  it('refuses a person without a valid role, and ends the sessions of an account that lost its role', async () => {
    const stranger = await new Agent().signIn(server.url, 'zonder-rol')
    expect(stranger.location).toBe('/?login_error=oidc_no_role')
    expect(sessionOf(stranger.setCookies)).toBeNull()
    expect(await server.storage.accounts.findAccountByUsername('zonder-rol')).toBeNull()

    provider.users.set('bram', { name: 'Bram', role: 'professional' })
    const first = await new Agent().signIn(server.url, 'bram')
    const cookie = sessionOf(first.setCookies) as string
    expect((await api(server.url, 'GET', '/api/me', { auth: null, cookie })).status).toBe(200)
    provider.users.set('bram', { name: 'Bram', role: 'stagiair' })
    const lost = await new Agent().signIn(server.url, 'bram')
    expect(lost.location).toBe('/?login_error=oidc_no_role')
    expect((await api(server.url, 'GET', '/api/me', { auth: null, cookie })).status).toBe(401)
  })

  it('refuses a disabled account, and the password sign-in refuses accounts of the provider', async () => {
    provider.users.set('carla', { name: 'Carla', role: 'professional' })
    await new Agent().signIn(server.url, 'carla')
    const carla = await server.storage.accounts.findAccountByUsername('carla')
    expect(carla).not.toBeNull()
    const login = await api(server.url, 'POST', '/api/login', { auth: null, body: { username: 'carla', password: 'whatever-password', code: '123456' } })
    expect(login.status).toBe(401)

    await server.storage.accounts.updateAccount(carla?.id as string, { disabledAt: Date.now() })
    const refused = await new Agent().signIn(server.url, 'carla')
    expect(refused.location).toBe('/?login_error=oidc_disabled')
    expect(sessionOf(refused.setCookies)).toBeNull()
  })

  it('never takes over a local account with the same user name', async () => {
    const local = await addAccount(server, { username: 'dirk' })
    provider.users.set('dirk', { name: 'Dirk (provider)', role: 'professional' })
    const done = await new Agent().signIn(server.url, 'dirk')
    const me = await api(server.url, 'GET', '/api/me', { auth: null, cookie: sessionOf(done.setCookies) as string })
    expect(me.body.account.username).toBe('dirk-2')
    expect(me.body.account.id).not.toBe(local.id)
  })
})

describe('OIDC with a public client (PKCE only, no secret)', () => {
  let server: TestServer
  let provider: TestOidcProvider
  beforeAll(async () => {
    ({ server, provider } = await startPair(OIDC_PUBLIC_CLIENT_ID))
    provider.users.set('eva', { name: 'Eva', role: 'coordinator', team: 'Team Werk' })
  })
  afterAll(async () => {
    await server?.stop()
    await provider?.stop()
  })

  it('signs in', async () => {
    const done = await new Agent().signIn(server.url, 'eva')
    expect(done.location).toBe('/')
    const me = await api(server.url, 'GET', '/api/me', { auth: null, cookie: sessionOf(done.setCookies) as string })
    expect(me.body.account).toMatchObject({ username: 'eva', role: 'coordinator', team: { name: 'Team Werk' } })
  })
})

describe('without OIDC', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(async () => {
    await server?.stop()
  })

  it('shows no provider and has no sign-in route', async () => {
    expect((await api(server.url, 'GET', '/api/config', { auth: null })).body.oidc).toBeNull()
    const r = await api(server.url, 'GET', '/api/oidc/login', { auth: null })
    expect(r.status).toBe(404)
  })
})
