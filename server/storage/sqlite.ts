/**
 * SQLite storage (better-sqlite3, WAL). The one module that touches the database.
 *
 * The document log (case_updates, case_state) lives on its own connection in a worker thread
 * (sqliteDocLog.ts, docLogWorker.js) with group commit; this connection serves everything else.
 * With WAL and synchronous=FULL a committed row survives a process crash (kill -9) and a power
 * loss.
 */
import fs from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import Database from 'better-sqlite3'
import { auditGround } from './storage.ts'
import type { AuditEntry, AuditExportRow, AuditRow, CaseRecord, CaseSessionRecord, InviteRecord, MeetingEnd, NewInvite, MeetingRecord, SessionRecord, SnapshotRecord, Storage } from './storage.ts'
import type { ListedSnapshot } from '../../shared/api.ts'
import type { DocLog } from './docLog.ts'
import { SqliteDocLog } from './sqliteDocLog.ts'
import { StorageHealth } from './health.ts'
import { AuditBuffer } from './auditBuffer.ts'
import { CaseKeys, type KeyLog } from './caseKeys.ts'
import { sealLegacyCases } from './sealExisting.ts'
import { blobChecksum, CaseContent, MEETING_OF, SNAPSHOT_META, toInvite, type CaseRow, type CaseSessionRow, type InviteRow, type MeetingRow, type SessionRow, type SnapshotMetaRow } from './caseContent.ts'
import { SqliteAccounts, type AccountStore } from './accountStore.ts'
import type { Role } from '../../shared/schema.ts'

/** Ordered migrations; index + 1 is the database schema version. Never edit a shipped one. */
const MIGRATIONS: string[] = [
  `CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE cases (
     id TEXT PRIMARY KEY, title TEXT NOT NULL, template TEXT NOT NULL,
     created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
   CREATE TABLE case_state (
     case_id TEXT PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
     state BLOB NOT NULL, upto_seq INTEGER NOT NULL);
   CREATE TABLE case_updates (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
     data BLOB NOT NULL, created_at INTEGER NOT NULL);
   CREATE INDEX case_updates_case ON case_updates(case_id, seq);
   CREATE TABLE invites (
     token_hash TEXT PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
     role TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
   CREATE INDEX invites_case ON invites(case_id);
   CREATE TABLE sessions (
     id_hash TEXT PRIMARY KEY, role TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
   CREATE TABLE audit (
     id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT NOT NULL, role TEXT NOT NULL,
     action TEXT NOT NULL, case_id TEXT);`,
  `CREATE TABLE snapshots (
     id TEXT PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
     label TEXT NOT NULL, created_at INTEGER NOT NULL, saved_by TEXT NOT NULL, auto INTEGER NOT NULL,
     schema_version INTEGER NOT NULL, state BLOB NOT NULL, plan TEXT NOT NULL, summary TEXT NOT NULL);
   CREATE INDEX snapshots_case ON snapshots(case_id, created_at);`,
  // Checksums of stored document blobs, so damage on disk is detected instead of loaded.
  `ALTER TABLE case_updates ADD COLUMN sum TEXT;
   ALTER TABLE case_state ADD COLUMN sum TEXT;`,
  // Snapshots stored as the difference to a full 'keyframe' snapshot of the same case.
  `ALTER TABLE snapshots ADD COLUMN base_id TEXT;`,
  // Meetings ('gesprekken'): a start, an end with who took part and the meeting's snapshot; at
  // most one going on per case. The next meeting's date per case. Snapshots people saved before
  // meetings existed were saved at the end of a meeting: each becomes an ended meeting (without
  // participants), except the copies kept before a restore.
  `CREATE TABLE meetings (
     id TEXT PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
     started_at INTEGER NOT NULL, started_by TEXT NOT NULL,
     ended_at INTEGER, ended_by TEXT, participants TEXT NOT NULL DEFAULT '[]', note TEXT NOT NULL DEFAULT '',
     snapshot_id TEXT REFERENCES snapshots(id) ON DELETE SET NULL);
   CREATE INDEX meetings_case ON meetings(case_id, started_at);
   CREATE UNIQUE INDEX meetings_going_on ON meetings(case_id) WHERE ended_at IS NULL;
   CREATE INDEX meetings_snapshot ON meetings(snapshot_id);
   ALTER TABLE cases ADD COLUMN next_meeting TEXT;
   INSERT INTO meetings (id, case_id, started_at, started_by, ended_at, ended_by, participants, note, snapshot_id)
     SELECT 'm-' || id, case_id, created_at, saved_by, created_at, saved_by, '[]', '', id FROM snapshots
     WHERE auto = 0 AND label NOT LIKE 'Voor het terugzetten %' AND label NOT LIKE 'Before restoring %';`,
  // Invites get a public id (to list and revoke them without the token), who created them and
  // when they were revoked.
  `ALTER TABLE invites ADD COLUMN id TEXT;
   ALTER TABLE invites ADD COLUMN created_by TEXT;
   ALTER TABLE invites ADD COLUMN revoked_at INTEGER;
   UPDATE invites SET id = lower(hex(randomblob(16)));
   CREATE UNIQUE INDEX invites_id ON invites(id);`,
  // A case can be archived ('gearchiveerd': closed, out of the default list and the review) and
  // reopened; NULL: open.
  `ALTER TABLE cases ADD COLUMN archived_at INTEGER;`,
  // Case sessions: an invite redeemed at the join page becomes an HttpOnly cookie holding a random
  // id, stored only as its SHA-256 and bound to the one invite (auth/caseSession.ts): the invite's
  // expiry, revocation, purge or the case's erasure ends it.
  `CREATE TABLE case_sessions (
     id_hash TEXT PRIMARY KEY,
     invite_hash TEXT NOT NULL REFERENCES invites(token_hash) ON DELETE CASCADE,
     case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
     created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
   CREATE INDEX case_sessions_invite ON case_sessions(invite_hash);
   CREATE INDEX case_sessions_case ON case_sessions(case_id);`,
  // The audit log gets each entry's processing ground (storage.ts auditGround; rows from before
  // get the ground their action and role imply) and an index to list a case's log.
  `ALTER TABLE audit ADD COLUMN ground TEXT;
   UPDATE audit SET ground = CASE
     WHEN action = 'case.erase' THEN 'erasure'
     WHEN action IN ('login', 'login.failed', 'logout', 'invite.redeem.failed') OR action LIKE 'audit.dropped%' THEN 'security'
     WHEN role = 'coordinator' THEN 'review'
     ELSE 'intake' END;
   CREATE INDEX audit_case ON audit(case_id, at);`,
  // Personal accounts (auth/accounts.ts) in teams; personal API tokens; cases belong to a team and
  // have an owner; accounts invited to a case of another team are its members. Sessions now
  // belong to an account: the sessions of the shared organisation keys end here (people sign in
  // with their own account from now on; the keys stay as service credentials for scripts).
  `CREATE TABLE teams (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE, created_at INTEGER NOT NULL);
   CREATE TABLE accounts (
     id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE COLLATE NOCASE, display_name TEXT NOT NULL,
     role TEXT NOT NULL, team_id TEXT REFERENCES teams(id) ON DELETE SET NULL,
     password_hash TEXT, totp_secret TEXT, totp_last_step INTEGER NOT NULL DEFAULT 0, oidc_subject TEXT UNIQUE,
     activation_hash TEXT UNIQUE, activation_expires_at INTEGER,
     failed_logins INTEGER NOT NULL DEFAULT 0, locked_until INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL, last_login_at INTEGER, disabled_at INTEGER);
   CREATE TABLE api_tokens (
     id TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
     token_hash TEXT NOT NULL UNIQUE, label TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
     last_used_at INTEGER, revoked_at INTEGER);
   CREATE INDEX api_tokens_account ON api_tokens(account_id);
   CREATE TABLE case_members (
     case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
     account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
     added_at INTEGER NOT NULL, added_by TEXT, PRIMARY KEY (case_id, account_id));
   CREATE INDEX case_members_account ON case_members(account_id);
   ALTER TABLE cases ADD COLUMN team_id TEXT REFERENCES teams(id) ON DELETE SET NULL;
   ALTER TABLE cases ADD COLUMN owner_id TEXT REFERENCES accounts(id) ON DELETE SET NULL;
   CREATE INDEX cases_team ON cases(team_id);
   DELETE FROM sessions;
   ALTER TABLE sessions ADD COLUMN account_id TEXT REFERENCES accounts(id) ON DELETE CASCADE;
   CREATE INDEX sessions_account ON sessions(account_id);`,
]


/** Raised at open when the database file cannot be used; the message says what to do. */
export class DatabaseFileError extends Error {
  override name = 'DatabaseFileError'
}

export const DB_SCHEMA_VERSION = MIGRATIONS.length

/** Where the case keys live and what wraps them (config.ts); absent: DATA_DIR/keys and a generated DATA_DIR/master.key. */
export interface SealingOptions {
  masterKey?: Buffer | null
  masterKeyPrevious?: Buffer | null
  keyDir?: string | null
  log?: KeyLog
}

export function openSqliteStorage(dataDir: string, sealing: SealingOptions = {}): SqliteStorage {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const keys = new CaseKeys({
    dir: sealing.keyDir ?? path.join(dataDir, 'keys'), master: sealing.masterKey ?? null, previous: sealing.masterKeyPrevious ?? null,
    dataDir, log: sealing.log,
  })
  return new SqliteStorage(path.join(dataDir, 'keukentafel.db'), keys)
}

export class SqliteStorage implements Storage {
  readonly docLog: DocLog
  readonly health = new StorageHealth()
  /** Accounts, teams, tokens and case membership (accountStore.ts), on this connection. */
  readonly accounts: AccountStore
  private db: Database.Database
  private stmts: ReturnType<SqliteStorage['prepare']>
  private auditBuffer = new AuditBuffer(() => {
    if (this.db.open) this.writeAuditBacklog()
  })

  /** Per-case data keys: every case's content is sealed with its own (caseKeys.ts). */
  constructor(readonly file: string, readonly keys: CaseKeys) {
    checkHeader(file)
    try {
      this.db = new Database(file)
      this.db.pragma('journal_mode = WAL')
      this.db.pragma('synchronous = FULL')
      this.db.pragma('foreign_keys = ON')
      this.db.pragma('busy_timeout = 5000')
      // Erased data must not linger in free pages.
      this.db.pragma('secure_delete = ON')
      this.migrate()
      this.stmts = this.prepare()
      this.accounts = new SqliteAccounts(this.db)
    } catch (err) {
      throw explainOpenError(file, err)
    }
    this.content = new CaseContent(keys)
    // Cases from before encryption at rest get a key and their rows sealed in place.
    sealLegacyCases(this.db, keys, blobChecksum)
    this.sqliteDocLog = new SqliteDocLog(file, keys)
    this.docLog = this.sqliteDocLog
  }

  private readonly sqliteDocLog: SqliteDocLog
  /** Opening and sealing rows' case content (caseContent.ts). */
  private readonly content: CaseContent

  private migrate(): void {
    const current = this.db.pragma('user_version', { simple: true }) as number
    if (current > MIGRATIONS.length) {
      throw new Error(`The database was written by a newer Keukentafel (schema ${current}, this one knows ${MIGRATIONS.length}). Upgrade the server.`)
    }
    for (let v = current; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v] as string)
        this.db.pragma(`user_version = ${v + 1}`)
      })()
    }
  }

  private prepare() {
    const db = this.db
    return {
      getSetting: db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?'),
      setSetting: db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
      insertCase: db.prepare('INSERT INTO cases (id, title, template, created_at, updated_at) VALUES (?, ?, ?, ?, ?)'),
      insertState: db.prepare('INSERT INTO case_state (case_id, state, upto_seq, sum) VALUES (?, ?, 0, ?)'),
      listCases: db.prepare<[], CaseRow>('SELECT * FROM cases ORDER BY updated_at DESC, created_at DESC'),
      getCase: db.prepare<[string], CaseRow>('SELECT * FROM cases WHERE id = ?'),
      touchCase: db.prepare('UPDATE cases SET updated_at = ? WHERE id = ? AND updated_at < ?'),
      deleteCase: db.prepare('DELETE FROM cases WHERE id = ?'),
      insertInvite: db.prepare('INSERT INTO invites (token_hash, case_id, role, created_at, expires_at, id, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      findInvite: db.prepare<[string], InviteRow>('SELECT * FROM invites WHERE token_hash = ?'),
      listInvites: db.prepare<[string], InviteRow>('SELECT * FROM invites WHERE case_id = ? ORDER BY created_at DESC, rowid DESC'),
      revokeInvite: db.prepare('UPDATE invites SET revoked_at = coalesce(revoked_at, ?) WHERE case_id = ? AND id = ?'),
      insertSession: db.prepare('INSERT INTO sessions (id_hash, role, created_at, expires_at, account_id) VALUES (?, ?, ?, ?, ?)'),
      findSession: db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id_hash = ?'),
      deleteSession: db.prepare('DELETE FROM sessions WHERE id_hash = ?'),
      purgeSessions: db.prepare('DELETE FROM sessions WHERE expires_at <= ?'),
      purgeInvites: db.prepare('DELETE FROM invites WHERE expires_at <= ?'),
      insertCaseSession: db.prepare('INSERT INTO case_sessions (id_hash, invite_hash, case_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)'),
      findCaseSession: db.prepare<[string], CaseSessionRow>('SELECT * FROM case_sessions WHERE id_hash = ?'),
      purgeCaseSessions: db.prepare('DELETE FROM case_sessions WHERE expires_at <= ?'),
      audit: db.prepare('INSERT INTO audit (at, actor, role, action, case_id, ground) VALUES (?, ?, ?, ?, ?, ?)'),
      listAudit: db.prepare<[string, number, number], AuditRow>('SELECT at, actor, role, action, ground FROM audit WHERE case_id = ? AND at < ? ORDER BY at DESC, id DESC LIMIT ?'),
      exportAudit: db.prepare<[number, number], AuditExportRow>('SELECT at, actor, role, action, case_id AS caseId, ground FROM audit WHERE at >= ? AND at < ? ORDER BY at, id'),
      insertSnapshot: db.prepare('INSERT INTO snapshots (id, case_id, label, created_at, saved_by, auto, schema_version, state, plan, summary, base_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      listSnapshots: db.prepare<[string], SnapshotMetaRow>(`SELECT ${SNAPSHOT_META} FROM snapshots s ${MEETING_OF} WHERE s.case_id = ? ORDER BY s.created_at DESC, s.rowid DESC`),
      getSnapshot: db.prepare<[string, string], SnapshotMetaRow & { plan: string }>(`SELECT ${SNAPSHOT_META}, s.plan FROM snapshots s ${MEETING_OF} WHERE s.case_id = ? AND s.id = ?`),
      getSnapshotState: db.prepare<[string, string], { state: Buffer; schema_version: number; base_id: string | null }>('SELECT state, schema_version, base_id FROM snapshots WHERE case_id = ? AND id = ?'),
      latestFullSnapshot: db.prepare<[string], { id: string; state: Buffer }>('SELECT id, state FROM snapshots WHERE case_id = ? AND base_id IS NULL ORDER BY created_at DESC, rowid DESC LIMIT 1'),
      listDependents: db.prepare<[string, string], { id: string; state: Buffer }>('SELECT id, state FROM snapshots WHERE case_id = ? AND base_id = ? ORDER BY created_at DESC, rowid DESC'),
      setSnapshotState: db.prepare('UPDATE snapshots SET state = ?, base_id = ? WHERE case_id = ? AND id = ?'),
      deleteSnapshot: db.prepare('DELETE FROM snapshots WHERE case_id = ? AND id = ?'),
      latestSnapshot: db.prepare<[string], SnapshotMetaRow & { plan: string }>(`SELECT ${SNAPSHOT_META}, s.plan FROM snapshots s ${MEETING_OF} WHERE s.case_id = ? ORDER BY s.created_at DESC, s.rowid DESC LIMIT 1`),
      insertMeeting: db.prepare('INSERT INTO meetings (id, case_id, started_at, started_by, ended_at, ended_by, participants, note, snapshot_id) VALUES (?, ?, ?, ?, NULL, NULL, ?, ?, NULL) ON CONFLICT DO NOTHING'),
      currentMeeting: db.prepare<[string], MeetingRow>('SELECT * FROM meetings WHERE case_id = ? AND ended_at IS NULL'),
      getMeeting: db.prepare<[string, string], MeetingRow>('SELECT * FROM meetings WHERE case_id = ? AND id = ?'),
      listMeetings: db.prepare<[string], MeetingRow>('SELECT * FROM meetings WHERE case_id = ? ORDER BY started_at DESC, rowid DESC'),
      lastEndedMeeting: db.prepare<[string], MeetingRow>('SELECT * FROM meetings WHERE case_id = ? AND ended_at IS NOT NULL ORDER BY ended_at DESC, rowid DESC LIMIT 1'),
      endMeeting: db.prepare('UPDATE meetings SET ended_at = ?, ended_by = ?, participants = ?, note = ?, snapshot_id = ? WHERE case_id = ? AND id = ? AND ended_at IS NULL'),
      getNextMeeting: db.prepare<[string], { next_meeting: string | null }>('SELECT next_meeting FROM cases WHERE id = ?'),
      setNextMeeting: db.prepare('UPDATE cases SET next_meeting = ? WHERE id = ?'),
      archiveCase: db.prepare('UPDATE cases SET archived_at = coalesce(archived_at, ?) WHERE id = ?'),
      reopenCase: db.prepare('UPDATE cases SET archived_at = NULL WHERE id = ?'),
    }
  }

  async getSetting(key: string): Promise<string | null> {
    return this.stmts.getSetting.get(key)?.value ?? null
  }
  async setSetting(key: string, value: string): Promise<void> {
    this.stmts.setSetting.run(key, value)
  }

  async createCase(r: CaseRecord, initialState: Uint8Array): Promise<void> {
    this.keys.create(r.id)
    const { state, sum } = this.content.sealedState(r.id, initialState)
    this.db.transaction(() => {
      this.stmts.insertCase.run(r.id, this.content.sealTitle(r.id, r.title), r.template, r.createdAt, r.updatedAt)
      this.stmts.insertState.run(r.id, state, sum)
    })()
  }
  async listCases(): Promise<CaseRecord[]> {
    return this.stmts.listCases.all().map((row) => this.content.caseOf(row))
  }
  async getCase(id: string): Promise<CaseRecord | null> {
    const row = this.stmts.getCase.get(id)
    return row ? this.content.caseOf(row) : null
  }
  async touchCase(id: string, at: number): Promise<void> {
    this.stmts.touchCase.run(at, id, at)
  }
  vanishedKeys(): string[] {
    return this.keys.vanished()
  }
  forgetErased(id: string): void {
    this.keys.erase(id)
    this.sqliteDocLog.forget(id)
  }
  async eraseCase(id: string): Promise<boolean> {
    // The key goes first: from here every copy of the case's content (this file, its WAL while a
    // reader holds it, any backup) is undecryptable, whatever happens to the rows below.
    this.keys.erase(id)
    this.sqliteDocLog.forget(id)
    // ON DELETE CASCADE removes state, updates and invites in the same transaction.
    const changes = this.db.transaction(() => this.stmts.deleteCase.run(id).changes)()
    // Without waiting for readers (a running backup would stall every case for busy_timeout): what
    // they still hold in the WAL is sealed with the key destroyed above.
    if (changes > 0) {
      this.db.pragma('busy_timeout = 0')
      try {
        this.db.pragma('wal_checkpoint(TRUNCATE)')
      } finally {
        this.db.pragma('busy_timeout = 5000')
      }
    }
    return changes > 0
  }

  async createInvite(i: NewInvite): Promise<string> {
    const id = i.id ?? randomBytes(16).toString('hex')
    this.stmts.insertInvite.run(i.tokenHash, i.caseId, i.role, i.createdAt, i.expiresAt, id, i.createdBy ?? null)
    return id
  }
  async findInvite(tokenHash: string): Promise<InviteRecord | null> {
    const r = this.stmts.findInvite.get(tokenHash)
    return r ? toInvite(r) : null
  }
  async listInvites(caseId: string): Promise<InviteRecord[]> {
    return this.stmts.listInvites.all(caseId).map(toInvite)
  }
  async revokeInvite(caseId: string, id: string, at: number): Promise<boolean> {
    return this.stmts.revokeInvite.run(at, caseId, id).changes > 0
  }

  async createSession(s: SessionRecord): Promise<void> {
    this.stmts.insertSession.run(s.idHash, s.role, s.createdAt, s.expiresAt, s.accountId)
  }
  async findSession(idHash: string): Promise<SessionRecord | null> {
    const r = this.stmts.findSession.get(idHash)
    return r ? { idHash: r.id_hash, role: r.role as SessionRecord['role'], createdAt: r.created_at, expiresAt: r.expires_at, accountId: r.account_id } : null
  }
  async deleteSession(idHash: string): Promise<void> {
    this.stmts.deleteSession.run(idHash)
  }
  async createCaseSession(s: CaseSessionRecord): Promise<void> {
    this.stmts.insertCaseSession.run(s.idHash, s.inviteHash, s.caseId, s.createdAt, s.expiresAt)
  }
  async findCaseSession(idHash: string): Promise<CaseSessionRecord | null> {
    const r = this.stmts.findCaseSession.get(idHash)
    return r ? { idHash: r.id_hash, inviteHash: r.invite_hash, caseId: r.case_id, createdAt: r.created_at, expiresAt: r.expires_at } : null
  }
  async purgeExpired(now: number): Promise<void> {
    this.stmts.purgeSessions.run(now)
    this.stmts.purgeCaseSessions.run(now)
    this.stmts.purgeInvites.run(now)
  }

  audit(e: AuditEntry): void {
    // Entries of one turn of the event loop are written in one transaction (one fsync), after
    // the turn: a burst of connections does not wait for a commit each (auditBuffer.ts).
    this.auditBuffer.push(e)
  }

  async listAudit(caseId: string, before: number, limit: number): Promise<AuditRow[]> {
    // Entries of this turn are written first, so a read sees everything logged before it.
    if (this.db.open) this.writeAuditBacklog()
    return this.stmts.listAudit.all(caseId, before, limit)
  }

  async exportAudit(from: number, to: number): Promise<AuditExportRow[]> {
    if (this.db.open) this.writeAuditBacklog()
    return this.stmts.exportAudit.all(from, to)
  }

  async retryPending(): Promise<boolean> {
    return this.writeAuditBacklog()
  }

  /** The audit entries waiting in memory, written in one transaction; false (kept) when it fails. */
  private writeAuditBacklog(): boolean {
    const batch = this.auditBuffer.take()
    if (batch.length === 0) return true
    try {
      this.db.transaction(() => {
        for (const e of batch) this.stmts.audit.run(e.at, e.actor, e.role, e.action, e.caseId, auditGround(e))
      })()
      this.health.succeeded('audit')
      return true
    } catch (err) {
      this.auditBuffer.putBack(batch)
      this.health.failed('audit', err)
      return false
    }
  }

  async createSnapshot(r: SnapshotRecord, state: Uint8Array, planJson: string): Promise<void> {
    this.insertSnapshot(r, state, planJson)
  }

  /** createSnapshot's writes, synchronous so endMeeting runs them inside its transaction. */
  private insertSnapshot(r: SnapshotRecord, state: Uint8Array, planJson: string): void {
    // Deduplicate against the latest full snapshot: store only what is new since it.
    const s = this.content.sealSnapshot(r, state, planJson, this.stmts.latestFullSnapshot.get(r.caseId))
    this.stmts.insertSnapshot.run(r.id, r.caseId, s.label, r.createdAt, s.savedBy, r.auto ? 1 : 0, r.schemaVersion, s.state, s.plan, s.summary, s.baseId)
  }
  async listSnapshots(caseId: string): Promise<ListedSnapshot[]> {
    return this.stmts.listSnapshots.all(caseId).map((r) => this.content.snapshotOf(r))
  }
  async getSnapshot(caseId: string, id: string): Promise<{ meta: ListedSnapshot; planJson: string } | null> {
    const r = this.stmts.getSnapshot.get(caseId, id)
    return r ? this.content.snapshotWithPlan(r) : null
  }
  async getSnapshotState(caseId: string, id: string): Promise<{ state: Uint8Array; schemaVersion: number } | null> {
    return this.content.snapshotState(caseId, this.stmts.getSnapshotState.get(caseId, id), (baseId) => this.stmts.getSnapshotState.get(caseId, baseId))
  }
  async latestSnapshot(caseId: string): Promise<{ meta: ListedSnapshot; planJson: string } | null> {
    const r = this.stmts.latestSnapshot.get(caseId)
    return r ? this.content.snapshotWithPlan(r) : null
  }

  async deleteSnapshots(caseId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return
    const gone = new Set(ids)
    this.db.transaction(() => {
      for (const id of ids) {
        const row = this.stmts.getSnapshotState.get(caseId, id)
        if (!row) continue
        // A full snapshot that kept ones are stored against must not linger (it would still be
        // listed, and never pruned): hand its content over to them first.
        const state = this.content.fullState(caseId, row)
        if (state) {
          const dependents = this.stmts.listDependents.all(caseId, id).filter((d) => !gone.has(d.id))
          for (const d of this.content.rebase(caseId, state, dependents)) this.stmts.setSnapshotState.run(d.state, d.baseId, caseId, d.id)
        }
        this.stmts.deleteSnapshot.run(caseId, id)
      }
    })()
  }

  async startMeeting(m: MeetingRecord): Promise<boolean> {
    // The partial unique index allows one meeting going on per case: a second start does nothing.
    const s = this.content.sealMeetingStart(m)
    return this.stmts.insertMeeting.run(m.id, m.caseId, m.startedAt, s.startedBy, s.participants, s.note).changes > 0
  }
  async currentMeeting(caseId: string): Promise<MeetingRecord | null> {
    const r = this.stmts.currentMeeting.get(caseId)
    return r ? this.content.meetingOf(r) : null
  }
  async getMeeting(caseId: string, id: string): Promise<MeetingRecord | null> {
    const r = this.stmts.getMeeting.get(caseId, id)
    return r ? this.content.meetingOf(r) : null
  }
  async listMeetings(caseId: string): Promise<MeetingRecord[]> {
    return this.stmts.listMeetings.all(caseId).map((r) => this.content.meetingOf(r))
  }
  async lastEndedMeeting(caseId: string): Promise<MeetingRecord | null> {
    const r = this.stmts.lastEndedMeeting.get(caseId)
    return r ? this.content.meetingOf(r) : null
  }
  async endMeeting(e: MeetingEnd): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.stmts.currentMeeting.get(e.caseId)?.id !== e.id) return false
      this.insertSnapshot(e.snapshot.record, e.snapshot.state, e.snapshot.planJson)
      const s = this.content.sealMeetingEnd(e)
      this.stmts.endMeeting.run(e.endedAt, s.endedBy, s.participants, s.note, e.snapshot.record.id, e.caseId, e.id)
      this.stmts.setNextMeeting.run(e.nextMeeting, e.caseId)
      return true
    })()
  }
  async nextMeeting(caseId: string): Promise<string | null> {
    return this.stmts.getNextMeeting.get(caseId)?.next_meeting ?? null
  }
  async setNextMeeting(caseId: string, day: string | null): Promise<void> {
    this.stmts.setNextMeeting.run(day, caseId)
  }

  async setArchived(id: string, at: number | null): Promise<CaseRecord | null> {
    if (at === null) this.stmts.reopenCase.run(id)
    else this.stmts.archiveCase.run(at, id)
    return this.getCase(id)
  }

  async close(): Promise<void> {
    await this.docLog.close()
    if (this.db.open) this.writeAuditBacklog()
    if (this.db.open) this.db.close()
  }
}

const SQLITE_MAGIC = 'SQLite format 3\u0000'

/**
 * Look at the file header before SQLite does: a damaged header otherwise surfaces as a misleading
 * error such as 'attempt to write a readonly database' (bytes 18–19 are the read/write format
 * versions; anything but 1 or 2 makes SQLite open the file read-only).
 */
function checkHeader(file: string): void {
  let fd: number
  try {
    fd = fs.openSync(file, 'r')
  } catch {
    return // a new database
  }
  try {
    const head = Buffer.alloc(100)
    const n = fs.readSync(fd, head, 0, 100, 0)
    if (n === 0) return
    const damaged = (what: string) => new DatabaseFileError(
      `The database file ${file} is damaged (${what}). Stop here: restore it from your latest backup ` +
      '(see README, "Backup"), or move it aside to start with an empty database.')
    if (n < 100 || head.toString('latin1', 0, 16) !== SQLITE_MAGIC) throw damaged('it is not an SQLite database')
    for (const at of [18, 19]) {
      const v = head[at] as number
      if (v !== 1 && v !== 2) throw damaged(`header byte ${at} is ${v}, expected 1 or 2`)
    }
  } finally {
    fs.closeSync(fd)
  }
}

function explainOpenError(file: string, err: unknown): Error {
  const code = (err as { code?: string }).code ?? ''
  if (/^SQLITE_(CORRUPT|NOTADB)/.test(code)) {
    return new DatabaseFileError(`The database file ${file} is damaged (${code}). Restore it from your latest backup (see README, "Backup").`)
  }
  if (/^SQLITE_(READONLY|CANTOPEN|PERM)/.test(code)) {
    return new DatabaseFileError(`Cannot write the database file ${file} (${code}): check that the server may write DATA_DIR and the files in it.`)
  }
  if (/^SQLITE_(FULL|IOERR)/.test(code)) {
    return new DatabaseFileError(`Cannot write the database file ${file} (${code}): the disk is full or failing.`)
  }
  return err instanceof Error ? err : new Error(String(err))
}
