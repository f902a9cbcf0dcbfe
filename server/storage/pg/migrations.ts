/**
 * The PostgreSQL schema, as versioned migrations recorded in `schema_migrations`. They run at
 * start in one transaction under a transaction-level advisory lock, so several instances starting
 * at once migrate once (the others wait, then find nothing to do); running them again changes
 * nothing. Never edit a shipped migration: add one.
 *
 * Tables and columns are those of the SQLite schema (sqlite.ts), so rows read the same in both
 * backends (caseContent.ts). Times are milliseconds (BIGINT); sealed content is BYTEA or TEXT.
 */
import type { Pool } from './pool.ts'
import { inTransaction } from './pool.ts'

const MIGRATIONS: string[] = [
  `CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE teams (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at BIGINT NOT NULL);
   CREATE UNIQUE INDEX teams_name ON teams (lower(name));
   CREATE TABLE accounts (
     id TEXT PRIMARY KEY, username TEXT NOT NULL, display_name TEXT NOT NULL,
     role TEXT NOT NULL, team_id TEXT REFERENCES teams(id) ON DELETE SET NULL,
     password_hash TEXT, totp_secret TEXT, totp_last_step BIGINT NOT NULL DEFAULT 0, oidc_subject TEXT UNIQUE,
     activation_hash TEXT UNIQUE, activation_expires_at BIGINT,
     failed_logins INTEGER NOT NULL DEFAULT 0, locked_until BIGINT NOT NULL DEFAULT 0,
     created_at BIGINT NOT NULL, last_login_at BIGINT, disabled_at BIGINT);
   CREATE UNIQUE INDEX accounts_username ON accounts (lower(username));
   CREATE TABLE cases (
     id TEXT PRIMARY KEY, title TEXT NOT NULL, template TEXT NOT NULL,
     created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, next_meeting TEXT, archived_at BIGINT,
     team_id TEXT REFERENCES teams(id) ON DELETE SET NULL, owner_id TEXT REFERENCES accounts(id) ON DELETE SET NULL);
   CREATE INDEX cases_team ON cases(team_id);
   CREATE TABLE case_state (
     case_id TEXT PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
     state BYTEA NOT NULL, upto_seq BIGINT NOT NULL, sum TEXT);
   CREATE TABLE case_updates (
     seq BIGSERIAL PRIMARY KEY,
     case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
     data BYTEA NOT NULL, created_at BIGINT NOT NULL, sum TEXT);
   CREATE INDEX case_updates_case ON case_updates(case_id, seq);
   CREATE TABLE invites (
     token_hash TEXT PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
     role TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL,
     id TEXT NOT NULL UNIQUE, created_by TEXT, revoked_at BIGINT, ord BIGSERIAL);
   CREATE INDEX invites_case ON invites(case_id);
   CREATE TABLE sessions (
     id_hash TEXT PRIMARY KEY, role TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL,
     account_id TEXT REFERENCES accounts(id) ON DELETE CASCADE);
   CREATE INDEX sessions_account ON sessions(account_id);
   CREATE TABLE case_sessions (
     id_hash TEXT PRIMARY KEY,
     invite_hash TEXT NOT NULL REFERENCES invites(token_hash) ON DELETE CASCADE,
     case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
     created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL);
   CREATE INDEX case_sessions_invite ON case_sessions(invite_hash);
   CREATE INDEX case_sessions_case ON case_sessions(case_id);
   CREATE TABLE audit (
     id BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, actor TEXT NOT NULL, role TEXT NOT NULL,
     action TEXT NOT NULL, case_id TEXT, ground TEXT);
   CREATE INDEX audit_case ON audit(case_id, at);
   CREATE INDEX audit_at ON audit(at);
   CREATE TABLE snapshots (
     id TEXT PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
     label TEXT NOT NULL, created_at BIGINT NOT NULL, saved_by TEXT NOT NULL, auto INTEGER NOT NULL,
     schema_version INTEGER NOT NULL, state BYTEA NOT NULL, plan TEXT NOT NULL, summary TEXT NOT NULL,
     base_id TEXT, ord BIGSERIAL);
   CREATE INDEX snapshots_case ON snapshots(case_id, created_at);
   CREATE TABLE meetings (
     id TEXT PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
     started_at BIGINT NOT NULL, started_by TEXT NOT NULL,
     ended_at BIGINT, ended_by TEXT, participants TEXT NOT NULL DEFAULT '[]', note TEXT NOT NULL DEFAULT '',
     snapshot_id TEXT REFERENCES snapshots(id) ON DELETE SET NULL, ord BIGSERIAL);
   CREATE INDEX meetings_case ON meetings(case_id, started_at);
   CREATE UNIQUE INDEX meetings_going_on ON meetings(case_id) WHERE ended_at IS NULL;
   CREATE INDEX meetings_snapshot ON meetings(snapshot_id);
   CREATE TABLE api_tokens (
     id TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
     token_hash TEXT NOT NULL UNIQUE, label TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL,
     last_used_at BIGINT, revoked_at BIGINT);
   CREATE INDEX api_tokens_account ON api_tokens(account_id);
   CREATE TABLE case_members (
     case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
     account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
     added_at BIGINT NOT NULL, added_by TEXT, PRIMARY KEY (case_id, account_id));
   CREATE INDEX case_members_account ON case_members(account_id);`,
]

export const PG_SCHEMA_VERSION = MIGRATIONS.length

/** Any fixed number: the advisory lock that serialises migrations across instances. */
const MIGRATION_LOCK = 0x4b544d47

/** Bring the database to the current schema; returns the migrations applied (0 when none were needed). */
export async function migrate(pool: Pool): Promise<number> {
  return inTransaction(pool, async (c) => {
    await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK])
    await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)')
    const { rows } = await c.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations')
    const current = rows[0]?.v ?? 0
    if (current > MIGRATIONS.length) {
      throw new Error(`The database was written by a newer Keukentafel (schema ${current}, this one knows ${MIGRATIONS.length}). Upgrade the server.`)
    }
    for (let v = current; v < MIGRATIONS.length; v++) {
      await c.query(MIGRATIONS[v] as string)
      await c.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [v + 1, Date.now()])
    }
    return MIGRATIONS.length - current
  })
}
