/**
 * SQLite storage (better-sqlite3, WAL). The one module that touches the database.
 *
 * Durability: every update is appended in its own committed transaction before it is relayed.
 * With WAL and synchronous=FULL a committed row survives a process crash (kill -9) and a power
 * loss.
 */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import type { AuditEntry, CaseRecord, InviteRecord, SessionRecord, SnapshotRecord, Storage, StoredDoc } from './storage.ts'
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
]

export const DB_SCHEMA_VERSION = MIGRATIONS.length

export function openSqliteStorage(dataDir: string): SqliteStorage {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  return new SqliteStorage(path.join(dataDir, 'keukentafel.db'))
}

export class SqliteStorage implements Storage {
  private db: Database.Database
  private stmts: ReturnType<SqliteStorage['prepare']>

  constructor(file: string) {
    this.db = new Database(file)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = FULL')
    this.db.pragma('foreign_keys = ON')
    this.db.pragma('busy_timeout = 5000')
    // Erased data must not linger in free pages.
    this.db.pragma('secure_delete = ON')
    this.migrate()
    this.stmts = this.prepare()
  }

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
      insertState: db.prepare('INSERT INTO case_state (case_id, state, upto_seq) VALUES (?, ?, 0)'),
      listCases: db.prepare<[], CaseRow>('SELECT * FROM cases ORDER BY updated_at DESC, created_at DESC'),
      getCase: db.prepare<[string], CaseRow>('SELECT * FROM cases WHERE id = ?'),
      touchCase: db.prepare('UPDATE cases SET updated_at = ? WHERE id = ? AND updated_at < ?'),
      deleteCase: db.prepare('DELETE FROM cases WHERE id = ?'),
      getState: db.prepare<[string], { state: Buffer; upto_seq: number }>('SELECT state, upto_seq FROM case_state WHERE case_id = ?'),
      getUpdates: db.prepare<[string, number], { seq: number; data: Buffer }>('SELECT seq, data FROM case_updates WHERE case_id = ? AND seq > ? ORDER BY seq'),
      appendUpdate: db.prepare('INSERT INTO case_updates (case_id, data, created_at) VALUES (?, ?, ?)'),
      upsertState: db.prepare('INSERT INTO case_state (case_id, state, upto_seq) VALUES (?, ?, ?) ON CONFLICT(case_id) DO UPDATE SET state = excluded.state, upto_seq = excluded.upto_seq'),
      deleteUpdatesUpto: db.prepare('DELETE FROM case_updates WHERE case_id = ? AND seq <= ?'),
      countUpdates: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM case_updates WHERE case_id = ?'),
      insertInvite: db.prepare('INSERT INTO invites (token_hash, case_id, role, created_at, expires_at) VALUES (?, ?, ?, ?, ?)'),
      findInvite: db.prepare<[string], InviteRow>('SELECT * FROM invites WHERE token_hash = ?'),
      insertSession: db.prepare('INSERT INTO sessions (id_hash, role, created_at, expires_at) VALUES (?, ?, ?, ?)'),
      findSession: db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id_hash = ?'),
      deleteSession: db.prepare('DELETE FROM sessions WHERE id_hash = ?'),
      purgeSessions: db.prepare('DELETE FROM sessions WHERE expires_at <= ?'),
      purgeInvites: db.prepare('DELETE FROM invites WHERE expires_at <= ?'),
      audit: db.prepare('INSERT INTO audit (at, actor, role, action, case_id) VALUES (?, ?, ?, ?, ?)'),
      insertSnapshot: db.prepare('INSERT INTO snapshots (id, case_id, label, created_at, saved_by, auto, schema_version, state, plan, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      listSnapshots: db.prepare<[string], SnapshotMetaRow>('SELECT id, case_id, label, created_at, saved_by, auto, schema_version, summary FROM snapshots WHERE case_id = ? ORDER BY created_at DESC, rowid DESC'),
      getSnapshot: db.prepare<[string, string], SnapshotMetaRow & { plan: string }>('SELECT id, case_id, label, created_at, saved_by, auto, schema_version, summary, plan FROM snapshots WHERE case_id = ? AND id = ?'),
      getSnapshotState: db.prepare<[string, string], { state: Buffer; schema_version: number }>('SELECT state, schema_version FROM snapshots WHERE case_id = ? AND id = ?'),
      latestSnapshot: db.prepare<[string], SnapshotMetaRow & { plan: string }>('SELECT id, case_id, label, created_at, saved_by, auto, schema_version, summary, plan FROM snapshots WHERE case_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1'),
    }
  }

  getSetting(key: string): string | null {
    return this.stmts.getSetting.get(key)?.value ?? null
  }
  setSetting(key: string, value: string): void {
    this.stmts.setSetting.run(key, value)
  }

  createCase(r: CaseRecord, initialState: Uint8Array): void {
    this.db.transaction(() => {
      this.stmts.insertCase.run(r.id, r.title, r.template, r.createdAt, r.updatedAt)
      this.stmts.insertState.run(r.id, Buffer.from(initialState))
    })()
  }
  listCases(): CaseRecord[] {
    return this.stmts.listCases.all().map(toCase)
  }
  getCase(id: string): CaseRecord | null {
    const row = this.stmts.getCase.get(id)
    return row ? toCase(row) : null
  }
  touchCase(id: string, at: number): void {
    this.stmts.touchCase.run(at, id, at)
  }
  eraseCase(id: string): boolean {
    // ON DELETE CASCADE removes state, updates and invites in the same transaction.
    const changes = this.db.transaction(() => this.stmts.deleteCase.run(id).changes)()
    if (changes > 0) this.db.pragma('wal_checkpoint(TRUNCATE)')
    return changes > 0
  }

  loadDoc(caseId: string): StoredDoc {
    return this.db.transaction(() => {
      const st = this.stmts.getState.get(caseId)
      const from = st?.upto_seq ?? 0
      const rows = this.stmts.getUpdates.all(caseId, from)
      return {
        state: st ? new Uint8Array(st.state) : null,
        updates: rows.map((r) => new Uint8Array(r.data)),
        lastSeq: rows.length ? (rows[rows.length - 1] as { seq: number }).seq : from,
      }
    })()
  }
  appendUpdate(caseId: string, update: Uint8Array, at: number): number {
    return Number(this.stmts.appendUpdate.run(caseId, Buffer.from(update), at).lastInsertRowid)
  }
  compact(caseId: string, state: Uint8Array, uptoSeq: number): void {
    this.db.transaction(() => {
      this.stmts.upsertState.run(caseId, Buffer.from(state), uptoSeq)
      this.stmts.deleteUpdatesUpto.run(caseId, uptoSeq)
    })()
  }
  countUpdates(caseId: string): number {
    return this.stmts.countUpdates.get(caseId)?.n ?? 0
  }

  createInvite(i: InviteRecord): void {
    this.stmts.insertInvite.run(i.tokenHash, i.caseId, i.role, i.createdAt, i.expiresAt)
  }
  findInvite(tokenHash: string): InviteRecord | null {
    const r = this.stmts.findInvite.get(tokenHash)
    return r ? { tokenHash: r.token_hash, caseId: r.case_id, role: r.role as Role, createdAt: r.created_at, expiresAt: r.expires_at } : null
  }

  createSession(s: SessionRecord): void {
    this.stmts.insertSession.run(s.idHash, s.role, s.createdAt, s.expiresAt)
  }
  findSession(idHash: string): SessionRecord | null {
    const r = this.stmts.findSession.get(idHash)
    return r ? { idHash: r.id_hash, role: r.role as Role, createdAt: r.created_at, expiresAt: r.expires_at } : null
  }
  deleteSession(idHash: string): void {
    this.stmts.deleteSession.run(idHash)
  }
  purgeExpired(now: number): void {
    this.stmts.purgeSessions.run(now)
    this.stmts.purgeInvites.run(now)
  }

  audit(e: AuditEntry): void {
    this.stmts.audit.run(e.at, e.actor, e.role, e.action, e.caseId)
  }

  createSnapshot(r: SnapshotRecord, state: Uint8Array, planJson: string): void {
    this.stmts.insertSnapshot.run(r.id, r.caseId, r.label, r.createdAt, JSON.stringify(r.savedBy), r.auto ? 1 : 0, r.schemaVersion, Buffer.from(state), planJson, JSON.stringify(r.summary))
  }
  listSnapshots(caseId: string): SnapshotRecord[] {
    return this.stmts.listSnapshots.all(caseId).map(toSnapshot)
  }
  getSnapshot(caseId: string, id: string): { meta: SnapshotRecord; planJson: string } | null {
    const r = this.stmts.getSnapshot.get(caseId, id)
    return r ? { meta: toSnapshot(r), planJson: r.plan } : null
  }
  getSnapshotState(caseId: string, id: string): { state: Uint8Array; schemaVersion: number } | null {
    const r = this.stmts.getSnapshotState.get(caseId, id)
    return r ? { state: new Uint8Array(r.state), schemaVersion: r.schema_version } : null
  }
  latestSnapshot(caseId: string): { meta: SnapshotRecord; planJson: string } | null {
    const r = this.stmts.latestSnapshot.get(caseId)
    return r ? { meta: toSnapshot(r), planJson: r.plan } : null
  }

  close(): void {
    if (this.db.open) this.db.close()
  }
}

interface SnapshotMetaRow { id: string; case_id: string; label: string; created_at: number; saved_by: string; auto: number; schema_version: number; summary: string }

function toSnapshot(r: SnapshotMetaRow): SnapshotRecord {
  return {
    id: r.id, caseId: r.case_id, label: r.label, createdAt: r.created_at, savedBy: JSON.parse(r.saved_by),
    auto: r.auto === 1, schemaVersion: r.schema_version, summary: JSON.parse(r.summary),
  }
}

interface CaseRow { id: string; title: string; template: string; created_at: number; updated_at: number }
interface InviteRow { token_hash: string; case_id: string; role: string; created_at: number; expires_at: number }
interface SessionRow { id_hash: string; role: string; created_at: number; expires_at: number }

function toCase(r: CaseRow): CaseRecord {
  return { id: r.id, title: r.title, template: r.template, createdAt: r.created_at, updatedAt: r.updated_at }
}
