/**
 * Sign-in through the organisation's identity provider (docs/api.md, "Accounts"; auth/oidc.ts):
 *   - GET /api/oidc/login: start; 302 to the provider, with a short-lived cookie naming the
 *     started sign-in
 *   - GET /api/oidc/callback: the provider sends the browser back here; on success a session
 *     starts and the browser goes to '/', otherwise to '/?login_error=<code>' (oidc_failed,
 *     oidc_no_role, oidc_disabled), which the start page words.
 * The cookie is SameSite=Lax, not Strict: the way back from the provider is a top-level
 * navigation from another site, and the cookie must come along. It is HttpOnly, limited to
 * /api/oidc and used once.
 */
import { ApiError } from '../../shared/apiErrors.ts'
import { cookieOf } from '../auth/access.ts'
import { OIDC_PENDING_TTL_MS, OidcRefused, OidcSignIn, type OidcLoginError } from '../auth/oidc.ts'
import { route, type ApiDeps, type Ctx, type Route } from './apiKit.ts'
import { HttpError, sendEmpty } from './respond.ts'
import type { WebSessions } from './webSessions.ts'

const PENDING_COOKIE = 'kt_oidc'
const CALLBACK_PATH = '/api/oidc/callback'

export function oidcRoutes(deps: ApiDeps, web: WebSessions): Route[] {
  const { settings, storage, log } = deps
  const oidc = settings.oidc ? new OidcSignIn(settings.oidc, storage) : null
  const secure = settings.publicUrl?.startsWith('https:') ?? false

  function pendingCookie(value: string, maxAgeS: number): string {
    return `${PENDING_COOKIE}=${value}; HttpOnly; SameSite=Lax; Path=/api/oidc; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`
  }

  function enabled(): OidcSignIn {
    if (!oidc) throw new HttpError(404, ApiError.notFound, 'Sign-in through an identity provider is not set up (OIDC_ISSUER).')
    return oidc
  }

  function toStartPage(res: Ctx['res'], error: OidcLoginError | null, cookies: string[]): void {
    sendEmpty(res, 302, { Location: error ? `/?login_error=${error}` : '/', 'Set-Cookie': cookies })
  }

  async function login({ req, res }: Ctx): Promise<void> {
    const o = enabled()
    let started
    try {
      started = await o.start(`${web.baseUrl(req)}${CALLBACK_PATH}`)
    } catch (err) {
      log.warn({ err: (err as Error)?.name ?? 'error' }, 'OIDC: the identity provider cannot be reached (discovery failed)')
      toStartPage(res, 'oidc_failed', [])
      return
    }
    sendEmpty(res, 302, { Location: started.url.href, 'Set-Cookie': pendingCookie(started.id, OIDC_PENDING_TTL_MS / 1000) })
  }

  async function callback({ req, res, url }: Ctx): Promise<void> {
    const o = enabled()
    const now = Date.now()
    const clear = pendingCookie('', 0)
    try {
      const who = await o.finish(cookieOf(req.headers.cookie, PENDING_COOKIE), url.searchParams, now)
      const { account, rightsChanged } = await o.signIn(who, now)
      if (rightsChanged) await deps.access.endAccount(account.id, 'the account\'s rights changed', false)
      toStartPage(res, null, [clear, await web.startSession(account, now, 'login.oidc')])
    } catch (err) {
      if (!(err instanceof OidcRefused)) throw err
      // The provider no longer gives a role: what the account could do ends now.
      if (err.accountId && err.code === 'oidc_no_role') await deps.access.endAccount(err.accountId, 'the identity provider gives no role any more', true)
      storage.audit({ at: now, actor: 'anonymous', role: 'anonymous', action: 'login.failed', caseId: null })
      log.info({ reason: err.message }, 'OIDC sign-in refused')
      toStartPage(res, err.code, [clear])
    }
  }

  return [
    route('GET', '/api/oidc/login', login, 'anyone'),
    route('GET', CALLBACK_PATH, callback, 'anyone'),
  ]
}
