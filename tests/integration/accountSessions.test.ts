/**
 * Ending what an account may do ends its open sockets: logout, disabling the account, revoking an
 * API token, a change of role or team, resetting the account and removing a case member each
 * close the matching WebSockets (4401 with a reason) and refuse a new connection, while other
 * accounts' sockets (and the account's other credentials, where they stay valid) stay open. The
 * server closes them during the call itself (auth/liveCredentials.ts, no timer or polling); this
 * test waits for the close with a generous timeout and checks code and reason, not the time.
 * And every such action leaves its audit row (auth and administration: ground 'security').
 *
 * Real server, real accounts, raw `ws` sockets (with the session cookie and the own Origin, or
 * an API token as Bearer), no fixed waits.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { CloseCode } from '../../shared/closeCodes.ts'
import { SCHEMA_VERSION } from '../../shared/schema.ts'
import { addAccount, nextCode, session, type TestAccount } from '../helpers/accounts.ts'
import { api, createCase, startTestServer, upgradeStatus, type TestServer } from '../helpers/server.ts'

const WAIT = { timeout: 20_000, interval: 20 }

let s: TestServer
let admin: TestAccount
let adminCookie: string
let teamU: string
let caseId: string
const opened: WebSocket[] = []

beforeAll(async () => {
  s = await startTestServer()
  teamU = (await s.storage.accounts.createTeam('Team U', Date.now())).id
  admin = await addAccount(s, { role: 'admin', teamId: null })
  adminCookie = await session(s, admin)
  caseId = await createCase(s.url, 'Sessies', 'integrale-intake', s.teamId)
}, 60_000)

afterAll(async () => {
  for (const ws of opened) ws.terminate()
  await s?.stop()
})

const wsUrl = () => `${s.url.replace('http', 'ws')}/ws/${caseId}?schema=${SCHEMA_VERSION}`

/** How a socket presents its credential: a session cookie (with the own Origin) or a Bearer token. */
function headersOf(c: { cookie: string } | { bearer: string }): Record<string, string> {
  return 'cookie' in c ? { cookie: c.cookie, origin: s.url } : { authorization: `Bearer ${c.bearer}` }
}

interface Watched {
  ws: WebSocket
  closed: { code: number; reason: string } | null
}

async function open(c: { cookie: string } | { bearer: string }): Promise<Watched> {
  const ws = new WebSocket(wsUrl(), { headers: headersOf(c) })
  opened.push(ws)
  const w: Watched = { ws, closed: null }
  ws.on('close', (code, reason) => { w.closed = { code, reason: reason.toString() } })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  return w
}

async function closedWith(w: Watched, reason: RegExp): Promise<void> {
  await vi.waitFor(() => expect(w.closed).not.toBeNull(), WAIT)
  expect(w.closed?.code).toBe(CloseCode.Unauthorized)
  expect(w.closed?.reason).toMatch(reason)
}

/** Still open and answering: a ping comes back as a pong. */
async function stillOpen(w: Watched): Promise<void> {
  expect(w.ws.readyState).toBe(WebSocket.OPEN)
  const pong = new Promise<void>((resolve) => w.ws.once('pong', () => resolve()))
  w.ws.ping()
  await pong
  expect(w.closed).toBeNull()
}

async function newToken(cookie: string): Promise<{ id: string; token: string }> {
  const r = await api(s.url, 'POST', '/api/me/tokens', { auth: null, cookie, body: { label: 'script' } })
  expect(r.status).toBe(201)
  return r.body
}

function patch(id: string, body: Record<string, unknown>) {
  return api(s.url, 'PATCH', `/api/admin/accounts/${id}`, { auth: null, cookie: adminCookie, body })
}

describe('ending a credential or a right closes the matching sockets', () => {
  it('logout closes the sockets of that session only', async () => {
    const [a, b] = await Promise.all([addAccount(s), addAccount(s)])
    const [cookie1, cookie2, cookieB] = [await session(s, a), await session(s, a), await session(s, b)]
    const [s1, s2, sb] = await Promise.all([open({ cookie: cookie1 }), open({ cookie: cookie2 }), open({ cookie: cookieB })])

    expect((await api(s.url, 'POST', '/api/logout', { auth: null, cookie: cookie1 })).status).toBe(204)
    await closedWith(s1, /signed out/)
    await stillOpen(s2)
    await stillOpen(sb)
    expect(await upgradeStatus(wsUrl(), headersOf({ cookie: cookie1 }))).toBe(401)
    expect(await upgradeStatus(wsUrl(), headersOf({ cookie: cookie2 }))).toBe(101)
  }, 60_000)

  it('disabling an account closes all its sockets (session and API token) and refuses new ones', async () => {
    const [d, other] = await Promise.all([addAccount(s), addAccount(s)])
    const cookie = await session(s, d)
    const { token } = await newToken(cookie)
    const [bySession, byToken, others] = await Promise.all([open({ cookie }), open({ bearer: token }), open({ cookie: await session(s, other) })])

    expect((await patch(d.id, { disabled: true })).status).toBe(200)
    await closedWith(bySession, /disabled/)
    await closedWith(byToken, /disabled/)
    await stillOpen(others)
    expect(await upgradeStatus(wsUrl(), headersOf({ cookie }))).toBe(401)
    expect(await upgradeStatus(wsUrl(), headersOf({ bearer: token }))).toBe(401)
  }, 60_000)

  it('revoking an API token closes its sockets; the session goes on', async () => {
    const e = await addAccount(s)
    const cookie = await session(s, e)
    const t = await newToken(cookie)
    const [byToken, bySession] = await Promise.all([open({ bearer: t.token }), open({ cookie })])

    expect((await api(s.url, 'DELETE', `/api/me/tokens/${t.id}`, { auth: null, cookie })).status).toBe(204)
    await closedWith(byToken, /revoked/)
    await stillOpen(bySession)
    expect(await upgradeStatus(wsUrl(), headersOf({ bearer: t.token }))).toBe(401)
  }, 60_000)

  it('a change of team or role closes the account\'s sockets; they reconnect with the rights it has now', async () => {
    const [moved, promoted, other] = await Promise.all([addAccount(s), addAccount(s), addAccount(s)])
    const [cm, cp] = [await session(s, moved), await session(s, promoted)]
    const [sm, sp, so] = await Promise.all([open({ cookie: cm }), open({ cookie: cp }), open({ cookie: await session(s, other) })])

    expect((await patch(moved.id, { teamId: teamU })).status).toBe(200)
    await closedWith(sm, /rights changed/)
    expect((await patch(promoted.id, { role: 'coordinator' })).status).toBe(200)
    await closedWith(sp, /rights changed/)
    await stillOpen(so)
    // Team U's professional does not see this case of team T any more; the coordinator still does (read only).
    expect(await upgradeStatus(wsUrl(), headersOf({ cookie: cm }))).toBe(404)
    expect(await upgradeStatus(wsUrl(), headersOf({ cookie: cp }))).toBe(101)
  }, 60_000)

  it('resetting an account closes its sockets and ends its sessions', async () => {
    const r = await addAccount(s)
    const cookie = await session(s, r)
    const sr = await open({ cookie })
    expect((await api(s.url, 'POST', `/api/admin/accounts/${r.id}/reset`, { auth: null, cookie: adminCookie })).status).toBe(200)
    await closedWith(sr, /reset/)
    expect(await upgradeStatus(wsUrl(), headersOf({ cookie }))).toBe(401)
  }, 60_000)

  it('removing a case member closes their sockets and refuses them the case', async () => {
    const [owner, member] = await Promise.all([addAccount(s), addAccount(s, { teamId: teamU })])
    const ownerCookie = await session(s, owner)
    const memberCookie = await session(s, member)
    expect(await upgradeStatus(wsUrl(), headersOf({ cookie: memberCookie }))).toBe(404)
    const added = await api(s.url, 'POST', `/api/cases/${caseId}/members`, { auth: null, cookie: ownerCookie, body: { username: member.username } })
    expect(added.status).toBe(201)
    const [sm, so] = await Promise.all([open({ cookie: memberCookie }), open({ cookie: ownerCookie })])

    expect((await api(s.url, 'DELETE', `/api/cases/${caseId}/members/${member.id}`, { auth: null, cookie: ownerCookie })).status).toBe(204)
    await closedWith(sm, /withdrawn/)
    await stillOpen(so)
    expect(await upgradeStatus(wsUrl(), headersOf({ cookie: memberCookie }))).toBe(404)
  }, 60_000)
})

describe('audit rows for each action', () => {
  it('records sign-ins, tokens, account administration, case members and the service key\'s calls', async () => {
    const since = Date.now()
    const [p, member] = await Promise.all([addAccount(s), addAccount(s, { teamId: teamU })])
    // A real sign-in and a failed one.
    expect((await api(s.url, 'POST', '/api/login', { auth: null, body: { username: p.username, password: p.password, code: nextCode(p) } })).status).toBe(204)
    expect((await api(s.url, 'POST', '/api/login', { auth: null, body: { username: p.username, password: 'not-the-password-1234' } })).status).toBe(401)
    const cookie = await session(s, p)
    const t = await newToken(cookie)
    expect((await api(s.url, 'DELETE', `/api/me/tokens/${t.id}`, { auth: null, cookie })).status).toBe(204)
    const created = await api(s.url, 'POST', '/api/admin/accounts', { auth: null, cookie: adminCookie, body: { username: `nieuw-${Date.now()}`, displayName: 'Nieuw', role: 'professional' } })
    expect(created.status).toBe(201)
    expect((await patch(created.body.account.id, { disabled: true })).status).toBe(200)
    expect((await api(s.url, 'POST', `/api/admin/accounts/${created.body.account.id}/reset`, { auth: null, cookie: adminCookie })).status).toBe(200)
    expect((await api(s.url, 'POST', `/api/cases/${caseId}/members`, { auth: null, cookie, body: { username: member.username } })).status).toBe(201)
    expect((await api(s.url, 'DELETE', `/api/cases/${caseId}/members/${member.id}`, { auth: null, cookie })).status).toBe(204)
    // The organisation key, as a script (Bearer; the helper's default).
    expect((await api(s.url, 'GET', '/api/cases')).status).toBe(200)

    const rows = await s.storage.exportAudit(since, Date.now() + 1)
    const actions = rows.map((r) => r.action)
    for (const action of [
      'login', 'login.failed', 'token.create', 'token.revoke', 'account.create.professional', 'account.disable', 'account.reset',
      'case.member.add', 'case.member.remove', 'cases.list',
    ]) expect(actions, action).toContain(action)

    const byAction = (a: string) => rows.filter((r) => r.action === a)
    expect(byAction('login').some((r) => r.actor === `account:${p.id}`)).toBe(true)
    expect(byAction('token.create').every((r) => r.actor === `account:${p.id}`)).toBe(true)
    expect(byAction('account.disable').every((r) => r.actor === `account:${admin.id}`)).toBe(true)
    expect(byAction('case.member.add').every((r) => r.caseId === caseId)).toBe(true)
    expect(byAction('cases.list').some((r) => r.actor === 'service:org-key')).toBe(true)
  }, 60_000)
})
