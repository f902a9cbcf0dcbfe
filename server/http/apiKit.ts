/** Shared pieces of the API route modules: context, route table type, checks. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { z } from 'zod'
import { ApiError } from '../../shared/apiErrors.ts'
import type { CaseSummary, Principal } from '../../shared/api.ts'
import { canReadCase, isOrgProfessional, type Access, type AccessResolver, type CaseAccess, type CaseRightsLookup } from '../auth/access.ts'
import type { Accounts } from '../auth/accounts.ts'
import type { CaseOwnership } from '../storage/accountStore.ts'
import type { Settings } from '../config.ts'
import { isCaseId } from '../ids.ts'
import type { Logger } from '../log.ts'
import type { RoomManager } from '../rooms.ts'
import type { CaseRecord, Storage } from '../storage/storage.ts'
import { HttpError } from './respond.ts'
import { erasesAt } from '../retention.ts'

export interface ApiDeps {
  settings: Settings
  storage: Storage
  rooms: RoomManager
  access: AccessResolver
  accounts: Accounts
  log: Logger
  version: string
}

export interface Ctx {
  req: IncomingMessage
  res: ServerResponse
  url: URL
  who: Access | null
  params: string[]
}

/**
 * One route, and who may call it. `allow` is the rights table (docs/security.md is generated from
 * it, and tests/integration/rights.test.ts checks every cell against a running server): the
 * principals that may call it, or 'anyone' (credentials are not resolved at all, so they cost
 * nothing). A route with `onCase` is about the case in its first parameter: someone without a
 * right on that case (need-to-know, auth/access.ts canReadCase) gets 404 before anything else,
 * as for a case that does not exist; 403 is only for a principal that sees the case but may not
 * do this.
 */
export interface Route {
  method: string
  /** As the documentation writes it: /api/cases/:id/invites. */
  path: string
  pattern: RegExp
  handler: (ctx: Ctx) => Promise<void> | void
  allow: readonly Principal[] | 'anyone'
  onCase?: true
}

/**
 * Declare a route: `path` as documented (`:name` is one path segment, given to the handler in
 * order); a path under /api/cases/:id is about that case (`onCase`).
 */
export function route(method: string, path: string, handler: Route['handler'], allow: Route['allow']): Route {
  const pattern = new RegExp(`^${path.replace(/\./g, '\\.').replace(/:[a-z]+/g, '([^/]+)')}$`)
  const r: Route = { method, path, pattern, handler, allow }
  if (path.startsWith('/api/cases/:id')) r.onCase = true
  return r
}

/** Principals by what they may do, to declare routes with. */
export const P = {
  /** People and scripts that work on cases and may change them. */
  writers: ['professional', 'invitedProfessional', 'service'],
  /** Everyone with a right on a case, including read-only and residents. */
  caseReaders: ['professional', 'coordinator', 'invitedProfessional', 'invitedCoordinator', 'resident', 'service', 'serviceReader'],
  /** Professionals with an organisation-wide right (accounts and the service key), not invited ones. */
  orgProfessionals: ['professional', 'service'],
  /** Anyone signed in with a personal account. */
  accounts: ['professional', 'coordinator', 'admin', 'dpo'],
} as const satisfies Record<string, readonly Principal[]>

export function requireAccess(who: Access | null): Access {
  if (!who) throw new HttpError(401, ApiError.unauthorized, 'Sign in, or open the invitation link again.')
  return who
}

/** An organisation professional (account or service key); routes declare it, this narrows the type. */
export function requireOrgProfessional(who: Access | null): CaseAccess {
  const a = requireAccess(who)
  if (!isOrgProfessional(a)) throw forbidden()
  return a
}

/** Professionals — with an account, the service key, or invited to one case. */
export function requireProfessional(who: Access | null): CaseAccess {
  const a = requireAccess(who)
  if (a.role !== 'professional') throw forbidden()
  return a as CaseAccess
}

/** Someone with a role inside case documents (routes with `onCase` have one). */
export function requireCaseRole(who: Access | null): CaseAccess {
  const a = requireAccess(who)
  if (a.role !== 'professional' && a.role !== 'coordinator' && a.role !== 'resident') throw forbidden()
  return a as CaseAccess
}

/** canReadCase's view of one stored case: its team, and whether the access's account was added to it. */
export async function caseRights(storage: Storage, caseId: string, a: Access): Promise<CaseRightsLookup> {
  const o = await storage.accounts.caseOwnership(caseId)
  const member = o !== null && a.accountId !== null && o.teamId !== a.teamId && await storage.accounts.isCaseMember(caseId, a.accountId)
  return {
    caseTeam: (id) => (id === caseId && o ? o.teamId : undefined),
    isMember: (id, accountId) => member && id === caseId && accountId === a.accountId,
  }
}

/** May this access see this case (need-to-know)? False for malformed ids and unknown cases. */
export async function mayReadCase(storage: Storage, a: Access, caseId: string): Promise<boolean> {
  return isCaseId(caseId) && canReadCase(a, caseId, await caseRights(storage, caseId, a))
}

export function forbidden(): HttpError {
  return new HttpError(403, ApiError.forbidden, 'This access does not allow that.')
}

export function notFound(message = 'No such case.'): HttpError {
  return new HttpError(404, ApiError.notFound, message)
}

/** The case, if it exists and this access may read it; otherwise 404 (no hint that it exists). */
export async function findCase(storage: Storage, id: string | undefined, a: Access): Promise<CaseRecord> {
  if (!id || !await mayReadCase(storage, a, id)) throw notFound()
  const record = await storage.getCase(id)
  if (!record) throw notFound()
  return record
}

export function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value)
  if (!r.success) {
    const first = r.error.issues[0]
    const where = first?.path.length ? `${first.path.join('.')}: ` : ''
    throw new HttpError(400, ApiError.validation, `${where}${first?.message ?? 'invalid input'}`)
  }
  return r.data
}

/** The case as the API lists it; `ownership` from storage.accounts (looked up when not given). */
export async function summary(storage: Storage, r: CaseRecord, ownership?: CaseOwnership | null): Promise<CaseSummary> {
  const o = ownership === undefined ? await storage.accounts.caseOwnership(r.id) : ownership
  return {
    id: r.id, title: r.title, template: r.template,
    createdAt: new Date(r.createdAt).toISOString(), updatedAt: new Date(r.updatedAt).toISOString(),
    archivedAt: r.archivedAt == null ? null : new Date(r.archivedAt).toISOString(),
    team: o?.team ?? null, owner: o?.owner ?? null,
    erasesAt: await erasesAt(storage, r),
  }
}

/** The cases this access sees (need-to-know), as stored records. */
export async function visibleCases(storage: Storage, a: Access): Promise<CaseRecord[]> {
  const all = await storage.listCases()
  if (a.principal === 'service' || a.principal === 'serviceReader') return all
  if (a.scope === 'case') return all.filter((c) => c.id === a.caseId)
  if (a.accountId === null || (a.principal !== 'professional' && a.principal !== 'coordinator')) return []
  if (a.principal === 'coordinator') {
    const own = await storage.accounts.allCaseOwnership()
    return all.filter((c) => a.teamId !== null && own.get(c.id)?.teamId === a.teamId)
  }
  const ids = await storage.accounts.visibleCaseIds(a.teamId, a.accountId)
  return all.filter((c) => ids.has(c.id))
}
