/**
 * Case sessions: an invite token is redeemed (POST /api/invites/redeem, token in the body) for an
 * HttpOnly cookie `kt_case_<caseId>` that opens that case's API and WebSocket and no other case.
 * Revoking the invite closes the cookie's sockets within a second and the cookie then gets 401; a
 * bad token gets 401 and no cookie; the cross-site Origin rule applies to the cookie as to the
 * session cookie.
 *
 * Real server, raw `ws` sockets carrying the cookie as a browser would (with its Origin), no
 * fixed waits.
 */
import { describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { SCHEMA_VERSION } from '../../shared/schema.ts'
import { newToken } from '../../server/auth/secrets.ts'
import { api, createCase, invite, upgradeStatus, useServer } from '../helpers/server.ts'

const fixture = useServer()
const WAIT = { timeout: 20_000, interval: 20 }
/** Within a second, with room for the scheduler of a loaded 2-core test machine. */
const WITHIN_MS = 1000
const FOREIGN = 'https://evil.example'

const wsUrl = (base: string, caseId: string) => `${base.replace('http', 'ws')}/ws/${caseId}?schema=${SCHEMA_VERSION}`

/** Redeem as the join page does (same origin); the cookie as a browser would send it back. */
async function redeem(base: string, token: string) {
  const r = await api(base, 'POST', '/api/invites/redeem', { auth: null, body: { token }, origin: base })
  const setCookie = r.headers.get('set-cookie')
  return { ...r, setCookie, cookie: setCookie ? (setCookie.split(';')[0] as string) : null }
}

async function openCookieSocket(base: string, caseId: string, cookie: string) {
  const ws = new WebSocket(wsUrl(base, caseId), { headers: { cookie, origin: base } })
  const w: { ws: WebSocket; closed: { code: number; reason: string; at: number } | null } = { ws, closed: null }
  ws.on('close', (code, reason) => { w.closed = { code, reason: reason.toString(), at: Date.now() } })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  return w
}

async function inviteIdOf(base: string, caseId: string): Promise<string> {
  const r = await api<{ id: string; status: string }[]>(base, 'GET', `/api/cases/${caseId}/invites`)
  return (r.body.find((i) => i.status === 'active') as { id: string }).id
}

describe('redeeming an invite for a case session', () => {
  it('answers the case and role and sets an HttpOnly, SameSite=Strict cookie named for the case', async () => {
    const base = fixture.server.url
    const caseId = await createCase(base, 'Familie Sessie')
    const token = await invite(base, caseId, 'resident')
    const r = await redeem(base, token)
    expect(r.status).toBe(200)
    expect(r.body).toEqual({ role: 'resident', principal: 'resident', scope: 'case', caseId, canWrite: true, account: null, title: 'Familie Sessie' })
    const parts = (r.setCookie ?? '').split(';').map((p) => p.trim())
    expect(parts[0]).toMatch(new RegExp(`^kt_case_${caseId}=ktc_[A-Za-z0-9_-]{43}$`))
    expect(parts).toContain('HttpOnly')
    expect(parts).toContain('SameSite=Strict')
    expect(parts).toContain('Path=/')
    // Plain http here: Secure would make the browser drop it (it is set when PUBLIC_URL is https).
    expect(parts).not.toContain('Secure')
    // The cookie is a new secret, not the invite token.
    expect(r.setCookie).not.toContain(token)
  })

  it('opens that case’s API and WebSocket, and no other case', async () => {
    const base = fixture.server.url
    const caseA = await createCase(base, 'A')
    const caseB = await createCase(base, 'B')
    const { cookie } = await redeem(base, await invite(base, caseA, 'resident'))
    expect(cookie).not.toBeNull()
    const c = cookie as string

    expect((await api(base, 'GET', `/api/cases/${caseA}`, { auth: null, cookie: c })).status).toBe(200)
    expect((await api(base, 'GET', `/api/me?case=${caseA}`, { auth: null, cookie: c })).body).toMatchObject({ role: 'resident', scope: 'case', caseId: caseA })
    expect(await upgradeStatus(wsUrl(base, caseA), { cookie: c, origin: base })).toBe(101)

    // Another case: its own cookie is absent, so nothing counts.
    expect((await api(base, 'GET', `/api/cases/${caseB}`, { auth: null, cookie: c })).status).toBe(401)
    expect(await upgradeStatus(wsUrl(base, caseB), { cookie: c, origin: base })).toBe(401)
    expect((await api(base, 'GET', '/api/cases', { auth: null, cookie: c })).status).toBe(401)
    expect((await api(base, 'GET', '/api/me', { auth: null, cookie: c })).status).toBe(401)
    // The same session id under the other case's cookie name opens nothing either.
    const renamed = c.replace(`kt_case_${caseA}=`, `kt_case_${caseB}=`)
    expect((await api(base, 'GET', `/api/cases/${caseB}`, { auth: null, cookie: renamed })).status).toBe(401)
    expect(await upgradeStatus(wsUrl(base, caseB), { cookie: renamed, origin: base })).toBe(401)
  })

  it('keeps several cases’ sessions side by side in one browser', async () => {
    const base = fixture.server.url
    const caseA = await createCase(base, 'A')
    const caseB = await createCase(base, 'B')
    const a = await redeem(base, await invite(base, caseA, 'resident'))
    const b = await redeem(base, await invite(base, caseB, 'professional'))
    const both = `${a.cookie}; ${b.cookie}`
    expect((await api(base, 'GET', `/api/me?case=${caseA}`, { auth: null, cookie: both })).body).toMatchObject({ role: 'resident', caseId: caseA })
    expect((await api(base, 'GET', `/api/me?case=${caseB}`, { auth: null, cookie: both })).body).toMatchObject({ role: 'professional', caseId: caseB })
    expect(await upgradeStatus(wsUrl(base, caseA), { cookie: both, origin: base })).toBe(101)
    expect(await upgradeStatus(wsUrl(base, caseB), { cookie: both, origin: base })).toBe(101)
  })

  it('ends with its invite: revoking closes the cookie’s socket within a second and the cookie gets 401', async () => {
    const base = fixture.server.url
    const caseId = await createCase(base)
    const { cookie } = await redeem(base, await invite(base, caseId, 'resident'))
    const c = cookie as string
    const watched = await openCookieSocket(base, caseId, c)
    const id = await inviteIdOf(base, caseId)
    const revokedAt = Date.now()
    expect((await api(base, 'DELETE', `/api/cases/${caseId}/invites/${id}`)).status).toBe(204)
    await vi.waitFor(() => expect(watched.closed).not.toBeNull(), WAIT)
    expect(watched.closed?.code).toBe(4401)
    expect((watched.closed?.at ?? Infinity) - revokedAt).toBeLessThan(WITHIN_MS)
    expect((await api(base, 'GET', `/api/cases/${caseId}`, { auth: null, cookie: c })).status).toBe(401)
    expect(await upgradeStatus(wsUrl(base, caseId), { cookie: c, origin: base })).toBe(401)
  })

  it('answers 401 without a cookie for a token that is no usable invite', async () => {
    const base = fixture.server.url
    const caseId = await createCase(base)
    for (const token of [newToken('invite'), newToken('session'), newToken('caseSession'), 'not-a-token-at-all-0123456789']) {
      const r = await redeem(base, token)
      expect(r.status, token).toBe(401)
      expect(r.body.error).toBe('unauthorized')
      expect(r.setCookie).toBeNull()
    }
    // A revoked invite cannot be redeemed any more.
    const token = await invite(base, caseId, 'resident')
    await api(base, 'DELETE', `/api/cases/${caseId}/invites/${await inviteIdOf(base, caseId)}`)
    const r = await redeem(base, token)
    expect(r.status).toBe(401)
    expect(r.setCookie).toBeNull()
    // The token belongs in the body: without one, a clear 400.
    const noBody = await api(base, 'POST', `/api/invites/redeem?token=${encodeURIComponent(await invite(base, caseId, 'resident'))}`, { auth: null, body: {} })
    expect(noBody.status).toBe(400)
    expect(noBody.body.error).toBe('validation_failed')
  })

  it('applies the cross-site rule: foreign origins are refused, same-origin cookie requests go on', async () => {
    const base = fixture.server.url
    const caseId = await createCase(base)
    // Redeeming from another site: 403 and no cookie.
    const foreign = await api(base, 'POST', '/api/invites/redeem', { auth: null, body: { token: await invite(base, caseId, 'professional') }, origin: FOREIGN })
    expect(foreign.status).toBe(403)
    expect(foreign.body.error).toBe('cross_site')
    expect(foreign.headers.get('set-cookie')).toBeNull()

    const { cookie } = await redeem(base, await invite(base, caseId, 'professional'))
    const c = cookie as string
    // A state change with the case cookie: from another site, or naming no origin at all, refused.
    const save = (origin: string | null) => api(base, 'POST', `/api/cases/${caseId}/snapshots`, { auth: null, cookie: c, origin, body: { label: 'x' } })
    const cross = await save(FOREIGN)
    expect(cross.status).toBe(403)
    expect(cross.body.error).toBe('cross_site')
    expect((await save(null)).status).toBe(403)
    expect((await save(base)).status).toBe(201)
    // WebSocket upgrades with the cookie: only from the server's own origin.
    expect(await upgradeStatus(wsUrl(base, caseId), { cookie: c, origin: FOREIGN })).toBe(403)
    expect(await upgradeStatus(wsUrl(base, caseId), { cookie: c })).toBe(403)
    expect(await upgradeStatus(wsUrl(base, caseId), { cookie: c, origin: base })).toBe(101)
  })
})
