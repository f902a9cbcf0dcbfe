/** Request bodies and limits of the snapshot API. */
import { z } from 'zod'
import { MAX_PERSON_NAME_CHARS, MAX_TITLE_CHARS } from './limits.ts'

export const CreateSnapshotBody = z.object({
  label: z.string().trim().max(MAX_TITLE_CHARS, `Het label mag hoogstens ${MAX_TITLE_CHARS} tekens hebben.`).optional(),
  /** The name of the person saving (the organisation key does not say who it is). */
  savedBy: z.string().trim().max(MAX_PERSON_NAME_CHARS).optional(),
}).strict()

/** 'live' compares with the case as it is now. */
export const LIVE = 'live'
export const DEFAULT_STALE_WEEKS = 4
