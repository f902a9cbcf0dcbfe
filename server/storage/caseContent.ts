/**
 * What both storage backends (SQLite, PostgreSQL) do with case content around their SQL: rows as
 * the rest of the server sees them, sealed columns opened with the case's key (caseKeys.ts), and
 * snapshots stored as a difference to the case's latest full snapshot. The tables and column
 * names are the same in both backends, so the row shapes and SQL fragments here serve both.
 */
import { createHash } from 'node:crypto'
import * as Y from 'yjs'
import type { ListedSnapshot } from '../../shared/api.ts'
import type { Role } from '../../shared/schema.ts'
import { CaseDamagedError } from '../loadCase.ts'
import type { CaseKeys } from './caseKeys.ts'
import type { CaseRecord, InviteRecord, MeetingEnd, MeetingRecord, SnapshotRecord } from './storage.ts'

/**
 * A snapshot is stored as a difference to the case's latest full snapshot while that difference
 * stays below this share of the full state; otherwise it is stored full and becomes the new base.
 */
const SNAPSHOT_DIFF_MAX_SHARE = 0.5

/** A snapshot's listed columns, with the meeting it ended (if any). */
export const SNAPSHOT_META = 's.id, s.case_id, s.label, s.created_at, s.saved_by, s.auto, s.schema_version, s.summary, m.id AS meeting_id'
export const MEETING_OF = 'LEFT JOIN meetings m ON m.snapshot_id = s.id AND m.case_id = s.case_id'

export interface SnapshotMetaRow { id: string; case_id: string; label: string; created_at: number; saved_by: string; auto: number; schema_version: number; summary: string; meeting_id: string | null }

/** A stored snapshot's state and what it is stored against. */
export interface SnapshotStateRow { id?: string; state: Uint8Array; schema_version?: number; base_id?: string | null }

function toSnapshot(r: SnapshotMetaRow): ListedSnapshot {
  const auto = r.auto === 1
  return {
    id: r.id, caseId: r.case_id, label: r.label, createdAt: r.created_at, savedBy: JSON.parse(r.saved_by),
    auto, schemaVersion: r.schema_version, summary: JSON.parse(r.summary),
    kind: auto ? 'auto' : r.meeting_id ? 'meeting' : 'saved', meetingId: r.meeting_id,
  }
}

export interface MeetingRow {
  id: string; case_id: string; started_at: number; started_by: string; ended_at: number | null; ended_by: string | null
  participants: string; note: string; snapshot_id: string | null
}

function toMeeting(r: MeetingRow): MeetingRecord {
  return {
    id: r.id, caseId: r.case_id, startedAt: r.started_at, startedBy: JSON.parse(r.started_by),
    endedAt: r.ended_at, endedBy: r.ended_by === null ? null : JSON.parse(r.ended_by),
    participants: JSON.parse(r.participants), note: r.note, snapshotId: r.snapshot_id,
  }
}

export interface CaseRow { id: string; title: string; template: string; created_at: number; updated_at: number; archived_at: number | null }
export interface InviteRow {
  token_hash: string; case_id: string; role: string; created_at: number; expires_at: number
  id: string; created_by: string | null; revoked_at: number | null
}

export function toInvite(r: InviteRow): InviteRecord {
  return {
    id: r.id, tokenHash: r.token_hash, caseId: r.case_id, role: r.role as Role, createdAt: r.created_at,
    expiresAt: r.expires_at, createdBy: r.created_by, revokedAt: r.revoked_at,
  }
}
export interface SessionRow { id_hash: string; role: string; created_at: number; expires_at: number; account_id: string }
export interface CaseSessionRow { id_hash: string; invite_hash: string; case_id: string; created_at: number; expires_at: number }

/** What the case list shows for a case whose key is missing (its title cannot be read). */
const UNREADABLE_TITLE = '(onleesbaar)'

/** The same checksum docLogWorker.js writes and checks. */
export function blobChecksum(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('base64url').slice(0, 22)
}

/** A sealed snapshot row's content columns, ready to insert. */
export interface SealedSnapshot { label: string; savedBy: string; state: Buffer; plan: string; summary: string; baseId: string | null }

/** The sealed columns of a meeting as it starts, or as it ends. */
export interface SealedMeeting { startedBy?: string; endedBy?: string; participants: string; note: string }

/** Opening and sealing case content with the case's key, as rows are read and written. */
export class CaseContent {
  constructor(readonly keys: CaseKeys) {}

  /** A stored text column's value opened with the case's key; a value that does not open: the case is damaged. */
  openText(caseId: string, column: string, stored: string): string {
    try {
      return this.keys.openText(caseId, column, stored)
    } catch {
      throw new CaseDamagedError()
    }
  }

  /** A stored blob opened with the case's key, or null when it does not open (a damaged or keyless case). */
  openBlob(caseId: string, column: string, stored: Uint8Array): Uint8Array | null {
    try {
      return this.keys.openBlob(caseId, column, new Uint8Array(stored))
    } catch {
      return null
    }
  }

  /** The case as stored; a case whose key is missing is still listed, without its title. */
  caseOf(r: CaseRow): CaseRecord {
    let title: string
    try {
      title = this.keys.openText(r.id, 'cases.title', r.title)
    } catch {
      title = UNREADABLE_TITLE
    }
    return { id: r.id, title, template: r.template, createdAt: r.created_at, updatedAt: r.updated_at, archivedAt: r.archived_at ?? null }
  }

  snapshotOf(r: SnapshotMetaRow): ListedSnapshot {
    const open = (column: string, v: string) => this.openText(r.case_id, `snapshots.${column}`, v)
    return toSnapshot({ ...r, label: open('label', r.label), saved_by: open('saved_by', r.saved_by), summary: open('summary', r.summary) })
  }

  /** A snapshot with its plan (getSnapshot, latestSnapshot). */
  snapshotWithPlan(r: SnapshotMetaRow & { plan: string }): { meta: ListedSnapshot; planJson: string } {
    return { meta: this.snapshotOf(r), planJson: this.openText(r.case_id, 'snapshots.plan', r.plan) }
  }

  meetingOf(r: MeetingRow): MeetingRecord {
    const open = (column: string, v: string) => this.openText(r.case_id, `meetings.${column}`, v)
    return toMeeting({
      ...r, started_by: open('started_by', r.started_by), ended_by: r.ended_by === null ? null : open('ended_by', r.ended_by),
      participants: open('participants', r.participants), note: open('note', r.note),
    })
  }

  /** The case's initial state, sealed, and its checksum (createCase). */
  sealedState(caseId: string, state: Uint8Array): { state: Buffer; sum: string } {
    const sealed = this.keys.sealBlob(caseId, 'case_state.state', state)
    return { state: sealed, sum: blobChecksum(sealed) }
  }

  sealTitle(caseId: string, title: string): string {
    return this.keys.sealText(caseId, 'cases.title', title)
  }

  /**
   * A new snapshot's sealed columns: stored as the difference to the latest full snapshot `base`
   * (deduplication) while that is small enough, else full.
   */
  sealSnapshot(r: SnapshotRecord, state: Uint8Array, planJson: string, base: { id: string; state: Uint8Array } | undefined): SealedSnapshot {
    let stored = state
    let baseId: string | null = null
    const baseState = base ? this.openBlob(r.caseId, 'snapshots.state', base.state) : null
    if (base && baseState) {
      try {
        const diff = Y.diffUpdate(state, Y.encodeStateVectorFromUpdate(baseState))
        if (diff.byteLength < state.byteLength * SNAPSHOT_DIFF_MAX_SHARE) {
          stored = diff
          baseId = base.id
        }
      } catch { /* an unreadable base: store this one full */ }
    }
    const text = (column: string, v: string) => this.keys.sealText(r.caseId, `snapshots.${column}`, v)
    return {
      label: text('label', r.label), savedBy: text('saved_by', JSON.stringify(r.savedBy)), state: this.keys.sealBlob(r.caseId, 'snapshots.state', stored),
      plan: text('plan', planJson), summary: text('summary', JSON.stringify(r.summary)), baseId,
    }
  }

  /** A snapshot's full state: its own, or merged with the full snapshot it is stored against. */
  snapshotState(caseId: string, row: SnapshotStateRow | undefined, base: (id: string) => SnapshotStateRow | undefined): { state: Uint8Array; schemaVersion: number } | null {
    const state = row ? this.openBlob(caseId, 'snapshots.state', row.state) : null
    if (!row || !state) return null
    const schemaVersion = row.schema_version ?? 0
    if (!row.base_id) return { state, schemaVersion }
    const baseRow = base(row.base_id)
    const baseState = baseRow ? this.openBlob(caseId, 'snapshots.state', baseRow.state) : null
    if (!baseState) return null
    return { state: Y.mergeUpdates([baseState, state]), schemaVersion }
  }

  /**
   * Before a full snapshot goes: its oldest dependent that stays becomes full, and the later
   * dependents that stay are stored as differences to that one (or full, when smaller). The
   * oldest, because a difference only adds: a base must hold nothing its dependents lack.
   * `dependents` newest first; returns the rows to rewrite.
   */
  rebase(caseId: string, base: Uint8Array, dependents: { id: string; state: Uint8Array }[]): { id: string; state: Buffer; baseId: string | null }[] {
    const [head, ...rest] = [...dependents].reverse()
    if (!head) return []
    const open = (state: Uint8Array) => this.openBlob(caseId, 'snapshots.state', state) ?? new Uint8Array()
    const seal = (state: Uint8Array) => this.keys.sealBlob(caseId, 'snapshots.state', state)
    const headState = Y.mergeUpdates([base, open(head.state)])
    const out = [{ id: head.id, state: seal(headState), baseId: null as string | null }]
    const headVector = Y.encodeStateVectorFromUpdate(headState)
    for (const d of rest) {
      const full = Y.mergeUpdates([base, open(d.state)])
      const diff = Y.diffUpdate(full, headVector)
      out.push(diff.byteLength < full.byteLength * SNAPSHOT_DIFF_MAX_SHARE ? { id: d.id, state: seal(diff), baseId: head.id } : { id: d.id, state: seal(full), baseId: null })
    }
    return out
  }

  /** A full snapshot's opened state (to hand over to its dependents), or null for a difference or an unreadable one. */
  fullState(caseId: string, row: SnapshotStateRow): Uint8Array | null {
    return row.base_id ? null : this.openBlob(caseId, 'snapshots.state', row.state)
  }

  sealMeetingStart(m: MeetingRecord): SealedMeeting {
    const text = (column: string, v: string) => this.keys.sealText(m.caseId, `meetings.${column}`, v)
    return { startedBy: text('started_by', JSON.stringify(m.startedBy)), participants: text('participants', JSON.stringify(m.participants)), note: text('note', m.note) }
  }

  sealMeetingEnd(e: MeetingEnd): SealedMeeting {
    const text = (column: string, v: string) => this.keys.sealText(e.caseId, `meetings.${column}`, v)
    return { endedBy: text('ended_by', JSON.stringify(e.endedBy)), participants: text('participants', JSON.stringify(e.participants)), note: text('note', e.note) }
  }
}
