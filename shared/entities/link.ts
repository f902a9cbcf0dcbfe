/** A link ('verband'): `links[id]`, from one item to another. */
import { z } from 'zod'
import { LINK_KINDS } from '../schema.ts'
import { entityId } from './fields.ts'

export const linkSchema = z.strictObject({
  id: entityId.describe('its own id (same as its key in `links`)'),
  from: entityId.describe('item id'),
  to: entityId.describe('item id, another item than `from`'),
  kind: z.enum(LINK_KINDS).describe('versterkt, veroorzaakt, helpt bij, blokkeert'),
}).refine((l) => l.from !== l.to, { message: 'a link joins two different items', path: ['to'] })

export const LINK_TEXT_FIELDS = [] as const
/** Moving a link to other items deletes it and makes it anew; its id never changes. */
export const LINK_IMMUTABLE_FIELDS = ['id'] as const
