/**
 * Personal accounts, teams, personal API tokens and case membership: the storage interface
 * (this file) and its SQLite implementation (SqliteAccounts, on the main connection of
 * sqlite.ts); the row mappers serve the PostgreSQL implementation too (pg/pgAccounts.ts).
 * Passwords, second-factor secrets and tokens are stored only as the hashes and values
 * auth/accounts.ts makes; nothing here decides who may do what.
 */
import { randomBytes } from 'node:crypto'
import type Database from 'better-sqlite3'
import type { AccountRole, TeamInfo } from '../../shared/api.ts'

export interface TeamRecord {
  id: string
  name: string
  createdAt: number
}

export interface AccountRecord {
  id: string
  /** Lower case, unique. */
  username: string
  displayName: string
  role: AccountRole
  teamId: string | null
  /** scrypt hash (auth/secrets.ts hashKey); null: not activated yet, or signs in through OIDC only. */
  passwordHash: string | null
  /** Base32 TOTP secret; null: no second factor. */
  totpSecret: string | null
  /** The last TOTP time step accepted: a code is never accepted twice. */
  totpLastStep: number
  /** `issuer|sub` of an account that signs in through OIDC. */
  oidcSubject: string | null
  /** SHA-256 of the activation token while the account waits for its owner. */
  activationHash: string | null
  activationExpiresAt: number | null
  /** Failed sign-ins in a row, and until when the account refuses passwords (auth/accounts.ts). */
  failedLogins: number
  lockedUntil: number
  createdAt: number
  lastLoginAt: number | null
  disabledAt: number | null
}

export interface ApiTokenRecord {
  id: string
  accountId: string
  tokenHash: string
  label: string
  createdAt: number
  expiresAt: number
  lastUsedAt: number | null
  revokedAt: number | null
}

/** Who a case belongs to: its team and owner, with their names for the case list. */
export interface CaseOwnership {
  teamId: string | null
  owner: { id: string; displayName: string } | null
  team: TeamInfo | null
}

export interface MemberRecord {
  accountId: string
  username: string
  displayName: string
  teamId: string | null
  addedAt: number
}

export type AccountPatch = Partial<Omit<AccountRecord, 'id' | 'createdAt'>>

export interface AccountStore {
  createTeam(name: string, at: number): Promise<TeamRecord>
  listTeams(): Promise<TeamRecord[]>
  getTeam(id: string): Promise<TeamRecord | null>
  findTeamByName(name: string): Promise<TeamRecord | null>

  createAccount(a: Omit<AccountRecord, 'id'> & { id?: string }): Promise<AccountRecord>
  getAccount(id: string): Promise<AccountRecord | null>
  findAccountByUsername(username: string): Promise<AccountRecord | null>
  findAccountByActivation(hash: string): Promise<AccountRecord | null>
  findAccountByOidc(subject: string): Promise<AccountRecord | null>
  listAccounts(): Promise<AccountRecord[]>
  updateAccount(id: string, patch: AccountPatch): Promise<AccountRecord | null>
  /** Accept TOTP step `step` once: false when it (or a later one) was used already. */
  useTotpStep(id: string, step: number): Promise<boolean>

  createApiToken(t: Omit<ApiTokenRecord, 'id' | 'lastUsedAt' | 'revokedAt'>): Promise<ApiTokenRecord>
  findApiToken(hash: string): Promise<ApiTokenRecord | null>
  listApiTokens(accountId: string): Promise<ApiTokenRecord[]>
  revokeApiToken(accountId: string, id: string, at: number): Promise<boolean>
  touchApiToken(id: string, at: number): Promise<void>

  /** Set a case's team and owner (on creation, or when a case is handed over). */
  setCaseOwnership(caseId: string, teamId: string | null, ownerId: string | null): Promise<void>
  caseOwnership(caseId: string): Promise<CaseOwnership | null>
  /** Ownership of every case, for the case list and review. */
  allCaseOwnership(): Promise<Map<string, CaseOwnership>>
  /** Ids of the cases an account sees: its team's and those it is a member of. */
  visibleCaseIds(teamId: string | null, accountId: string): Promise<Set<string>>
  isCaseMember(caseId: string, accountId: string): Promise<boolean>
  addCaseMember(caseId: string, accountId: string, at: number, by: string): Promise<boolean>
  removeCaseMember(caseId: string, accountId: string): Promise<boolean>
  listCaseMembers(caseId: string): Promise<MemberRecord[]>
  /** Give every case without a team to this team; returns how many. */
  assignUnassignedCases(teamId: string): Promise<number>

  /** Ids (hashes) of the account's sessions, removed: signing out everywhere. */
  deleteSessionsOf(accountId: string): Promise<string[]>
}

export function newRecordId(): string {
  return randomBytes(16).toString('hex')
}

export interface AccountRow {
  id: string; username: string; display_name: string; role: string; team_id: string | null
  password_hash: string | null; totp_secret: string | null; totp_last_step: number; oidc_subject: string | null
  activation_hash: string | null; activation_expires_at: number | null; failed_logins: number; locked_until: number
  created_at: number; last_login_at: number | null; disabled_at: number | null
}

export const ACCOUNT_COLUMNS: Record<keyof AccountPatch, string> = {
  username: 'username', displayName: 'display_name', role: 'role', teamId: 'team_id', passwordHash: 'password_hash',
  totpSecret: 'totp_secret', totpLastStep: 'totp_last_step', oidcSubject: 'oidc_subject', activationHash: 'activation_hash',
  activationExpiresAt: 'activation_expires_at', failedLogins: 'failed_logins', lockedUntil: 'locked_until',
  lastLoginAt: 'last_login_at', disabledAt: 'disabled_at',
}

export function toAccount(r: AccountRow): AccountRecord {
  return {
    id: r.id, username: r.username, displayName: r.display_name, role: r.role as AccountRole, teamId: r.team_id,
    passwordHash: r.password_hash, totpSecret: r.totp_secret, totpLastStep: r.totp_last_step, oidcSubject: r.oidc_subject,
    activationHash: r.activation_hash, activationExpiresAt: r.activation_expires_at, failedLogins: r.failed_logins,
    lockedUntil: r.locked_until, createdAt: r.created_at, lastLoginAt: r.last_login_at, disabledAt: r.disabled_at,
  }
}

export interface TokenRow {
  id: string; account_id: string; token_hash: string; label: string; created_at: number; expires_at: number
  last_used_at: number | null; revoked_at: number | null
}

export function toToken(r: TokenRow): ApiTokenRecord {
  return {
    id: r.id, accountId: r.account_id, tokenHash: r.token_hash, label: r.label, createdAt: r.created_at,
    expiresAt: r.expires_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at,
  }
}

export interface TeamRow { id: string; name: string; created_at: number }
export const toTeam = (r: TeamRow): TeamRecord => ({ id: r.id, name: r.name, createdAt: r.created_at })

export interface MemberRow { account_id: string; username: string; display_name: string; team_id: string | null; added_at: number }
export const toMember = (r: MemberRow): MemberRecord => ({
  accountId: r.account_id, username: r.username, displayName: r.display_name, teamId: r.team_id, addedAt: r.added_at,
})

/** A case's members with their names, oldest first (`?` or `$1`: the case id). */
export const MEMBERS = (param: string) => `SELECT m.account_id, a.username, a.display_name, a.team_id, m.added_at FROM case_members m
  JOIN accounts a ON a.id = m.account_id WHERE m.case_id = ${param} ORDER BY m.added_at`

export interface OwnershipRow { id: string; team_id: string | null; team_name: string | null; owner_id: string | null; owner_name: string | null }

export function toOwnership(r: OwnershipRow): CaseOwnership {
  return {
    teamId: r.team_id,
    team: r.team_id && r.team_name !== null ? { id: r.team_id, name: r.team_name } : null,
    owner: r.owner_id && r.owner_name !== null ? { id: r.owner_id, displayName: r.owner_name } : null,
  }
}

export const OWNERSHIP = `SELECT c.id, c.team_id, t.name AS team_name, c.owner_id, a.display_name AS owner_name
  FROM cases c LEFT JOIN teams t ON t.id = c.team_id LEFT JOIN accounts a ON a.id = c.owner_id`

export class SqliteAccounts implements AccountStore {
  private s: ReturnType<SqliteAccounts['prepare']>

  constructor(private db: Database.Database) {
    this.s = this.prepare()
  }

  private prepare() {
    const db = this.db
    return {
      insertTeam: db.prepare('INSERT INTO teams (id, name, created_at) VALUES (?, ?, ?)'),
      listTeams: db.prepare<[], { id: string; name: string; created_at: number }>('SELECT * FROM teams ORDER BY name COLLATE NOCASE'),
      getTeam: db.prepare<[string], { id: string; name: string; created_at: number }>('SELECT * FROM teams WHERE id = ?'),
      teamByName: db.prepare<[string], { id: string; name: string; created_at: number }>('SELECT * FROM teams WHERE name = ?'),
      insertAccount: db.prepare(`INSERT INTO accounts (id, username, display_name, role, team_id, password_hash, totp_secret, totp_last_step,
        oidc_subject, activation_hash, activation_expires_at, failed_logins, locked_until, created_at, last_login_at, disabled_at)
        VALUES (@id, @username, @displayName, @role, @teamId, @passwordHash, @totpSecret, @totpLastStep, @oidcSubject, @activationHash,
        @activationExpiresAt, @failedLogins, @lockedUntil, @createdAt, @lastLoginAt, @disabledAt)`),
      getAccount: db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE id = ?'),
      byUsername: db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE username = ?'),
      byActivation: db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE activation_hash = ?'),
      byOidc: db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE oidc_subject = ?'),
      listAccounts: db.prepare<[], AccountRow>('SELECT * FROM accounts ORDER BY username'),
      useTotpStep: db.prepare('UPDATE accounts SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?'),
      insertToken: db.prepare('INSERT INTO api_tokens (id, account_id, token_hash, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)'),
      findToken: db.prepare<[string], TokenRow>('SELECT * FROM api_tokens WHERE token_hash = ?'),
      listTokens: db.prepare<[string], TokenRow>('SELECT * FROM api_tokens WHERE account_id = ? ORDER BY created_at DESC'),
      revokeToken: db.prepare('UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE account_id = ? AND id = ?'),
      touchToken: db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?'),
      setOwnership: db.prepare('UPDATE cases SET team_id = ?, owner_id = ? WHERE id = ?'),
      ownership: db.prepare<[string], OwnershipRow>(`${OWNERSHIP} WHERE c.id = ?`),
      allOwnership: db.prepare<[], OwnershipRow>(OWNERSHIP),
      visible: db.prepare<[string | null, string], { id: string }>(
        'SELECT id FROM cases WHERE team_id = ? UNION SELECT case_id AS id FROM case_members WHERE account_id = ?'),
      isMember: db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM case_members WHERE case_id = ? AND account_id = ?'),
      addMember: db.prepare('INSERT INTO case_members (case_id, account_id, added_at, added_by) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
      removeMember: db.prepare('DELETE FROM case_members WHERE case_id = ? AND account_id = ?'),
      listMembers: db.prepare<[string], MemberRow>(MEMBERS('?')),
      assignUnassigned: db.prepare('UPDATE cases SET team_id = ? WHERE team_id IS NULL'),
      sessionsOf: db.prepare<[string], { id_hash: string }>('SELECT id_hash FROM sessions WHERE account_id = ?'),
      deleteSessionsOf: db.prepare('DELETE FROM sessions WHERE account_id = ?'),
    }
  }

  async createTeam(name: string, at: number): Promise<TeamRecord> {
    const t = { id: newRecordId(), name, createdAt: at }
    this.s.insertTeam.run(t.id, t.name, t.createdAt)
    return t
  }
  async listTeams(): Promise<TeamRecord[]> {
    return this.s.listTeams.all().map(toTeam)
  }
  async getTeam(id: string): Promise<TeamRecord | null> {
    const r = this.s.getTeam.get(id)
    return r ? toTeam(r) : null
  }
  async findTeamByName(name: string): Promise<TeamRecord | null> {
    const r = this.s.teamByName.get(name)
    return r ? toTeam(r) : null
  }

  async createAccount(a: Omit<AccountRecord, 'id'> & { id?: string }): Promise<AccountRecord> {
    const record: AccountRecord = { ...a, id: a.id ?? newRecordId() }
    this.s.insertAccount.run(record)
    return record
  }
  async getAccount(id: string): Promise<AccountRecord | null> {
    const r = this.s.getAccount.get(id)
    return r ? toAccount(r) : null
  }
  async findAccountByUsername(username: string): Promise<AccountRecord | null> {
    const r = this.s.byUsername.get(username.toLowerCase())
    return r ? toAccount(r) : null
  }
  async findAccountByActivation(hash: string): Promise<AccountRecord | null> {
    const r = this.s.byActivation.get(hash)
    return r ? toAccount(r) : null
  }
  async findAccountByOidc(subject: string): Promise<AccountRecord | null> {
    const r = this.s.byOidc.get(subject)
    return r ? toAccount(r) : null
  }
  async listAccounts(): Promise<AccountRecord[]> {
    return this.s.listAccounts.all().map(toAccount)
  }
  async updateAccount(id: string, patch: AccountPatch): Promise<AccountRecord | null> {
    const keys = Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined) as (keyof AccountPatch)[]
    if (keys.length > 0) {
      const sets = keys.map((k) => `${ACCOUNT_COLUMNS[k]} = @${k}`).join(', ')
      this.db.prepare(`UPDATE accounts SET ${sets} WHERE id = @id`).run({ ...Object.fromEntries(keys.map((k) => [k, patch[k]])), id })
    }
    return this.getAccount(id)
  }
  async useTotpStep(id: string, step: number): Promise<boolean> {
    return this.s.useTotpStep.run(step, id, step).changes > 0
  }

  async createApiToken(t: Omit<ApiTokenRecord, 'id' | 'lastUsedAt' | 'revokedAt'>): Promise<ApiTokenRecord> {
    const record: ApiTokenRecord = { ...t, id: newRecordId(), lastUsedAt: null, revokedAt: null }
    this.s.insertToken.run(record.id, record.accountId, record.tokenHash, record.label, record.createdAt, record.expiresAt)
    return record
  }
  async findApiToken(hash: string): Promise<ApiTokenRecord | null> {
    const r = this.s.findToken.get(hash)
    return r ? toToken(r) : null
  }
  async listApiTokens(accountId: string): Promise<ApiTokenRecord[]> {
    return this.s.listTokens.all(accountId).map(toToken)
  }
  async revokeApiToken(accountId: string, id: string, at: number): Promise<boolean> {
    return this.s.revokeToken.run(at, accountId, id).changes > 0
  }
  async touchApiToken(id: string, at: number): Promise<void> {
    this.s.touchToken.run(at, id)
  }

  async setCaseOwnership(caseId: string, teamId: string | null, ownerId: string | null): Promise<void> {
    this.s.setOwnership.run(teamId, ownerId, caseId)
  }
  async caseOwnership(caseId: string): Promise<CaseOwnership | null> {
    const r = this.s.ownership.get(caseId)
    return r ? toOwnership(r) : null
  }
  async allCaseOwnership(): Promise<Map<string, CaseOwnership>> {
    return new Map(this.s.allOwnership.all().map((r) => [r.id, toOwnership(r)]))
  }
  async visibleCaseIds(teamId: string | null, accountId: string): Promise<Set<string>> {
    return new Set(this.s.visible.all(teamId, accountId).map((r) => r.id))
  }
  async isCaseMember(caseId: string, accountId: string): Promise<boolean> {
    return this.s.isMember.get(caseId, accountId) !== undefined
  }
  async addCaseMember(caseId: string, accountId: string, at: number, by: string): Promise<boolean> {
    return this.s.addMember.run(caseId, accountId, at, by).changes > 0
  }
  async removeCaseMember(caseId: string, accountId: string): Promise<boolean> {
    return this.s.removeMember.run(caseId, accountId).changes > 0
  }
  async listCaseMembers(caseId: string): Promise<MemberRecord[]> {
    return this.s.listMembers.all(caseId).map(toMember)
  }
  async assignUnassignedCases(teamId: string): Promise<number> {
    return this.s.assignUnassigned.run(teamId).changes
  }
  async deleteSessionsOf(accountId: string): Promise<string[]> {
    return this.db.transaction(() => {
      const ids = this.s.sessionsOf.all(accountId).map((r) => r.id_hash)
      this.s.deleteSessionsOf.run(accountId)
      return ids
    })()
  }
}
