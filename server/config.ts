/**
 * Settings come from the environment only. Every value is checked at start; anything invalid
 * stops the server with a message that names the setting and what is allowed.
 */
import path from 'node:path'
import { isIP } from 'node:net'
import { CASE_SESSION_PREFIX, INVITE_TOKEN_PREFIX, PASSWORD_SCRYPT_N, SESSION_ID_PREFIX, tokenKindOf } from './auth/secrets.ts'
import { normalizeAddress, type TrustProxy } from './auth/rateLimit.ts'
import { readErasureSettings, type ErasureSettings } from './erasureSettings.ts'
import { readOidcSettings, type OidcSettings } from './auth/oidcSettings.ts'

export interface Settings {
  port: number
  host: string
  dataDir: string
  /** Organisation access key for professionals; generated and stored (hashed) when absent. */
  orgKey: string | null
  /** Organisation access key for coordinators (read-only, all cases); generated when absent. */
  coordinatorKey: string | null
  tldrawLicenseKey: string | null
  /**
   * Public base URL used in invite links, e.g. https://keukentafel.gemeente.nl. Required when HOST
   * is not a local address; without it links use the request's Host, and only a local one.
   */
  publicUrl: string | null
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  /** Where the built client lives. */
  clientDir: string
  /** TRUST_PROXY: whose X-Forwarded-For to believe (auth/rateLimit.ts, `clientAddress`). */
  trustProxy: TrustProxy
  /** Encryption at rest and retention: MASTER_KEY(_FILE), MASTER_KEY_PREVIOUS, KEY_DIR, RETENTION_(WARN_)DAYS (erasureSettings.ts). */
  erasure: ErasureSettings
  /** PASSWORD_SCRYPT_N: scrypt cost for passwords (power of two, 2^14 … 2^20; default 2^17). */
  passwordScryptN: number
  /** REQUIRE_MFA: local accounts set up an authenticator app at activation (default true). */
  requireMfa: boolean
  /** OIDC_*: sign-in through the organisation's identity provider; null: off (auth/oidcSettings.ts). */
  oidc: OidcSettings | null
  /** DATABASE_URL: PostgreSQL storage (server/storage/pg/); null: the embedded SQLite database in DATA_DIR. */
  databaseUrl: string | null
  /** REDIS_URL: relay between several instances of one installation (server/relay/); null: one instance. */
  redisUrl: string | null
  /** METRICS_TOKEN: the Bearer token that may read /metrics; null: only direct loopback requests (server/metrics.ts). */
  metricsToken: string | null
}

export class SettingsError extends Error {
  override name = 'SettingsError'
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

export function readSettings(env: NodeJS.ProcessEnv, defaults: { clientDir: string }): Settings {
  const problems: string[] = []

  const port = parsePort(env.PORT ?? '8080', problems)
  const host = (env.HOST ?? '127.0.0.1').trim()
  if (!host || /\s|\//.test(host)) problems.push(`HOST must be a host name or IP address (got "${env.HOST}").`)

  const dataDir = path.resolve(env.DATA_DIR?.trim() || './data')

  const orgKey = readKey('ORG_KEY', env.ORG_KEY, problems)
  const coordinatorKey = readKey('COORDINATOR_KEY', env.COORDINATOR_KEY, problems)
  if (orgKey && orgKey === coordinatorKey) problems.push('ORG_KEY and COORDINATOR_KEY must differ.')

  const tldrawLicenseKey = env.TLDRAW_LICENSE_KEY?.trim() || null

  let publicUrl: string | null = null
  if (env.PUBLIC_URL) {
    try {
      const u = new URL(env.PUBLIC_URL)
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol')
      publicUrl = u.origin
    } catch {
      problems.push(`PUBLIC_URL must be an http(s) URL such as https://keukentafel.example.nl (got "${env.PUBLIC_URL}").`)
    }
  }

  // Without PUBLIC_URL, invite links could only come from the request's Host header, which anyone
  // reaching a non-local address can set: such a server must say where it is reached.
  if (!publicUrl && !env.PUBLIC_URL && host && !isLoopback(host)) {
    problems.push(`PUBLIC_URL is required when HOST is not a local address (got HOST="${host}"): invite links are built from it. ` +
      'Set PUBLIC_URL=https://keukentafel.example.nl (the address people open), or HOST=127.0.0.1 behind a reverse proxy on this machine.')
  }

  const trustProxy = parseTrustProxy(env.TRUST_PROXY, problems)

  const erasure = readErasureSettings(env, dataDir, problems)

  // --- accounts ---
  const passwordScryptN = parsePasswordCost(env.PASSWORD_SCRYPT_N, problems)
  const requireMfa = parseBool('REQUIRE_MFA', env.REQUIRE_MFA, true, problems)

  // --- sign-in through the organisation (OIDC): the provider sends people back to PUBLIC_URL ---
  const oidc = readOidcSettings(env, problems)
  if (oidc && !env.PUBLIC_URL) problems.push('PUBLIC_URL is required when OIDC is on: the identity provider sends people back to PUBLIC_URL/api/oidc/callback.')

  // --- several instances and monitoring ---
  const databaseUrl = parseDatabaseUrl(env.DATABASE_URL, problems)
  const redisUrl = parseRedisUrl(env.REDIS_URL, problems)
  // A generated master key lives in one instance's DATA_DIR: the others would wrap case keys with another.
  if (redisUrl && !env.MASTER_KEY?.trim() && !env.MASTER_KEY_FILE?.trim()) {
    problems.push('REDIS_URL (several instances) needs MASTER_KEY or MASTER_KEY_FILE, the same on every instance: a generated master key would differ per instance.')
  }
  const metricsToken = env.METRICS_TOKEN?.trim() || null
  if (metricsToken !== null && (metricsToken.length < 16 || /\s/.test(metricsToken))) {
    problems.push('METRICS_TOKEN must be at least 16 characters without spaces (or leave it unset: /metrics then answers only on a loopback address).')
  }

  const level = (env.LOG_LEVEL ?? 'info').trim()
  if (!(LOG_LEVELS as readonly string[]).includes(level)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${level}").`)

  if (problems.length) throw new SettingsError(`Invalid settings:\n  - ${problems.join('\n  - ')}`)
  return {
    port, host, dataDir, orgKey, coordinatorKey, tldrawLicenseKey, publicUrl,
    logLevel: level as Settings['logLevel'],
    clientDir: env.CLIENT_DIR ? path.resolve(env.CLIENT_DIR) : defaults.clientDir,
    trustProxy,
    erasure,
    passwordScryptN, requireMfa,
    oidc,
    databaseUrl, redisUrl, metricsToken,
  }
}

/** DATABASE_URL: postgres://user:password@host[:port]/database (or postgresql://); unset or empty: SQLite. */
function parseDatabaseUrl(raw: string | undefined, problems: string[]): string | null {
  const value = (raw ?? '').trim()
  if (value === '') return null
  try {
    const u = new URL(value)
    if ((u.protocol === 'postgres:' || u.protocol === 'postgresql:') && u.hostname !== '' && /^\/[^/]+$/.test(u.pathname)) return value
  } catch { /* reported below */ }
  // The value may hold a password: name the setting, not what it says.
  problems.push('DATABASE_URL must be a PostgreSQL URL such as postgres://keukentafel:password@db.example.nl:5432/keukentafel (the value given is not one).')
  return null
}

/** REDIS_URL: redis://[user:password@]host[:port][/db] or rediss:// (TLS); unset or empty: off. */
function parseRedisUrl(raw: string | undefined, problems: string[]): string | null {
  const value = (raw ?? '').trim()
  if (value === '') return null
  try {
    const u = new URL(value)
    if ((u.protocol === 'redis:' || u.protocol === 'rediss:') && u.hostname !== '' && /^\/?\d{0,2}$/.test(u.pathname)) return value
  } catch { /* reported below */ }
  // The value may hold a password: name the setting, not what it says.
  problems.push('REDIS_URL must be a Redis URL such as redis://127.0.0.1:6379 or rediss://user:password@redis.example.nl:6380/0 (the value given is not one).')
  return null
}

function parsePasswordCost(raw: string | undefined, problems: string[]): number {
  const value = (raw ?? '').trim()
  if (value === '') return PASSWORD_SCRYPT_N
  const n = Number(value)
  if (!/^\d+$/.test(value) || n < 2 ** 14 || n > 2 ** 20 || (n & (n - 1)) !== 0) {
    problems.push(`PASSWORD_SCRYPT_N must be a power of two from 16384 to 1048576 (got "${raw}"); leave it unset for 131072.`)
    return PASSWORD_SCRYPT_N
  }
  return n
}

function parseBool(name: string, raw: string | undefined, fallback: boolean, problems: string[]): boolean {
  const value = (raw ?? '').trim().toLowerCase()
  if (value === '') return fallback
  if (['1', 'true', 'yes', 'on'].includes(value)) return true
  if (['0', 'false', 'no', 'off'].includes(value)) return false
  problems.push(`${name} must be true or false (got "${raw}").`)
  return fallback
}

function readKey(name: string, raw: string | undefined, problems: string[]): string | null {
  if (raw === undefined || raw === '') return null
  if (raw.length < 16) problems.push(`${name} must be at least 16 characters long (or leave it unset to have one generated).`)
  if (raw.length > 200) problems.push(`${name} must be at most 200 characters long.`)
  if (tokenKindOf(raw) !== null) problems.push(`${name} must not start with a token prefix (${INVITE_TOKEN_PREFIX}, ${SESSION_ID_PREFIX}, ${CASE_SESSION_PREFIX}): such a key would be taken for a token.`)
  return raw
}

/**
 * TRUST_PROXY: unset, empty, `0` or `false` — X-Forwarded-For is never read; a number 1–10 — that
 * many proxies stand in front of the server; otherwise a comma-separated list of the proxies' IP
 * addresses (exact addresses).
 */
function parseTrustProxy(raw: string | undefined, problems: string[]): TrustProxy {
  const value = (raw ?? '').trim()
  if (value === '' || value === '0' || value.toLowerCase() === 'false') return { kind: 'off' }
  if (/^\d+$/.test(value)) {
    const hops = Number(value)
    if (hops >= 1 && hops <= 10) return { kind: 'hops', hops }
  } else {
    const proxies = value.split(',').map((a) => a.trim())
    if (proxies.every((a) => isIP(a) !== 0)) return { kind: 'addresses', proxies: proxies.map(normalizeAddress) }
  }
  problems.push(`TRUST_PROXY must be the number of proxies in front of the server (1 to 10), or a comma-separated list of their IP addresses, such as 10.0.0.5,10.0.0.6 (got "${raw}").`)
  return { kind: 'off' }
}

function parsePort(raw: string, problems: string[]): number {
  const n = Number(raw.trim())
  if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(n) || n < 0 || n > 65535) {
    problems.push(`PORT must be a whole number from 0 to 65535 (got "${raw}").`)
    return 0
  }
  return n
}

/** A local (loopback) address or name: 127.x.x.x, localhost, ::1. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase()
  if (h === 'localhost' || h === '::1' || h === '[::1]') return true
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
}

/** A Host header naming a local address, with an optional port: `127.0.0.1:8080`, `localhost`, `[::1]:8080`. */
export function isLocalHostHeader(hostHeader: string): boolean {
  const m = /^(\[::1\]|[A-Za-z0-9.]+)(?::(\d{1,5}))?$/.exec(hostHeader.trim())
  return m !== null && isLoopback(m[1] as string)
}
