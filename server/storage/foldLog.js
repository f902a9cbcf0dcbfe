/**
 * Folding a case's stored document log into one state, shared by the SQLite worker
 * (docLogWorker.js, plain JavaScript) and the PostgreSQL log (pg/pgDocLog.ts).
 *
 *   foldLog         state + every update after it → one state (Yjs, with GC). Anything damaged
 *                   (checksum mismatch) or not integrating throws code 'damaged': nothing that
 *                   cannot be read is ever folded away, the room repairs it.
 *   withUnseenRows  a state the room rebuilt after damage + the intact log rows stored so far →
 *                   the state to write. The rebuilt state holds what that room had; on several
 *                   instances the log can also hold rows another instance appended moments ago that
 *                   this room has not received yet. Those are folded in, so dropping the log rows
 *                   loses nothing intact. Rows that cannot be integrated (they build on the damaged
 *                   data) are left out: that is what the repair gives up.
 */
import * as Y from 'yjs'

/**
 * @typedef {{ data: Uint8Array, ok: boolean }} Blob
 * @param {{ state: Blob | null, updates: Blob[] }} stored
 * @returns {Uint8Array}
 */
export function foldLog(stored) {
  const doc = new Y.Doc({ gc: true })
  try {
    for (const blob of stored.state ? [stored.state, ...stored.updates] : stored.updates) {
      if (!blob.ok) throw new Error('checksum mismatch')
      Y.applyUpdate(doc, blob.data)
    }
    if (doc.store.pendingStructs || doc.store.pendingDs) throw new Error('log does not integrate')
    return Y.encodeStateAsUpdate(doc)
  } catch {
    throw Object.assign(new Error('stored data of this case is damaged'), { code: 'damaged' })
  } finally {
    doc.destroy()
  }
}

/**
 * @param {Uint8Array} state
 * @param {Blob[]} updates
 * @returns {Uint8Array}
 */
export function withUnseenRows(state, updates) {
  const doc = new Y.Doc({ gc: true })
  try {
    Y.applyUpdate(doc, state)
    for (const u of updates) {
      if (!u.ok) continue
      try {
        Y.applyUpdate(doc, u.data)
      } catch {
        // Intact bytes that are not a Yjs update: nothing of them can be kept.
      }
    }
    // Structs waiting for something that is not there (it was in the damaged data) never will be
    // integrated; encoding them would carry the damage into the new state.
    doc.store.pendingStructs = null
    doc.store.pendingDs = null
    return Y.encodeStateAsUpdate(doc)
  } finally {
    doc.destroy()
  }
}
