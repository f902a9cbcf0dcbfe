/**
 * The document log: how a case's Yjs document is kept durable. Three verbs and two helpers,
 * all asynchronous, so a network database (PostgreSQL) can implement the same interface.
 *
 *   load     the compacted state and the updates after it (each with an integrity flag)
 *   append   one update; resolves once it is durable. Appends that arrive within a few
 *            milliseconds of each other are committed together (group commit)
 *   compact  fold state + log into one state row, done by the storage (never by the caller's
 *            event loop), so a large document is never re-encoded on the hot path
 *   replace  write a state the caller rebuilt (repair after damage), with the intact log rows
 *            it may not hold yet (appended by another instance) folded in; the rows are dropped
 */

export interface StoredBlob {
  data: Uint8Array
  /** False when the stored checksum does not match: the bytes were damaged on disk. */
  ok: boolean
}

export interface StoredLog {
  /** The compacted state, or null before the first compaction. */
  state: StoredBlob | null
  /** Updates appended after that state, in order. */
  updates: (StoredBlob & { seq: number })[]
  /** Sequence number of the last update included (state or log). */
  lastSeq: number
}

export interface CompactResult {
  /** Size of the state row after compaction. */
  bytes: number
  /** Log rows folded into it (0 when there was nothing to fold). */
  rows: number
}

/** A storage error, with the engine's code (e.g. SQLITE_FULL) and, for damage, code 'damaged'. */
export class StorageError extends Error {
  override name = 'StorageError'
  constructor(readonly code: string, message: string) {
    super(message)
  }
}

export interface DocLog {
  load(caseId: string): Promise<StoredLog>
  append(caseId: string, update: Uint8Array, at: number): Promise<void>
  compact(caseId: string): Promise<CompactResult>
  replace(caseId: string, state: Uint8Array): Promise<void>
  count(caseId: string): Promise<number>
  /** Finish every queued write, then release the database. */
  close(): Promise<void>
}
