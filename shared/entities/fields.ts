/**
 * Field schemas shared by several entities: ids, positions, sizes, timestamps, dates. Each entity
 * file composes its zod schema from these, so a rule (e.g. what a position is) exists once.
 */
import { z } from 'zod'
import { ENTITY_ID_PATTERN } from '../ids.ts'
import { MAX_CANVAS_COORDINATE, MAX_SHAPE_EXTENT, MAX_TIMESTAMP_MS } from '../limits.ts'

export const entityId = z.string().regex(ENTITY_ID_PATTERN)

const coordinate = z.number().min(-MAX_CANVAS_COORDINATE).max(MAX_CANVAS_COORDINATE)
const extent = z.number().gt(0).max(MAX_SHAPE_EXTENT)

/** A point on the canvas, stored as ONE key (never separate x / y keys: see docs/document-schema.md). */
export const vecSchema = z.strictObject({ x: coordinate, y: coordinate })
export const sizeSchema = z.strictObject({ w: extent, h: extent })

export const timestampMs = z.number().int().min(0).max(MAX_TIMESTAMP_MS)

/** YYYY-MM-DD that is a real calendar date. */
export function isIsoDate(v: unknown): v is string {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false
  const d = new Date(`${v}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v
}
export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine(isIsoDate, { message: 'not a calendar date' })

/** Which fields of an entity's Y.Map hold a Y.Text (all others hold plain JSON). */
export type TextFields = readonly string[]
