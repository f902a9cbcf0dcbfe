/**
 * The cheap first gate for a Yjs update from a client, on the decoded update alone: it must
 * decode, it may only create content under the top-level names of the case schema (as map
 * entries), and no single piece of content may be larger than any field could hold (a text insert
 * beyond the longest text field, a value beyond the largest canvas record). The per-field check
 * against the entity schemas follows in docGuard.ts.
 */
import * as Y from 'yjs'
import { TOP_LEVEL_NAMES } from '../shared/schema.ts'
import { MAX_TEXT_INSERT_CHARS, MAX_VALUE_JSON_CHARS } from '../shared/limits.ts'

const ALLOWED = new Set(TOP_LEVEL_NAMES)

export type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>

/** Decode and check; hands on the decoded update for further checks, else a short reason (no content). */
export function decodeValidUpdate(update: Uint8Array): { ok: true; decoded: DecodedUpdate } | { ok: false; reason: string } {
  let decoded: DecodedUpdate
  try {
    decoded = Y.decodeUpdate(update)
  } catch {
    return { ok: false, reason: 'malformed document update' }
  }
  const reason = checkStructs(decoded)
  return reason ? { ok: false, reason } : { ok: true, decoded }
}

function checkStructs(decoded: DecodedUpdate): string | null {
  for (const s of decoded.structs) {
    if (!(s instanceof Y.Item)) continue
    if (typeof s.parent === 'string') {
      if (!ALLOWED.has(s.parent)) return 'update writes outside the case schema'
      // Every top-level type is a Y.Map: content directly in it is keyed, never a list.
      if (s.parentSub === null) return 'update writes outside the case schema'
    }
    const c = s.content
    if (c instanceof Y.ContentString && c.str.length > MAX_TEXT_INSERT_CHARS) return 'text too long'
    if (c instanceof Y.ContentAny && JSON.stringify(c.arr).length > MAX_VALUE_JSON_CHARS) return 'value too large'
    if (c instanceof Y.ContentBinary || c instanceof Y.ContentEmbed || c instanceof Y.ContentFormat) return 'content type not used by the case schema'
  }
  return null
}
