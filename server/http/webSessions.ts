/**
 * What signing in leaves in the browser, in one place for the password login, account
 * activation and OIDC: the HttpOnly session cookie (SameSite=Strict; Secure when PUBLIC_URL is
 * https), the session row (only the id's SHA-256 is stored) and its audit entry; and the base URL
 * that links (invites, activation) are built from.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { SESSION_COOKIE, SESSION_TTL_MS } from '../constants.ts'
import { isLocalHostHeader, type Settings } from '../config.ts'
import { hashToken, newToken } from '../auth/secrets.ts'
import type { AccountRecord } from '../storage/accountStore.ts'
import type { Storage } from '../storage/storage.ts'
import { sendEmpty } from './respond.ts'

export interface WebSessions {
  /** A Set-Cookie value: HttpOnly, SameSite=Strict, Path=/, Secure over https. */
  cookie(name: string, value: string, maxAgeS: number): string
  sessionCookie(value: string, maxAgeS: number): string
  /** Start a session for a signed-in account; returns the Set-Cookie value. `how` goes in the audit ('login', 'login.oidc', …). */
  startSession(account: AccountRecord, now: number, how?: string): Promise<string>
  /** Start a session and answer 204 with its cookie. */
  signedIn(res: ServerResponse, account: AccountRecord, now: number, how?: string): Promise<void>
  /**
   * Where links point: PUBLIC_URL when set; otherwise the request's Host, but only a local one
   * (127.x, localhost, [::1]) — a Host header from elsewhere never lands in a link. (Without
   * PUBLIC_URL the server only listens on a local address: config.ts.)
   */
  baseUrl(req: IncomingMessage): string
}

export function webSessions(settings: Settings, storage: Storage): WebSessions {
  const secure = settings.publicUrl?.startsWith('https:') ?? false

  function cookie(name: string, value: string, maxAgeS: number): string {
    return `${name}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`
  }
  function sessionCookie(value: string, maxAgeS: number): string {
    return cookie(SESSION_COOKIE, value, maxAgeS)
  }
  async function startSession(account: AccountRecord, now: number, how = 'login'): Promise<string> {
    const sid = newToken('session')
    await storage.createSession({ idHash: hashToken(sid), role: account.role, accountId: account.id, createdAt: now, expiresAt: now + SESSION_TTL_MS })
    storage.audit({ at: now, actor: `account:${account.id}`, role: account.role, action: how, caseId: null })
    return sessionCookie(sid, SESSION_TTL_MS / 1000)
  }
  return {
    cookie, sessionCookie, startSession,
    async signedIn(res, account, now, how) {
      sendEmpty(res, 204, { 'Set-Cookie': await startSession(account, now, how) })
    },
    baseUrl(req) {
      if (settings.publicUrl) return settings.publicUrl
      const host = req.headers.host
      if (host && isLocalHostHeader(host)) return `http://${host}`
      const port = req.socket.localPort ?? settings.port
      return `http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${port}`
    },
  }
}
