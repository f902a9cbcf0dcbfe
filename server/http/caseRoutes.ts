/**
 * Closing a case and opening it again (docs/api.md): POST /api/cases/:id/archive and
 * /api/cases/:id/reopen. Professionals with a right on the case (organisation-wide or invited to
 * it) may do both; a coordinator or resident gets 403, someone without a right on the case 404.
 * An archived case still opens and syncs as before: it only leaves the default case list and the
 * review. Both calls are idempotent and answer the case as it is now.
 */
import { findCase, notFound, P, requireProfessional, route, summary, type ApiDeps, type Ctx, type Route } from './apiKit.ts'
import { sendJson } from './respond.ts'

export function caseRoutes(deps: ApiDeps): Route[] {
  const { storage } = deps

  function setArchived(archive: boolean) {
    return async ({ res, who, params }: Ctx): Promise<void> => {
      const a = requireProfessional(who)
      const record = await findCase(storage, params[0], a)
      const now = Date.now()
      const after = await storage.setArchived(record.id, archive ? now : null)
      if (!after) throw notFound()
      storage.audit({ at: now, actor: a.actor, role: a.role, action: archive ? 'case.archive' : 'case.reopen', caseId: record.id })
      sendJson(res, 200, await summary(storage, after))
    }
  }

  return [
    route('POST', '/api/cases/:id/archive', setArchived(true), P.writers),
    route('POST', '/api/cases/:id/reopen', setArchived(false), P.writers),
  ]
}
