/**
 * Who is asking, and what may they do? One place that turns credentials (session cookie,
 * organisation key, invite token) into an Access, used by both the HTTP API and the WebSocket
 * upgrade.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import type { Role } from '../../shared/schema.ts'
import { SESSION_COOKIE } from '../constants.ts'
import type { Storage } from '../storage/storage.ts'
import { hashToken, looksLikeToken, verifyKey } from './secrets.ts'

export interface Access {
  role: Role
  /** 'org': all cases of the organisation; 'case': one case through an invite. */
  scope: 'org' | 'case'
  caseId: string | null
  /** Non-personal reference for the audit log. */
  actor: string
}

export const ORG_KEY_SETTING = 'org_key_hash'
export const COORDINATOR_KEY_SETTING = 'coordinator_key_hash'

/** Organisation-wide keys and the role each gives. */
const ORG_KEYS: { setting: string; role: Role }[] = [
  { setting: ORG_KEY_SETTING, role: 'professional' },
  { setting: COORDINATOR_KEY_SETTING, role: 'coordinator' },
]

export function canWrite(a: Access): boolean {
  return a.role === 'professional' || a.role === 'resident'
}

/** May this access read (open, sync) the given case? */
export function canReadCase(a: Access, caseId: string): boolean {
  return a.scope === 'org' || a.caseId === caseId
}

export function isOrgProfessional(a: Access | null): a is Access {
  return a !== null && a.scope === 'org' && a.role === 'professional'
}

export class AccessResolver {
  /** Checking a scrypt hash costs ~50 ms: remember digests of keys that matched, with their role. */
  private verified: { digest: Buffer; role: Role }[] = []

  constructor(private storage: Storage) {}

  /** Resolve from HTTP headers and an optional token (WebSocket query parameter). */
  resolve(headers: IncomingHttpHeaders, queryToken: string | null, now = Date.now()): Access | null {
    const bearer = bearerOf(headers.authorization)
    if (bearer) return this.fromBearer(bearer, now)
    // The WebSocket `token` parameter accepts the same secrets as a Bearer header.
    if (queryToken) return this.fromBearer(queryToken, now)
    const sid = cookieOf(headers.cookie, SESSION_COOKIE)
    if (sid) return this.fromSession(sid, now)
    return null
  }

  fromBearer(secret: string, now: number): Access | null {
    const role = this.orgKeyRole(secret)
    if (role) return { role, scope: 'org', caseId: null, actor: `key:${role}` }
    return this.fromInvite(secret, now)
  }

  fromInvite(token: string, now: number): Access | null {
    if (!looksLikeToken(token)) return null
    const hash = hashToken(token)
    const inv = this.storage.findInvite(hash)
    if (!inv || inv.expiresAt <= now) return null
    return { role: inv.role, scope: 'case', caseId: inv.caseId, actor: `invite:${hash.slice(0, 10)}` }
  }

  fromSession(sid: string, now: number): Access | null {
    if (!looksLikeToken(sid)) return null
    const hash = hashToken(sid)
    const s = this.storage.findSession(hash)
    if (!s || s.expiresAt <= now) return null
    return { role: s.role, scope: 'org', caseId: null, actor: `session:${hash.slice(0, 10)}` }
  }

  /** The role an organisation key gives, or null when the secret is no organisation key. */
  orgKeyRole(secret: string): Role | null {
    if (secret.length > 200) return null
    const digest = createHash('sha256').update(`org-key:${secret}`).digest()
    for (const v of this.verified) if (timingSafeEqual(digest, v.digest)) return v.role
    for (const k of ORG_KEYS) {
      const stored = this.storage.getSetting(k.setting)
      if (stored && verifyKey(secret, stored)) {
        this.verified.push({ digest, role: k.role })
        return k.role
      }
    }
    return null
  }
}

function bearerOf(h: string | undefined): string | null {
  if (!h) return null
  const m = /^Bearer\s+(\S+)$/i.exec(h.trim())
  return m ? (m[1] as string) : null
}

export function cookieOf(header: string | undefined, name: string): string | null {
  if (!header) return null
  for (const part of header.split(';')) {
    const i = part.indexOf('=')
    if (i < 0) continue
    if (part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim())
  }
  return null
}
