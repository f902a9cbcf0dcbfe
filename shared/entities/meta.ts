/** `meta`: written by the server only (at creation and by migrations); clients may never change it. */
import { z } from 'zod'
import { SCHEMA_VERSION } from '../schema.ts'
import { timestampMs } from './fields.ts'

export const TEMPLATE_ID_PATTERN = /^[a-z0-9-]{1,64}$/

export const metaSchema = z.strictObject({
  schemaVersion: z.number().int().min(1).max(SCHEMA_VERSION)
    .describe('the layout version (`SCHEMA_VERSION`); a migration raises it'),
  templateId: z.string().regex(TEMPLATE_ID_PATTERN).describe('the life-domain template the case was made from'),
  createdAt: timestampMs.describe('ms since epoch'),
})

export const META_TEXT_FIELDS = [] as const
