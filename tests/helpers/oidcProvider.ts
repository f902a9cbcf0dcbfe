/**
 * A real OpenID Connect provider for tests (oidc-provider, not a mock), on 127.0.0.1 or localhost
 * and a free port. It knows two clients for Keukentafel — a confidential one (client secret,
 * client_secret_basic) and a public one (no secret) — both with PKCE required, and signs people in
 * through its own development pages ('devInteractions': any login name with any password, then a
 * consent page), so a browser or a fetch loop can click through.
 *
 * Who signs in is up to the test: `users` maps a login name to the claims the provider gives
 * (role and team in the claims Keukentafel reads by default); change an entry and the next sign-in
 * carries the new claims. An unknown login name signs in with no claims beyond `sub`.
 */
import { generateKeyPairSync } from 'node:crypto'
import http from 'node:http'
import Provider from 'oidc-provider'
import { freePort } from './ports.ts'

export const OIDC_CLIENT_ID = 'keukentafel'
export const OIDC_CLIENT_SECRET = 'test-oidc-client-secret-0123456789'
export const OIDC_PUBLIC_CLIENT_ID = 'keukentafel-public'

export interface TestUser {
  name?: string
  email?: string
  /** keukentafel_role: a string or a list. */
  role?: string | string[]
  /** keukentafel_team */
  team?: string
}

export interface TestOidcProvider {
  /** The issuer URL (OIDC_ISSUER). */
  issuer: string
  users: Map<string, TestUser>
  stop(): Promise<void>
}

/**
 * Start a provider that sends people back to `redirectUris` (Keukentafel's
 * PUBLIC_URL/api/oidc/callback). `hostname` 'localhost' puts it on another site than a Keukentafel
 * on 127.0.0.1, as a real provider is (cookies then cross sites as in production).
 */
export async function startOidcProvider(opts: { redirectUris: string[]; hostname?: '127.0.0.1' | 'localhost'; port?: number }): Promise<TestOidcProvider> {
  const port = opts.port ?? await freePort()
  const issuer = `http://${opts.hostname ?? '127.0.0.1'}:${port}`
  const users = new Map<string, TestUser>()
  const client = { redirect_uris: opts.redirectUris, grant_types: ['authorization_code'], response_types: ['code'] }
  const provider = new Provider(issuer, {
    clients: [
      { ...client, client_id: OIDC_CLIENT_ID, client_secret: OIDC_CLIENT_SECRET },
      { ...client, client_id: OIDC_PUBLIC_CLIENT_ID, token_endpoint_auth_method: 'none' },
    ],
    pkce: { required: () => true },
    // Its own signing key and lifetimes (the provider warns about its built-in development ones).
    jwks: { keys: [{ ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256' }] },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    cookies: { keys: ['test-oidc-cookie-key-0123456789abcdef'] },
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username', 'keukentafel_role', 'keukentafel_team'],
      email: ['email'],
    },
    features: { devInteractions: { enabled: true } },
    findAccount(_ctx, sub) {
      return {
        accountId: sub,
        claims() {
          const u = users.get(sub) ?? {}
          return {
            sub, preferred_username: sub, name: u.name, email: u.email, keukentafel_role: u.role, keukentafel_team: u.team,
          }
        },
      }
    },
  })
  const server = http.createServer(provider.callback())
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  return {
    issuer,
    users,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}
