/**
 * Rebuild a case's document from storage, repairing what can be repaired.
 *
 *   1. Apply the compacted state and every logged update after it. A blob whose checksum does
 *      not match, or that does not decode, is left out.
 *   2. If anything was left out, or some updates wait for changes that are not there, apply the
 *      newest snapshots' states that do decode (newest first, until everything integrates or the
 *      snapshots run out). A snapshot holds the full document as it was, so it restores what
 *      a damaged state or log row held up to that moment; later intact updates integrate on top.
 *   3. Report what happened, so the caller can log it and write the repaired state back.
 *   4. A document without its `meta` after all this cannot be served: CaseDamagedError.
 */
import * as Y from 'yjs'
import { TOP_LEVEL } from '../shared/schema.ts'
import type { StoredLog } from './storage/docLog.ts'
import type { SnapshotStore } from './storage/storage.ts'

export class CaseDamagedError extends Error {
  override name = 'CaseDamagedError'
  constructor() {
    super('the stored data of this case is damaged and could not be repaired')
  }
}

export interface LoadedCase {
  doc: Y.Doc
  /** Bytes of the stored state and log (for the size budget). */
  storedBytes: number
  /** Null when everything loaded intact; otherwise what was left out and what repaired it. */
  repair: { damagedState: boolean; damagedUpdates: number; snapshotsUsed: number; stillPending: boolean } | null
}

/** How many snapshots to try, newest first, when repairing. */
const MAX_SNAPSHOTS_FOR_REPAIR = 5

export async function rebuildCase(stored: StoredLog, snapshots: SnapshotStore, caseId: string): Promise<LoadedCase> {
  const doc = new Y.Doc({ gc: true })
  let damagedState = false
  let damagedUpdates = 0
  let storedBytes = 0
  // 1. State and log.
  if (stored.state) {
    storedBytes += stored.state.data.byteLength
    if (!stored.state.ok || !tryApply(doc, stored.state.data)) damagedState = true
  }
  for (const u of stored.updates) {
    storedBytes += u.data.byteLength
    if (!u.ok || !tryApply(doc, u.data)) damagedUpdates++
  }
  const pending = () => doc.store.pendingStructs !== null || doc.store.pendingDs !== null
  if (!damagedState && damagedUpdates === 0 && !pending()) return { doc, storedBytes, repair: null }

  // 2. Fill the gaps from the newest snapshots that decode.
  let snapshotsUsed = 0
  for (const meta of (await snapshots.listSnapshots(caseId)).slice(0, MAX_SNAPSHOTS_FOR_REPAIR)) {
    const row = await snapshots.getSnapshotState(caseId, meta.id)
    if (!row || !decodes(row.state)) continue
    tryApply(doc, row.state)
    snapshotsUsed++
    if (!pending()) break
  }
  // 4. Without meta the document is no case at all.
  if (!doc.getMap(TOP_LEVEL.meta).has('schemaVersion')) {
    doc.destroy()
    throw new CaseDamagedError()
  }
  return { doc, storedBytes, repair: { damagedState, damagedUpdates, snapshotsUsed, stillPending: pending() } }
}

function tryApply(doc: Y.Doc, update: Uint8Array): boolean {
  if (!decodes(update)) return false
  try {
    Y.applyUpdate(doc, update)
    return true
  } catch {
    return false
  }
}

/** Whether the bytes are a well-formed Yjs update (checked before touching a document). */
function decodes(update: Uint8Array): boolean {
  try {
    Y.decodeUpdate(update)
    return true
  } catch {
    return false
  }
}
