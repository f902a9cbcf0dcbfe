/**
 * The storage the rest of the server uses: small interfaces by concern, all asynchronous, so the
 * embedded SQLite database (sqlite.ts) and PostgreSQL (pg/pgStorage.ts, DATABASE_URL) implement
 * the same seam. The document log (the hot path) has group commit (docLog.ts); the others are
 * short indexed reads and writes — what must be atomic is one method (one transaction), never
 * split across awaits by the caller. `audit` stays synchronous: fire-and-forget, buffered.
 */
import type { AccountRole, AuditGround, ListedSnapshot, Meeting, MeetingActor, MeetingParticipant } from '../../shared/api.ts'
import type { Role } from '../../shared/schema.ts'
import type { AccountStore } from './accountStore.ts'
import type { CaseKeys } from './caseKeys.ts'
import type { SnapshotMeta, SnapshotSummary } from '../../shared/snapshotApi.ts'
import type { DocLog } from './docLog.ts'
import type { StorageHealth } from './health.ts'

export interface CaseRecord {
  id: string
  title: string
  template: string
  createdAt: number
  updatedAt: number
  /** When the case was archived (closed); null or absent: open. */
  archivedAt?: number | null
}

export interface InviteRecord {
  /** Public id (listing, revoking); never the token. */
  id: string
  tokenHash: string
  caseId: string
  role: Role
  createdAt: number
  expiresAt: number
  /** Non-personal reference of who created it (as in the audit log); null for invites from before. */
  createdBy: string | null
  revokedAt: number | null
}

/** What createInvite needs: the id is generated when absent. */
export type NewInvite = Omit<InviteRecord, 'id' | 'createdBy' | 'revokedAt'> & { id?: string; createdBy?: string | null }

export interface SessionRecord {
  idHash: string
  /** The account's role when the session began (the account's current role is what counts). */
  role: AccountRole
  /** Every session belongs to a personal account (auth/accounts.ts). */
  accountId: string
  createdAt: number
  expiresAt: number
}

/** An invite redeemed for an HttpOnly cookie: found by the SHA-256 of its id, bound to one invite. */
export interface CaseSessionRecord {
  idHash: string
  /** The invite's token hash: the session lives only as long as that invite. */
  inviteHash: string
  caseId: string
  createdAt: number
  expiresAt: number
}

export interface AuditEntry {
  at: number
  /** Who acted, without personal data: e.g. 'session:1a2b3c', 'key', 'invite:9f8e7d'. */
  actor: string
  role: Role | AccountRole | 'service' | 'anonymous'
  action: string
  caseId: string | null
  /** The processing ground; absent: derived from action and role (auditGround). */
  ground?: AuditGround
}

/** A stored audit row as a case's log lists it (no case id: the query is per case). */
export interface AuditRow {
  at: number
  actor: string
  role: string
  action: string
  ground: AuditGround
}

/** An audit row as the data-protection export lists it (all cases of a period). */
export interface AuditExportRow extends AuditRow {
  caseId: string | null
}

/** Actions about access itself (signing in, refused credentials, the log's own dropped entries). */
const SECURITY_ACTIONS = new Set(['login', 'login.oidc', 'login.failed', 'logout', 'invite.redeem.failed', 'account.activate'])

/**
 * The processing ground of an audit entry (docs/security.md): erasing a case is `erasure`; signing
 * in and refused credentials `security`; coordinators' reads `review`; all other work on a case by
 * professionals and residents `intake`.
 */
export function auditGround(e: Pick<AuditEntry, 'action' | 'role' | 'ground'>): AuditGround {
  if (e.ground) return e.ground
  if (e.action === 'case.erase') return 'erasure'
  if (SECURITY_ACTIONS.has(e.action) || e.action.startsWith('audit.dropped')) return 'security'
  if (e.role === 'coordinator') return 'review'
  return 'intake'
}

/** Snapshots are stored with their meta as the API lists it. */
export type SnapshotRecord = SnapshotMeta
export type { SnapshotSummary }

export interface SettingsStore {
  getSetting(key: string): Promise<string | null>
  setSetting(key: string, value: string): Promise<void>
}

export interface CaseStore {
  createCase(record: CaseRecord, initialState: Uint8Array): Promise<void>
  listCases(): Promise<CaseRecord[]>
  getCase(id: string): Promise<CaseRecord | null>
  touchCase(id: string, at: number): Promise<void>
  /** Remove the case and everything stored for it (log, state, invites, snapshots). Audit entries keep only the id. */
  eraseCase(id: string): Promise<boolean>
  /**
   * Another instance erased the case: drop its key from this instance's memory (the key file is
   * gone already), so nothing of it is sealed or opened here any more.
   */
  forgetErased(id: string): void
  /** Cases whose key is still in this instance's memory but whose key file is gone (erased elsewhere). */
  vanishedKeys(): string[]
}

export interface InviteStore {
  /** Store an invite; returns its id. */
  createInvite(invite: NewInvite): Promise<string>
  findInvite(tokenHash: string): Promise<InviteRecord | null>
  /** The case's invites, newest first (expired ones until they are purged). */
  listInvites(caseId: string): Promise<InviteRecord[]>
  /** Mark an invite of this case revoked; false when there is no such invite. */
  revokeInvite(caseId: string, id: string, at: number): Promise<boolean>
}

export interface SessionStore {
  createSession(session: SessionRecord): Promise<void>
  findSession(idHash: string): Promise<SessionRecord | null>
  deleteSession(idHash: string): Promise<void>
  /** Case sessions (a redeemed invite, auth/caseSession.ts); purgeExpired and erasure remove them too. */
  createCaseSession(session: CaseSessionRecord): Promise<void>
  findCaseSession(idHash: string): Promise<CaseSessionRecord | null>
  purgeExpired(now: number): Promise<void>
}

export interface SnapshotStore {
  /** The full document state, the derived plan (JSON text) and a summary. */
  createSnapshot(record: SnapshotRecord, state: Uint8Array, planJson: string): Promise<void>
  /** Newest first, without state or plan; with their kind (meeting, saved, auto). */
  listSnapshots(caseId: string): Promise<ListedSnapshot[]>
  getSnapshot(caseId: string, id: string): Promise<{ meta: ListedSnapshot; planJson: string } | null>
  getSnapshotState(caseId: string, id: string): Promise<{ state: Uint8Array; schemaVersion: number } | null>
  latestSnapshot(caseId: string): Promise<{ meta: ListedSnapshot; planJson: string } | null>
  /** Remove snapshots by id (pruning automatic ones). */
  deleteSnapshots(caseId: string, ids: string[]): Promise<void>
}

/** Meetings are stored as the API shows them. */
export type MeetingRecord = Meeting

/** How a meeting ends: who, when, who took part, and the snapshot saved with it. */
export interface MeetingEnd {
  caseId: string
  id: string
  endedAt: number
  endedBy: MeetingActor
  participants: MeetingParticipant[]
  note: string
  /** The case's next meeting date (YYYY-MM-DD) from now on; null: none agreed. */
  nextMeeting: string | null
  snapshot: { record: SnapshotRecord; state: Uint8Array; planJson: string }
}

export interface MeetingStore {
  /** Start a meeting. False (nothing written) when one is already going on for the case. */
  startMeeting(record: MeetingRecord): Promise<boolean>
  /** The meeting going on now, if any. */
  currentMeeting(caseId: string): Promise<MeetingRecord | null>
  getMeeting(caseId: string, id: string): Promise<MeetingRecord | null>
  /** Newest first. */
  listMeetings(caseId: string): Promise<MeetingRecord[]>
  /** The latest meeting that ended (what 'Laatste gesprek' means). */
  lastEndedMeeting(caseId: string): Promise<MeetingRecord | null>
  /**
   * End a meeting that is going on: store its snapshot, end it and set the case's next meeting
   * date, all in one transaction. False (nothing written) when it is not going on.
   */
  endMeeting(end: MeetingEnd): Promise<boolean>
  nextMeeting(caseId: string): Promise<string | null>
  setNextMeeting(caseId: string, day: string | null): Promise<void>
}

export interface ArchiveStore {
  /**
   * Archive (`at`: when; an archived case keeps its first time) or reopen (`null`) a case.
   * Returns the case as it is now, or null when there is no such case.
   */
  setArchived(id: string, at: number | null): Promise<CaseRecord | null>
}

export interface AuditLog {
  /**
   * Record an access. Never throws. Entries are written together right after the current turn of
   * the event loop; when the database cannot take them, they wait in memory for the next retry.
   */
  audit(entry: AuditEntry): void
  /** A case's entries with `at` before `before` (ms), newest first, at most `limit`. Append-only: nothing edits them. */
  listAudit(caseId: string, before: number, limit: number): Promise<AuditRow[]>
  /** Every entry with `from <= at < to`, oldest first (the data-protection officer's export). */
  exportAudit(from: number, to: number): Promise<AuditExportRow[]>
}

/** The storage of one installation, by concern. Only the implementing module touches the database. */
export interface Storage extends SettingsStore, CaseStore, InviteStore, SessionStore, SnapshotStore, MeetingStore, ArchiveStore, AuditLog {
  readonly docLog: DocLog
  readonly health: StorageHealth
  readonly accounts: AccountStore
  /** Per-case keys and the sealing of accounts' secrets (caseKeys.ts). */
  readonly keys: CaseKeys
  /** Write whatever waits in memory (audit entries); true when nothing is left waiting. */
  retryPending(): Promise<boolean>
  close(): Promise<void>
}
