/**
 * Rooms across instances: connects the RoomManager (its PeerLink) and the access resolver's open
 * sockets with the Redis relay (relay.ts).
 *
 * - A room that opens subscribes to its case's channel before it loads, then asks the others for
 *   what it lacks beyond storage (updates accepted elsewhere and not committed yet): a sync
 *   request carries its state vector; each instance with the room open answers with the diff,
 *   its own clients' awareness and its state vector, and the requester sends back what that one
 *   lacks. Both directions, as y-websocket syncs a client.
 * - Updates and awareness a room accepted from its clients are published; relayed ones are
 *   applied with the RELAYED origin (room.ts): sent to local clients, neither stored nor published.
 * - Erasure and credential ends (logout, account changes, revoked invites and API tokens) run on
 *   every instance: they go out on the control channel, which every instance listens to, so an
 *   erasure also reaches instances that only hold the case's key in memory (no room open).
 * - Catch-up: whenever Redis is back, every case erased elsewhere meanwhile (its key file is gone
 *   but its key still in memory here) is erased here too; then every open room reloads its stored
 *   log and applies it (Yjs updates are idempotent; clients get the difference), then syncs with
 *   the others as above.
 */
import * as Y from 'yjs'
import type { Credential } from '../auth/liveCredentials.ts'
import type { LiveCredentials } from '../auth/liveCredentials.ts'
import { isEmptyUpdate, type Room } from '../room.ts'
import type { PeerLink } from '../rooms.ts'
import type { DocLog } from '../storage/docLog.ts'
import { caseRef, type Logger } from '../log.ts'
import { isCaseId } from '../ids.ts'
import { caseChannel, CONTROL_CHANNEL, type Relay } from './relay.ts'
import { decodeParts, decodeStrings, encodeParts, encodeStrings, RelayKind, sameId, type RelayMessage } from './wire.ts'

export interface CaseRelayDeps {
  relay: Relay
  docLog: DocLog
  log: Logger
  /** Erase the case here: drop its key from memory, close its room (rooms.erase(caseId, true)). */
  erase(caseId: string): Promise<void>
  /** Cases erased elsewhere whose key this instance still holds in memory (storage.vanishedKeys). */
  vanishedKeys(): string[]
}

/** At most one sync request per case in this time when relayed updates keep missing something. */
const MISSING_REQUEST_INTERVAL_MS = 1000
const CREDENTIAL_KINDS = new Set(['session', 'invite', 'apiToken', 'account'])

interface CaseEntry {
  room: Room | null
  /** Messages that arrived while the room loaded, applied in order by attach. */
  waiting: RelayMessage[]
  lastMissingRequest: number
}

export class CaseRelay implements PeerLink {
  private cases = new Map<string, CaseEntry>()

  constructor(private deps: CaseRelayDeps) {}

  async open(caseId: string): Promise<void> {
    this.cases.set(caseId, { room: null, waiting: [], lastMissingRequest: 0 })
    await this.deps.relay.subscribe(caseChannel(caseId), (m) => this.receive(caseId, m))
  }

  attach(room: Room): void {
    const entry = this.cases.get(room.caseId)
    if (!entry) return
    entry.room = room
    const channel = caseChannel(room.caseId)
    room.peers = {
      update: (u) => this.deps.relay.publish(channel, RelayKind.update, u),
      awareness: (u) => this.deps.relay.publish(channel, RelayKind.awareness, u),
      missing: () => {
        const now = Date.now()
        if (now - entry.lastMissingRequest < MISSING_REQUEST_INTERVAL_MS) return
        entry.lastMissingRequest = now
        this.requestSync(room)
      },
    }
    for (const m of entry.waiting.splice(0)) this.apply(room, m)
    this.requestSync(room)
  }

  detach(caseId: string): void {
    const entry = this.cases.get(caseId)
    if (!entry) return
    if (entry.room) entry.room.peers = null
    this.cases.delete(caseId)
    this.deps.relay.unsubscribe(caseChannel(caseId))
  }

  erased(caseId: string): void {
    this.deps.relay.publish(CONTROL_CHANNEL, RelayKind.erase, encodeStrings([caseId]))
  }

  /** Close, on the other instances, the sockets of a credential that ended here. */
  credentialEnded(kind: Credential['kind'] | 'account', id: string, reason: string): void {
    this.deps.relay.publish(CONTROL_CHANNEL, RelayKind.credentialEnd, encodeStrings([kind, id, reason]))
  }

  /** Run what other instances publish about every case: erasures, and credential ends on this instance's open sockets. */
  listenForControl(live: LiveCredentials): Promise<void> {
    return this.deps.relay.subscribe(CONTROL_CHANNEL, (m) => {
      if (m.kind === RelayKind.erase) {
        const [caseId] = decodeStrings(m.payload) ?? []
        if (caseId !== undefined && isCaseId(caseId)) void this.deps.erase(caseId)
        return
      }
      if (m.kind !== RelayKind.credentialEnd) return
      const [kind, id, reason] = decodeStrings(m.payload) ?? []
      if (kind === undefined || id === undefined || reason === undefined || !CREDENTIAL_KINDS.has(kind)) return
      live.end(kind as Credential['kind'] | 'account', id, reason)
    })
  }

  /** Redis is back (or reachable for the first time): catch up on erasures and every open room. */
  async catchUp(): Promise<void> {
    for (const caseId of this.deps.vanishedKeys()) await this.deps.erase(caseId)
    for (const [caseId, entry] of [...this.cases]) {
      const room = entry.room
      if (!room || room.erased) continue
      try {
        const stored = await this.deps.docLog.load(caseId)
        if (this.cases.get(caseId) !== entry || room.erased) continue
        // Damaged blobs are skipped: the room that wrote them repairs them; clients hold the rest.
        const blobs = [stored.state, ...stored.updates].filter((b) => b !== null && b.ok).map((b) => b!.data)
        if (blobs.length > 0) room.applyRelayed(Y.mergeUpdates(blobs))
      } catch (err) {
        this.deps.log.warn({ case: caseRef(caseId), err: err instanceof Error ? err.message : String(err) }, 'catching up from storage failed')
      }
      this.requestSync(room)
    }
  }

  private receive(caseId: string, m: RelayMessage): void {
    const entry = this.cases.get(caseId)
    if (!entry) return
    if (entry.room) this.apply(entry.room, m)
    else entry.waiting.push(m)
  }

  private apply(room: Room, m: RelayMessage): void {
    switch (m.kind) {
      case RelayKind.update:
        return room.applyRelayed(m.payload)
      case RelayKind.awareness:
        return room.applyRelayedAwareness(m.payload)
      case RelayKind.syncRequest:
        return this.answerSync(room, m)
      case RelayKind.syncReply:
        return this.completeSync(room, m)
    }
  }

  private requestSync(room: Room): void {
    this.deps.relay.publish(caseChannel(room.caseId), RelayKind.syncRequest, Y.encodeStateVector(room.doc))
  }

  private answerSync(room: Room, m: RelayMessage): void {
    let diff: Uint8Array
    try {
      diff = Y.encodeStateAsUpdate(room.doc, m.payload)
    } catch {
      return // not a state vector
    }
    const parts = [m.instance, Y.encodeStateVector(room.doc), diff, room.localAwareness() ?? new Uint8Array(0)]
    this.deps.relay.publish(caseChannel(room.caseId), RelayKind.syncReply, encodeParts(parts))
  }

  private completeSync(room: Room, m: RelayMessage): void {
    const parts = decodeParts(m.payload)
    if (!parts || parts.length !== 4) return
    const [target, theirVector, diff, awareness] = parts as [Uint8Array, Uint8Array, Uint8Array, Uint8Array]
    if (!sameId(target, this.deps.relay.instance)) return
    if (!isEmptyUpdate(diff)) room.applyRelayed(diff)
    if (awareness.byteLength > 0) room.applyRelayedAwareness(awareness)
    let theirLack: Uint8Array
    try {
      theirLack = Y.encodeStateAsUpdate(room.doc, theirVector)
    } catch {
      return
    }
    if (!isEmptyUpdate(theirLack)) this.deps.relay.publish(caseChannel(room.caseId), RelayKind.update, theirLack)
  }
}
