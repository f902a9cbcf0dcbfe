/**
 * The JSON API under /api (documented in docs/api.md). Thin handlers: validate, authorise, call
 * storage or rooms, answer. Every error leaves as {"error", "message"}.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import * as Y from 'yjs'
import { ApiError } from '../../shared/apiErrors.ts'
import { CreateCaseBody, CreateInviteBody, LoginBody, type CaseSummary, type InviteCreated, type Me } from '../../shared/api.ts'
import { initCaseDoc } from '../../shared/doc.ts'
import { derivePlan } from '../../shared/derivePlan.ts'
import { SCHEMA_VERSION } from '../../shared/schema.ts'
import { TEMPLATES } from '../../shared/templates.ts'
import { LOGIN_WINDOW_MS, MAX_FAILED_LOGINS, SESSION_COOKIE, SESSION_TTL_MS } from '../constants.ts'
import { canReadCase, canWrite, isOrgProfessional, type Access, type AccessResolver } from '../auth/access.ts'
import { hashToken, newSecret } from '../auth/secrets.ts'
import type { Settings } from '../config.ts'
import { isCaseId, newCaseId } from '../ids.ts'
import { caseRef, type Logger } from '../log.ts'
import type { RoomManager } from '../rooms.ts'
import type { CaseRecord, Storage } from '../storage/storage.ts'
import { HttpError, readJson, sendEmpty, sendJson } from './respond.ts'
import type { z } from 'zod'

export interface ApiDeps {
  settings: Settings
  storage: Storage
  rooms: RoomManager
  access: AccessResolver
  log: Logger
  version: string
}

interface Ctx {
  req: IncomingMessage
  res: ServerResponse
  who: Access | null
  params: string[]
}

type Handler = (ctx: Ctx) => Promise<void> | void
interface Route {
  method: string
  pattern: RegExp
  handler: Handler
}

export function createApi(deps: ApiDeps) {
  const { settings, storage, rooms, log } = deps
  const failedLogins = new Map<string, { count: number; since: number }>()
  const secureCookie = settings.publicUrl?.startsWith('https:') ?? false

  const routes: Route[] = [
    { method: 'GET', pattern: /^\/api\/config$/, handler: config },
    { method: 'POST', pattern: /^\/api\/login$/, handler: login },
    { method: 'POST', pattern: /^\/api\/logout$/, handler: logout },
    { method: 'GET', pattern: /^\/api\/me$/, handler: me },
    { method: 'GET', pattern: /^\/api\/templates$/, handler: templates },
    { method: 'GET', pattern: /^\/api\/cases$/, handler: listCases },
    { method: 'POST', pattern: /^\/api\/cases$/, handler: createCase },
    { method: 'GET', pattern: /^\/api\/cases\/([^/]+)$/, handler: getCase },
    { method: 'DELETE', pattern: /^\/api\/cases\/([^/]+)$/, handler: eraseCase },
    { method: 'POST', pattern: /^\/api\/cases\/([^/]+)\/invites$/, handler: createInvite },
  ]

  async function handle(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    let methodMatched = false
    for (const r of routes) {
      const m = r.pattern.exec(pathname)
      if (!m) continue
      methodMatched = true
      if (r.method !== req.method) continue
      const who = deps.access.resolve(req.headers, null)
      await r.handler({ req, res, who, params: m.slice(1) })
      return
    }
    if (methodMatched) throw new HttpError(405, ApiError.methodNotAllowed, `${req.method} is not allowed here.`)
    throw new HttpError(404, ApiError.notFound, 'No such API endpoint.')
  }

  // ---------- handlers ----------

  function config({ res }: Ctx): void {
    sendJson(res, 200, { schemaVersion: SCHEMA_VERSION, tldrawLicenseKey: settings.tldrawLicenseKey, version: deps.version })
  }

  async function login({ req, res }: Ctx): Promise<void> {
    const addr = req.socket.remoteAddress ?? 'unknown'
    const now = Date.now()
    const f = failedLogins.get(addr)
    if (f && now - f.since < LOGIN_WINDOW_MS && f.count >= MAX_FAILED_LOGINS) {
      throw new HttpError(429, ApiError.tooManyRequests, 'Te veel mislukte pogingen. Probeer het over een kwartier opnieuw.')
    }
    const body = parse(LoginBody, await readJson(req))
    if (!deps.access.isOrgKey(body.key)) {
      const entry = f && now - f.since < LOGIN_WINDOW_MS ? f : { count: 0, since: now }
      entry.count++
      failedLogins.set(addr, entry)
      storage.audit({ at: now, actor: 'anonymous', role: 'anonymous', action: 'login.failed', caseId: null })
      throw new HttpError(401, ApiError.unauthorized, 'Deze toegangssleutel klopt niet.')
    }
    failedLogins.delete(addr)
    const sid = newSecret()
    const idHash = hashToken(sid)
    storage.createSession({ idHash, role: 'professional', createdAt: now, expiresAt: now + SESSION_TTL_MS })
    storage.audit({ at: now, actor: `session:${idHash.slice(0, 10)}`, role: 'professional', action: 'login', caseId: null })
    sendEmpty(res, 204, { 'Set-Cookie': sessionCookie(sid, SESSION_TTL_MS / 1000) })
  }

  function logout({ req, res }: Ctx): void {
    const cookie = req.headers.cookie
    const sid = cookie ? /(?:^|;\s*)kt_session=([^;]+)/.exec(cookie)?.[1] : undefined
    if (sid) storage.deleteSession(hashToken(decodeURIComponent(sid)))
    sendEmpty(res, 204, { 'Set-Cookie': sessionCookie('', 0) })
  }

  function me({ res, who }: Ctx): void {
    const a = requireAccess(who)
    const body: Me = { role: a.role, scope: a.scope, caseId: a.caseId, canWrite: canWrite(a) }
    sendJson(res, 200, body)
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
    requireOrgProfessional(who)
    const body = parse(CreateCaseBody, await readJson(req))
    const now = Date.now()
    const doc = new Y.Doc()
    initCaseDoc(doc, body.template, now)
    const record: CaseRecord = { id: newCaseId(), title: body.title, template: body.template, createdAt: now, updatedAt: now }
    storage.createCase(record, Y.encodeStateAsUpdate(doc))
    doc.destroy()
    storage.audit({ at: now, actor: who!.actor, role: who!.role, action: 'case.create', caseId: record.id })
    log.info({ case: caseRef(record.id), template: record.template }, 'case created')
    sendJson(res, 201, summary(record))
  }

  async function getCase({ res, who, params }: Ctx): Promise<void> {
    const a = requireAccess(who)
    const record = findCase(params[0], a)
    const plan = await rooms.withDoc(record.id, derivePlan)
    storage.audit({ at: Date.now(), actor: a.actor, role: a.role, action: 'case.read', caseId: record.id })
    sendJson(res, 200, { ...summary(record), plan })
  }

  async function eraseCase({ res, who, params }: Ctx): Promise<void> {
    requireOrgProfessional(who)
    const record = findCase(params[0], who!)
    await rooms.erase(record.id)
    storage.eraseCase(record.id)
    storage.audit({ at: Date.now(), actor: who!.actor, role: who!.role, action: 'case.erase', caseId: record.id })
    log.info({ case: caseRef(record.id) }, 'case erased')
    sendEmpty(res, 204)
  }

  async function createInvite({ req, res, who, params }: Ctx): Promise<void> {
    requireOrgProfessional(who)
    const record = findCase(params[0], who!)
    const body = parse(CreateInviteBody, await readJson(req))
    const now = Date.now()
    const token = newSecret()
    const expiresAt = now + Math.round(body.expiresInHours * 3600_000)
    storage.createInvite({ tokenHash: hashToken(token), caseId: record.id, role: body.role, createdAt: now, expiresAt })
    storage.audit({ at: now, actor: who!.actor, role: who!.role, action: `invite.create.${body.role}`, caseId: record.id })
    const result: InviteCreated = {
      token, url: `${baseUrl(req)}/join#${token}`, role: body.role, caseId: record.id, expiresAt: new Date(expiresAt).toISOString(),
    }
    sendJson(res, 201, result)
  }

  // ---------- helpers ----------

  function findCase(id: string | undefined, a: Access): CaseRecord {
    if (!id || !isCaseId(id)) throw new HttpError(404, ApiError.notFound, 'Deze casus bestaat niet.')
    // Someone without a right on the case learns nothing about whether it exists.
    if (!canReadCase(a, id)) throw new HttpError(404, ApiError.notFound, 'Deze casus bestaat niet.')
    const record = storage.getCase(id)
    if (!record) throw new HttpError(404, ApiError.notFound, 'Deze casus bestaat niet.')
    return record
  }

  function baseUrl(req: IncomingMessage): string {
    if (settings.publicUrl) return settings.publicUrl
    const host = req.headers.host ?? `${settings.host}:${settings.port}`
    return /^[A-Za-z0-9.\-:[\]]+$/.test(host) ? `http://${host}` : `http://${settings.host}:${settings.port}`
  }

  function sessionCookie(value: string, maxAgeS: number): string {
    return `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeS}${secureCookie ? '; Secure' : ''}`
  }

  return { handle }
}

function requireAccess(who: Access | null): Access {
  if (!who) throw new HttpError(401, ApiError.unauthorized, 'Log eerst in, of open de uitnodigingslink opnieuw.')
  return who
}

function requireOrgProfessional(who: Access | null): asserts who is Access {
  requireAccess(who)
  if (!isOrgProfessional(who)) throw forbidden()
}

function forbidden(): HttpError {
  return new HttpError(403, ApiError.forbidden, 'Dit mag u met deze toegang niet doen.')
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value)
  if (!r.success) {
    const first = r.error.issues[0]
    const where = first?.path.length ? `${first.path.join('.')}: ` : ''
    throw new HttpError(400, ApiError.validation, `${where}${first?.message ?? 'invalid input'}`)
  }
  return r.data
}

function summary(r: CaseRecord): CaseSummary {
  return {
    id: r.id, title: r.title, template: r.template,
    createdAt: new Date(r.createdAt).toISOString(), updatedAt: new Date(r.updatedAt).toISOString(),
  }
}
