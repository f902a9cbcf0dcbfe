/**
 * Cross-site protection (docs/security.md, "Cross-site requests"). A browser attaches the session
 * cookie to requests that another site starts; SameSite=Strict stops most of them, and this check
 * stops the rest: a request authenticated by the cookie must say it comes from this server's own
 * origin. Browsers always send `Origin` on POST/PUT/PATCH/DELETE and on WebSocket upgrades (else
 * `Referer`); scripts authenticate with `Authorization: Bearer` and are not affected.
 *
 * The server's own origin is PUBLIC_URL when set, else the request's Host over http or https.
 */
import type { IncomingHttpHeaders } from 'node:http'
import { SESSION_COOKIE } from '../constants.ts'
import { cookieOf } from '../auth/access.ts'
import { hasCaseSessionCookie } from '../auth/caseSession.ts'

/** Methods that never change state; everything else is checked. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export interface OriginRequest {
  method?: string
  headers: IncomingHttpHeaders
}

/** Does the request authenticate with a session or case session cookie (no Bearer header, which wins)? */
export function usesSessionCookie(headers: IncomingHttpHeaders): boolean {
  if (hasBearer(headers)) return false
  return hasCookieCredential(headers)
}

function hasCookieCredential(headers: IncomingHttpHeaders): boolean {
  return cookieOf(headers.cookie, SESSION_COOKIE) !== null || hasCaseSessionCookie(headers.cookie)
}

/**
 * The origin the browser says the request comes from: `Origin`, else the origin of `Referer`;
 * null when it says neither; 'invalid' for anything that is not an http(s) origin (e.g. `null`).
 */
export function claimedOrigin(headers: IncomingHttpHeaders): string | null {
  const raw = headers.origin ?? headers.referer
  if (raw === undefined || raw === '') return null
  try {
    const u = new URL(raw)
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'invalid'
    return u.origin
  } catch {
    return 'invalid'
  }
}

/** Is `origin` this server's own origin? */
export function isOwnOrigin(origin: string, headers: IncomingHttpHeaders, publicUrl: string | null): boolean {
  if (publicUrl) return origin === publicUrl
  const host = headers.host
  if (!host) return false
  return origin === canonical(`http://${host}`) || origin === canonical(`https://${host}`)
}

function canonical(url: string): string | null {
  try {
    return new URL(url).origin
  } catch {
    return null
  }
}

/**
 * May this HTTP request go on? A state change that carries the session cookie needs an
 * Origin/Referer equal to the server's own origin. A state change without the cookie that names a
 * foreign origin (a login form on another site, say) is refused too; one that names none is a
 * script's. `Authorization: Bearer` requests are not cookie-based and always go on.
 */
export function crossSiteAllowed(req: OriginRequest, publicUrl: string | null): boolean {
  if (SAFE_METHODS.has((req.method ?? 'GET').toUpperCase())) return true
  if (hasBearer(req.headers)) return true
  return originOk(req.headers, publicUrl)
}

/**
 * May this WebSocket upgrade go on? Browsers always send Origin on upgrades: a named origin must
 * be the server's own, whatever the credential; without one, only a token (script) may connect,
 * never the session cookie alone.
 */
export function upgradeOriginAllowed(headers: IncomingHttpHeaders, publicUrl: string | null, hasToken: boolean): boolean {
  const origin = claimedOrigin(headers)
  if (origin === null) return hasToken || hasBearer(headers) || !hasCookieCredential(headers)
  return origin !== 'invalid' && isOwnOrigin(origin, headers, publicUrl)
}

function originOk(headers: IncomingHttpHeaders, publicUrl: string | null): boolean {
  const origin = claimedOrigin(headers)
  if (origin === null) return !usesSessionCookie(headers)
  return origin !== 'invalid' && isOwnOrigin(origin, headers, publicUrl)
}

function hasBearer(headers: IncomingHttpHeaders): boolean {
  return headers.authorization !== undefined && /^Bearer\s+\S+$/i.test(headers.authorization.trim())
}

export const CROSS_SITE_MESSAGE = 'Requests from another site are not accepted. Open Keukentafel itself and try again.'
