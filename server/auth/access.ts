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
 * People sign in with a personal account (accounts.ts): a session cookie, or a personal API token
 * (`ktp_`, Bearer only) for their scripts. The organisation keys are service credentials for
 * scripts and integrations only: Bearer, never in a URL, never a session; the coordinator key
 * reads only. Which cases an access sees (need-to-know) is `canReadCase`.
 *
 * A session or invite access names its credential; `live` (liveCredentials.ts) tracks the open
 * sockets per credential, so logout, revoking an invite and expiry close them. A case session
 * (caseSession.ts: a redeemed invite in an HttpOnly cookie) gives the invite's access and names
 * the invite as its credential, so the same revocation and expiry end it.
 */
import { createHash } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import type { Role } from '../../shared/schema.ts'
import type { AccountRole, Principal } from '../../shared/api.ts'
import type { AccountRecord } from '../storage/accountStore.ts'
import { SESSION_COOKIE } from '../constants.ts'
import type { InviteRecord, Storage } from '../storage/storage.ts'
import { CredentialLimiter } from './rateLimit.ts'
import { LiveCredentials, type Credential } from './liveCredentials.ts'
import { hashToken, looksLikeToken, newToken, tokenKindOf, verifyKey } from './secrets.ts'
import { caseSessionOf } from './caseSession.ts'

export type AccessRole = Role | AccountRole

export interface Access {
  /** The role inside a case's document (professional, resident, coordinator), or admin / dpo. */
  role: AccessRole
  /** Who is asking, as the rights table names it (http/apiKit.ts `route()`). */
  principal: Principal
  /** 'org': the cases this access may see (canReadCase); 'case': one case through an invite. */
  scope: 'org' | 'case'
  caseId: string | null
  /** Reference for the audit log: 'account:<id>', 'invite:<hash prefix>', 'service:org-key'. */
  actor: string
  /** The personal account behind it (session or API token). */
  accountId: string | null
  teamId: string | null
  /** The session, API token or invite this access came from; absent for organisation keys. */
  credential?: Credential
}

/** An access whose role is one inside a case document (what case routes work with). */
export type CaseAccess = Access & { role: Role }

/** Service principals: the organisation keys, for scripts; they see every case. */
export function isService(a: Access): boolean {
  return a.principal === 'service' || a.principal === 'serviceReader'
}

/** What canReadCase needs to know of a case and its membership. */
export interface CaseRightsLookup {
  caseTeam(caseId: string): string | null | undefined
  isMember(caseId: string, accountId: string): boolean
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

/**
 * Need-to-know: may this access read (open, sync) the given case? An invite: its one case. A
 * professional: the cases of their team and those they were added to. A coordinator: their
 * team's cases. The service keys: every case. Administrators and data protection: none.
 */
export function canReadCase(a: Access, caseId: string, cases: CaseRightsLookup): boolean {
  if (a.scope === 'case') return a.caseId === caseId
  if (isService(a)) return true
  if (a.principal !== 'professional' && a.principal !== 'coordinator') return false
  const team = cases.caseTeam(caseId)
  if (team === undefined) return false
  if (a.teamId !== null && team === a.teamId) return true
  return a.principal === 'professional' && a.accountId !== null && cases.isMember(caseId, a.accountId)
}

export function isOrgProfessional(a: Access | null): a is CaseAccess {
  return a !== null && a.scope === 'org' && a.role === 'professional'
}

/** The principal of an account's access. */
export function accountAccess(acc: AccountRecord, credential: Credential, actor = `account:${acc.id}`): Access {
  return {
    role: acc.role, principal: acc.role, scope: 'org', caseId: null, actor, accountId: acc.id, teamId: acc.teamId, credential,
  }
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
  /** Told of every credential ended here, so other instances close its sockets too (relay/caseRelay.ts). */
  onEnded: ((kind: Credential['kind'] | 'account', id: string, reason: string) => void) | null = null

  constructor(private storage: Storage, private limiter = new CredentialLimiter()) {}

  /** Logout: forget the session and close the sockets opened with it. */
  async endSession(sid: string): Promise<void> {
    if (!looksLikeToken(sid)) return
    const hash = hashToken(sid)
    await this.storage.deleteSession(hash)
    this.endLive('session', hash, 'signed out')
  }

  /**
   * An account was disabled, reset or changed role or team: its sessions end and every socket of
   * its sessions and API tokens closes (they reconnect with the rights it has now, if any).
   */
  async endAccount(accountId: string, reason: string, endSessions: boolean): Promise<void> {
    if (endSessions) await this.storage.accounts.deleteSessionsOf(accountId)
    this.endLive('account', accountId, reason)
  }

  /** Revoke a personal API token; its sockets close. False when the account has no such token. */
  async revokeApiToken(accountId: string, id: string, now = Date.now()): Promise<boolean> {
    if (!await this.storage.accounts.revokeApiToken(accountId, id, now)) return false
    this.endLive('apiToken', id, 'the API token was revoked')
    return true
  }

  /** Revoke an invite of this case and close the sockets opened with it; false when unknown. */
  async revokeInvite(caseId: string, inviteId: string, now = Date.now()): Promise<boolean> {
    if (!await this.storage.revokeInvite(caseId, inviteId, now)) return false
    this.endLive('invite', inviteId, 'the invitation was revoked')
    return true
  }

  private endLive(kind: Credential['kind'] | 'account', id: string, reason: string): void {
    this.live.end(kind, id, reason)
    this.onEnded?.(kind, id, reason)
  }

  /**
   * Is the access's credential still valid now? Checked once more when a socket opens, so a
   * logout or revocation between the upgrade's check and the socket's registration still counts.
   */
  async isCurrent(a: Access, now = Date.now()): Promise<boolean> {
    const c = a.credential
    if (!c) return true
    if (c.expiresAt <= now) return false
    if (c.kind === 'session') {
      const s = await this.storage.findSession(c.tokenHash)
      return s !== null && await this.enabledAccount(s.accountId) !== null
    }
    if (c.kind === 'apiToken') {
      const t = await this.storage.accounts.findApiToken(c.tokenHash)
      return t !== null && t.revokedAt === null && await this.enabledAccount(t.accountId) !== null
    }
    const inv = await this.storage.findInvite(c.tokenHash)
    return inv !== null && inv.revokedAt === null
  }

  /**
   * Resolve from the request's credentials: Authorization Bearer, else the WebSocket `token`
   * parameter (invites only: keys and API tokens never travel in a URL), else the session cookie,
   * else — when the request is about one case (`caseId`) — that case's case session cookie
   * (caseSession.ts). Throws TooManyAttempts when the request's source is over its budget, and
   * CredentialInUrl for a key or API token in the URL.
   */
  async resolve(req: CredentialRequest, queryToken: string | null, now = Date.now(), caseId: string | null = null): Promise<Access | null> {
    const source = this.sourceOf(req)
    const bearer = bearerOf(req.headers.authorization)
    if (bearer) return this.fromSecret(bearer, source, now)
    if (queryToken) return this.fromQueryToken(queryToken, source, now)
    const sid = cookieOf(req.headers.cookie, SESSION_COOKIE)
    const session = sid ? await this.fromSession(sid, source, now) : null
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
  async redeemInvite(token: string, source: string, now = Date.now()): Promise<{ access: Access; sessionId: string } | null> {
    if (token.length > MAX_SECRET_CHARS) return null
    const kind = tokenKindOf(token)
    if (kind !== null && kind !== 'invite') return this.missed(source, now)
    // Prefixed or from before prefixes: both are found by hash.
    const access = await this.fromInvite(token, source, now)
    if (!access?.credential || access.caseId === null) return null
    const sessionId = newToken('caseSession')
    await this.storage.createCaseSession({
      idHash: hashToken(sessionId), inviteHash: access.credential.tokenHash, caseId: access.caseId, createdAt: now, expiresAt: access.credential.expiresAt,
    })
    return { access, sessionId }
  }

  /** The rate limits' source of a request (its client address, as TRUST_PROXY says). */
  sourceOf(req: CredentialRequest): string {
    return this.limiter.sourceOf(req)
  }

  /** A URL may carry an invite (the resident's link), nothing else: a key or API token there is refused. */
  private async fromQueryToken(secret: string, source: string, now: number): Promise<Access | null> {
    if (secret.length > MAX_SECRET_CHARS) return null
    const kind = tokenKindOf(secret)
    if (kind === 'invite') return this.fromInvite(secret, source, now)
    if (kind === 'apiToken' || await this.knownKeyRole(secret) !== null) throw new CredentialInUrl()
    if (kind !== null || !looksLikeToken(secret)) return this.missed(source, now)
    // An invite from before prefixes.
    this.limiter.beforeLookup(source, now)
    const hash = hashToken(secret)
    const inv = await this.storage.findInvite(hash)
    return inv && usable(inv, now) ? inviteAccess(inv, hash) : this.missed(source, now)
  }

  private async fromSecret(secret: string, source: string, now: number): Promise<Access | null> {
    if (secret.length > MAX_SECRET_CHARS) return null
    // 1. Tokens say what they are. Session ids are only accepted from the cookie.
    const kind = tokenKindOf(secret)
    if (kind === 'apiToken') return this.fromApiToken(secret, source, now)
    if (kind !== null) return kind === 'invite' ? this.fromInvite(secret, source, now) : this.missed(source, now)
    // 2. A key checked before.
    const known = await this.knownKeyRole(secret)
    if (known) return orgAccess(known)
    // 3. An invite token from before prefixes.
    if (looksLikeToken(secret)) {
      this.limiter.beforeLookup(source, now)
      const hash = hashToken(secret)
      const inv = await this.storage.findInvite(hash)
      if (inv) return usable(inv, now) ? inviteAccess(inv, hash) : this.missed(source, now)
    }
    // 4. Perhaps a key.
    const role = await this.checkKey(secret, source, now)
    return role ? orgAccess(role) : null
  }

  private async fromInvite(token: string, source: string, now: number): Promise<Access | null> {
    if (!looksLikeToken(token)) return this.missed(source, now)
    this.limiter.beforeLookup(source, now)
    const hash = hashToken(token)
    const inv = await this.storage.findInvite(hash)
    if (!inv || !usable(inv, now)) return this.missed(source, now)
    return inviteAccess(inv, hash)
  }

  /** Session ids are found by hash; the session gives its account's current role and team. */
  private async fromSession(sid: string, source: string, now: number): Promise<Access | null> {
    if (!looksLikeToken(sid)) return this.missed(source, now)
    this.limiter.beforeLookup(source, now)
    const hash = hashToken(sid)
    const s = await this.storage.findSession(hash)
    const acc = s && s.expiresAt > now ? await this.enabledAccount(s.accountId) : null
    if (!s || !acc) return this.missed(source, now)
    return accountAccess(acc, { kind: 'session', id: hash, tokenHash: hash, expiresAt: s.expiresAt, accountId: acc.id })
  }

  /** A personal API token (Bearer): its account's access, while token and account are valid. */
  private async fromApiToken(secret: string, source: string, now: number): Promise<Access | null> {
    if (!looksLikeToken(secret)) return this.missed(source, now)
    this.limiter.beforeLookup(source, now)
    const hash = hashToken(secret)
    const t = await this.storage.accounts.findApiToken(hash)
    const acc = t && t.revokedAt === null && t.expiresAt > now ? await this.enabledAccount(t.accountId) : null
    if (!t || !acc) return this.missed(source, now)
    // Last use, at most once a minute (a script polling does not write on every call).
    if (t.lastUsedAt === null || now - t.lastUsedAt > 60_000) await this.storage.accounts.touchApiToken(t.id, now)
    return accountAccess(acc, { kind: 'apiToken', id: t.id, tokenHash: hash, expiresAt: t.expiresAt, accountId: acc.id }, `account:${acc.id}/token:${t.id.slice(0, 8)}`)
  }

  private async enabledAccount(id: string): Promise<AccountRecord | null> {
    const acc = await this.storage.accounts.getAccount(id)
    return acc && acc.disabledAt === null ? acc : null
  }

  /** A case session is found by hash and gives its invite's access while the invite is usable. */
  private async fromCaseSession(csid: string, caseId: string, source: string, now: number): Promise<Access | null> {
    if (!looksLikeToken(csid) || tokenKindOf(csid) !== 'caseSession') return this.missed(source, now)
    this.limiter.beforeLookup(source, now)
    const cs = await this.storage.findCaseSession(hashToken(csid))
    if (!cs || cs.caseId !== caseId || cs.expiresAt <= now) return this.missed(source, now)
    const inv = await this.storage.findInvite(cs.inviteHash)
    if (!inv || inv.caseId !== caseId || !usable(inv, now)) return this.missed(source, now)
    return inviteAccess(inv, cs.inviteHash)
  }

  private missed(source: string, now: number): null {
    this.limiter.miss(source, now)
    return null
  }

  /** The role of a key verified before whose setting has not changed since, without a KDF. */
  private async knownKeyRole(key: string): Promise<Role | null> {
    const v = this.verified.get(keyDigest(key))
    if (!v || await this.storage.getSetting(v.setting) !== v.stored) return null
    return v.role
  }

  /** Step 4: scrypt against the key settings not verified yet, within the source's budget. */
  private checkKey(key: string, source: string, now: number): Promise<Role | null> {
    const digest = keyDigest(key)
    const under = this.checking.get(digest)
    if (under) return under
    // Registered before the first await: the same key sent many times at once is still checked once.
    const check = (async () => {
      const candidates = await this.unverifiedKeys()
      // Every key setting has been matched by another secret already: this one is none of them,
      // and costs no more than an unknown token.
      if (candidates.length === 0) {
        this.limiter.beforeLookup(source, now)
        return this.missed(source, now)
      }
      return this.limiter.keyCheck(source, now, async () => {
        const matches = await Promise.all(candidates.map((c) => verifyKey(key, c.stored)))
        const hit = candidates[matches.indexOf(true)]
        if (!hit) return null
        this.verified.set(digest, hit)
        return hit.role
      })
    })().finally(() => this.checking.delete(digest))
    this.checking.set(digest, check)
    return check
  }

  private async unverifiedKeys(): Promise<VerifiedKey[]> {
    const matched = new Set([...this.verified.values()].map((v) => `${v.setting}\n${v.stored}`))
    const out: VerifiedKey[] = []
    for (const k of ORG_KEYS) {
      const stored = await this.storage.getSetting(k.setting)
      if (stored && !matched.has(`${k.setting}\n${stored}`)) out.push({ ...k, stored })
    }
    return out
  }
}

function keyDigest(key: string): string {
  return createHash('sha256').update(`org-key:${key}`).digest('hex')
}

/** An organisation key: a service credential for scripts, audited as the service account. */
function orgAccess(role: Role): Access {
  const reader = role === 'coordinator'
  return {
    role, principal: reader ? 'serviceReader' : 'service', scope: 'org', caseId: null,
    actor: reader ? 'service:coordinator-key' : 'service:org-key', accountId: null, teamId: null,
  }
}

/** A key or API token in a URL (the WebSocket's `token` parameter): refused, with what to do instead. */
export class CredentialInUrl extends Error {
  constructor() {
    super('Keys and API tokens are never accepted in a URL: send them as "Authorization: Bearer <key>".')
  }
}

/** An invite counts until it expires or is revoked. */
function usable(inv: InviteRecord, now: number): boolean {
  return inv.expiresAt > now && inv.revokedAt === null
}

const INVITE_PRINCIPAL: Record<Role, Principal> = {
  professional: 'invitedProfessional', resident: 'resident', coordinator: 'invitedCoordinator',
}

function inviteAccess(inv: InviteRecord, hash: string): Access {
  return {
    role: inv.role, principal: INVITE_PRINCIPAL[inv.role], scope: 'case', caseId: inv.caseId, actor: `invite:${hash.slice(0, 10)}`,
    accountId: null, teamId: null,
    credential: { kind: 'invite', id: inv.id, tokenHash: hash, expiresAt: inv.expiresAt },
  }
}

export function bearerOf(h: string | undefined): string | null {
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
