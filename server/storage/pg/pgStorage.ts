/**
 * PostgreSQL storage (DATABASE_URL): the whole Storage interface of storage.ts on a connection
 * pool, with the document log in pgDocLog.ts and accounts in pgAccounts.ts. Case content is sealed
 * with each case's own key exactly as on SQLite (caseKeys.ts, caseContent.ts): the key files stay
 * outside the database, in KEY_DIR — with several instances one folder shared by all of them.
 * Erasure destroys the case's key first, then deletes its rows.
 *
 * Atomic operations (ending a meeting with its snapshot, pruning snapshots) are one transaction
 * each; the audit log is buffered in memory and written in batches, as on SQLite.
 */
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { ListedSnapshot } from '../../../shared/api.ts'
import { auditGround } from '../storage.ts'
import type { AuditEntry, AuditExportRow, AuditRow, CaseRecord, CaseSessionRecord, InviteRecord, MeetingEnd, MeetingRecord, NewInvite, SessionRecord, SnapshotRecord, Storage } from '../storage.ts'
import type { AccountStore } from '../accountStore.ts'
import { CaseKeys } from '../caseKeys.ts'
import { CaseContent, MEETING_OF, SNAPSHOT_META, toInvite, type CaseRow, type CaseSessionRow, type InviteRow, type MeetingRow, type SessionRow, type SnapshotMetaRow, type SnapshotStateRow } from '../caseContent.ts'
import { StorageHealth } from '../health.ts'
import { AuditBuffer } from '../auditBuffer.ts'
import type { SealingOptions } from '../sqlite.ts'
import { migrate } from './migrations.ts'
import { PgAccounts } from './pgAccounts.ts'
import { PgDocLog } from './pgDocLog.ts'
import { inTransaction, openPool, type Pool, type Queryable } from './pool.ts'

/** Connect, migrate (once, whichever instance comes first) and open the storage. */
export async function openPgStorage(url: string, dataDir: string, sealing: SealingOptions = {}): Promise<PgStorage> {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const keys = new CaseKeys({
    dir: sealing.keyDir ?? path.join(dataDir, 'keys'), master: sealing.masterKey ?? null, previous: sealing.masterKeyPrevious ?? null,
    dataDir, log: sealing.log,
  })
  const storage = new PgStorage(url, keys)
  try {
    await migrate(storage.pool)
  } catch (err) {
    await storage.pool.end().catch(() => {})
    throw err
  }
  return storage
}

export class PgStorage implements Storage {
  readonly health = new StorageHealth()
  readonly pool: Pool
  readonly docLog: PgDocLog
  readonly accounts: AccountStore
  private readonly content: CaseContent
  private auditBuffer = new AuditBuffer(() => {
    if (!this.closed) void this.retryPending()
  })
  private auditWriting: Promise<boolean> | null = null
  private closed = false

  constructor(url: string, readonly keys: CaseKeys) {
    // An idle connection that breaks (PostgreSQL restarted) is replaced on the next query; the
    // failure shows in health when a query fails.
    this.pool = openPool(url, () => {})
    this.docLog = new PgDocLog(this.pool, keys)
    this.accounts = new PgAccounts(this.pool)
    this.content = new CaseContent(keys)
  }

  private async rows<R>(sql: string, params: unknown[] = [], on: Queryable = this.pool): Promise<R[]> {
    return (await on.query(sql, params)).rows as R[]
  }
  private async row<R>(sql: string, params: unknown[] = [], on: Queryable = this.pool): Promise<R | undefined> {
    return (await this.rows<R>(sql, params, on))[0]
  }
  private async changes(sql: string, params: unknown[], on: Queryable = this.pool): Promise<number> {
    return (await on.query(sql, params)).rowCount ?? 0
  }

  async getSetting(key: string): Promise<string | null> {
    return (await this.row<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key]))?.value ?? null
  }
  async setSetting(key: string, value: string): Promise<void> {
    await this.pool.query('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value])
  }

  async createCase(r: CaseRecord, initialState: Uint8Array): Promise<void> {
    this.keys.create(r.id)
    const { state, sum } = this.content.sealedState(r.id, initialState)
    await inTransaction(this.pool, async (c) => {
      await c.query('INSERT INTO cases (id, title, template, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)',
        [r.id, this.content.sealTitle(r.id, r.title), r.template, r.createdAt, r.updatedAt])
      await c.query('INSERT INTO case_state (case_id, state, upto_seq, sum) VALUES ($1, $2, 0, $3)', [r.id, state, sum])
    })
  }
  async listCases(): Promise<CaseRecord[]> {
    return (await this.rows<CaseRow>('SELECT * FROM cases ORDER BY updated_at DESC, created_at DESC')).map((r) => this.content.caseOf(r))
  }
  async getCase(id: string): Promise<CaseRecord | null> {
    const r = await this.row<CaseRow>('SELECT * FROM cases WHERE id = $1', [id])
    return r ? this.content.caseOf(r) : null
  }
  async touchCase(id: string, at: number): Promise<void> {
    await this.pool.query('UPDATE cases SET updated_at = $1 WHERE id = $2 AND updated_at < $1', [at, id])
  }
  vanishedKeys(): string[] {
    return this.keys.vanished()
  }
  forgetErased(id: string): void {
    this.keys.erase(id)
  }
  async eraseCase(id: string): Promise<boolean> {
    // The key goes first: from here every copy of the case's content (the database, its WAL,
    // any dump or backup) is undecryptable, whatever happens to the rows below.
    this.keys.erase(id)
    // ON DELETE CASCADE removes state, updates, invites, snapshots and meetings in the same transaction.
    return (await this.changes('DELETE FROM cases WHERE id = $1', [id])) > 0
  }

  async createInvite(i: NewInvite): Promise<string> {
    const id = i.id ?? randomBytes(16).toString('hex')
    await this.pool.query('INSERT INTO invites (token_hash, case_id, role, created_at, expires_at, id, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [i.tokenHash, i.caseId, i.role, i.createdAt, i.expiresAt, id, i.createdBy ?? null])
    return id
  }
  async findInvite(tokenHash: string): Promise<InviteRecord | null> {
    const r = await this.row<InviteRow>('SELECT * FROM invites WHERE token_hash = $1', [tokenHash])
    return r ? toInvite(r) : null
  }
  async listInvites(caseId: string): Promise<InviteRecord[]> {
    return (await this.rows<InviteRow>('SELECT * FROM invites WHERE case_id = $1 ORDER BY created_at DESC, ord DESC', [caseId])).map(toInvite)
  }
  async revokeInvite(caseId: string, id: string, at: number): Promise<boolean> {
    return (await this.changes('UPDATE invites SET revoked_at = coalesce(revoked_at, $1) WHERE case_id = $2 AND id = $3', [at, caseId, id])) > 0
  }

  async createSession(s: SessionRecord): Promise<void> {
    await this.pool.query('INSERT INTO sessions (id_hash, role, created_at, expires_at, account_id) VALUES ($1, $2, $3, $4, $5)',
      [s.idHash, s.role, s.createdAt, s.expiresAt, s.accountId])
  }
  async findSession(idHash: string): Promise<SessionRecord | null> {
    const r = await this.row<SessionRow>('SELECT * FROM sessions WHERE id_hash = $1', [idHash])
    return r ? { idHash: r.id_hash, role: r.role as SessionRecord['role'], createdAt: r.created_at, expiresAt: r.expires_at, accountId: r.account_id } : null
  }
  async deleteSession(idHash: string): Promise<void> {
    await this.pool.query('DELETE FROM sessions WHERE id_hash = $1', [idHash])
  }
  async createCaseSession(s: CaseSessionRecord): Promise<void> {
    await this.pool.query('INSERT INTO case_sessions (id_hash, invite_hash, case_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [s.idHash, s.inviteHash, s.caseId, s.createdAt, s.expiresAt])
  }
  async findCaseSession(idHash: string): Promise<CaseSessionRecord | null> {
    const r = await this.row<CaseSessionRow>('SELECT * FROM case_sessions WHERE id_hash = $1', [idHash])
    return r ? { idHash: r.id_hash, inviteHash: r.invite_hash, caseId: r.case_id, createdAt: r.created_at, expiresAt: r.expires_at } : null
  }
  async purgeExpired(now: number): Promise<void> {
    await inTransaction(this.pool, async (c) => {
      await c.query('DELETE FROM sessions WHERE expires_at <= $1', [now])
      await c.query('DELETE FROM case_sessions WHERE expires_at <= $1', [now])
      await c.query('DELETE FROM invites WHERE expires_at <= $1', [now])
    })
  }

  audit(e: AuditEntry): void {
    // Entries of one turn of the event loop are written in one statement, after the turn (auditBuffer.ts).
    this.auditBuffer.push(e)
  }


  async listAudit(caseId: string, before: number, limit: number): Promise<AuditRow[]> {
    // Entries logged before are written first, so a read sees everything logged before it.
    await this.retryPending()
    return this.rows<AuditRow>('SELECT at, actor, role, action, ground FROM audit WHERE case_id = $1 AND at < $2 ORDER BY at DESC, id DESC LIMIT $3', [caseId, before, limit])
  }
  async exportAudit(from: number, to: number): Promise<AuditExportRow[]> {
    await this.retryPending()
    return this.rows<AuditExportRow>('SELECT at, actor, role, action, case_id AS "caseId", ground FROM audit WHERE at >= $1 AND at < $2 ORDER BY at, id', [from, to])
  }

  /** Write the audit entries waiting in memory (one batch at a time, in order); true when none are left. */
  retryPending(): Promise<boolean> {
    const previous = this.auditWriting ?? Promise.resolve(true)
    const next = previous.then(() => this.writeAudit())
    this.auditWriting = next
    void next.finally(() => { if (this.auditWriting === next) this.auditWriting = null })
    return next
  }

  private async writeAudit(): Promise<boolean> {
    const rows = this.auditBuffer.take()
    if (rows.length === 0) return true
    try {
      await this.pool.query(`INSERT INTO audit (at, actor, role, action, case_id, ground) SELECT at, actor, role, action, case_id, ground
        FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS u(at, actor, role, action, case_id, ground, n) ORDER BY n`,
      [rows.map((e) => e.at), rows.map((e) => e.actor), rows.map((e) => e.role), rows.map((e) => e.action), rows.map((e) => e.caseId), rows.map((e) => auditGround(e))])
      this.health.succeeded('audit')
      return true
    } catch (err) {
      // Kept for the next retry, in order, before anything logged since.
      this.auditBuffer.putBack(rows)
      this.health.failed('audit', err)
      return false
    }
  }


  async createSnapshot(r: SnapshotRecord, state: Uint8Array, planJson: string): Promise<void> {
    await inTransaction(this.pool, (c) => this.insertSnapshot(c, r, state, planJson))
  }

  /** createSnapshot's writes, on the connection of a transaction (endMeeting runs them in its own). */
  private async insertSnapshot(c: Queryable, r: SnapshotRecord, state: Uint8Array, planJson: string): Promise<void> {
    // One snapshot at a time per case: each is stored against the latest full one.
    await c.query('SELECT id FROM cases WHERE id = $1 FOR UPDATE', [r.caseId])
    const base = await this.row<{ id: string; state: Buffer }>('SELECT id, state FROM snapshots WHERE case_id = $1 AND base_id IS NULL ORDER BY created_at DESC, ord DESC LIMIT 1', [r.caseId], c)
    const s = this.content.sealSnapshot(r, state, planJson, base)
    await c.query('INSERT INTO snapshots (id, case_id, label, created_at, saved_by, auto, schema_version, state, plan, summary, base_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)',
      [r.id, r.caseId, s.label, r.createdAt, s.savedBy, r.auto ? 1 : 0, r.schemaVersion, s.state, s.plan, s.summary, s.baseId])
  }
  async listSnapshots(caseId: string): Promise<ListedSnapshot[]> {
    return (await this.rows<SnapshotMetaRow>(`SELECT ${SNAPSHOT_META} FROM snapshots s ${MEETING_OF} WHERE s.case_id = $1 ORDER BY s.created_at DESC, s.ord DESC`, [caseId]))
      .map((r) => this.content.snapshotOf(r))
  }
  async getSnapshot(caseId: string, id: string): Promise<{ meta: ListedSnapshot; planJson: string } | null> {
    const r = await this.row<SnapshotMetaRow & { plan: string }>(`SELECT ${SNAPSHOT_META}, s.plan FROM snapshots s ${MEETING_OF} WHERE s.case_id = $1 AND s.id = $2`, [caseId, id])
    return r ? this.content.snapshotWithPlan(r) : null
  }
  async getSnapshotState(caseId: string, id: string): Promise<{ state: Uint8Array; schemaVersion: number } | null> {
    const rows = await this.rows<SnapshotStateRow & { id: string }>(
      `SELECT id, state, schema_version, base_id FROM snapshots WHERE case_id = $1 AND (id = $2 OR id = (SELECT base_id FROM snapshots WHERE case_id = $1 AND id = $2))`, [caseId, id])
    return this.content.snapshotState(caseId, rows.find((r) => r.id === id), (baseId) => rows.find((r) => r.id === baseId))
  }
  async latestSnapshot(caseId: string): Promise<{ meta: ListedSnapshot; planJson: string } | null> {
    const r = await this.row<SnapshotMetaRow & { plan: string }>(`SELECT ${SNAPSHOT_META}, s.plan FROM snapshots s ${MEETING_OF} WHERE s.case_id = $1 ORDER BY s.created_at DESC, s.ord DESC LIMIT 1`, [caseId])
    return r ? this.content.snapshotWithPlan(r) : null
  }
  async deleteSnapshots(caseId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return
    const gone = new Set(ids)
    await inTransaction(this.pool, async (c) => {
      await c.query('SELECT id FROM cases WHERE id = $1 FOR UPDATE', [caseId])
      for (const id of ids) {
        const row = await this.row<SnapshotStateRow>('SELECT state, base_id FROM snapshots WHERE case_id = $1 AND id = $2', [caseId, id], c)
        if (!row) continue
        // A full snapshot that kept ones are stored against hands its content over to them first.
        const state = this.content.fullState(caseId, row)
        if (state) {
          const dependents = (await this.rows<{ id: string; state: Buffer }>('SELECT id, state FROM snapshots WHERE case_id = $1 AND base_id = $2 ORDER BY created_at DESC, ord DESC', [caseId, id], c))
            .filter((d) => !gone.has(d.id))
          for (const d of this.content.rebase(caseId, state, dependents)) {
            await c.query('UPDATE snapshots SET state = $1, base_id = $2 WHERE case_id = $3 AND id = $4', [d.state, d.baseId, caseId, d.id])
          }
        }
        await c.query('DELETE FROM snapshots WHERE case_id = $1 AND id = $2', [caseId, id])
      }
    })
  }

  async startMeeting(m: MeetingRecord): Promise<boolean> {
    // The partial unique index allows one meeting going on per case: a second start does nothing.
    const s = this.content.sealMeetingStart(m)
    return (await this.changes('INSERT INTO meetings (id, case_id, started_at, started_by, participants, note) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING',
      [m.id, m.caseId, m.startedAt, s.startedBy, s.participants, s.note])) > 0
  }
  private async meetingWhere(where: string, params: unknown[]): Promise<MeetingRecord | null> {
    const r = await this.row<MeetingRow>(`SELECT * FROM meetings WHERE ${where}`, params)
    return r ? this.content.meetingOf(r) : null
  }
  currentMeeting(caseId: string): Promise<MeetingRecord | null> {
    return this.meetingWhere('case_id = $1 AND ended_at IS NULL', [caseId])
  }
  getMeeting(caseId: string, id: string): Promise<MeetingRecord | null> {
    return this.meetingWhere('case_id = $1 AND id = $2', [caseId, id])
  }
  async listMeetings(caseId: string): Promise<MeetingRecord[]> {
    return (await this.rows<MeetingRow>('SELECT * FROM meetings WHERE case_id = $1 ORDER BY started_at DESC, ord DESC', [caseId])).map((r) => this.content.meetingOf(r))
  }
  lastEndedMeeting(caseId: string): Promise<MeetingRecord | null> {
    return this.meetingWhere('case_id = $1 AND ended_at IS NOT NULL ORDER BY ended_at DESC, ord DESC LIMIT 1', [caseId])
  }
  async endMeeting(e: MeetingEnd): Promise<boolean> {
    return inTransaction(this.pool, async (c) => {
      // Locks the meeting row: two ends at once end it once.
      const going = await this.row<{ id: string }>('SELECT id FROM meetings WHERE case_id = $1 AND ended_at IS NULL FOR UPDATE', [e.caseId], c)
      if (going?.id !== e.id) return false
      await this.insertSnapshot(c, e.snapshot.record, e.snapshot.state, e.snapshot.planJson)
      const s = this.content.sealMeetingEnd(e)
      await c.query('UPDATE meetings SET ended_at = $1, ended_by = $2, participants = $3, note = $4, snapshot_id = $5 WHERE case_id = $6 AND id = $7 AND ended_at IS NULL',
        [e.endedAt, s.endedBy, s.participants, s.note, e.snapshot.record.id, e.caseId, e.id])
      await c.query('UPDATE cases SET next_meeting = $1 WHERE id = $2', [e.nextMeeting, e.caseId])
      return true
    })
  }
  async nextMeeting(caseId: string): Promise<string | null> {
    return (await this.row<{ next_meeting: string | null }>('SELECT next_meeting FROM cases WHERE id = $1', [caseId]))?.next_meeting ?? null
  }
  async setNextMeeting(caseId: string, day: string | null): Promise<void> {
    await this.pool.query('UPDATE cases SET next_meeting = $1 WHERE id = $2', [day, caseId])
  }

  async setArchived(id: string, at: number | null): Promise<CaseRecord | null> {
    const r = at === null
      ? await this.row<CaseRow>('UPDATE cases SET archived_at = NULL WHERE id = $1 RETURNING *', [id])
      : await this.row<CaseRow>('UPDATE cases SET archived_at = coalesce(archived_at, $1) WHERE id = $2 RETURNING *', [at, id])
    return r ? this.content.caseOf(r) : null
  }

  async close(): Promise<void> {
    if (this.closed) return
    await this.docLog.close()
    await this.retryPending()
    this.closed = true
    await this.pool.end()
  }
}
