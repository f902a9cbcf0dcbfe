/**
 * A case's processing log ('Logboek Dataverwerkingen', docs/api.md): GET /api/cases/:id/audit.
 * Professionals with a right on the case read it; a coordinator or resident gets 403, someone
 * without a right on the case 404. Newest first, paged with `?before=<ms>&limit=<n ≤ 500>`.
 * The log holds who (a non-personal reference), role, action, time and ground: never case content.
 * Reading it is itself logged (`audit.read`).
 */
import { ApiError } from '../../shared/apiErrors.ts'
import { MAX_AUDIT_PAGE, type AuditPage } from '../../shared/api.ts'
import { findCase, P, requireProfessional, route, type ApiDeps, type Ctx, type Route } from './apiKit.ts'
import { HttpError, sendJson } from './respond.ts'

const DEFAULT_AUDIT_PAGE = 100

export function auditRoutes(deps: ApiDeps): Route[] {
  const { storage } = deps

  async function list({ res, url, who, params }: Ctx): Promise<void> {
    const a = requireProfessional(who)
    const record = await findCase(storage, params[0], a)
    const before = intParam(url, 'before', Number.MAX_SAFE_INTEGER, 1, Number.MAX_SAFE_INTEGER)
    const limit = intParam(url, 'limit', DEFAULT_AUDIT_PAGE, 1, MAX_AUDIT_PAGE)
    // One more than asked: to know whether an older page exists and not to split a millisecond.
    const rows = await storage.listAudit(record.id, before, limit + 1)
    let page = rows.slice(0, limit)
    let nextBefore: number | null = null
    if (rows.length > limit) {
      const boundary = (rows[limit] as { at: number }).at
      // Rows of the same millisecond stay on one page (the next page asks for `at < nextBefore`),
      // unless the whole page is that one millisecond.
      const whole = page.filter((r) => r.at !== boundary)
      if (whole.length > 0) page = whole
      nextBefore = (page[page.length - 1] as { at: number }).at
    }
    const body: AuditPage = {
      entries: page.map((r) => ({ at: new Date(r.at).toISOString(), actor: r.actor, role: r.role, action: r.action, ground: r.ground })),
      nextBefore,
    }
    storage.audit({ at: Date.now(), actor: a.actor, role: a.role, action: 'audit.read', caseId: record.id })
    sendJson(res, 200, body)
  }

  return [route('GET', '/api/cases/:id/audit', list, P.writers)]
}

/** A whole-number query parameter within [min, max]; `fallback` when absent; 400 otherwise. */
function intParam(url: URL, name: string, fallback: number, min: number, max: number): number {
  const raw = url.searchParams.get(name)
  if (raw === null) return fallback
  const n = /^\d{1,16}$/.test(raw) ? Number(raw) : NaN
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new HttpError(400, ApiError.validation, `${name}: a whole number from ${min} to ${max}.`)
  return n
}
