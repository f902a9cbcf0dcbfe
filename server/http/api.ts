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
import { caseCookieName, caseCookieNames } from '../auth/caseSession.ts'
import { newCaseId } from '../ids.ts'
import { caseRef } from '../log.ts'
import type { CaseRecord } from '../storage/storage.ts'
import {
  findCase, forbidden, mayReadCase, notFound, P, parse, requireAccess, requireOrgProfessional, route, summary, visibleCases, type ApiDeps, type Ctx, type Route,
} from './apiKit.ts'
import { accountRoutes } from './accountRoutes.ts'
import { oidcRoutes } from './oidcRoutes.ts'
import { webSessions } from './webSessions.ts'
import { accountInfo } from '../auth/accounts.ts'
import type { AccountRecord } from '../storage/accountStore.ts'
import type { Role } from '../../shared/schema.ts'
import { HttpError, readJson, sendEmpty, sendJson } from './respond.ts'
import { snapshotRoutes } from './snapshotRoutes.ts'
import { meetingRoutes } from './meetingRoutes.ts'
import { caseRoutes } from './caseRoutes.ts'
import { auditRoutes } from './auditRoutes.ts'
import { CROSS_SITE_MESSAGE, crossSiteAllowed } from './origin.ts'

export type { ApiDeps }

export function createApi(deps: ApiDeps) {
  const { settings, storage, rooms, log } = deps
  const web = webSessions(settings, storage)
  const { cookie, sessionCookie, baseUrl } = web

  const routes: Route[] = [
    route('GET', '/api/config', config, 'anyone'),
    route('POST', '/api/login', login, 'anyone'),
    route('POST', '/api/logout', logout, 'anyone'),
    route('GET', '/api/me', me, [...P.caseReaders, 'admin', 'dpo']),
    route('GET', '/api/templates', templates, 'anyone'),
    route('GET', '/api/cases', listCases, ['professional', 'coordinator', 'service', 'serviceReader']),
    route('POST', '/api/cases', createCase, P.orgProfessionals),
    route('GET', '/api/cases/:id', getCase, P.caseReaders),
    route('DELETE', '/api/cases/:id', eraseCase, P.orgProfessionals),
    route('POST', '/api/cases/:id/invites', createInvite, P.orgProfessionals),
    route('GET', '/api/cases/:id/invites', listInvites, P.writers),
    route('DELETE', '/api/cases/:id/invites/:invite', revokeInvite, P.writers),
    route('POST', '/api/invites/redeem', redeemInvite, 'anyone'),
    ...snapshotRoutes(deps),
    ...meetingRoutes(deps),
    ...caseRoutes(deps),
    ...auditRoutes(deps),
    ...accountRoutes(deps, web),
    ...oidcRoutes(deps, web),
  ]

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    let pathMatched = false
    for (const r of routes) {
      const m = r.pattern.exec(url.pathname)
      if (!m) continue
      pathMatched = true
      if (r.method !== req.method) continue
      if (!crossSiteAllowed(req, settings.publicUrl)) throw new HttpError(403, ApiError.crossSite, CROSS_SITE_MESSAGE)
      const params = m.slice(1)
      try {
        const who = r.allow === 'anyone' ? null : await deps.access.resolve(req, null, Date.now(), caseOfRequest(url))
        if (r.allow !== 'anyone') await authorise(r, who, params)
        await r.handler({ req, res, url, who, params })
      } catch (err) {
        if (!(err instanceof TooManyAttempts)) throw err
        sendJson(res, 429, { error: ApiError.tooManyRequests, message: err.message }, { 'Retry-After': String(err.retryAfterS) })
      }
      return
    }
    if (pathMatched) throw new HttpError(405, ApiError.methodNotAllowed, `${req.method} is not allowed here.`)
    throw new HttpError(404, ApiError.notFound, 'No such API endpoint.')
  }

  /**
   * The rights table, enforced: 401 without a valid credential; on a case route 404 for a case
   * this access may not see (need-to-know); 403 for a principal the route does not allow. (Each
   * handler audits what it did with the access's actor: a service key as 'service:org-key'.)
   */
  async function authorise(r: Route, who: Access | null, params: string[]): Promise<void> {
    const a = requireAccess(who)
    if (r.onCase && !await mayReadCase(storage, a, params[0] ?? '')) throw notFound()
    if (!(r.allow as readonly string[]).includes(a.principal)) throw forbidden()
  }

  function config({ res }: Ctx): void {
    sendJson(res, 200, {
      schemaVersion: SCHEMA_VERSION, tldrawLicenseKey: settings.tldrawLicenseKey, version: deps.version,
      oidc: settings.oidc ? { name: settings.oidc.name } : null,
    })
  }

  /**
   * Sign in with a personal account: user name, password and the authenticator code, in one step
   * and with one answer for every failure (auth/accounts.ts). The organisation keys no longer sign
   * people in: a body with `key` gets 400 `use_personal_account`.
   */
  async function login({ req, res }: Ctx): Promise<void> {
    const raw = await readJson(req)
    if (raw !== null && typeof raw === 'object' && 'key' in raw) {
      throw new HttpError(400, ApiError.usePersonalAccount, 'Organisation keys no longer sign people in: sign in with your personal account. Scripts send the key as "Authorization: Bearer".')
    }
    const body = parse(LoginBody, raw)
    const now = Date.now()
    let account
    try {
      account = await deps.accounts.login(body.username, body.password, body.code, deps.access.sourceOf(req), now)
    } catch (err) {
      storage.audit({ at: now, actor: 'anonymous', role: 'anonymous', action: 'login.failed', caseId: null })
      throw err
    }
    await web.signedIn(res, account, now)
  }

  /** Sign out: the session ends, its sockets close, and the browser forgets its case sessions too. */
  async function logout({ req, res }: Ctx): Promise<void> {
    const sid = cookieOf(req.headers.cookie, SESSION_COOKIE)
    // Ends the session and closes the sockets opened with it.
    if (sid) await deps.access.endSession(sid)
    const clear = [sessionCookie('', 0), ...caseCookieNames(req.headers.cookie).map((name) => cookie(name, '', 0))]
    sendEmpty(res, 204, { 'Set-Cookie': clear })
  }

  async function me({ res, who }: Ctx): Promise<void> {
    const a = requireAccess(who)
    const acc = a.accountId ? await storage.accounts.getAccount(a.accountId) : null
    const body: Me = {
      role: a.role === 'admin' || a.role === 'dpo' ? null : a.role, principal: a.principal, scope: a.scope, caseId: a.caseId,
      canWrite: canWrite(a), account: acc ? await accountInfo(storage, acc) : null,
    }
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
    const redeemed = await deps.access.redeemInvite(body.token, deps.access.sourceOf(req), now)
    if (!redeemed) {
      storage.audit({ at: now, actor: 'anonymous', role: 'anonymous', action: 'invite.redeem.failed', caseId: null })
      throw new HttpError(401, ApiError.unauthorized, 'This invitation is not valid (any more).')
    }
    const a = redeemed.access
    const record = await storage.getCase(a.caseId ?? '')
    if (!record) throw notFound()
    storage.audit({ at: now, actor: a.actor, role: a.role, action: 'invite.redeem', caseId: record.id })
    const maxAgeS = Math.max(0, Math.floor(((a.credential?.expiresAt ?? now) - now) / 1000))
    const result: InviteRedeemed = {
      role: a.role as Role, principal: a.principal, scope: 'case', caseId: record.id, canWrite: canWrite(a), account: null, title: record.title,
    }
    sendJson(res, 200, result, { 'Set-Cookie': cookie(caseCookieName(record.id), redeemed.sessionId, maxAgeS) })
  }

  function templates({ res }: Ctx): void {
    sendJson(res, 200, TEMPLATES)
  }

  /** The cases this access sees (need-to-know), with their team and owner. */
  async function listCases({ res, who }: Ctx): Promise<void> {
    const a = requireAccess(who)
    const owned = await storage.accounts.allCaseOwnership()
    storage.audit({ at: Date.now(), actor: a.actor, role: a.role, action: 'cases.list', caseId: null })
    sendJson(res, 200, await Promise.all((await visibleCases(storage, a)).map((c) => summary(storage, c, owned.get(c.id) ?? null))))
  }

  async function createCase({ req, res, who }: Ctx): Promise<void> {
    const a = requireOrgProfessional(who)
    const body = parse(CreateCaseBody, await readJson(req))
    // A person's case belongs to their own team; a script (the service key) names the team.
    const teamId = a.accountId ? a.teamId : (body.teamId ?? null)
    if (a.accountId && body.teamId !== undefined && body.teamId !== a.teamId) throw new HttpError(400, ApiError.validation, 'teamId: a case goes to your own team.')
    if (a.accountId && teamId === null) throw new HttpError(403, ApiError.noTeam, 'Your account is in no team yet: ask your administrator to add you to one.')
    if (teamId !== null && !await storage.accounts.getTeam(teamId)) throw new HttpError(400, ApiError.validation, 'teamId: no such team.')
    const now = Date.now()
    const doc = new Y.Doc()
    initCaseDoc(doc, body.template, now)
    const record: CaseRecord = { id: newCaseId(), title: body.title, template: body.template, createdAt: now, updatedAt: now }
    await storage.createCase(record, Y.encodeStateAsUpdate(doc))
    await storage.accounts.setCaseOwnership(record.id, teamId, a.accountId)
    doc.destroy()
    storage.audit({ at: now, actor: a.actor, role: a.role, action: 'case.create', caseId: record.id })
    log.info({ case: caseRef(record.id), template: record.template }, 'case created')
    sendJson(res, 201, await summary(storage, record))
  }

  async function getCase({ res, who, params }: Ctx): Promise<void> {
    const a = requireAccess(who)
    const record = await findCase(storage, params[0], a)
    const plan = await rooms.withDoc(record.id, derivePlan)
    storage.audit({ at: Date.now(), actor: a.actor, role: a.role, action: 'case.read', caseId: record.id })
    sendJson(res, 200, { ...await summary(storage, record), plan })
  }

  async function eraseCase({ res, who, params }: Ctx): Promise<void> {
    const a = requireOrgProfessional(who)
    const record = await findCase(storage, params[0], a)
    await rooms.erase(record.id)
    // Erased meanwhile by another request (or instance): that one is in the audit log.
    if (!await storage.eraseCase(record.id)) throw notFound()
    storage.audit({ at: Date.now(), actor: a.actor, role: a.role, action: 'case.erase', caseId: record.id })
    log.info({ case: caseRef(record.id) }, 'case erased')
    sendEmpty(res, 204)
  }

  async function createInvite({ req, res, who, params }: Ctx): Promise<void> {
    const a = requireOrgProfessional(who)
    const record = await findCase(storage, params[0], a)
    const body = parse(CreateInviteBody, await readJson(req))
    const now = Date.now()
    const token = newToken('invite')
    const expiresAt = now + Math.round(body.expiresInHours * 3600_000)
    await storage.createInvite({ tokenHash: hashToken(token), caseId: record.id, role: body.role, createdAt: now, expiresAt, createdBy: a.actor })
    storage.audit({ at: now, actor: a.actor, role: a.role, action: `invite.create.${body.role}`, caseId: record.id })
    const result: InviteCreated = {
      token, url: `${baseUrl(req)}/join#${token}`, role: body.role, caseId: record.id, expiresAt: new Date(expiresAt).toISOString(),
    }
    sendJson(res, 201, result)
  }

  /** The case's invites for its professionals: role, times, who created it, status; never the token. */
  async function listInvites({ res, who, params }: Ctx): Promise<void> {
    const a = requireAccess(who)
    const record = await findCase(storage, params[0], a)
    const now = Date.now()
    storage.audit({ at: now, actor: a.actor, role: a.role, action: 'invite.list', caseId: record.id })
    const body: InviteListed[] = (await storage.listInvites(record.id)).map((i) => ({
      id: i.id, role: i.role, createdAt: new Date(i.createdAt).toISOString(), expiresAt: new Date(i.expiresAt).toISOString(),
      createdBy: i.createdBy, byYou: i.createdBy !== null && i.createdBy === a.actor,
      revokedAt: i.revokedAt === null ? null : new Date(i.revokedAt).toISOString(),
      status: i.revokedAt !== null ? 'revoked' : i.expiresAt <= now ? 'expired' : 'active',
    }))
    sendJson(res, 200, body)
  }

  /** Revoke an invite: it stops working at once and the sockets opened with it are closed. */
  async function revokeInvite({ res, who, params }: Ctx): Promise<void> {
    const a = requireAccess(who)
    const record = await findCase(storage, params[0], a)
    const inviteId = params[1] ?? ''
    if (!/^[0-9a-f]{32}$/.test(inviteId) || !await deps.access.revokeInvite(record.id, inviteId)) throw notFound('No such invite.')
    storage.audit({ at: Date.now(), actor: a.actor, role: a.role, action: 'invite.revoke', caseId: record.id })
    sendEmpty(res, 204)
  }

  // `routes` is the rights table as declared (http/rightsTable.ts renders it for docs/security.md).
  return { handle, routes: routes as readonly Route[] }
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
