/**
 * Check a Yjs update from a client before it touches the live document: it must decode, it may
 * only create content under the top-level names of the case schema, and no single piece of
 * content may be absurdly large (a text insert far beyond any field's limit, a huge value).
 */
import * as Y from 'yjs'
import { TOP_LEVEL_NAMES } from '../shared/schema.ts'
import { MAX_TEXT_INSERT_CHARS, MAX_VALUE_JSON_CHARS } from '../shared/limits.ts'

const ALLOWED = new Set(TOP_LEVEL_NAMES)

/** Returns null when the update is acceptable, else a short reason (no content). */
export function validateUpdate(update: Uint8Array): string | null {
  let decoded: ReturnType<typeof Y.decodeUpdate>
  try {
    decoded = Y.decodeUpdate(update)
  } catch {
    return 'malformed document update'
  }
  for (const s of decoded.structs) {
    if (!(s instanceof Y.Item)) continue
    if (typeof s.parent === 'string' && !ALLOWED.has(s.parent)) return 'update writes outside the case schema'
    const c = s.content
    if (c instanceof Y.ContentString && c.str.length > MAX_TEXT_INSERT_CHARS) return 'text too long'
    if (c instanceof Y.ContentAny && JSON.stringify(c.arr).length > MAX_VALUE_JSON_CHARS) return 'value too large'
    if (c instanceof Y.ContentBinary || c instanceof Y.ContentEmbed || c instanceof Y.ContentFormat) return 'content type not used by the case schema'
  }
  return null
}
