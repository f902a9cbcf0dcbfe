/**
 * Settings come from the environment only. Every value is checked at start; anything invalid
 * stops the server with a message that names the setting and what is allowed.
 */
import path from 'node:path'
import { INVITE_TOKEN_PREFIX, SESSION_ID_PREFIX, tokenKindOf } from './auth/secrets.ts'

export interface Settings {
  port: number
  host: string
  dataDir: string
  /** Organisation access key for professionals; generated and stored (hashed) when absent. */
  orgKey: string | null
  /** Organisation access key for coordinators (read-only, all cases); generated when absent. */
  coordinatorKey: string | null
  tldrawLicenseKey: string | null
  /** Public base URL used in invite links, e.g. https://keukentafel.gemeente.nl (default: from the request). */
  publicUrl: string | null
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  /** Where the built client lives. */
  clientDir: string
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

  const level = (env.LOG_LEVEL ?? 'info').trim()
  if (!(LOG_LEVELS as readonly string[]).includes(level)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${level}").`)

  if (problems.length) throw new SettingsError(`Invalid settings:\n  - ${problems.join('\n  - ')}`)
  return {
    port, host, dataDir, orgKey, coordinatorKey, tldrawLicenseKey, publicUrl,
    logLevel: level as Settings['logLevel'],
    clientDir: env.CLIENT_DIR ? path.resolve(env.CLIENT_DIR) : defaults.clientDir,
  }
}

function readKey(name: string, raw: string | undefined, problems: string[]): string | null {
  if (raw === undefined || raw === '') return null
  if (raw.length < 16) problems.push(`${name} must be at least 16 characters long (or leave it unset to have one generated).`)
  if (raw.length > 200) problems.push(`${name} must be at most 200 characters long.`)
  if (tokenKindOf(raw) !== null) problems.push(`${name} must not start with a token prefix (${INVITE_TOKEN_PREFIX}, ${SESSION_ID_PREFIX}): such a key would be taken for a token.`)
  return raw
}

function parsePort(raw: string, problems: string[]): number {
  const n = Number(raw.trim())
  if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(n) || n < 0 || n > 65535) {
    problems.push(`PORT must be a whole number from 0 to 65535 (got "${raw}").`)
    return 0
  }
  return n
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.')
}
