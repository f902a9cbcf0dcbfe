/**
 * The room lifecycle: get-or-load, evict after the last client left, erase, shut down.
 * Loading is asynchronous (the document log is); messages that arrive while a room loads wait
 * for it, in order. A room is evicted only once everything it holds is durably stored.
 */
import * as Y from 'yjs'
import { CloseCode } from '../shared/closeCodes.ts'
import { ROOM_EVICT_AFTER_MS, STORE_RETRY_MS } from './constants.ts'
import { rebuildCase } from './loadCase.ts'
import { Room, type Conn } from './room.ts'
import type { Storage } from './storage/storage.ts'
import { caseRef, type Logger } from './log.ts'

export interface RoomManagerOptions {
  evictAfterMs?: number
  retryMs?: number
  /**
   * Runs when a room leaves memory, the grace period after its last client left (e.g. to save an
   * automatic snapshot). Not on every leave: someone joining and leaving a large case over and
   * over costs one run per eviction, not one per leave.
   */
  onEvict?: (room: Room) => void | Promise<void>
  /** The other instances (REDIS_URL; relay/caseRelay.ts); absent: this instance is alone. */
  peers?: PeerLink
}

/** How rooms reach the same case's rooms on other instances. */
export interface PeerLink {
  /** Before a room loads: start listening to its case (what arrives waits for `attach`). */
  open(caseId: string): Promise<void>
  /** The room is loaded: apply what waited and let it publish. */
  attach(room: Room): void
  /** The room left memory (or never loaded). */
  detach(caseId: string): void
  /** The case was erased here: the other instances drop it too. */
  erased(caseId: string): void
}

export class RoomManager {
  private rooms = new Map<string, Promise<Room>>()
  private timers = new Map<string, NodeJS.Timeout>()
  private evictAfterMs: number
  private retryMs: number
  private onEvict: (room: Room) => void | Promise<void>
  private peers: PeerLink | null

  constructor(private storage: Storage, private log: Logger, opts: RoomManagerOptions = {}) {
    this.evictAfterMs = opts.evictAfterMs ?? ROOM_EVICT_AFTER_MS
    this.retryMs = opts.retryMs ?? STORE_RETRY_MS
    this.onEvict = opts.onEvict ?? (() => {})
    this.peers = opts.peers ?? null
  }

  /** Load (or reuse) the room of a case and add the connection to it. */
  async join(caseId: string, conn: Conn): Promise<Room> {
    const room = await this.get(caseId)
    this.cancelEviction(caseId)
    room.join(conn)
    return room
  }

  leave(room: Room, conn: Conn): void {
    room.leave(conn)
    if (room.conns.size === 0 && !room.erased) this.scheduleEviction(room, this.evictAfterMs)
  }

  get(caseId: string): Promise<Room> {
    let p = this.rooms.get(caseId)
    if (!p) {
      p = this.load(caseId)
      this.rooms.set(caseId, p)
      // A failed load must not stick: the next connect tries again.
      p.catch(() => {
        if (this.rooms.get(caseId) !== p) return
        this.rooms.delete(caseId)
        this.peers?.detach(caseId)
      })
    }
    return p
  }

  private async load(caseId: string): Promise<Room> {
    const log = this.log.child({ case: caseRef(caseId) })
    // Listen first, then load: an update another instance accepts meanwhile is not missed.
    await this.peers?.open(caseId)
    const stored = await this.storage.docLog.load(caseId)
    const loaded = await rebuildCase(stored, this.storage, caseId)
    const room = new Room(caseId, loaded.doc, this.storage, log, loaded.storedBytes)
    if (loaded.repair) {
      log.error(loaded.repair, 'stored data of the case was damaged; rebuilt from what was intact and the latest snapshots')
      // Write the repaired document back, so the damage is not loaded again.
      void room.rewriteState()
    }
    this.peers?.attach(room)
    return room
  }

  /** Run `fn` on the case's live document if it is open, else on a copy loaded from storage. */
  async withDoc<T>(caseId: string, fn: (doc: Y.Doc) => T | Promise<T>): Promise<T> {
    const room = await this.peek(caseId)
    if (room && !room.erased) return fn(room.doc)
    const { doc } = await rebuildCase(await this.storage.docLog.load(caseId), this.storage, caseId)
    try {
      return await fn(doc)
    } finally {
      doc.destroy()
    }
  }

  /**
   * Change a case's live document on behalf of the server (e.g. a restore): loads the room if
   * needed, so the change is stored and relayed like any client's; a room nobody is in is evicted
   * again after the usual grace period.
   */
  async changeLive<T>(caseId: string, fn: (room: Room) => T | Promise<T>): Promise<T> {
    const room = await this.get(caseId)
    try {
      return await fn(room)
    } finally {
      if (room.conns.size === 0 && !this.timers.has(caseId)) this.scheduleEviction(room, this.evictAfterMs)
    }
  }

  /** The room if it is in memory and loaded; never loads. */
  async peek(caseId: string): Promise<Room | null> {
    const p = this.rooms.get(caseId)
    return p ? p.catch(() => null) : null
  }

  get size(): number {
    return this.rooms.size
  }

  private scheduleEviction(room: Room, delayMs: number): void {
    this.cancelEviction(room.caseId)
    const t = setTimeout(() => {
      this.timers.delete(room.caseId)
      void this.evict(room)
    }, delayMs)
    t.unref()
    this.timers.set(room.caseId, t)
  }

  /** Evict only once the last write is safe and the log is folded; otherwise keep the room and retry. */
  private async evict(room: Room): Promise<void> {
    if (room.conns.size > 0 || room.erased) return
    if (room.saved) {
      try {
        await this.onEvict(room)
      } catch (err) {
        this.log.error({ case: caseRef(room.caseId), err: err instanceof Error ? err.message : String(err) }, 'eviction hook failed')
      }
    }
    const safe = room.saved && await room.compact()
    if (room.conns.size > 0 || room.erased || this.rooms.get(room.caseId) === undefined) return
    if (!safe || !room.saved) {
      this.scheduleEviction(room, this.retryMs)
      return
    }
    room.destroy()
    this.rooms.delete(room.caseId)
    this.peers?.detach(room.caseId)
  }

  private cancelEviction(caseId: string): void {
    const t = this.timers.get(caseId)
    if (t) {
      clearTimeout(t)
      this.timers.delete(caseId)
    }
  }

  /**
   * Close every connection of the case and drop it from memory without storing anything more;
   * the other instances do the same (`fromPeer`: this is their message, not to be sent again).
   */
  async erase(caseId: string, fromPeer = false): Promise<void> {
    if (!fromPeer) this.peers?.erased(caseId)
    // Erased on another instance: this one drops the case key it may hold in memory too.
    else this.storage.forgetErased(caseId)
    const room = await this.peek(caseId)
    this.cancelEviction(caseId)
    if (room) {
      room.erased = true
      room.closeAll(CloseCode.CaseErased, 'case erased')
      room.destroy()
    }
    this.rooms.delete(caseId)
    this.peers?.detach(caseId)
  }

  /**
   * Store every room. The WebSocket layer has closed the connections and processed what they
   * sent before this runs. Waits for the last commits up to `deadline`; returns false if some
   * room could not be stored.
   */
  async shutdown(deadline: number): Promise<boolean> {
    let ok = true
    for (const [caseId, p] of [...this.rooms]) {
      const room = await p.catch(() => null)
      this.cancelEviction(caseId)
      if (!room) continue
      const left = deadline - Date.now()
      const saved = await Promise.race([room.whenSaved().then(() => true), sleep(Math.max(0, left)).then(() => false)])
      if (!saved || !room.saved) {
        this.log.error({ case: caseRef(caseId), unsaved: room.unsavedCount }, 'could not store every update before shutting down')
        ok = false
      } else if (!(await room.compact())) {
        ok = false
      }
      room.destroy()
      this.peers?.detach(caseId)
    }
    this.rooms.clear()
    return ok
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref())
}
