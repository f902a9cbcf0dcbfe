/** Shared pieces of the API route modules: context, route table type, checks. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { z } from 'zod'
import { ApiError } from '../../shared/apiErrors.ts'
import type { CaseSummary } from '../../shared/api.ts'
import { canReadCase, isOrgProfessional, type Access, type AccessResolver } from '../auth/access.ts'
import type { Settings } from '../config.ts'
import { isCaseId } from '../ids.ts'
import type { Logger } from '../log.ts'
import type { RoomManager } from '../rooms.ts'
import type { CaseRecord, Storage } from '../storage/storage.ts'
import { HttpError } from './respond.ts'

export interface ApiDeps {
  settings: Settings
  storage: Storage
  rooms: RoomManager
  access: AccessResolver
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

export interface Route {
  method: string
  pattern: RegExp
  handler: (ctx: Ctx) => Promise<void> | void
  /** Open to anyone: credentials are not resolved (`who` is null), so they cost nothing here. */
  anyone?: true
}

export function requireAccess(who: Access | null): Access {
  if (!who) throw new HttpError(401, ApiError.unauthorized, 'Sign in, or open the invitation link again.')
  return who
}

/**
 * An organisation professional. With `caseId` (a case route): someone without a right on that
 * case gets 404 first, as for every case route; 403 is only for a read-only right on it.
 */
export function requireOrgProfessional(who: Access | null, caseId?: string): Access {
  const a = requireAccess(who)
  if (caseId !== undefined) requireCaseRight(a, caseId)
  if (!isOrgProfessional(a)) throw forbidden()
  return a
}

/** Professionals — organisation-wide or invited to one case — may change a case's history. */
export function requireProfessional(who: Access | null, caseId?: string): Access {
  const a = requireAccess(who)
  if (caseId !== undefined) requireCaseRight(a, caseId)
  if (a.role !== 'professional') throw forbidden()
  return a
}

/** 404 (like an unknown case) when this access has no right on the case at all. */
function requireCaseRight(a: Access, caseId: string): void {
  if (!isCaseId(caseId) || !canReadCase(a, caseId)) throw notFound()
}

export function forbidden(): HttpError {
  return new HttpError(403, ApiError.forbidden, 'This access does not allow that.')
}

export function notFound(message = 'No such case.'): HttpError {
  return new HttpError(404, ApiError.notFound, message)
}

/** The case, if it exists and this access may read it; otherwise 404 (no hint that it exists). */
export function findCase(storage: Storage, id: string | undefined, a: Access): CaseRecord {
  if (!id || !isCaseId(id) || !canReadCase(a, id)) throw notFound()
  const record = storage.getCase(id)
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

export function summary(r: CaseRecord): CaseSummary {
  return {
    id: r.id, title: r.title, template: r.template,
    createdAt: new Date(r.createdAt).toISOString(), updatedAt: new Date(r.updatedAt).toISOString(),
    archivedAt: r.archivedAt == null ? null : new Date(r.archivedAt).toISOString(),
  }
}
