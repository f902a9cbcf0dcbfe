/**
 * The JSON API under /api (documented in docs/api.md). Thin handlers: validate, authorise, call
 * storage or rooms, answer. Every error leaves as {"error", "message"}: `error` is a stable code
 * (shared/apiErrors.ts) that the client words in its own language; `message` is for developers and
 * logs and is never shown to users. Snapshot, diff and review
 * routes live in snapshotRoutes.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import * as Y from 'yjs'
import { z } from 'zod'
import { ApiError } from '../../shared/apiErrors.ts'
import { CreateCaseBody, CreateInviteBody, LoginBody, type InviteCreated, type InviteListed, type Me } from '../../shared/api.ts'
import { initCaseDoc } from '../../shared/doc.ts'
import { derivePlan } from '../../shared/derivePlan.ts'
import { SCHEMA_VERSION } from '../../shared/schema.ts'
import { TEMPLATES } from '../../shared/templates.ts'
import { SESSION_COOKIE, SESSION_TTL_MS } from '../constants.ts'
import { canWrite, cookieOf, type Access } from '../auth/access.ts'
import { isLocalHostHeader } from '../config.ts'
import { TooManyAttempts } from '../auth/rateLimit.ts'
import { hashToken, newToken } from '../auth/secrets.ts'
import { caseCookieName } from '../auth/caseSession.ts'
import { newCaseId } from '../ids.ts'
import { caseRef } from '../log.ts'
import type { CaseRecord } from '../storage/storage.ts'
import {
  findCase, forbidden, notFound, parse, requireAccess, requireOrgProfessional, requireProfessional, summary, type ApiDeps, type Ctx, type Route,
} from './apiKit.ts'
import { HttpError, readJson, sendEmpty, sendJson } from './respond.ts'
import { snapshotRoutes } from './snapshotRoutes.ts'
import { meetingRoutes } from './meetingRoutes.ts'
import { caseRoutes } from './caseRoutes.ts'
import { auditRoutes } from './auditRoutes.ts'
import { CROSS_SITE_MESSAGE, crossSiteAllowed } from './origin.ts'

export type { ApiDeps }

export function createApi(deps: ApiDeps) {
  const { settings, storage, rooms, log } = deps
  const secureCookie = settings.publicUrl?.startsWith('https:') ?? false

  const routes: Route[] = [
    { method: 'GET', pattern: /^\/api\/config$/, handler: config, anyone: true },
    { method: 'POST', pattern: /^\/api\/login$/, handler: login, anyone: true },
    { method: 'POST', pattern: /^\/api\/logout$/, handler: logout, anyone: true },
    { method: 'GET', pattern: /^\/api\/me$/, handler: me },
    { method: 'GET', pattern: /^\/api\/templates$/, handler: templates, anyone: true },
    { method: 'GET', pattern: /^\/api\/cases$/, handler: listCases },
    { method: 'POST', pattern: /^\/api\/cases$/, handler: createCase },
    { method: 'GET', pattern: /^\/api\/cases\/([^/]+)$/, handler: getCase },
    { method: 'DELETE', pattern: /^\/api\/cases\/([^/]+)$/, handler: eraseCase },
    { method: 'POST', pattern: /^\/api\/cases\/([^/]+)\/invites$/, handler: createInvite },
    { method: 'GET', pattern: /^\/api\/cases\/([^/]+)\/invites$/, handler: listInvites },
    { method: 'DELETE', pattern: /^\/api\/cases\/([^/]+)\/invites\/([^/]+)$/, handler: revokeInvite },
    { method: 'POST', pattern: /^\/api\/invites\/redeem$/, handler: redeemInvite, anyone: true },
    ...snapshotRoutes(deps),
    ...meetingRoutes(deps),
    ...caseRoutes(deps),
    ...auditRoutes(deps),
  ]

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    let pathMatched = false
    for (const r of routes) {
      const m = r.pattern.exec(url.pathname)
      if (!m) continue
      pathMatched = true
      if (r.method !== req.method) continue
      if (!crossSiteAllowed(req, settings.publicUrl)) throw new HttpError(403, ApiError.crossSite, CROSS_SITE_MESSAGE)
      try {
        const who: Access | null = r.anyone ? null : await deps.access.resolve(req, null, Date.now(), caseOfRequest(url))
        await r.handler({ req, res, url, who, params: m.slice(1) })
      } catch (err) {
        if (!(err instanceof TooManyAttempts)) throw err
        sendJson(res, 429, { error: ApiError.tooManyRequests, message: err.message }, { 'Retry-After': String(err.retryAfterS) })
      }
      return
    }
    if (pathMatched) throw new HttpError(405, ApiError.methodNotAllowed, `${req.method} is not allowed here.`)
    throw new HttpError(404, ApiError.notFound, 'No such API endpoint.')
  }

  function config({ res }: Ctx): void {
    sendJson(res, 200, { schemaVersion: SCHEMA_VERSION, tldrawLicenseKey: settings.tldrawLicenseKey, version: deps.version })
  }

  /**
   * One login for both organisation keys: the professionals' key and the coordinators' key. Wrong
   * keys spend the address's budget of key checks (auth/rateLimit.ts), shared with Bearer keys;
   * a key verified before is accepted at once, whatever the budget.
   */
  async function login({ req, res }: Ctx): Promise<void> {
    const body = parse(LoginBody, await readJson(req))
    const now = Date.now()
    const role = await deps.access.keyRole(body.key, deps.access.sourceOf(req), now)
    if (!role) {
      storage.audit({ at: now, actor: 'anonymous', role: 'anonymous', action: 'login.failed', caseId: null })
      throw new HttpError(401, ApiError.unauthorized, 'This access key is not valid.')
    }
    const sid = newToken('session')
    const idHash = hashToken(sid)
    storage.createSession({ idHash, role, createdAt: now, expiresAt: now + SESSION_TTL_MS })
    storage.audit({ at: now, actor: `session:${idHash.slice(0, 10)}`, role, action: 'login', caseId: null })
    sendEmpty(res, 204, { 'Set-Cookie': sessionCookie(sid, SESSION_TTL_MS / 1000) })
  }

  function logout({ req, res }: Ctx): void {
    const sid = cookieOf(req.headers.cookie, SESSION_COOKIE)
    // Ends the session and closes the sockets opened with it.
    if (sid) deps.access.endSession(sid)
    sendEmpty(res, 204, { 'Set-Cookie': sessionCookie('', 0) })
  }

  function me({ res, who }: Ctx): void {
    const a = requireAccess(who)
    const body: Me = { role: a.role, scope: a.scope, caseId: a.caseId, canWrite: canWrite(a) }
    sendJson(res, 200, body)
  }

  /**
   * The join page exchanges an invite token (in the body, never in a URL) for a case session: an
   * HttpOnly cookie for that case (auth/caseSession.ts). A token that is no usable invite gets 401
   * and no cookie, and counts as a miss toward the source's budget like any unknown token.
   */
  async function redeemInvite({ req, res }: Ctx): Promise<void> {
    const body = parse(RedeemBody, await readJson(req))
    const now = Date.now()
    const redeemed = deps.access.redeemInvite(body.token, deps.access.sourceOf(req), now)
    if (!redeemed) {
      storage.audit({ at: now, actor: 'anonymous', role: 'anonymous', action: 'invite.redeem.failed', caseId: null })
      throw new HttpError(401, ApiError.unauthorized, 'This invitation is not valid (any more).')
    }
    const a = redeemed.access
    const record = storage.getCase(a.caseId ?? '')
    if (!record) throw notFound()
    storage.audit({ at: now, actor: a.actor, role: a.role, action: 'invite.redeem', caseId: record.id })
    const maxAgeS = Math.max(0, Math.floor(((a.credential?.expiresAt ?? now) - now) / 1000))
    const result: InviteRedeemed = { role: a.role, scope: 'case', caseId: record.id, canWrite: canWrite(a), title: record.title }
    sendJson(res, 200, result, { 'Set-Cookie': cookie(caseCookieName(record.id), redeemed.sessionId, maxAgeS) })
  }

  function templates({ res }: Ctx): void {
    sendJson(res, 200, TEMPLATES)
  }

  function listCases({ res, who }: Ctx): void {
    const a = requireAccess(who)
    if (a.scope !== 'org') throw forbidden()
    sendJson(res, 200, storage.listCases().map(summary))
  }

  async function createCase({ req, res, who }: Ctx): Promise<void> {
    const a = requireOrgProfessional(who)
    const body = parse(CreateCaseBody, await readJson(req))
    const now = Date.now()
    const doc = new Y.Doc()
    initCaseDoc(doc, body.template, now)
    const record: CaseRecord = { id: newCaseId(), title: body.title, template: body.template, createdAt: now, updatedAt: now }
    storage.createCase(record, Y.encodeStateAsUpdate(doc))
    doc.destroy()
    storage.audit({ at: now, actor: a.actor, role: a.role, action: 'case.create', caseId: record.id })
    log.info({ case: caseRef(record.id), template: record.template }, 'case created')
    sendJson(res, 201, summary(record))
  }

  async function getCase({ res, who, params }: Ctx): Promise<void> {
    const a = requireAccess(who)
    const record = findCase(storage, params[0], a)
    const plan = await rooms.withDoc(record.id, derivePlan)
    storage.audit({ at: Date.now(), actor: a.actor, role: a.role, action: 'case.read', caseId: record.id })
    sendJson(res, 200, { ...summary(record), plan })
  }

  async function eraseCase({ res, who, params }: Ctx): Promise<void> {
    const a = requireOrgProfessional(who, params[0] ?? '')
    const record = findCase(storage, params[0], a)
    await rooms.erase(record.id)
    storage.eraseCase(record.id)
    storage.audit({ at: Date.now(), actor: a.actor, role: a.role, action: 'case.erase', caseId: record.id })
    log.info({ case: caseRef(record.id) }, 'case erased')
    sendEmpty(res, 204)
  }

  async function createInvite({ req, res, who, params }: Ctx): Promise<void> {
    const a = requireOrgProfessional(who, params[0] ?? '')
    const record = findCase(storage, params[0], a)
    const body = parse(CreateInviteBody, await readJson(req))
    const now = Date.now()
    const token = newToken('invite')
    const expiresAt = now + Math.round(body.expiresInHours * 3600_000)
    storage.createInvite({ tokenHash: hashToken(token), caseId: record.id, role: body.role, createdAt: now, expiresAt, createdBy: a.actor })
    storage.audit({ at: now, actor: a.actor, role: a.role, action: `invite.create.${body.role}`, caseId: record.id })
    const result: InviteCreated = {
      token, url: `${baseUrl(req)}/join#${token}`, role: body.role, caseId: record.id, expiresAt: new Date(expiresAt).toISOString(),
    }
    sendJson(res, 201, result)
  }

  /** The case's invites for its professionals: role, times, who created it, status; never the token. */
  function listInvites({ res, who, params }: Ctx): void {
    const a = requireAccess(who)
    const record = findCase(storage, params[0], a)
    requireProfessional(a)
    const now = Date.now()
    const body: InviteListed[] = storage.listInvites(record.id).map((i) => ({
      id: i.id, role: i.role, createdAt: new Date(i.createdAt).toISOString(), expiresAt: new Date(i.expiresAt).toISOString(),
      createdBy: i.createdBy, byYou: i.createdBy !== null && i.createdBy === a.actor,
      revokedAt: i.revokedAt === null ? null : new Date(i.revokedAt).toISOString(),
      status: i.revokedAt !== null ? 'revoked' : i.expiresAt <= now ? 'expired' : 'active',
    }))
    sendJson(res, 200, body)
  }

  /** Revoke an invite: it stops working at once and the sockets opened with it are closed. */
  function revokeInvite({ res, who, params }: Ctx): void {
    const a = requireAccess(who)
    const record = findCase(storage, params[0], a)
    requireProfessional(a)
    const inviteId = params[1] ?? ''
    if (!/^[0-9a-f]{32}$/.test(inviteId) || !deps.access.revokeInvite(record.id, inviteId)) throw notFound('No such invite.')
    storage.audit({ at: Date.now(), actor: a.actor, role: a.role, action: 'invite.revoke', caseId: record.id })
    sendEmpty(res, 204)
  }

  /**
   * Where invite links point: PUBLIC_URL when set; otherwise the request's Host, but only a local
   * one (127.x, localhost, [::1]) — a Host header from elsewhere never lands in a link. (Without
   * PUBLIC_URL the server only listens on a local address: config.ts.)
   */
  function baseUrl(req: IncomingMessage): string {
    if (settings.publicUrl) return settings.publicUrl
    const host = req.headers.host
    if (host && isLocalHostHeader(host)) return `http://${host}`
    const port = req.socket.localPort ?? settings.port
    return `http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${port}`
  }

  function sessionCookie(value: string, maxAgeS: number): string {
    return cookie(SESSION_COOKIE, value, maxAgeS)
  }

  function cookie(name: string, value: string, maxAgeS: number): string {
    return `${name}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeS}${secureCookie ? '; Secure' : ''}`
  }

  return { handle }
}

/** POST /api/invites/redeem: the invite token, in the body. */
const RedeemBody = z.object({ token: z.string().min(1).max(500) })

/** The answer of POST /api/invites/redeem: the access the case session gives, and the case's title. */
export type InviteRedeemed = Me & { title: string }

/**
 * The case a request is about, so a case session cookie can be looked up (auth/caseSession.ts):
 * the id in /api/cases/<id>/…, or `?case=<id>` on /api/me.
 */
function caseOfRequest(url: URL): string | null {
  const m = /^\/api\/cases\/([^/]+)/.exec(url.pathname)
  if (m) return m[1] as string
  if (url.pathname === '/api/me') return url.searchParams.get('case')
  return null
}
