/**
 * One live case document in memory, with the connections editing it.
 *
 * Lifecycle: the RoomManager (rooms.ts) loads it on first connect; every update a client sends is
 * validated, applied, appended to the case's update log and relayed to the other clients (encoded
 * once); the log is compacted into one state row now and then; after the last client left and a
 * grace period, the room is compacted and evicted. If storing fails the room stays in memory and
 * retries, so nothing is lost while the process lives.
 */
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { MessageType } from '../shared/protocol.ts'
import { CloseCode } from '../shared/closeCodes.ts'
import { MAX_WS_MESSAGE_BYTES } from '../shared/limits.ts'
import { COMPACT_AFTER_UPDATES } from './constants.ts'
import type { Storage, StoredDoc } from './storage/storage.ts'
import { TOP_LEVEL, type Role } from '../shared/schema.ts'
import { stampAuthorRole } from './stampAuthor.ts'
import type { Logger } from './log.ts'
import { validateUpdate } from './validateUpdate.ts'

/** What a room needs of a connection; the WebSocket layer implements it. */
export interface Conn {
  readonly id: number
  /** False for read-only roles: their document writes are dropped. */
  readonly canWrite: boolean
  /** The role the connection was authorised for; items it adds are stamped with it. */
  readonly role: Role
  send(message: Uint8Array): void
  close(code: number, reason: string): void
}

export class BadMessageError extends Error {
  constructor(readonly code: number, message: string) {
    super(message)
  }
}

export class Room {
  readonly doc: Y.Doc
  readonly awareness: awarenessProtocol.Awareness
  /** Each connection with the awareness client ids it controls. */
  readonly conns = new Map<Conn, Set<number>>()
  /** True when something in memory is not yet safely stored. */
  unsaved = false
  erased = false
  /** Set by every change; cleared when a snapshot is saved. */
  changedSinceSnapshot = false
  private lastSeq: number
  private updatesSinceCompact: number
  private applying: { persisted: boolean } | null = null
  private lastTouchMs = 0

  constructor(
    readonly caseId: string,
    private storage: Storage,
    private log: Logger,
  ) {
    // 1. Rebuild the document from the compacted state plus the log after it.
    const stored = storage.loadDoc(caseId)
    this.doc = docFromStored(stored, log)
    this.lastSeq = stored.lastSeq
    this.updatesSinceCompact = stored.updates.length

    // 2. Every change — from a client, a restore or the server — is stored, then relayed.
    this.doc.on('update', this.onDocUpdate)

    this.awareness = new awarenessProtocol.Awareness(this.doc)
    this.awareness.setLocalState(null)
    this.awareness.on('update', this.onAwarenessUpdate)
  }

  join(conn: Conn): void {
    this.conns.set(conn, new Set())
    // Start the sync: our state vector (step 1), so the client sends what we lack.
    const enc = encoding.createEncoder()
    encoding.writeVarUint(enc, MessageType.sync)
    syncProtocol.writeSyncStep1(enc, this.doc)
    conn.send(encoding.toUint8Array(enc))
    const states = this.awareness.getStates()
    if (states.size > 0) conn.send(this.awarenessMessage([...states.keys()]))
  }

  leave(conn: Conn): void {
    const ids = this.conns.get(conn)
    this.conns.delete(conn)
    if (ids && ids.size > 0) awarenessProtocol.removeAwarenessStates(this.awareness, [...ids], null)
  }

  /**
   * Handle one binary frame from a client. Throws BadMessageError for anything that is not a
   * well-formed y-websocket message; the caller closes that connection with the error's code.
   */
  receive(conn: Conn, data: Uint8Array): void {
    if (data.byteLength > MAX_WS_MESSAGE_BYTES) throw new BadMessageError(CloseCode.MessageTooLarge, 'message too large')
    try {
      const dec = decoding.createDecoder(data)
      const type = decoding.readVarUint(dec)
      switch (type) {
        case MessageType.sync:
          this.receiveSync(conn, dec)
          break
        case MessageType.awareness:
          this.receiveAwareness(conn, decoding.readVarUint8Array(dec))
          break
        case MessageType.queryAwareness:
          conn.send(this.awarenessMessage([...this.awareness.getStates().keys()]))
          break
        default:
          throw new BadMessageError(CloseCode.BadMessage, `unknown message type ${type}`)
      }
    } catch (err) {
      if (err instanceof BadMessageError) throw err
      throw new BadMessageError(CloseCode.BadMessage, 'malformed message')
    }
  }

  private receiveSync(conn: Conn, dec: decoding.Decoder): void {
    const syncType = decoding.readVarUint(dec)
    switch (syncType) {
      case syncProtocol.messageYjsSyncStep1: {
        const enc = encoding.createEncoder()
        encoding.writeVarUint(enc, MessageType.sync)
        syncProtocol.writeSyncStep2(enc, this.doc, decoding.readVarUint8Array(dec))
        conn.send(encoding.toUint8Array(enc))
        return
      }
      case syncProtocol.messageYjsSyncStep2:
      case syncProtocol.messageYjsUpdate: {
        const update = decoding.readVarUint8Array(dec)
        // Read-only roles: the write is dropped — never applied, stored or relayed.
        if (!conn.canWrite) return
        this.applyClientUpdate(conn, update)
        return
      }
      default:
        throw new BadMessageError(CloseCode.BadMessage, `unknown sync message type ${syncType}`)
    }
  }

  private applyClientUpdate(conn: Conn, update: Uint8Array): void {
    const problem = validateUpdate(update)
    if (problem) throw new BadMessageError(CloseCode.BadMessage, problem)
    this.applying = { persisted: false }
    let added: string[] = []
    try {
      added = collectAddedItems(this.doc, () => Y.applyUpdate(this.doc, update, conn))
      // An update that only waits for missing parts fires no 'update' event: store it as received.
      if (!this.applying.persisted && !isEmptyUpdate(update)) this.persist(update)
    } finally {
      this.applying = null
    }
    // The author's role on a new item is the role the server authorised, whatever the client said
    // (so the resident's own contributions are marked as theirs, and nobody can pose as them).
    if (added.length) stampAuthorRole(this.doc, added, conn.role)
  }

  private receiveAwareness(conn: Conn, update: Uint8Array): void {
    // A connection may only speak for the awareness clients it introduced itself. y-websocket
    // clients echo the states of others they received (same clock, a no-op): those entries are
    // dropped, so nobody can overwrite another participant's name or cursor.
    const entries = readAwarenessEntries(update)
    const foreign = (id: number) => [...this.conns].some(([other, owned]) => other !== conn && owned.has(id))
    const own = entries.filter((e) => !foreign(e.clientId))
    if (own.length === 0) return
    awarenessProtocol.applyAwarenessUpdate(this.awareness, own.length === entries.length ? update : writeAwarenessEntries(own), conn)
  }

  private onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (this.erased) return
    this.persist(update)
    if (this.applying) this.applying.persisted = true
    const enc = encoding.createEncoder()
    encoding.writeVarUint(enc, MessageType.sync)
    syncProtocol.writeUpdate(enc, update)
    const message = encoding.toUint8Array(enc)
    for (const c of this.conns.keys()) if (c !== origin) c.send(message)
    this.changedSinceSnapshot = true
  }

  private onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const changed = added.concat(updated, removed)
    const owned = this.conns.get(origin as Conn)
    if (owned) {
      for (const id of added) owned.add(id)
      for (const id of removed) owned.delete(id)
    }
    const message = this.awarenessMessage(changed)
    for (const c of this.conns.keys()) c.send(message)
  }

  private awarenessMessage(clients: number[]): Uint8Array {
    const enc = encoding.createEncoder()
    encoding.writeVarUint(enc, MessageType.awareness)
    encoding.writeVarUint8Array(enc, awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients))
    return encoding.toUint8Array(enc)
  }

  /** Append to the log; on failure keep everything in memory and mark the room unsaved. */
  private persist(update: Uint8Array): void {
    const now = Date.now()
    try {
      this.lastSeq = this.storage.appendUpdate(this.caseId, update, now)
      this.updatesSinceCompact++
      if (now - this.lastTouchMs > 60_000) {
        this.storage.touchCase(this.caseId, now)
        this.lastTouchMs = now
      }
    } catch (err) {
      this.unsaved = true
      this.log.error({ err: String(err) }, 'storing an update failed; the room stays in memory')
      return
    }
    if (this.unsaved || this.updatesSinceCompact >= COMPACT_AFTER_UPDATES) this.compact()
  }

  /** Fold the log into one state row. Returns false (and keeps the room unsaved) on failure. */
  compact(): boolean {
    if (this.erased) return true
    try {
      this.storage.compact(this.caseId, Y.encodeStateAsUpdate(this.doc), this.lastSeq)
      this.updatesSinceCompact = 0
      this.unsaved = false
      return true
    } catch (err) {
      this.unsaved = true
      this.log.error({ err: String(err) }, 'compacting failed; the room stays in memory')
      return false
    }
  }

  closeAll(code: number, reason: string): void {
    for (const c of [...this.conns.keys()]) c.close(code, reason)
  }

  destroy(): void {
    this.doc.off('update', this.onDocUpdate)
    this.awareness.off('update', this.onAwarenessUpdate)
    this.awareness.destroy()
    this.doc.destroy()
  }
}

interface AwarenessEntry {
  clientId: number
  clock: number
  state: string
}

/** The entries of an awareness update (format: y-protocols/awareness). Throws on malformed input. */
function readAwarenessEntries(update: Uint8Array): AwarenessEntry[] {
  const dec = decoding.createDecoder(update)
  const n = decoding.readVarUint(dec)
  const entries: AwarenessEntry[] = []
  for (let i = 0; i < n; i++) {
    const clientId = decoding.readVarUint(dec)
    const clock = decoding.readVarUint(dec)
    const state = decoding.readVarString(dec)
    JSON.parse(state)
    entries.push({ clientId, clock, state })
  }
  return entries
}

function writeAwarenessEntries(entries: AwarenessEntry[]): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, entries.length)
  for (const e of entries) {
    encoding.writeVarUint(enc, e.clientId)
    encoding.writeVarUint(enc, e.clock)
    encoding.writeVarString(enc, e.state)
  }
  return encoding.toUint8Array(enc)
}

/** Ids of items created while `fn` runs. */
function collectAddedItems(doc: Y.Doc, fn: () => void): string[] {
  const items = doc.getMap(TOP_LEVEL.items)
  const added: string[] = []
  const observer = (e: Y.YMapEvent<unknown>) => {
    for (const [key, change] of e.changes.keys) if (change.action === 'add' || change.action === 'update') added.push(key)
  }
  items.observe(observer)
  try {
    fn()
  } finally {
    items.unobserve(observer)
  }
  return added
}

/** Rebuild a document from its compacted state and the log after it. */
export function docFromStored(stored: StoredDoc, log?: Logger): Y.Doc {
  const doc = new Y.Doc({ gc: true })
  doc.transact(() => {
    if (stored.state) Y.applyUpdate(doc, stored.state)
    for (const u of stored.updates) {
      try {
        Y.applyUpdate(doc, u)
      } catch (err) {
        // A log row that cannot be applied is skipped, not fatal: the rest of the case loads.
        log?.error({ err: String(err) }, 'skipping unreadable stored update')
      }
    }
  })
  return doc
}

function isEmptyUpdate(update: Uint8Array): boolean {
  // An update with no structs and an empty delete set: [0, 0].
  return update.byteLength === 2 && update[0] === 0 && update[1] === 0
}
