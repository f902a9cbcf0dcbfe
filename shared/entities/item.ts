/** An item: `items[id]` — a problem, wish, strength, action ('afspraak') or note. */
import { z } from 'zod'
import {
  MAX_ITEM_TEXT_CHARS, MAX_LONG_FIELD_CHARS, MAX_PERSON_NAME_CHARS, MAX_SHORT_FIELD_CHARS,
} from '../limits.ts'
import { ACTION_STATUSES, ITEM_KINDS, ROLES } from '../schema.ts'
import { entityId, isoDate, sizeSchema, timestampMs, vecSchema } from './fields.ts'

/** Who added an item. Stored as a plain object on the item; never changes after creation. */
export const authorSchema = z.strictObject({
  name: z.string().max(MAX_PERSON_NAME_CHARS),
  org: z.string().max(MAX_SHORT_FIELD_CHARS),
  role: z.enum(ROLES),
})

/**
 * The fields only actions use. Optional on every kind: items made before the kind became
 * immutable may lack them (readers give defaults) or keep them after a kind change.
 */
export const actionFieldsSchema = z.strictObject({
  owner: z.string().max(MAX_PERSON_NAME_CHARS).optional().describe('actions: who does it'),
  ownerOrg: z.string().max(MAX_SHORT_FIELD_CHARS).optional().describe('actions: their organisation'),
  due: z.union([z.literal(''), isoDate]).optional().describe('actions: `YYYY-MM-DD`, or empty when no date was agreed'),
  status: z.enum(ACTION_STATUSES).optional().describe('actions'),
  deviation: z.boolean().optional().describe("actions: 'gemotiveerd afwijken' from a rule"),
  deviationRule: z.string().max(MAX_LONG_FIELD_CHARS).optional().describe('actions: which rule'),
  deviationMotivation: z.string().max(MAX_LONG_FIELD_CHARS).optional().describe('actions: why'),
})

/** Flow orders stay within ±this (createdAt in ms fits, with room for insertions between). */
export const MAX_ORDER = 1e15

export const itemSchema = z.strictObject({
  id: entityId.describe('its own id (same as its key in `items`)'),
  kind: z.enum(ITEM_KINDS).describe('knelpunt, wens/doel, kracht, afspraak, notitie; never changes'),
  text: z.string().max(MAX_ITEM_TEXT_CHARS).describe('concurrent typing merges'),
  domainId: entityId.nullable().describe('id of the domain it lies in, or `null`'),
  pos: vecSchema.describe('top-left on the canvas; **one key**, never separate `x` / `y` keys'),
  size: sizeSchema,
  createdAt: timestampMs.describe('ms since epoch; never changes'),
  author: authorSchema.describe("who added it; role `resident` marks the resident's own contributions; never changes"),
  stress: z.boolean().describe('a stress factor, to be tackled first'),
  signal: z.boolean().describe("a rule or procedure that blocks help ('signaal')"),
  order: z.number().min(-MAX_ORDER).max(MAX_ORDER).optional()
    .describe('flow position of the card inside its domain (ascending); missing: `createdAt`'),
  recordedBy: authorSchema.nullable().optional()
    .describe("who held the keyboard when a professional recorded the resident's words ('Inwoner aan het woord'), else `null`; stamped by the server; never changes"),
  deletedAt: timestampMs.nullable().optional().describe("when it was deleted ('Verwijderd', anyone can restore it), else `null`"),
  deletedBy: authorSchema.nullable().optional().describe('who deleted it, else `null`'),
  ...actionFieldsSchema.shape,
})

export const ITEM_TEXT_FIELDS = ['text'] as const
/** Fields a client may never change on an existing item. */
export const ITEM_IMMUTABLE_FIELDS = ['id', 'kind', 'author', 'createdAt', 'recordedBy'] as const
/** The fields only actions ('afspraken') use. */
export const ACTION_FIELD_NAMES = Object.keys(actionFieldsSchema.shape) as (keyof typeof actionFieldsSchema.shape)[]
