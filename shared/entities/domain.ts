/** A life domain ('leefgebied'): `domains[id]`, copied from the case's template at creation. */
import { z } from 'zod'
import { MAX_CANVAS_COORDINATE, MAX_SHORT_FIELD_CHARS } from '../limits.ts'
import { SCORE_MAX, SCORE_MIN } from '../schema.ts'
import { entityId, sizeSchema, vecSchema } from './fields.ts'

export const DOMAIN_KEY_PATTERN = /^[a-z0-9_]{1,64}$/

export const domainSchema = z.strictObject({
  id: entityId.describe('its own id (same as its key in `domains`)'),
  key: z.string().regex(DOMAIN_KEY_PATTERN).describe("the domain's key in its template, e.g. `income_debts`"),
  label: z.string().max(MAX_SHORT_FIELD_CHARS).describe('shown label (Dutch)'),
  order: z.number().min(-MAX_CANVAS_COORDINATE).max(MAX_CANVAS_COORDINATE).describe('sort order'),
  pos: vecSchema.describe('top-left on the canvas'),
  size: sizeSchema,
  score: z.number().int().min(SCORE_MIN).max(SCORE_MAX).nullable()
    .describe('on templates with a scale (Zelfredzaamheid-Matrix), else `null`'),
})

export const DOMAIN_TEXT_FIELDS = [] as const
/** Fields a client may never change on an existing domain. */
export const DOMAIN_IMMUTABLE_FIELDS = ['id', 'key'] as const
