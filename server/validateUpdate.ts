/**
 * Check a Yjs update from a client before it touches the live document: it must decode, and it
 * may only create content under the top-level names of the case schema.
 */
import * as Y from 'yjs'
import { TOP_LEVEL_NAMES } from '../shared/schema.ts'

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
    if (s instanceof Y.Item && typeof s.parent === 'string' && !ALLOWED.has(s.parent)) {
      return 'update writes outside the case schema'
    }
  }
  return null
}
