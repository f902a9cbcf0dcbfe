/**
 * Personal accounts: creating them, activating them, signing in, and the second factor.
 *
 * - An administrator creates an account (admin page, or `npm run user -- add`): it gets an
 *   activation link (a `kta_` token, valid ACTIVATION_TTL_MS, stored as its SHA-256). Nobody but
 *   its owner ever knows the password: the owner opens the link, chooses a password and — when
 *   the installation requires a second factor, the default — sets up an authenticator app (TOTP,
 *   RFC 6238, with the `otpauth` library) and confirms it with a first code.
 * - Passwords are hashed with scrypt (memory-hard; auth/secrets.ts), always on the libuv pool,
 *   never on the event loop, and only through the limiter's global gate.
 * - Signing in asks user name, password and code in one step, and one answer for every failure,
 *   so nothing tells which part was wrong or whether the account exists (an unknown user name
 *   costs the same scrypt run as a known one).
 * - Failed sign-ins in a row lock the account with a growing backoff (LOCK_AFTER_FAILURES, then
 *   30 s doubling up to 15 min). Per source, the limiter's budget applies on top, except for an
 *   account with no failures (auth/rateLimit.ts passwordCheck): colleagues behind the same
 *   address keep getting in while someone guesses.
 * - A TOTP code is accepted once: the step it belongs to is stored, and an older or equal step is
 *   refused (no replay of an observed code).
 * - TOTP secrets are stored sealed with a key derived from the master key (caseKeys.ts), so a
 *   database backup alone does not give anyone the second factor. Secrets stored before this
 *   (plaintext) or under MASTER_KEY_PREVIOUS are sealed again at start (sealAccountSecrets).
 */
import * as OTPAuth from 'otpauth'
import { randomBytes } from 'node:crypto'
import { ApiError } from '../../shared/apiErrors.ts'
import type { AccountInfo, AccountListed, AccountRole, CreateAccountBody } from '../../shared/api.ts'
import type { AccountRecord } from '../storage/accountStore.ts'
import type { Storage } from '../storage/storage.ts'
import { HttpError } from '../http/respond.ts'
import type { CredentialLimiter } from './rateLimit.ts'
import { TooManyAttempts } from './rateLimit.ts'
import { hashKey, hashToken, looksLikeToken, newToken, tokenKindOf, verifyKey } from './secrets.ts'
import { MasterKeyError } from '../storage/caseKeys.ts'

export const ACTIVATION_TTL_MS = 7 * 24 * 3600_000
const LOCK_AFTER_FAILURES = 5
const LOCK_BASE_MS = 30_000
const LOCK_MAX_MS = 15 * 60_000
const TOTP_PERIOD_S = 30
const TOTP_ISSUER = 'Keukentafel'

export interface AccountOptions {
  /** scrypt N for passwords (PASSWORD_SCRYPT_N). */
  passwordN: number
  /** Local accounts must set up a second factor (REQUIRE_MFA, default on). */
  requireMfa: boolean
}

/** One answer for every failed sign-in: nothing tells which part was wrong. */
export function loginRefused(): HttpError {
  return new HttpError(401, ApiError.unauthorized, 'The user name, password or code is not right.')
}

/**
 * At start: seal every TOTP secret still stored as plaintext or under MASTER_KEY_PREVIOUS with the
 * current master key. Secrets no key opens stop the start (as key files of an unknown master key
 * do): every local account would be locked out without a word. Returns how many were sealed.
 */
export async function sealAccountSecrets(storage: Storage): Promise<number> {
  let sealed = 0
  for (const a of await storage.accounts.listAccounts()) {
    if (!a.totpSecret) continue
    let opened: { secret: string; current: boolean }
    try {
      opened = storage.keys.openAccountSecret(a.id, a.totpSecret)
    } catch {
      throw new MasterKeyError('The authenticator secrets of the accounts were sealed with another master key: start with the master key they were made with (MASTER_KEY), or set that one as MASTER_KEY_PREVIOUS to seal them again (README, "Master key and backups").')
    }
    if (opened.current) continue
    await storage.accounts.updateAccount(a.id, { totpSecret: storage.keys.sealAccountSecret(a.id, opened.secret) })
    sealed++
  }
  return sealed
}

export class Accounts {
  private dummyHash: Promise<string> | null = null

  constructor(private storage: Storage, private limiter: CredentialLimiter, private opts: AccountOptions) {}

  /** A new account waiting for activation, and its link's token (shown once). */
  async create(input: CreateAccountBody, now = Date.now()): Promise<{ account: AccountRecord; token: string }> {
    const store = this.storage.accounts
    if (await store.findAccountByUsername(input.username)) throw new HttpError(409, ApiError.conflict, 'This user name is taken.')
    if (input.teamId && !await store.getTeam(input.teamId)) throw new HttpError(400, ApiError.validation, 'teamId: no such team.')
    const token = newToken('activation')
    const account = await store.createAccount({
      username: input.username, displayName: input.displayName, role: input.role, teamId: input.teamId ?? null,
      passwordHash: null, totpSecret: null, totpLastStep: 0, oidcSubject: null,
      activationHash: hashToken(token), activationExpiresAt: now + ACTIVATION_TTL_MS,
      failedLogins: 0, lockedUntil: 0, createdAt: now, lastLoginAt: null, disabledAt: null,
    })
    return { account, token }
  }

  /**
   * Reset: the password and second factor are cleared, every session ends, and a new activation
   * link is made. Returns the token, or null for an unknown account.
   */
  async reset(id: string, now = Date.now()): Promise<{ account: AccountRecord; token: string; endedSessions: string[] } | null> {
    const store = this.storage.accounts
    if (!await store.getAccount(id)) return null
    const token = newToken('activation')
    const account = await store.updateAccount(id, {
      passwordHash: null, totpSecret: null, activationHash: hashToken(token), activationExpiresAt: now + ACTIVATION_TTL_MS,
      failedLogins: 0, lockedUntil: 0,
    }) as AccountRecord
    return { account, token, endedSessions: await store.deleteSessionsOf(id) }
  }

  /** The account an activation token belongs to, while the link is valid. */
  async pendingActivation(token: string, now = Date.now()): Promise<AccountRecord | null> {
    if (tokenKindOf(token) !== 'activation' || !looksLikeToken(token)) return null
    const a = await this.storage.accounts.findAccountByActivation(hashToken(token))
    if (!a || (a.activationExpiresAt ?? 0) <= now || a.disabledAt !== null) return null
    return a
  }

  /**
   * The activation page opens: the second factor to set up (a new secret, kept with the pending
   * account until the activation completes; opening the page again shows the same one).
   */
  async startActivation(token: string, now = Date.now()): Promise<{ account: AccountRecord; totpUri: string | null; totpSecret: string | null } | null> {
    let a = await this.pendingActivation(token, now)
    if (!a) return null
    if (!this.opts.requireMfa) return { account: a, totpUri: null, totpSecret: null }
    let secret: string
    if (a.totpSecret) {
      secret = this.secretOf(a)
    } else {
      secret = new OTPAuth.Secret({ size: 20 }).base32
      a = await this.storage.accounts.updateAccount(a.id, { totpSecret: this.storage.keys.sealAccountSecret(a.id, secret) }) as AccountRecord
    }
    return { account: a, totpUri: totpOf(a.username, secret).toString(), totpSecret: secret }
  }

  /** Set the password (and confirm the second factor with its first code): the account is active. */
  async completeActivation(token: string, password: string, code: string | undefined, now = Date.now()): Promise<AccountRecord> {
    const a = await this.pendingActivation(token, now)
    if (!a) throw new HttpError(401, ApiError.unauthorized, 'This activation link is not valid (any more). Ask your administrator for a new one.')
    if (password.toLowerCase().includes(a.username.toLowerCase())) {
      throw new HttpError(400, ApiError.validation, 'password: the password must not contain the user name.')
    }
    if (this.opts.requireMfa) {
      if (!a.totpSecret) throw new HttpError(400, ApiError.validation, 'Open the activation page first to set up the authenticator app.')
      if (!code || !await this.acceptTotp(a, code, now)) throw new HttpError(400, ApiError.validation, 'code: this code is not right; check the time on your phone and try the next code.')
    }
    const passwordHash = await this.limiter.gated(() => hashKey(password, this.opts.passwordN))
    return await this.storage.accounts.updateAccount(a.id, {
      passwordHash, activationHash: null, activationExpiresAt: null, failedLogins: 0, lockedUntil: 0,
    }) as AccountRecord
  }

  /**
   * Check a sign-in. Returns the account, or throws: 401 (one answer for every wrong part),
   * 429 with Retry-After while the account or the source is locked.
   */
  async login(username: string, password: string, code: string | undefined, source: string, now = Date.now()): Promise<AccountRecord> {
    const store = this.storage.accounts
    const a = await store.findAccountByUsername(username.trim().toLowerCase())
    if (a && a.lockedUntil > now) throw new TooManyAttempts(Math.ceil((a.lockedUntil - now) / 1000))
    const usable = a !== null && a.disabledAt === null && a.passwordHash !== null && a.activationHash === null
    const clean = a !== null && a.failedLogins === 0
    const stored = usable ? (a.passwordHash as string) : await this.dummy()
    const ok = await this.limiter.passwordCheck(source, now, clean, async () => ((await verifyKey(password, stored)) ? true : null))
    if (!a || !usable || !ok) return this.failed(a, now)
    if (a.totpSecret && (!code || !await this.acceptTotp(a, code, now))) return this.failed(a, now)
    if (!a.totpSecret && this.opts.requireMfa && a.oidcSubject === null) return this.failed(a, now)
    return await store.updateAccount(a.id, { failedLogins: 0, lockedUntil: 0, lastLoginAt: now }) as AccountRecord
  }

  private async failed(a: AccountRecord | null, now: number): Promise<never> {
    if (a) {
      const failures = a.failedLogins + 1
      const lockedUntil = failures >= LOCK_AFTER_FAILURES ? now + Math.min(LOCK_MAX_MS, LOCK_BASE_MS * 2 ** (failures - LOCK_AFTER_FAILURES)) : 0
      await this.storage.accounts.updateAccount(a.id, { failedLogins: failures, lockedUntil })
    }
    throw loginRefused()
  }

  /** The account's TOTP secret, opened. */
  private secretOf(a: AccountRecord): string {
    return this.storage.keys.openAccountSecret(a.id, a.totpSecret as string).secret
  }

  /** A valid code for the account's secret, in a step not used before. */
  private async acceptTotp(a: AccountRecord, code: string, now: number): Promise<boolean> {
    const totp = totpOf(a.username, this.secretOf(a))
    const delta = totp.validate({ token: code, timestamp: now, window: 1 })
    if (delta === null) return false
    const step = Math.floor(now / 1000 / TOTP_PERIOD_S) + delta
    return await this.storage.accounts.useTotpStep(a.id, step)
  }

  /** A hash of a random password with the same cost, so an unknown user name costs the same. */
  private dummy(): Promise<string> {
    this.dummyHash ??= hashKey(randomBytes(18).toString('base64url'), this.opts.passwordN)
    return this.dummyHash
  }
}

export function totpOf(username: string, secret: string): OTPAuth.TOTP {
  return new OTPAuth.TOTP({
    issuer: TOTP_ISSUER, label: username, algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD_S, secret: OTPAuth.Secret.fromBase32(secret),
  })
}

/** The account as its owner sees it. */
export async function accountInfo(storage: Storage, a: AccountRecord): Promise<AccountInfo> {
  const team = a.teamId ? await storage.accounts.getTeam(a.teamId) : null
  return {
    id: a.id, username: a.username, displayName: a.displayName, role: a.role,
    team: team ? { id: team.id, name: team.name } : null, totp: a.totpSecret !== null && a.activationHash === null, external: a.oidcSubject !== null,
  }
}

/** The account as administrators list it. */
export async function accountListed(storage: Storage, a: AccountRecord): Promise<AccountListed> {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())
  return {
    ...await accountInfo(storage, a), createdAt: new Date(a.createdAt).toISOString(), lastLoginAt: iso(a.lastLoginAt),
    disabledAt: iso(a.disabledAt), pendingActivation: a.activationHash !== null,
  }
}

/** The role an account gives inside a case document, or null (administrators, data protection). */
export function documentRole(role: AccountRole): 'professional' | 'coordinator' | null {
  return role === 'professional' || role === 'coordinator' ? role : null
}
