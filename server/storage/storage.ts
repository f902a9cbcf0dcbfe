/**
 * The storage verbs the rest of the server uses. Only the module implementing this touches the
 * database, so a second backend (PostgreSQL) can stand beside SQLite later.
 */
import type { Role } from '../../shared/schema.ts'
import type { SnapshotMeta, SnapshotSummary } from '../../shared/snapshotApi.ts'

export interface CaseRecord {
  id: string
  title: string
  template: string
  createdAt: number
  updatedAt: number
}

export interface StoredDoc {
  /** The compacted state (a Yjs update), or null before the first compaction. */
  state: Uint8Array | null
  /** Updates appended after that state, in order. */
  updates: Uint8Array[]
  /** Sequence number of the last update included (state or log); pass to compact(). */
  lastSeq: number
}

export interface InviteRecord {
  tokenHash: string
  caseId: string
  role: Role
  createdAt: number
  expiresAt: number
}

export interface SessionRecord {
  idHash: string
  role: Role
  createdAt: number
  expiresAt: number
}

export interface AuditEntry {
  at: number
  /** Who acted, without personal data: e.g. 'session:1a2b3c', 'key', 'invite:9f8e7d'. */
  actor: string
  role: Role | 'anonymous'
  action: string
  caseId: string | null
}

/** Snapshots are stored with their meta as the API lists it. */
export type SnapshotRecord = SnapshotMeta
export type { SnapshotSummary }

export interface Storage {
  getSetting(key: string): string | null
  setSetting(key: string, value: string): void

  createCase(record: CaseRecord, initialState: Uint8Array): void
  listCases(): CaseRecord[]
  getCase(id: string): CaseRecord | null
  touchCase(id: string, at: number): void
  /** Remove the case and everything stored for it (log, state, invites). Audit entries keep only the id. */
  eraseCase(id: string): boolean

  loadDoc(caseId: string): StoredDoc
  appendUpdate(caseId: string, update: Uint8Array, at: number): number
  /** Replace state + log up to `uptoSeq` by one state row, in one transaction. */
  compact(caseId: string, state: Uint8Array, uptoSeq: number): void
  countUpdates(caseId: string): number

  createInvite(invite: InviteRecord): void
  findInvite(tokenHash: string): InviteRecord | null

  createSession(session: SessionRecord): void
  findSession(idHash: string): SessionRecord | null
  deleteSession(idHash: string): void
  purgeExpired(now: number): void

  /** Snapshots: the full document state, the derived plan (JSON text) and a summary. */
  createSnapshot(record: SnapshotRecord, state: Uint8Array, planJson: string): void
  /** Newest first, without state or plan. */
  listSnapshots(caseId: string): SnapshotRecord[]
  getSnapshot(caseId: string, id: string): { meta: SnapshotRecord; planJson: string } | null
  getSnapshotState(caseId: string, id: string): { state: Uint8Array; schemaVersion: number } | null
  latestSnapshot(caseId: string): { meta: SnapshotRecord; planJson: string } | null

  audit(entry: AuditEntry): void
  close(): void
}
