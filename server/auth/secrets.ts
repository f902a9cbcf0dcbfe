/**
 * Secrets: generation and hashing.
 *
 * Tokens (invites, sessions, API tokens, activation links) are high-entropy random values, so a plain SHA-256 is enough to store
 * and find them. Each carries its kind as a prefix — `kti_` invite, `kts_` session, `ktc_` case
 * session (a redeemed invite, auth/caseSession.ts), `ktp_` personal API token, `kta_` account
 * activation, then 43
 * base64url characters (256 random bits) — so the server can tell a token from a key without
 * looking anything up, and never spends a key derivation on a token.
 *
 * The organisation keys may be chosen by a person (ORG_KEY, COORDINATOR_KEY), so they are stored
 * with scrypt and a salt. scrypt runs only asynchronously, on the libuv threadpool: a key check
 * never stalls the event loop.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'
import { SECRET_BYTES } from '../constants.ts'

/** Prefix of invite tokens: `kti_` + 43 base64url characters. */
export const INVITE_TOKEN_PREFIX = 'kti_'
/** Prefix of session ids (the `kt_session` cookie): `kts_` + 43 base64url characters. */
export const SESSION_ID_PREFIX = 'kts_'
/** Prefix of case session ids (the `kt_case_<caseId>` cookies): `ktc_` + 43 base64url characters. */
export const CASE_SESSION_PREFIX = 'ktc_'

/** Prefix of personal API tokens (Bearer only): `ktp_` + 43 base64url characters. */
export const API_TOKEN_PREFIX = 'ktp_'
/** Prefix of account activation (and reset) tokens: `kta_` + 43 base64url characters. */
export const ACTIVATION_PREFIX = 'kta_'

export type TokenKind = 'invite' | 'session' | 'caseSession' | 'apiToken' | 'activation'

const PREFIXES: Record<TokenKind, string> = {
  invite: INVITE_TOKEN_PREFIX, session: SESSION_ID_PREFIX, caseSession: CASE_SESSION_PREFIX, apiToken: API_TOKEN_PREFIX, activation: ACTIVATION_PREFIX,
}

export function newSecret(bytes = SECRET_BYTES): string {
  return randomBytes(bytes).toString('base64url')
}

/** A new token of the given kind, prefixed. */
export function newToken(kind: TokenKind): string {
  return PREFIXES[kind] + newSecret()
}

/**
 * The kind a secret's prefix names, or null for anything else (a key, or a token from before
 * prefixes existed — those are still found by hash).
 */
export function tokenKindOf(secret: string): TokenKind | null {
  if (secret.startsWith(INVITE_TOKEN_PREFIX)) return 'invite'
  if (secret.startsWith(SESSION_ID_PREFIX)) return 'session'
  if (secret.startsWith(CASE_SESSION_PREFIX)) return 'caseSession'
  if (secret.startsWith(API_TOKEN_PREFIX)) return 'apiToken'
  if (secret.startsWith(ACTIVATION_PREFIX)) return 'activation'
  return null
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/** Token formats we accept at the boundary: base64url (the prefixes are base64url too), bounded length. */
export function looksLikeToken(v: string): boolean {
  return /^[A-Za-z0-9_-]{20,200}$/.test(v)
}

const SCRYPT_N = 16384
const SCRYPT_R = 8
const SCRYPT_KEYLEN = 32
/** Bounds on the cost read back from a stored hash: a corrupted setting must not ask for gigabytes. */
const SCRYPT_MIN_N = 1024
const SCRYPT_MAX_N = 1 << 20

let kdfCount = 0

/** How many key derivations (scrypt runs) this process has started: lets tests prove a path runs none. */
export function kdfRuns(): number {
  return kdfCount
}

function scryptAsync(key: string, salt: Buffer, keylen: number, n: number): Promise<Buffer> {
  kdfCount++
  // Node refuses a run needing more than maxmem (128 * N * r bytes); leave room above that.
  const options: ScryptOptions = { N: n, r: SCRYPT_R, p: 1, maxmem: 256 * n * SCRYPT_R }
  return new Promise((resolve, reject) => {
    scrypt(key, salt, keylen, options, (err, derived) => (err ? reject(err) : resolve(derived)))
  })
}

/**
 * scrypt cost (N) for personal passwords: 2^17 with r = 8 uses 128 MiB and ~0.3 s of one pool
 * thread, OWASP's recommendation for scrypt. PASSWORD_SCRYPT_N may lower it (never below 2^14).
 */
export const PASSWORD_SCRYPT_N = 1 << 17

export async function hashKey(key: string, n = SCRYPT_N): Promise<string> {
  const salt = randomBytes(16)
  const hash = await scryptAsync(key, salt, SCRYPT_KEYLEN, n)
  return `scrypt$${n}$${salt.toString('base64url')}$${hash.toString('base64url')}`
}

/** Does `key` match a hash made by hashKey? False for anything malformed. */
export async function verifyKey(key: string, stored: string): Promise<boolean> {
  const [alg, nText, saltB64, hashB64] = stored.split('$')
  const n = Number(nText)
  if (alg !== 'scrypt' || !saltB64 || !hashB64) return false
  if (!Number.isInteger(n) || n < SCRYPT_MIN_N || n > SCRYPT_MAX_N || (n & (n - 1)) !== 0) return false
  const expected = Buffer.from(hashB64, 'base64url')
  if (expected.length === 0) return false
  try {
    const actual = await scryptAsync(key, Buffer.from(saltB64, 'base64url'), expected.length, n)
    return timingSafeEqual(actual, expected)
  } catch {
    return false
  }
}
