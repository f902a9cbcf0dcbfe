/**
 * Case sessions: an invite link is redeemed once at the join page (POST /api/invites/redeem) for an
 * HttpOnly cookie, so no token stays in the browser's storage or address bar.
 *
 * One cookie per case — `kt_case_<caseId>` (Path=/, HttpOnly, SameSite=Strict, Secure over https) —
 * so a browser can hold sessions for several cases side by side. The value is a new random id
 * (`ktc_…`, secrets.ts); the server keeps only its SHA-256 (storage: case_sessions), bound to the
 * one invite it came from: the session lives as long as that invite, and revoking or expiring the
 * invite ends it. Sockets opened with a case session are registered under the invite
 * (liveCredentials.ts), so revocation closes them as it closes sockets opened with the token.
 *
 * A request names the case it is about (the path, or `?case=` on /api/me); only that case's cookie
 * is looked at, and a session found under another case's cookie name counts as no session.
 */
import { cookieOf } from './access.ts'

export const CASE_COOKIE_PREFIX = 'kt_case_'

/** The cookie that holds the case session of this case. */
export function caseCookieName(caseId: string): string {
  return CASE_COOKIE_PREFIX + caseId
}

/** The case session id the request carries for this case, or null. */
export function caseSessionOf(cookieHeader: string | undefined, caseId: string): string | null {
  return cookieOf(cookieHeader, caseCookieName(caseId))
}

/** The names of the case session cookies a request carries (signing out clears them all). */
export function caseCookieNames(cookieHeader: string | undefined): string[] {
  if (!cookieHeader) return []
  return cookieHeader.split(';').map((part) => part.trim().split('=')[0] ?? '')
    .filter((name) => name.startsWith(CASE_COOKIE_PREFIX) && /^[A-Za-z0-9_-]+$/.test(name))
}

/** Does the request carry any case session cookie (for the cross-site check, http/origin.ts)? */
export function hasCaseSessionCookie(cookieHeader: string | undefined): boolean {
  if (!cookieHeader) return false
  return cookieHeader.split(';').some((part) => part.trim().startsWith(CASE_COOKIE_PREFIX) && part.includes('='))
}
