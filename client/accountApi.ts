/**
 * Typed calls for personal accounts (docs/api.md, "Accounts"): activation, the administrators'
 * teams and accounts, one's own API tokens, a case's members and the data-protection export. Kept
 * apart from api.ts (the case calls) so each module stays small; both share `call`.
 */
import type {
  AccountListed, AccountRole, ActivationIssued, ActivationStarted, ApiTokenCreated, ApiTokenListed, CaseMember, TeamInfo,
} from '../shared/api.ts'
import { call } from './api.ts'

export type { AccountListed, AccountRole, ActivationIssued, ActivationStarted, ApiTokenCreated, ApiTokenListed, CaseMember, TeamInfo }

/** What an administrator may change on an account. */
export interface AccountChange {
  displayName?: string
  role?: AccountRole
  teamId?: string | null
  disabled?: boolean
}

const enc = encodeURIComponent

export const accountApi = {
  /** The activation token travels in the body, never in a URL. */
  startActivation: (token: string) => call<ActivationStarted>('POST', '/api/activation', { body: { token } }),
  /** Sets the password (and the second factor with its first code); answers with a session cookie. */
  completeActivation: (token: string, password: string, code: string | null) =>
    call<void>('POST', '/api/activation/complete', { body: code === null ? { token, password } : { token, password, code } }),
  teams: () => call<TeamInfo[]>('GET', '/api/admin/teams'),
  createTeam: (name: string) => call<TeamInfo>('POST', '/api/admin/teams', { body: { name } }),
  accounts: () => call<AccountListed[]>('GET', '/api/admin/accounts'),
  createAccount: (body: { username: string; displayName: string; role: AccountRole; teamId: string | null }) =>
    call<ActivationIssued>('POST', '/api/admin/accounts', { body }),
  updateAccount: (id: string, change: AccountChange) => call<AccountListed>('PATCH', `/api/admin/accounts/${enc(id)}`, { body: change }),
  /** A new activation link: password and second factor are cleared, the account's sessions end. */
  resetAccount: (id: string) => call<ActivationIssued>('POST', `/api/admin/accounts/${enc(id)}/reset`),
  tokens: () => call<ApiTokenListed[]>('GET', '/api/me/tokens'),
  createToken: (label: string, expiresInDays: number) => call<ApiTokenCreated>('POST', '/api/me/tokens', { body: { label, expiresInDays } }),
  revokeToken: (id: string) => call<void>('DELETE', `/api/me/tokens/${enc(id)}`),
  members: (caseId: string) => call<CaseMember[]>('GET', `/api/cases/${enc(caseId)}/members`),
  addMember: (caseId: string, username: string) => call<CaseMember[]>('POST', `/api/cases/${enc(caseId)}/members`, { body: { username } }),
  removeMember: (caseId: string, accountId: string) => call<void>('DELETE', `/api/cases/${enc(caseId)}/members/${enc(accountId)}`),
  /** Where the processing log of a period downloads from (a plain link: the session cookie goes along). */
  auditCsvUrl: (from: string, to: string) => `/api/audit.csv?from=${enc(from)}&to=${enc(to)}`,
  /** Where the button 'Inloggen via …' goes: the municipality's identity provider. */
  oidcLoginUrl: '/api/oidc/login',
}
