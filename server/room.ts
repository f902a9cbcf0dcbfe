/**
 * One live case document in memory, with the connections editing it.
 *
 * Lifecycle: the RoomManager (rooms.ts) loads it on first connect (loadCase.ts, which repairs
 * damaged data); after the last client left and a grace period it is compacted and evicted.
 *
 * A client's update:
 *   1. is checked against the connection's budgets and the case's size budget;
 *   2. is checked by the DocGuard against the document schema, field by field, on a shadow copy —
 *      a refused update closes that connection and is never applied, stored or relayed;
 *   3. is applied to the live document and relayed at once to the other participants;
 *   4. is appended to the document log: appends of ~50 ms share one commit (sqliteDocLog.ts).
 * If storing fails, the room keeps every unsaved update in memory, retries with backoff without
 * waiting for another edit, reports it on /healthz, and is never evicted while anything is
 * unsaved. Why relay before the commit: fan-out latency stays that of a plain relay, and an
 * update relayed but lost in a crash within the commit window is still held by every client that
 * received it, which sends it again when it reconnects (y-websocket sync step 2).
 *
 * With several instances (REDIS_URL, relay/caseRelay.ts) the room also publishes every update it
 * accepted and its own clients' awareness to `peers`; what another instance accepted arrives with
 * the RELAYED origin: it is mirrored by the DocGuard (not a client origin) and sent to this
 * room's clients, but neither stored (the accepting instance stores it) nor published again.
 */
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { MessageType } from '../shared/protocol.ts'
import { readAwarenessEntries, writeAwarenessEntries, type AwarenessEntry } from '../shared/awarenessWire.ts'
import { CloseCode } from '../shared/closeCodes.ts'
import { MAX_WS_MESSAGE_BYTES } from '../shared/limits.ts'
import { TOP_LEVEL, type Role } from '../shared/schema.ts'
import {
  ConnBudget, MAX_AWARENESS_CLIENTS_PER_CONN, MAX_AWARENESS_STATE_CHARS, MAX_BUFFERED_FOR_PRESENCE_BYTES, MAX_CASE_DOC_BYTES,
} from './budgets.ts'
import { COMPACT_AFTER_UPDATES, STORE_RETRY_MAX_MS, STORE_RETRY_MIN_MS } from './constants.ts'
import { DocGuard } from './docGuard.ts'
import { stampAuthorship } from './stampAuthor.ts'
import type { Logger } from './log.ts'
import type { Storage } from './storage/storage.ts'
import { codeOf, DOC_LOG_SOURCE } from './storage/health.ts'

/** What a room needs of a connection; the WebSocket layer implements it. */
export interface Conn {
  readonly id: number
  /** False for read-only roles: their document writes are dropped. */
  readonly canWrite: boolean
  /** The role the connection was authorised for; items it adds are stamped with it. */
  readonly role: Role
  /** Bytes waiting in the connection's send buffer. */
  readonly bufferedBytes: number
  send(message: Uint8Array): void
  close(code: number, reason: string): void
  /** Called after each document update of this connection was accepted (for the audit log). */
  wrote?(): void
}

/** Origin of changes another instance accepted (applyRelayed). */
export const RELAYED = Symbol('relayed')

/** Where a room publishes for the other instances (relay/caseRelay.ts). */
export interface RoomPeers {
  update(update: Uint8Array): void
  awareness(update: Uint8Array): void
  /** A relayed update depends on changes this instance lacks: ask the others for them. */
  missing(): void
}

export class BadMessageError extends Error {
  constructor(readonly code: number, message: string) {
    super(message)
  }
}

interface ConnState {
  /** Awareness client ids this connection introduced (it may speak only for these). */
  awarenessIds: Set<number>
  budget: ConnBudget
  /** Updates from this connection that waited for missing changes (see receiveUpdate). */
  pendingStrikes: number
}

export class Room {
  readonly awareness: awarenessProtocol.Awareness
  readonly conns = new Map<Conn, ConnState>()
  /** Which connection introduced each awareness client id (it alone may speak for it). */
  private awarenessOwner = new Map<number, Conn>()
  erased = false
  /** Set by every change; cleared when a snapshot is saved. */
  changedSinceSnapshot = false
  private guard: DocGuard
  /** Appends sent to the log and not yet answered. */
  private inFlight = 0
  /** Updates that could not be stored yet, in order; retried with backoff. */
  private backlog: Uint8Array[] = []
  private retryTimer: NodeJS.Timeout | null = null
  private retryDelayMs = STORE_RETRY_MIN_MS
  private appendedSinceCompact = 0
  private compacting = false
  /** Stored size of the document: its compacted state plus the updates since, for the size budget. */
  private stateBytes: number
  private bytesSinceCompact = 0
  /** Changes after the first of this turn of the event loop, relayed and stored together after it. */
  private outbox: { update: Uint8Array; origin: unknown }[] = []
  private turnOpen = false
  /** The whole document encoded, until the next change (see stateSince). */
  private fullState: Uint8Array | null = null
  private idleWaiters: (() => void)[] = []
  /** The other instances, when relaying is on. */
  peers: RoomPeers | null = null

  constructor(
    readonly caseId: string,
    readonly doc: Y.Doc,
    private storage: Storage,
    private log: Logger,
    storedBytes: number,
  ) {
    this.stateBytes = storedBytes
    // Client updates carry their Conn as origin; everything else is the server's own change.
    this.guard = new DocGuard(doc, (origin) => this.conns.has(origin as Conn))
    this.doc.on('update', this.onDocUpdate)
    this.awareness = new awarenessProtocol.Awareness(this.doc)
    this.awareness.setLocalState(null)
    this.awareness.on('update', this.onAwarenessUpdate)
  }

  join(conn: Conn): void {
    this.conns.set(conn, { awarenessIds: new Set(), budget: new ConnBudget(), pendingStrikes: 0 })
    // Start the sync: our state vector (step 1), so the client sends what we lack.
    conn.send(this.syncStep1())
    const states = this.awareness.getStates()
    if (states.size > 0) conn.send(this.awarenessMessage([...states.keys()]))
  }

  leave(conn: Conn): void {
    const st = this.conns.get(conn)
    this.conns.delete(conn)
    if (!st) return
    for (const id of st.awarenessIds) if (this.awarenessOwner.get(id) === conn) this.awarenessOwner.delete(id)
    if (st.awarenessIds.size > 0) awarenessProtocol.removeAwarenessStates(this.awareness, [...st.awarenessIds], null)
  }

  /**
   * Handle one binary frame from a client. Throws BadMessageError for anything that is not a
   * well-formed y-websocket message within budget; the caller closes that connection.
   */
  receive(conn: Conn, data: Uint8Array): void {
    const st = this.conns.get(conn)
    if (!st || this.erased) return
    if (data.byteLength > MAX_WS_MESSAGE_BYTES) throw new BadMessageError(CloseCode.MessageTooLarge, 'message too large')
    let dec: decoding.Decoder
    let type: number
    try {
      dec = decoding.createDecoder(data)
      type = decoding.readVarUint(dec)
    } catch {
      throw new BadMessageError(CloseCode.BadMessage, 'malformed message')
    }
    switch (type) {
      case MessageType.sync:
        return this.receiveSync(conn, st, dec)
      case MessageType.awareness:
        return this.receiveAwareness(conn, st, readOr(() => decoding.readVarUint8Array(dec)))
      case MessageType.queryAwareness:
        if (!st.budget.awareness.take()) throw new BadMessageError(CloseCode.TooFast, 'too many presence requests')
        conn.send(this.awarenessMessage([...this.awareness.getStates().keys()]))
        return
      default:
        throw new BadMessageError(CloseCode.BadMessage, `unknown message type ${type}`)
    }
  }

  private receiveSync(conn: Conn, st: ConnState, dec: decoding.Decoder): void {
    const syncType = readOr(() => decoding.readVarUint(dec))
    const payload = readOr(() => decoding.readVarUint8Array(dec))
    switch (syncType) {
      case syncProtocol.messageYjsSyncStep1: {
        if (!st.budget.updates.take()) throw new BadMessageError(CloseCode.TooFast, 'too many sync requests')
        let diff: Uint8Array
        try {
          diff = this.stateSince(payload)
        } catch {
          throw new BadMessageError(CloseCode.BadMessage, 'malformed state vector')
        }
        const enc = encoding.createEncoder()
        encoding.writeVarUint(enc, MessageType.sync)
        encoding.writeVarUint(enc, syncProtocol.messageYjsSyncStep2)
        encoding.writeVarUint8Array(enc, diff)
        conn.send(encoding.toUint8Array(enc))
        return
      }
      case syncProtocol.messageYjsSyncStep2:
      case syncProtocol.messageYjsUpdate:
        // Read-only roles: the write is dropped — never applied, stored or relayed.
        if (!conn.canWrite) return
        return this.receiveUpdate(conn, st, payload)
      default:
        throw new BadMessageError(CloseCode.BadMessage, `unknown sync message type ${syncType}`)
    }
  }

  private receiveUpdate(conn: Conn, st: ConnState, update: Uint8Array): void {
    if (isEmptyUpdate(update)) return
    // 1. Budgets: of this connection, and of the case's document.
    if (!st.budget.updates.take() || !st.budget.updateBytes.take(update.byteLength)) {
      throw new BadMessageError(CloseCode.TooFast, 'too many changes in a short time')
    }
    if (this.stateBytes + this.bytesSinceCompact + update.byteLength > MAX_CASE_DOC_BYTES) {
      throw new BadMessageError(CloseCode.CaseTooLarge, 'the case document has reached its size limit')
    }
    // 2. The schema, per field, on the guard's shadow copy.
    const verdict = this.guard.check(update, conn.role)
    if (!verdict.ok) {
      if (!verdict.pending) throw new BadMessageError(verdict.forbidden ? CloseCode.Forbidden : CloseCode.BadMessage, verdict.reason)
      // The update builds on changes we do not have. A client that has them sends them after our
      // sync step 1; one that sends such updates again is refused (nothing pending is ever kept).
      if (++st.pendingStrikes > 1) throw new BadMessageError(CloseCode.BadMessage, 'update depends on changes that never arrived')
      conn.send(this.syncStep1())
      return
    }
    st.pendingStrikes = 0
    // 3. Apply (relays and stores through onDocUpdate), then stamp the author role of new items:
    // the role the server authorised, whatever the client said, so the resident's own
    // contributions are marked as theirs and nobody can pose as them.
    const hadPending = this.doc.store.pendingStructs !== null || this.doc.store.pendingDs !== null
    Y.applyUpdate(this.doc, update, conn)
    // Content left pending by a repaired load may have integrated now; the shadow never had it.
    if (hadPending) this.guard.reset()
    if (verdict.newItems.length) stampAuthorship(this.doc, verdict.newItems, conn.role)
    conn.wrote?.()
  }

  private receiveAwareness(conn: Conn, st: ConnState, update: Uint8Array): void {
    // A connection may only speak for the awareness clients it introduced itself. y-websocket
    // clients echo the states of others they received (same clock, a no-op): those entries are
    // dropped, so nobody can overwrite another participant's name or cursor.
    const entries = readOr(() => readAwarenessEntries(update, MAX_AWARENESS_CLIENTS_PER_CONN * 64))
    const foreign = (id: number) => {
      const owner = this.awarenessOwner.get(id)
      return owner !== undefined && owner !== conn
    }
    // An entry whose clock is not newer than what the room knows changes nothing: y-websocket
    // clients echo every state they receive (also of participants who left meanwhile).
    const news = (e: AwarenessEntry) => e.clock > (this.awareness.meta.get(e.clientId)?.clock ?? -1)
    const own = entries.filter((e) => !foreign(e.clientId) && news(e))
    // Only a connection's own news counts against its budget, so an honest client that repeats a
    // flood someone else sends is never the one stopped.
    if (own.length === 0) return
    if (!st.budget.awareness.take()) throw new BadMessageError(CloseCode.TooFast, 'too many presence updates')
    for (const e of own) {
      if (e.state.length > MAX_AWARENESS_STATE_CHARS) throw new BadMessageError(CloseCode.MessageTooLarge, 'presence state too large')
    }
    const newIds = own.filter((e) => !st.awarenessIds.has(e.clientId) && e.state !== 'null').length
    if (st.awarenessIds.size + newIds > MAX_AWARENESS_CLIENTS_PER_CONN) {
      throw new BadMessageError(CloseCode.BadMessage, 'too many presence clients on one connection')
    }
    awarenessProtocol.applyAwarenessUpdate(this.awareness, own.length === entries.length ? update : writeAwarenessEntries(own), conn)
  }

  private onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (this.erased) return
    this.fullState = null
    this.changedSinceSnapshot = true
    this.bytesSinceCompact += update.byteLength
    if (origin === RELAYED) {
      // Accepted (and stored) by another instance: only this room's clients need it. Counted, so
      // this room compacts now and then too and its size budget follows the shared storage.
      this.broadcast(this.updateMessage(update), null)
      if (++this.appendedSinceCompact >= COMPACT_AFTER_UPDATES) void this.compact()
      return
    }
    // The first change of a turn goes out at once (no added latency); more changes in the same
    // turn wait for its end and go out together.
    if (!this.turnOpen) {
      this.turnOpen = true
      setImmediate(this.closeTurn)
      this.relay(update, origin)
      return
    }
    this.outbox.push({ update, origin })
  }

  /**
   * Relay and store the rest of this turn's changes as ONE update: one message per participant
   * and one append, however many updates arrived together (a burst of typing, many writers at
   * once, a first sync). Runs right after the turn.
   */
  private closeTurn = (): void => {
    this.turnOpen = false
    const batch = this.outbox
    this.outbox = []
    if (batch.length === 0 || this.erased) return
    const first = batch[0] as { update: Uint8Array; origin: unknown }
    const update = batch.length === 1 ? first.update : Y.mergeUpdates(batch.map((b) => b.update))
    // The sender of everything in the batch has it already; with several senders, all get it.
    this.relay(update, batch.every((b) => b.origin === first.origin) ? first.origin : null)
  }

  private relay(update: Uint8Array, origin: unknown): void {
    this.broadcast(this.updateMessage(update), origin)
    this.peers?.update(update)
    this.persist(update)
  }

  private updateMessage(update: Uint8Array): Uint8Array {
    const enc = encoding.createEncoder()
    encoding.writeVarUint(enc, MessageType.sync)
    syncProtocol.writeUpdate(enc, update)
    return encoding.toUint8Array(enc)
  }

  private broadcast(message: Uint8Array, origin: unknown): void {
    for (const c of this.conns.keys()) if (c !== origin) c.send(message)
  }

  /** Apply an update another instance accepted (trusted: it was checked there). */
  applyRelayed(update: Uint8Array): void {
    if (this.erased) return
    const hadPending = this.doc.store.pendingStructs !== null || this.doc.store.pendingDs !== null
    Y.applyUpdate(this.doc, update, RELAYED)
    const pending = this.doc.store.pendingStructs !== null || this.doc.store.pendingDs !== null
    // What integrated from a pending part never reached the shadow as one update: rebuild it.
    if (hadPending || pending) this.guard.reset()
    if (pending) this.peers?.missing()
  }

  /** Apply awareness of another instance's clients. */
  applyRelayedAwareness(update: Uint8Array): void {
    if (!this.erased) awarenessProtocol.applyAwarenessUpdate(this.awareness, update, RELAYED)
  }

  /** The awareness of this instance's own clients, for another instance that opens the case (null: none). */
  localAwareness(): Uint8Array | null {
    const ids = [...this.awarenessOwner.keys()].filter((id) => this.awareness.getStates().has(id))
    return ids.length > 0 ? awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids) : null
  }

  private onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const changed = added.concat(updated, removed)
    const st = this.conns.get(origin as Conn)
    if (st) {
      for (const id of added) {
        st.awarenessIds.add(id)
        this.awarenessOwner.set(id, origin as Conn)
      }
      for (const id of removed) {
        st.awarenessIds.delete(id)
        this.awarenessOwner.delete(id)
      }
    }
    const message = this.awarenessMessage(changed)
    // Presence is passing data: a connection that is behind on reading gets none until it catches up.
    for (const c of this.conns.keys()) if (c.bufferedBytes < MAX_BUFFERED_FOR_PRESENCE_BYTES) c.send(message)
    // This instance's clients (origin: their Conn; null: a client left) — not relayed states, not timeouts.
    if (this.peers && (st || origin === null)) this.peers.awareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed))
  }

  /**
   * What a client with this state vector lacks. A client that has nothing (every new browser tab)
   * gets the whole document, encoded once per change of the document, not once per client: a room
   * that dozens join at the start of a meeting encodes it once.
   */
  private stateSince(stateVector: Uint8Array): Uint8Array {
    if (stateVector.byteLength === 1 && stateVector[0] === 0) {
      this.fullState ??= Y.encodeStateAsUpdate(this.doc)
      return this.fullState
    }
    return Y.encodeStateAsUpdate(this.doc, stateVector)
  }

  private syncStep1(): Uint8Array {
    const enc = encoding.createEncoder()
    encoding.writeVarUint(enc, MessageType.sync)
    syncProtocol.writeSyncStep1(enc, this.doc)
    return encoding.toUint8Array(enc)
  }

  private awarenessMessage(clients: number[]): Uint8Array {
    const enc = encoding.createEncoder()
    encoding.writeVarUint(enc, MessageType.awareness)
    encoding.writeVarUint8Array(enc, awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients))
    return encoding.toUint8Array(enc)
  }

  // ---------- durability ----------

  /** True when everything applied to the document is durably stored. */
  get saved(): boolean {
    return this.outbox.length === 0 && this.inFlight === 0 && this.backlog.length === 0
  }

  /** Updates held only in memory (waiting for a commit or a retry). */
  get unsavedCount(): number {
    return this.outbox.length + this.inFlight + this.backlog.length
  }

  /** Resolves once everything applied so far is durably stored (or the room was erased). */
  whenSaved(): Promise<void> {
    if (this.saved || this.erased) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  private persist(update: Uint8Array): void {
    // While storing fails, everything waits in the backlog, in order, for the retry.
    if (this.backlog.length > 0) {
      this.backlog.push(update)
      this.reportUnsaved()
      return
    }
    this.inFlight++
    const now = Date.now()
    this.storage.docLog.append(this.caseId, update, now).then(
      () => {
        this.inFlight--
        this.stored(1)
      },
      (err: unknown) => {
        this.inFlight--
        this.backlog.push(update)
        this.storeFailed(err)
      },
    )
  }

  private stored(n: number): void {
    this.appendedSinceCompact += n
    if (this.storage.health.succeeded(DOC_LOG_SOURCE)) this.log.info('storing updates works again')
    this.reportUnsaved()
    if (this.appendedSinceCompact >= COMPACT_AFTER_UPDATES) void this.compact()
    if (this.saved) for (const w of this.idleWaiters.splice(0)) w()
  }

  private storeFailed(err: unknown): void {
    if (this.erased) {
      this.backlog = []
      return
    }
    if (this.storage.health.failed(DOC_LOG_SOURCE, err)) {
      this.log.error({ code: codeOf(err) }, 'storing updates failed; they stay in memory and are retried')
    }
    this.reportUnsaved()
    this.scheduleRetry()
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.erased) return
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      void this.retry()
    }, this.retryDelayMs)
    this.retryTimer.unref()
  }

  /** Store the whole backlog as one merged update; on failure back off (up to STORE_RETRY_MAX_MS). */
  private async retry(): Promise<void> {
    if (this.erased || this.backlog.length === 0) return
    const batch = this.backlog.slice()
    this.inFlight++
    try {
      await this.storage.docLog.append(this.caseId, Y.mergeUpdates(batch), Date.now())
      this.inFlight--
      this.backlog.splice(0, batch.length)
      this.retryDelayMs = STORE_RETRY_MIN_MS
      this.stored(batch.length)
      if (this.backlog.length > 0) this.scheduleRetry()
    } catch (err) {
      this.inFlight--
      this.retryDelayMs = Math.min(this.retryDelayMs * 2, STORE_RETRY_MAX_MS)
      this.storeFailed(err)
    }
  }

  private reportUnsaved(): void {
    this.storage.health.setUnsaved(this.caseId, this.backlog.length)
  }

  /**
   * Fold the stored log into one state row. The storage does it (off this event loop); only when
   * it finds the stored data damaged does the room write its own, intact, state instead.
   * Returns false when storing failed (the caller keeps the room).
   */
  async compact(): Promise<boolean> {
    if (this.erased) return true
    if (this.compacting) return false
    this.compacting = true
    const countedBefore = this.appendedSinceCompact
    const bytesBefore = this.bytesSinceCompact
    try {
      const r = await this.storage.docLog.compact(this.caseId)
      // What arrived while the storage compacted is not in its state yet.
      this.appendedSinceCompact = Math.max(0, this.appendedSinceCompact - countedBefore)
      this.bytesSinceCompact = Math.max(0, this.bytesSinceCompact - bytesBefore)
      this.stateBytes = r.bytes
      return true
    } catch (err) {
      if (codeOf(err) === 'damaged') return this.rewriteState()
      this.log.error({ code: codeOf(err) }, 'compacting failed; the room stays in memory')
      return false
    } finally {
      this.compacting = false
    }
  }

  /** Replace the stored state and log by this room's document (after damage was found). */
  async rewriteState(): Promise<boolean> {
    try {
      const state = Y.encodeStateAsUpdate(this.doc)
      await this.storage.docLog.replace(this.caseId, state)
      this.appendedSinceCompact = 0
      this.bytesSinceCompact = 0
      this.stateBytes = state.byteLength
      this.log.warn('stored data of the case was damaged; rewrote it from the live document')
      return true
    } catch (err) {
      this.log.error({ code: codeOf(err) }, 'rewriting the case state failed; the room stays in memory')
      return false
    }
  }

  closeAll(code: number, reason: string): void {
    for (const c of [...this.conns.keys()]) c.close(code, reason)
  }

  destroy(): void {
    this.outbox = []
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = null
    this.storage.health.setUnsaved(this.caseId, 0)
    this.doc.off('update', this.onDocUpdate)
    this.awareness.off('update', this.onAwarenessUpdate)
    this.awareness.destroy()
    this.guard.destroy()
    this.doc.destroy()
    for (const w of this.idleWaiters.splice(0)) w()
  }
}

/** Run a decoder step; any decoding failure is a malformed message. */
function readOr<T>(read: () => T): T {
  try {
    return read()
  } catch {
    throw new BadMessageError(CloseCode.BadMessage, 'malformed message')
  }
}

export function isEmptyUpdate(update: Uint8Array): boolean {
  // An update with no structs and an empty delete set: [0, 0].
  return update.byteLength === 2 && update[0] === 0 && update[1] === 0
}
