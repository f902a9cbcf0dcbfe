/**
 * Sign-in through the organisation's identity provider: OpenID Connect, authorization code flow
 * with PKCE (openid-client). The provider authenticates the person (and asks the second factor:
 * MFA is the provider's); Keukentafel maps the claims to an account (http/oidcRoutes.ts).
 *
 * - Starting a sign-in makes a PKCE verifier, state and nonce, kept here in memory (bounded,
 *   ~10 min) under a random id that travels in a short-lived cookie; nothing of it is in a URL
 *   except the state and the S256 challenge.
 * - Finishing checks the state, exchanges the code with the verifier, validates the ID token (its
 *   nonce, issuer, audience and signature) and reads the claims from it and the userinfo endpoint.
 * - The account is found by `issuer|sub` and created at the first sign-in; its role, team and
 *   name follow the claims at every sign-in (the provider decides rights). The role claim maps
 *   through OIDC_ROLE_MAP or names an account role itself; without a valid role nobody gets in.
 *   A team named in the team claim is created when it does not exist yet.
 * - An account made here has no password and no activation link: it cannot use the password
 *   sign-in (auth/accounts.ts refuses accounts without a password hash).
 * - No token or claim is ever logged.
 */
import { createHash, randomBytes } from 'node:crypto'
import * as client from 'openid-client'
import { ACCOUNT_ROLES, TeamBody, USERNAME_PATTERN, type AccountRole } from '../../shared/api.ts'
import { MAX_PERSON_NAME_CHARS } from '../../shared/limits.ts'
import type { AccountRecord } from '../storage/accountStore.ts'
import type { Storage } from '../storage/storage.ts'
import type { OidcSettings } from './oidcSettings.ts'

/** How long a started sign-in may take at the provider. */
export const OIDC_PENDING_TTL_MS = 10 * 60_000
/** Started sign-ins kept at most; the oldest goes first. */
const MAX_PENDING = 10_000

/** What the browser is sent back with: `/?login_error=<code>` (the client words it). */
export type OidcLoginError = 'oidc_failed' | 'oidc_no_role' | 'oidc_disabled'

/** A sign-in that cannot go on; `code` is what the person is shown. */
export class OidcRefused extends Error {
  override name = 'OidcRefused'
  /** `message` is for the log: it never holds a token or claim. */
  constructor(readonly code: OidcLoginError, message: string, readonly accountId: string | null = null) {
    super(message)
  }
}

interface PendingLogin {
  verifier: string
  state: string
  nonce: string
  redirectUri: string
  expiresAt: number
}

/** Who the provider says signed in, in Keukentafel's terms. */
export interface OidcIdentity {
  /** `issuer|sub`: the account's stable link to the provider. */
  subject: string
  /** Wanted user name (made unique when the account is created). */
  username: string
  displayName: string
  role: AccountRole | null
  teamName: string | null
}

export interface OidcSignedIn {
  account: AccountRecord
  /** Role or team changed: open sockets must reconnect with the new rights. */
  rightsChanged: boolean
}

export class OidcSignIn {
  private config: Promise<client.Configuration> | null = null
  private pending = new Map<string, PendingLogin>()

  constructor(private settings: OidcSettings, private storage: Storage) {}

  /** The provider's metadata, discovered once (and again after a failure). */
  private configuration(): Promise<client.Configuration> {
    const s = this.settings
    this.config ??= client.discovery(
      s.issuer, s.clientId, s.clientSecret ?? undefined, s.clientSecret ? client.ClientSecretBasic(s.clientSecret) : client.None(),
      { timeout: 10, execute: s.issuer.protocol === 'http:' ? [client.allowInsecureRequests] : [] },
    ).catch((err: unknown) => {
      this.config = null
      throw err
    })
    return this.config
  }

  /** Start a sign-in: the id for the cookie, and where to send the browser. */
  async start(redirectUri: string, now = Date.now()): Promise<{ id: string; url: URL }> {
    const config = await this.configuration()
    const p: PendingLogin = {
      verifier: client.randomPKCECodeVerifier(), state: client.randomState(), nonce: client.randomNonce(), redirectUri, expiresAt: now + OIDC_PENDING_TTL_MS,
    }
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri, scope: this.settings.scopes, response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(p.verifier), code_challenge_method: 'S256', state: p.state, nonce: p.nonce,
    })
    this.prune(now)
    const id = randomBytes(24).toString('base64url')
    this.pending.set(id, p)
    return { id, url }
  }

  /**
   * The provider sent the browser back: check it against the started sign-in `id` (used once),
   * exchange the code and read who it is. Throws OidcRefused.
   */
  async finish(id: string | null, query: URLSearchParams, now = Date.now()): Promise<OidcIdentity> {
    const p = id ? this.pending.get(id) : undefined
    if (id) this.pending.delete(id)
    if (query.has('error')) throw new OidcRefused('oidc_failed', `the provider answered ${safeCode(query.get('error'))}`)
    if (!p || p.expiresAt <= now) throw new OidcRefused('oidc_failed', 'no sign-in was started in this browser, or it took too long')
    if (query.get('state') !== p.state) throw new OidcRefused('oidc_failed', 'the state does not match the started sign-in')
    const config = await this.configuration().catch((err: unknown) => {
      throw new OidcRefused('oidc_failed', `the provider cannot be reached (${errorName(err)})`)
    })
    const current = new URL(p.redirectUri)
    current.search = query.toString()
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>
    try {
      tokens = await client.authorizationCodeGrant(config, current, { pkceCodeVerifier: p.verifier, expectedState: p.state, expectedNonce: p.nonce, idTokenExpected: true })
    } catch (err) {
      throw new OidcRefused('oidc_failed', `the code exchange failed (${errorName(err)})`)
    }
    const idClaims = tokens.claims()
    if (!idClaims) throw new OidcRefused('oidc_failed', 'the provider sent no ID token')
    let claims: Record<string, unknown> = { ...idClaims }
    if (config.serverMetadata().userinfo_endpoint) {
      try {
        claims = { ...(await client.fetchUserInfo(config, tokens.access_token, idClaims.sub)), ...claims }
      } catch (err) {
        throw new OidcRefused('oidc_failed', `the userinfo request failed (${errorName(err)})`)
      }
    }
    return identityOf(this.settings, config.serverMetadata().issuer, claims)
  }

  /**
   * The account for this identity: created at the first sign-in, else brought up to date with the
   * claims. Throws OidcRefused without a valid role (with the account's id, when it exists, so its
   * sessions can end) or for a disabled account.
   */
  async signIn(who: OidcIdentity, now = Date.now()): Promise<OidcSignedIn> {
    const store = this.storage.accounts
    const existing = await store.findAccountByOidc(who.subject)
    if (existing?.disabledAt != null) throw new OidcRefused('oidc_disabled', 'the account is disabled', existing.id)
    if (!who.role) throw new OidcRefused('oidc_no_role', 'the provider gives no Keukentafel role', existing?.id ?? null)
    const teamId = who.teamName ? (await this.teamNamed(who.teamName, now)).id : null
    if (existing) {
      const account = await store.updateAccount(existing.id, { displayName: who.displayName, role: who.role, teamId, lastLoginAt: now }) as AccountRecord
      const rightsChanged = account.role !== existing.role || account.teamId !== existing.teamId
      if (rightsChanged) this.audit(now, 'account.update')
      return { account, rightsChanged }
    }
    const account = await store.createAccount({
      username: await this.freeUsername(who.username), displayName: who.displayName, role: who.role, teamId,
      passwordHash: null, totpSecret: null, totpLastStep: 0, oidcSubject: who.subject, activationHash: null, activationExpiresAt: null,
      failedLogins: 0, lockedUntil: 0, createdAt: now, lastLoginAt: now, disabledAt: null,
    })
    this.audit(now, `account.create.${who.role}`)
    return { account, rightsChanged: false }
  }

  private async teamNamed(name: string, now: number) {
    const store = this.storage.accounts
    const found = await store.findTeamByName(name)
    if (found) return found
    const team = await store.createTeam(name, now)
    this.audit(now, 'team.create')
    return team
  }

  /** `wanted`, or `wanted-2`, `wanted-3`, … when an account (local or another provider's) has it. */
  private async freeUsername(wanted: string): Promise<string> {
    const store = this.storage.accounts
    if (!await store.findAccountByUsername(wanted)) return wanted
    for (let n = 2; ; n++) {
      const suffix = `-${n}`
      const candidate = wanted.slice(0, 64 - suffix.length) + suffix
      if (!await store.findAccountByUsername(candidate)) return candidate
    }
  }

  private audit(now: number, action: string): void {
    this.storage.audit({ at: now, actor: 'oidc', role: 'service', action, caseId: null, ground: 'security' })
  }

  private prune(now: number): void {
    for (const [id, p] of this.pending) if (p.expiresAt <= now) this.pending.delete(id)
    while (this.pending.size >= MAX_PENDING) {
      const oldest = this.pending.keys().next().value as string
      this.pending.delete(oldest)
    }
  }
}

/** The claims, read as Keukentafel needs them (exported for tests). */
export function identityOf(settings: OidcSettings, issuer: string, claims: Record<string, unknown>): OidcIdentity {
  const sub = String(claims.sub)
  const username = [claims.preferred_username, claims.email, sub].map(usernameOf).find((u) => u !== null)
    ?? `oidc-${createHash('sha256').update(sub).digest('hex').slice(0, 16)}`
  const fullName = [claims.given_name, claims.family_name].filter((x) => typeof x === 'string' && x.trim()).join(' ')
  const displayName = (text(claims.name) || fullName || username).slice(0, MAX_PERSON_NAME_CHARS)
  return { subject: `${issuer}|${sub}`, username, displayName, role: roleOf(settings, claims[settings.roleClaim]), teamName: teamOf(claims[settings.teamClaim]) }
}

/** The first value of the role claim (a string or a list) that maps to an account role. */
function roleOf(settings: OidcSettings, claim: unknown): AccountRole | null {
  const values = Array.isArray(claim) ? claim : [claim]
  for (const v of values) {
    if (typeof v !== 'string') continue
    const role = settings.roleMap.get(v.trim()) ?? ((ACCOUNT_ROLES as readonly string[]).includes(v.trim()) ? (v.trim() as AccountRole) : null)
    if (role) return role
  }
  return null
}

/** The team claim's name (the first, for a list), when it is a valid team name. */
function teamOf(claim: unknown): string | null {
  const v = Array.isArray(claim) ? claim[0] : claim
  const r = TeamBody.shape.name.safeParse(v)
  return r.success ? r.data : null
}

function usernameOf(v: unknown): string | null {
  if (typeof v !== 'string') return null
  const u = v.trim().toLowerCase().replace(/[^a-z0-9._@-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 64)
  return USERNAME_PATTERN.test(u) ? u : null
}

function text(v: unknown): string {
  return typeof v === 'string' ? v.trim() : ''
}

/** An OAuth error code for the log: only its expected characters. */
function safeCode(v: string | null): string {
  return (v ?? '').replace(/[^a-z_]/g, '').slice(0, 40) || 'an error'
}

/** The kind of error, never its message (it may quote the provider's answer). */
function errorName(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { name?: unknown; code?: unknown }
    return [e.name, e.code].filter((x) => typeof x === 'string').join(' ') || 'error'
  }
  return 'error'
}
