/**
 * Accounts, teams, personal API tokens and case membership on PostgreSQL: the AccountStore of
 * accountStore.ts with the same rows (and row mappers) as the SQLite implementation. User names
 * and team names are unique regardless of case, as with SQLite's NOCASE.
 */
import type { AccountPatch, AccountRecord, AccountRow, AccountStore, ApiTokenRecord, CaseOwnership, MemberRecord, MemberRow, OwnershipRow, TeamRecord, TeamRow, TokenRow } from '../accountStore.ts'
import { ACCOUNT_COLUMNS, MEMBERS, newRecordId, OWNERSHIP, toAccount, toMember, toOwnership, toTeam, toToken } from '../accountStore.ts'
import type { Pool } from './pool.ts'

export class PgAccounts implements AccountStore {
  constructor(private pool: Pool) {}

  private async rows<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.pool.query(sql, params)).rows as R[]
  }
  private async row<R>(sql: string, params: unknown[] = []): Promise<R | null> {
    return (await this.rows<R>(sql, params))[0] ?? null
  }
  private async changes(sql: string, params: unknown[]): Promise<number> {
    return (await this.pool.query(sql, params)).rowCount ?? 0
  }

  async createTeam(name: string, at: number): Promise<TeamRecord> {
    const t = { id: newRecordId(), name, createdAt: at }
    await this.pool.query('INSERT INTO teams (id, name, created_at) VALUES ($1, $2, $3)', [t.id, t.name, t.createdAt])
    return t
  }
  async listTeams(): Promise<TeamRecord[]> {
    return (await this.rows<TeamRow>('SELECT * FROM teams ORDER BY lower(name)')).map(toTeam)
  }
  async getTeam(id: string): Promise<TeamRecord | null> {
    const r = await this.row<TeamRow>('SELECT * FROM teams WHERE id = $1', [id])
    return r ? toTeam(r) : null
  }
  async findTeamByName(name: string): Promise<TeamRecord | null> {
    const r = await this.row<TeamRow>('SELECT * FROM teams WHERE lower(name) = lower($1)', [name])
    return r ? toTeam(r) : null
  }

  async createAccount(a: Omit<AccountRecord, 'id'> & { id?: string }): Promise<AccountRecord> {
    const r: AccountRecord = { ...a, id: a.id ?? newRecordId() }
    await this.pool.query(`INSERT INTO accounts (id, username, display_name, role, team_id, password_hash, totp_secret, totp_last_step,
      oidc_subject, activation_hash, activation_expires_at, failed_logins, locked_until, created_at, last_login_at, disabled_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
    [r.id, r.username, r.displayName, r.role, r.teamId, r.passwordHash, r.totpSecret, r.totpLastStep, r.oidcSubject, r.activationHash,
      r.activationExpiresAt, r.failedLogins, r.lockedUntil, r.createdAt, r.lastLoginAt, r.disabledAt])
    return r
  }
  private async accountWhere(column: string, value: string): Promise<AccountRecord | null> {
    const r = await this.row<AccountRow>(`SELECT * FROM accounts WHERE ${column} = $1`, [value])
    return r ? toAccount(r) : null
  }
  getAccount(id: string): Promise<AccountRecord | null> {
    return this.accountWhere('id', id)
  }
  findAccountByUsername(username: string): Promise<AccountRecord | null> {
    return this.accountWhere('lower(username)', username.toLowerCase())
  }
  findAccountByActivation(hash: string): Promise<AccountRecord | null> {
    return this.accountWhere('activation_hash', hash)
  }
  findAccountByOidc(subject: string): Promise<AccountRecord | null> {
    return this.accountWhere('oidc_subject', subject)
  }
  async listAccounts(): Promise<AccountRecord[]> {
    return (await this.rows<AccountRow>('SELECT * FROM accounts ORDER BY username')).map(toAccount)
  }
  async updateAccount(id: string, patch: AccountPatch): Promise<AccountRecord | null> {
    const keys = Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined) as (keyof AccountPatch)[]
    if (keys.length > 0) {
      const sets = keys.map((k, i) => `${ACCOUNT_COLUMNS[k]} = $${i + 2}`).join(', ')
      await this.pool.query(`UPDATE accounts SET ${sets} WHERE id = $1`, [id, ...keys.map((k) => patch[k])])
    }
    return this.getAccount(id)
  }
  async useTotpStep(id: string, step: number): Promise<boolean> {
    return (await this.changes('UPDATE accounts SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1', [step, id])) > 0
  }

  async createApiToken(t: Omit<ApiTokenRecord, 'id' | 'lastUsedAt' | 'revokedAt'>): Promise<ApiTokenRecord> {
    const r: ApiTokenRecord = { ...t, id: newRecordId(), lastUsedAt: null, revokedAt: null }
    await this.pool.query('INSERT INTO api_tokens (id, account_id, token_hash, label, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [r.id, r.accountId, r.tokenHash, r.label, r.createdAt, r.expiresAt])
    return r
  }
  async findApiToken(hash: string): Promise<ApiTokenRecord | null> {
    const r = await this.row<TokenRow>('SELECT * FROM api_tokens WHERE token_hash = $1', [hash])
    return r ? toToken(r) : null
  }
  async listApiTokens(accountId: string): Promise<ApiTokenRecord[]> {
    return (await this.rows<TokenRow>('SELECT * FROM api_tokens WHERE account_id = $1 ORDER BY created_at DESC', [accountId])).map(toToken)
  }
  async revokeApiToken(accountId: string, id: string, at: number): Promise<boolean> {
    return (await this.changes('UPDATE api_tokens SET revoked_at = coalesce(revoked_at, $1) WHERE account_id = $2 AND id = $3', [at, accountId, id])) > 0
  }
  async touchApiToken(id: string, at: number): Promise<void> {
    await this.pool.query('UPDATE api_tokens SET last_used_at = $1 WHERE id = $2', [at, id])
  }

  async setCaseOwnership(caseId: string, teamId: string | null, ownerId: string | null): Promise<void> {
    await this.pool.query('UPDATE cases SET team_id = $1, owner_id = $2 WHERE id = $3', [teamId, ownerId, caseId])
  }
  async caseOwnership(caseId: string): Promise<CaseOwnership | null> {
    const r = await this.row<OwnershipRow>(`${OWNERSHIP} WHERE c.id = $1`, [caseId])
    return r ? toOwnership(r) : null
  }
  async allCaseOwnership(): Promise<Map<string, CaseOwnership>> {
    return new Map((await this.rows<OwnershipRow>(OWNERSHIP)).map((r) => [r.id, toOwnership(r)]))
  }
  async visibleCaseIds(teamId: string | null, accountId: string): Promise<Set<string>> {
    const rows = await this.rows<{ id: string }>('SELECT id FROM cases WHERE team_id = $1 UNION SELECT case_id AS id FROM case_members WHERE account_id = $2', [teamId, accountId])
    return new Set(rows.map((r) => r.id))
  }
  async isCaseMember(caseId: string, accountId: string): Promise<boolean> {
    return (await this.row('SELECT 1 AS one FROM case_members WHERE case_id = $1 AND account_id = $2', [caseId, accountId])) !== null
  }
  async addCaseMember(caseId: string, accountId: string, at: number, by: string): Promise<boolean> {
    return (await this.changes('INSERT INTO case_members (case_id, account_id, added_at, added_by) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [caseId, accountId, at, by])) > 0
  }
  async removeCaseMember(caseId: string, accountId: string): Promise<boolean> {
    return (await this.changes('DELETE FROM case_members WHERE case_id = $1 AND account_id = $2', [caseId, accountId])) > 0
  }
  async listCaseMembers(caseId: string): Promise<MemberRecord[]> {
    return (await this.rows<MemberRow>(MEMBERS('$1'), [caseId])).map(toMember)
  }
  async assignUnassignedCases(teamId: string): Promise<number> {
    return this.changes('UPDATE cases SET team_id = $1 WHERE team_id IS NULL', [teamId])
  }
  async deleteSessionsOf(accountId: string): Promise<string[]> {
    return (await this.rows<{ id_hash: string }>('DELETE FROM sessions WHERE account_id = $1 RETURNING id_hash', [accountId])).map((r) => r.id_hash)
  }
}
