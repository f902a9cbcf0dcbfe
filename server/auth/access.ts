/**
 * Who is asking, and what may they do? One place that turns credentials (session cookie,
 * organisation key, invite token) into an Access, used by both the HTTP API and the WebSocket
 * upgrade.
 *
 * Finding a credential never runs a key derivation on the event loop, and usually none at all:
 *   1. A secret with a token prefix (secrets.ts) is an invite or session: found by its SHA-256.
 *   2. A key verified before is recognised by its digest, in memory.
 *   3. An un-prefixed secret may be an invite from before prefixes: found by its SHA-256 too.
 *   4. Only what is left may be an organisation key: checked with async scrypt against the key
 *      settings not verified yet (both at once), within the source's budget (rateLimit.ts).
 * Token lookups that find nothing count toward the source's (generous) budget of misses; a source
 * that spent it is refused before the next lookup, so a guess can never tell a hit while limited.
 * Step 2 needs no budget at all: a key verified before is never limited.
 *
 * A session or invite access names its credential; `live` (liveCredentials.ts) tracks the open
 * sockets per credential, so logout, revoking an invite and expiry close them. A case session
 * (caseSession.ts: a redeemed invite in an HttpOnly cookie) gives the invite's access and names
 * the invite as its credential, so the same revocation and expiry end it.
 */
import { createHash } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import type { Role } from '../../shared/schema.ts'
import { SESSION_COOKIE } from '../constants.ts'
import type { InviteRecord, Storage } from '../storage/storage.ts'
import { CredentialLimiter } from './rateLimit.ts'
import { LiveCredentials, type Credential } from './liveCredentials.ts'
import { hashToken, looksLikeToken, newToken, tokenKindOf, verifyKey } from './secrets.ts'
import { caseSessionOf } from './caseSession.ts'

export interface Access {
  role: Role
  /** 'org': all cases of the organisation; 'case': one case through an invite. */
  scope: 'org' | 'case'
  caseId: string | null
  /** Non-personal reference for the audit log. */
  actor: string
  /** The session or invite this access came from; absent for organisation keys. */
  credential?: Credential
}

/** What resolve needs of a request (an http.IncomingMessage fits). */
export interface CredentialRequest {
  headers: IncomingHttpHeaders
  socket: { remoteAddress?: string }
}

export const ORG_KEY_SETTING = 'org_key_hash'
export const COORDINATOR_KEY_SETTING = 'coordinator_key_hash'

/** Organisation-wide keys and the role each gives. */
const ORG_KEYS: { setting: string; role: Role }[] = [
  { setting: ORG_KEY_SETTING, role: 'professional' },
  { setting: COORDINATOR_KEY_SETTING, role: 'coordinator' },
]

/** Longest key or token looked at; longer secrets are refused without work. */
const MAX_SECRET_CHARS = 200

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

/** A key that matched, remembered by the digest of the key (never the key itself). */
interface VerifiedKey {
  role: Role
  setting: string
  /** The stored hash it matched: when the setting changes, the entry no longer counts. */
  stored: string
}

export class AccessResolver {
  /** scrypt costs ~30–50 ms of a pool thread: remember digests of keys that matched. */
  private verified = new Map<string, VerifiedKey>()
  /** Key checks under way, by digest: the same key sent many times at once is checked once. */
  private checking = new Map<string, Promise<Role | null>>()

  /** Open sockets by the credential they were authorised with. */
  readonly live = new LiveCredentials()

  constructor(private storage: Storage, private limiter = new CredentialLimiter()) {}

  /** Logout: forget the session and close the sockets opened with it. */
  endSession(sid: string): void {
    if (!looksLikeToken(sid)) return
    const hash = hashToken(sid)
    this.storage.deleteSession(hash)
    this.live.end('session', hash, 'signed out')
  }

  /** Revoke an invite of this case and close the sockets opened with it; false when unknown. */
  revokeInvite(caseId: string, inviteId: string, now = Date.now()): boolean {
    if (!this.storage.revokeInvite(caseId, inviteId, now)) return false
    this.live.end('invite', inviteId, 'the invitation was revoked')
    return true
  }

  /**
   * Is the access's credential still valid now? Checked once more when a socket opens, so a
   * logout or revocation between the upgrade's check and the socket's registration still counts.
   */
  isCurrent(a: Access, now = Date.now()): boolean {
    const c = a.credential
    if (!c) return true
    if (c.expiresAt <= now) return false
    if (c.kind === 'session') return this.storage.findSession(c.tokenHash) !== null
    const inv = this.storage.findInvite(c.tokenHash)
    return inv !== null && inv.revokedAt === null
  }

  /**
   * Resolve from the request's credentials: Authorization Bearer, else the WebSocket `token`
   * parameter (the same secrets), else the session cookie, else — when the request is about one
   * case (`caseId`) — that case's case session cookie (caseSession.ts). Throws TooManyAttempts
   * when the request's source is over its budget.
   */
  async resolve(req: CredentialRequest, queryToken: string | null, now = Date.now(), caseId: string | null = null): Promise<Access | null> {
    const source = this.sourceOf(req)
    const bearer = bearerOf(req.headers.authorization)
    if (bearer) return this.fromSecret(bearer, source, now)
    if (queryToken) return this.fromSecret(queryToken, source, now)
    const sid = cookieOf(req.headers.cookie, SESSION_COOKIE)
    const session = sid ? this.fromSession(sid, source, now) : null
    if (session) return session
    const csid = caseId ? caseSessionOf(req.headers.cookie, caseId) : null
    if (csid && caseId) return this.fromCaseSession(csid, caseId, source, now)
    return null
  }

  /**
   * Redeem an invite token for a new case session (POST /api/invites/redeem): the invite's access
   * and the case session id to put in the cookie, or null for a token that is no usable invite
   * (a miss, as for a Bearer token). Throws TooManyAttempts.
   */
  redeemInvite(token: string, source: string, now = Date.now()): { access: Access; sessionId: string } | null {
    if (token.length > MAX_SECRET_CHARS) return null
    const kind = tokenKindOf(token)
    if (kind !== null && kind !== 'invite') return this.missed(source, now)
    // Prefixed or from before prefixes: both are found by hash.
    const access = this.fromInvite(token, source, now)
    if (!access?.credential || access.caseId === null) return null
    const sessionId = newToken('caseSession')
    this.storage.createCaseSession({
      idHash: hashToken(sessionId), inviteHash: access.credential.tokenHash, caseId: access.caseId, createdAt: now, expiresAt: access.credential.expiresAt,
    })
    return { access, sessionId }
  }

  /** The rate limits' source of a request (its client address, as TRUST_PROXY says). */
  sourceOf(req: CredentialRequest): string {
    return this.limiter.sourceOf(req)
  }

  /**
   * The role an organisation key gives, or null. Used by the login: the same steps 2 and 4 as a
   * Bearer key, so the same budget. Throws TooManyAttempts.
   */
  async keyRole(key: string, source: string, now = Date.now()): Promise<Role | null> {
    if (key.length === 0 || key.length > MAX_SECRET_CHARS || tokenKindOf(key) !== null) return null
    return this.knownKeyRole(key) ?? this.checkKey(key, source, now)
  }

  private async fromSecret(secret: string, source: string, now: number): Promise<Access | null> {
    if (secret.length > MAX_SECRET_CHARS) return null
    // 1. Tokens say what they are. Session ids are only accepted from the cookie.
    const kind = tokenKindOf(secret)
    if (kind !== null) return kind === 'invite' ? this.fromInvite(secret, source, now) : this.missed(source, now)
    // 2. A key checked before.
    const known = this.knownKeyRole(secret)
    if (known) return orgAccess(known)
    // 3. An invite token from before prefixes.
    if (looksLikeToken(secret)) {
      this.limiter.beforeLookup(source, now)
      const hash = hashToken(secret)
      const inv = this.storage.findInvite(hash)
      if (inv) return usable(inv, now) ? inviteAccess(inv, hash) : this.missed(source, now)
    }
    // 4. Perhaps a key.
    const role = await this.checkKey(secret, source, now)
    return role ? orgAccess(role) : null
  }

  private fromInvite(token: string, source: string, now: number): Access | null {
    if (!looksLikeToken(token)) return this.missed(source, now)
    this.limiter.beforeLookup(source, now)
    const hash = hashToken(token)
    const inv = this.storage.findInvite(hash)
    if (!inv || !usable(inv, now)) return this.missed(source, now)
    return inviteAccess(inv, hash)
  }

  /** Session ids, prefixed or from before prefixes, are found by hash. */
  private fromSession(sid: string, source: string, now: number): Access | null {
    if (!looksLikeToken(sid)) return this.missed(source, now)
    this.limiter.beforeLookup(source, now)
    const hash = hashToken(sid)
    const s = this.storage.findSession(hash)
    if (!s || s.expiresAt <= now) return this.missed(source, now)
    return {
      role: s.role, scope: 'org', caseId: null, actor: `session:${hash.slice(0, 10)}`,
      credential: { kind: 'session', id: hash, tokenHash: hash, expiresAt: s.expiresAt },
    }
  }

  /** A case session is found by hash and gives its invite's access while the invite is usable. */
  private fromCaseSession(csid: string, caseId: string, source: string, now: number): Access | null {
    if (!looksLikeToken(csid) || tokenKindOf(csid) !== 'caseSession') return this.missed(source, now)
    this.limiter.beforeLookup(source, now)
    const cs = this.storage.findCaseSession(hashToken(csid))
    if (!cs || cs.caseId !== caseId || cs.expiresAt <= now) return this.missed(source, now)
    const inv = this.storage.findInvite(cs.inviteHash)
    if (!inv || inv.caseId !== caseId || !usable(inv, now)) return this.missed(source, now)
    return inviteAccess(inv, cs.inviteHash)
  }

  private missed(source: string, now: number): null {
    this.limiter.miss(source, now)
    return null
  }

  /** The role of a key verified before whose setting has not changed since, without a KDF. */
  private knownKeyRole(key: string): Role | null {
    const v = this.verified.get(keyDigest(key))
    if (!v || this.storage.getSetting(v.setting) !== v.stored) return null
    return v.role
  }

  /** Step 4: scrypt against the key settings not verified yet, within the source's budget. */
  private checkKey(key: string, source: string, now: number): Promise<Role | null> {
    const digest = keyDigest(key)
    const under = this.checking.get(digest)
    if (under) return under
    const candidates = this.unverifiedKeys()
    // Every key setting has been matched by another secret already: this one is none of them,
    // and costs no more than an unknown token.
    if (candidates.length === 0) {
      this.limiter.beforeLookup(source, now)
      return Promise.resolve(this.missed(source, now))
    }
    const check = this.limiter
      .keyCheck(source, now, async () => {
        const matches = await Promise.all(candidates.map((c) => verifyKey(key, c.stored)))
        const hit = candidates[matches.indexOf(true)]
        if (!hit) return null
        this.verified.set(digest, hit)
        return hit.role
      })
      .finally(() => this.checking.delete(digest))
    this.checking.set(digest, check)
    return check
  }

  private unverifiedKeys(): VerifiedKey[] {
    const matched = new Set([...this.verified.values()].map((v) => `${v.setting}\n${v.stored}`))
    const out: VerifiedKey[] = []
    for (const k of ORG_KEYS) {
      const stored = this.storage.getSetting(k.setting)
      if (stored && !matched.has(`${k.setting}\n${stored}`)) out.push({ ...k, stored })
    }
    return out
  }
}

function keyDigest(key: string): string {
  return createHash('sha256').update(`org-key:${key}`).digest('hex')
}

function orgAccess(role: Role): Access {
  return { role, scope: 'org', caseId: null, actor: `key:${role}` }
}

/** An invite counts until it expires or is revoked. */
function usable(inv: InviteRecord, now: number): boolean {
  return inv.expiresAt > now && inv.revokedAt === null
}

function inviteAccess(inv: InviteRecord, hash: string): Access {
  return {
    role: inv.role, scope: 'case', caseId: inv.caseId, actor: `invite:${hash.slice(0, 10)}`,
    credential: { kind: 'invite', id: inv.id, tokenHash: hash, expiresAt: inv.expiresAt },
  }
}

function bearerOf(h: string | undefined): string | null {
  if (!h) return null
  const m = /^Bearer\s+(\S+)$/i.exec(h.trim())
  return m ? (m[1] as string) : null
}

/** A cookie's value; a value that is not valid percent-encoding counts as absent. */
export function cookieOf(header: string | undefined, name: string): string | null {
  if (!header) return null
  for (const part of header.split(';')) {
    const i = part.indexOf('=')
    if (i < 0) continue
    if (part.slice(0, i).trim() !== name) continue
    try {
      return decodeURIComponent(part.slice(i + 1).trim())
    } catch {
      return null
    }
  }
  return null
}
