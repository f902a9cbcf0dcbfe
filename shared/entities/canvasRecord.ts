/**
 * A canvas record: `canvas[recordId]` — free drawing that is no plan item (tldraw shapes such as
 * draw, text, geo, free arrows, and their bindings), stored as ONE plain JSON value per record.
 * Only the envelope is checked here; tldraw validates the props when the board loads a record.
 */
import { z } from 'zod'
import { MAX_CANVAS_COORDINATE } from '../limits.ts'

/** tldraw record ids: 'shape:…' or 'binding:…' followed by url-safe characters. */
export const CANVAS_RECORD_ID_PATTERN = /^(shape|binding):[A-Za-z0-9_.:-]{1,128}$/
/** The board's own entity shapes ('kt-item', …) are projections of plan entities, never canvas records. */
export const ENTITY_SHAPE_TYPE_PREFIX = 'kt-'
/** Shapes that need an asset or fetch a third-party page: not supported on the board. */
export const UNSUPPORTED_SHAPE_TYPES: readonly string[] = ['image', 'video', 'bookmark', 'embed']

const recordId = z.string().regex(CANVAS_RECORD_ID_PATTERN)
const recordType = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/)
const coordinate = z.number().min(-MAX_CANVAS_COORDINATE).max(MAX_CANVAS_COORDINATE)
const plainObject = z.record(z.string(), z.unknown())

export const canvasShapeSchema = z.looseObject({
  id: recordId.describe('its own id (same as its key in `canvas`), `shape:…`'),
  typeName: z.literal('shape'),
  type: recordType
    .refine((t) => !t.startsWith(ENTITY_SHAPE_TYPE_PREFIX) && !UNSUPPORTED_SHAPE_TYPES.includes(t), {
      message: 'shape type not allowed on the canvas',
    })
    .describe('tldraw shape type, e.g. `draw`, `text`, `geo`, `arrow`; not `image`, `video`, `bookmark`, `embed`, nor the board\'s `kt-…` shapes'),
  x: coordinate,
  y: coordinate,
  parentId: z.string().max(200).describe('`page:…` or the id of a parent shape'),
  index: z.string().max(200).describe('fractional index (stacking order)'),
  props: plainObject.describe('the shape type\'s props (checked by tldraw)'),
})

export const canvasBindingSchema = z.looseObject({
  id: recordId.describe('its own id (same as its key in `canvas`), `binding:…`'),
  typeName: z.literal('binding'),
  type: recordType.describe('tldraw binding type, e.g. `arrow`'),
  fromId: recordId.describe('the shape the binding starts from'),
  toId: recordId.describe('the shape it binds to'),
  props: plainObject.describe("the binding type's props (checked by tldraw)"),
})

export const canvasRecordSchema = z.discriminatedUnion('typeName', [canvasShapeSchema, canvasBindingSchema])
