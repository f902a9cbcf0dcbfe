/**
 * The little of oidc-provider's API the tests use (tests/helpers/oidcProvider.ts): the package
 * ships no type declarations.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'

  export interface AccountClaims { sub: string; [claim: string]: unknown }
  export interface Account {
    accountId: string
    claims(use: string, scope: string): AccountClaims | Promise<AccountClaims>
  }
  export interface ClientMetadata { client_id: string; [key: string]: unknown }
  export interface Configuration {
    clients?: ClientMetadata[]
    findAccount?: (ctx: unknown, sub: string) => Account | undefined | Promise<Account | undefined>
    claims?: Record<string, string[] | null>
    cookies?: { keys?: string[] }
    pkce?: { required?: (ctx: unknown, client: unknown) => boolean }
    features?: Record<string, { enabled: boolean }>
    [key: string]: unknown
  }

  export class Provider {
    constructor(issuer: string, configuration?: Configuration)
    /** A Node request listener for http.createServer. */
    callback(): (req: IncomingMessage, res: ServerResponse) => void
  }
  export default Provider
}
