/** Request bodies and limits of the snapshot API. */
import { z } from 'zod'
import { MAX_PERSON_NAME_CHARS, MAX_TITLE_CHARS } from './limits.ts'
import type { Role } from './schema.ts'

export const CreateSnapshotBody = z.object({
  label: z.string().trim().max(MAX_TITLE_CHARS, `Het label mag hoogstens ${MAX_TITLE_CHARS} tekens hebben.`).optional(),
  /** The name of the person saving (the organisation key does not say who it is). */
  savedBy: z.string().trim().max(MAX_PERSON_NAME_CHARS).optional(),
}).strict()

/** 'live' compares with the case as it is now. */
export const LIVE = 'live'
export const DEFAULT_STALE_WEEKS = 4

/** A snapshot's one-line summary. */
export interface SnapshotSummary {
  items: number
  openActions: number
  overdueActions: number
  /** Changes since the previous snapshot (null for the first). */
  changes: { count: number; added: number; removed: number; changed: number; completed: number } | null
}

/** A snapshot as the API lists it (without state or plan). */
export interface SnapshotMeta {
  id: string
  caseId: string
  label: string
  /** ms since epoch */
  createdAt: number
  /** Who saved it: the name they gave and their role; 'system' for automatic snapshots. */
  savedBy: { name: string; role: Role | 'system' }
  auto: boolean
  schemaVersion: number
  summary: SnapshotSummary
}
