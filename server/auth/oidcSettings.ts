/**
 * The settings of sign-in through the organisation's identity provider (OpenID Connect; README,
 * "Sign-in through your organisation (OIDC)"), read by config.ts with the others: problems are
 * added to its list, so an invalid value stops the start with a message naming the setting.
 *
 *   OIDC_ISSUER         the provider's issuer URL (https; http only on a loopback host, for tests)
 *   OIDC_CLIENT_ID      Keukentafel's client id at the provider
 *   OIDC_CLIENT_SECRET  its secret; unset: a public client (PKCE only)
 *   OIDC_NAME           the sign-in button's label: 'Inloggen via <name>' (default 'uw organisatie')
 *   OIDC_ROLE_CLAIM     the claim that gives the role (default 'keukentafel_role')
 *   OIDC_TEAM_CLAIM     the claim that gives the team's name (default 'keukentafel_team')
 *   OIDC_ROLE_MAP       claim value = role pairs, e.g. 'wmo-consulent=professional,teamleider=coordinator'
 *   OIDC_SCOPES         the scopes asked for (default 'openid profile email')
 *
 * OIDC is on when OIDC_ISSUER or OIDC_CLIENT_ID is set; then both must be (all or none).
 */
import { ACCOUNT_ROLES, type AccountRole } from '../../shared/api.ts'

export interface OidcSettings {
  issuer: URL
  clientId: string
  /** Null: a public client that proves itself with PKCE only. */
  clientSecret: string | null
  /** What the sign-in button names: 'Inloggen via <name>'. */
  name: string
  roleClaim: string
  teamClaim: string
  /** Claim value → role; a value that is itself a role name needs no entry. */
  roleMap: ReadonlyMap<string, AccountRole>
  scopes: string
}

const CLAIM_NAME = /^[A-Za-z0-9_.:/-]{1,100}$/

export function readOidcSettings(env: NodeJS.ProcessEnv, problems: string[]): OidcSettings | null {
  const rawIssuer = env.OIDC_ISSUER?.trim() ?? ''
  const clientId = env.OIDC_CLIENT_ID?.trim() ?? ''
  const others = ['OIDC_CLIENT_SECRET', 'OIDC_NAME', 'OIDC_ROLE_CLAIM', 'OIDC_TEAM_CLAIM', 'OIDC_ROLE_MAP', 'OIDC_SCOPES'].filter((k) => env[k]?.trim())
  if (!rawIssuer && !clientId) {
    if (others.length) problems.push(`${others.join(', ')} ${others.length > 1 ? 'are' : 'is'} set but OIDC is off: set OIDC_ISSUER and OIDC_CLIENT_ID too, or remove ${others.length > 1 ? 'them' : 'it'}.`)
    return null
  }
  if (!rawIssuer || !clientId) {
    problems.push(`OIDC needs both OIDC_ISSUER and OIDC_CLIENT_ID (${rawIssuer ? 'OIDC_CLIENT_ID' : 'OIDC_ISSUER'} is missing).`)
    return null
  }
  const before = problems.length
  const issuer = issuerOf(rawIssuer, problems)
  if (clientId.length > 200 || /\s/.test(clientId)) problems.push('OIDC_CLIENT_ID must be at most 200 characters without spaces.')
  const name = env.OIDC_NAME?.trim() || 'uw organisatie'
  if (name.length > 60) problems.push(`OIDC_NAME must be at most 60 characters (got ${name.length}).`)
  const roleClaim = claimName('OIDC_ROLE_CLAIM', env.OIDC_ROLE_CLAIM, 'keukentafel_role', problems)
  const teamClaim = claimName('OIDC_TEAM_CLAIM', env.OIDC_TEAM_CLAIM, 'keukentafel_team', problems)
  const roleMap = parseRoleMap(env.OIDC_ROLE_MAP, problems)
  const scopes = (env.OIDC_SCOPES?.trim() || 'openid profile email').split(/\s+/)
  if (!scopes.includes('openid')) problems.push(`OIDC_SCOPES must include openid (got "${env.OIDC_SCOPES}").`)
  if (problems.length > before || !issuer) return null
  return {
    issuer, clientId, clientSecret: env.OIDC_CLIENT_SECRET?.trim() || null, name, roleClaim, teamClaim, roleMap, scopes: scopes.join(' '),
  }
}

/** https, or http on a loopback host only (a test provider on this machine). */
function issuerOf(raw: string, problems: string[]): URL | null {
  let u: URL
  try {
    u = new URL(raw)
  } catch {
    problems.push(`OIDC_ISSUER must be the provider's issuer URL, such as https://login.gemeente.nl/realms/medewerkers (got "${raw}").`)
    return null
  }
  const loopback = u.hostname === 'localhost' || u.hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(u.hostname)
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) {
    problems.push(`OIDC_ISSUER must be an https URL (http only for a provider on this machine: localhost, 127.x, [::1]) (got "${raw}").`)
    return null
  }
  if (u.search || u.hash || u.username || u.password) {
    problems.push(`OIDC_ISSUER must be a plain URL without query, fragment or credentials (got "${raw}").`)
    return null
  }
  return u
}

function claimName(setting: string, raw: string | undefined, fallback: string, problems: string[]): string {
  const v = raw?.trim() || fallback
  if (!CLAIM_NAME.test(v)) problems.push(`${setting} must be a claim name (letters, digits, _ . : / -; got "${raw}").`)
  return v
}

/** 'wmo-consulent=professional, teamleider=coordinator' → a map; values must be account roles. */
function parseRoleMap(raw: string | undefined, problems: string[]): Map<string, AccountRole> {
  const map = new Map<string, AccountRole>()
  const value = raw?.trim() ?? ''
  if (!value) return map
  for (const pair of value.split(',')) {
    const m = /^\s*([^=]+?)\s*=\s*([a-z]+)\s*$/.exec(pair)
    const role = m?.[2] as AccountRole | undefined
    if (!m || !role || !(ACCOUNT_ROLES as readonly string[]).includes(role)) {
      problems.push(`OIDC_ROLE_MAP must be claim value = role pairs separated by commas, with roles from ${ACCOUNT_ROLES.join(', ')}, such as "wmo-consulent=professional,teamleider=coordinator" (wrong: "${pair.trim()}").`)
      continue
    }
    if (map.has(m[1] as string)) problems.push(`OIDC_ROLE_MAP names "${m[1]}" twice.`)
    map.set(m[1] as string, role)
  }
  return map
}
