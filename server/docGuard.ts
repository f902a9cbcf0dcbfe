/**
 * The DocGuard decides, field by field, whether a client's update may touch a room's document.
 *
 * It keeps a *shadow* replica of the live document. A client update is tried on the shadow first,
 * and only the entities that update touched are checked against their schema (shared/entities/),
 * so the cost follows the size of the change, not of the document:
 *
 *   1. the cheap structural pre-check on the decoded update (validateUpdate.ts), and whether it
 *      builds on changes the server does not have (verdict "pending", shadow untouched);
 *   2. apply to the shadow in one transaction; if anything is still left waiting for missing
 *      changes (pending structs or deletes), the verdict is "pending" too;
 *   3. refuse a top-level type outside the schema, any client change to `meta` (server-owned),
 *      a change of an immutable field of an entity that existed before (`id`, `kind`, `author`,
 *      `createdAt` …), replacing the plan's `goal` Y.Text once it exists (concurrent typing would be
 *      lost), and list content in a map;
 *   4. validate every touched entity as it now is in the shadow, whole: a write that leaves it
 *      outside its schema is refused. A deleted entity is fine.
 *
 * After a refusal or a pending verdict the shadow holds changes the live document will never get:
 * it is rebuilt from the live document at the next check (rare: the room closes that connection).
 *
 * Mirroring: every live transaction whose origin is not a client (server changes: author
 * stamping, restore, migrations) is applied to the shadow too. A client update that passed is
 * applied to the live document by the room with the connection as origin; it is already in the
 * shadow, so it is not applied again. Hence shadow = live + the update being checked.
 */
import * as Y from 'yjs'
import { TOP_LEVEL, TOP_LEVEL_NAMES, type Role } from '../shared/schema.ts'
import { canDeleteItem, parts, readItem } from '../shared/doc.ts'
import {
  COLLECTION_KINDS, ENTITY_RULES, SINGLETON_KINDS, checkEntityFields, entityLabel, entityProblems, type EntityKind,
} from '../shared/entities/index.ts'
import { decodeValidUpdate, type DecodedUpdate } from './validateUpdate.ts'

export type GuardVerdict =
  /** May be applied. `newItems`: ids of items the update creates (or replaces), for author stamping. */
  | { ok: true; newItems: string[] }
  /** The update waits for changes the server does not have (missing dependencies); nothing applied. */
  | { ok: false; pending: true }
  /** Refused: a short reason for the close frame, naming no content. `forbidden`: a right the writer lacks (not malformed). */
  | { ok: false; pending: false; reason: string; forbidden?: boolean }

/** A WebSocket close reason holds at most 123 bytes. */
const MAX_REASON_CHARS = 120
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Yjs types are generic over their event
type AnyType = Y.AbstractType<any>
const PENDING: GuardVerdict = { ok: false, pending: true }

export class DocGuard {
  private shadow: Y.Doc
  private dirty = false
  /** The shadow's top-level types by name (known names only; the shadow makes them all up front). */
  private names: Map<AnyType, string> | null = null

  /** `live` is the room's document. `isClientOrigin(origin)` tells which live transactions were client updates already checked by this guard. */
  constructor(
    private readonly live: Y.Doc,
    private readonly isClientOrigin: (origin: unknown) => boolean,
  ) {
    this.shadow = replicaOf(live)
    live.on('update', this.onLiveUpdate)
  }

  /**
   * Decide whether a client's update may be applied to the live document. Does not touch `live`.
   * `writer`: the role of the connection that sent it (rights inside the document, see `rights`).
   */
  check(update: Uint8Array, writer: Role = 'professional'): GuardVerdict {
    const pre = decodeValidUpdate(update)
    if (!pre.ok) return refuse(pre.reason)
    if (this.dirty) this.rebuild()
    // Most updates that wait for missing changes are told apart before they touch the shadow,
    // which then needs no rebuild.
    if (waitsForMissing(pre.decoded, this.shadow.store)) return PENDING
    let verdict: GuardVerdict = refuse('malformed document update')
    try {
      // Inspect inside the transaction: once it ends, content deleted by it is garbage-collected.
      this.shadow.transact((tr) => {
        Y.applyUpdate(this.shadow, update)
        verdict = this.inspect(tr, writer)
      })
    } catch {
      verdict = refuse('malformed document update')
    }
    if (!verdict.ok) this.dirty = true
    return verdict
  }

  /** Forget the shadow's state; it is rebuilt from the live document at the next check. */
  reset(): void {
    this.dirty = true
  }

  destroy(): void {
    this.live.off('update', this.onLiveUpdate)
    this.shadow.destroy()
  }

  private onLiveUpdate = (update: Uint8Array, origin: unknown): void => {
    if (this.dirty || this.isClientOrigin(origin)) return
    try {
      Y.applyUpdate(this.shadow, update)
    } catch {
      this.dirty = true
    }
  }

  private rebuild(): void {
    this.shadow.destroy()
    this.shadow = replicaOf(this.live)
    this.names = null
    this.dirty = false
  }

  /** Steps 2–4 on the transaction that applied the update to the shadow. */
  private inspect(tr: Y.Transaction, writer: Role): GuardVerdict {
    const store = this.shadow.store
    if (store.pendingStructs !== null || store.pendingDs !== null) return PENDING
    if (this.shadow.share.size > TOP_LEVEL_NAMES.length) return refuse('update writes outside the case schema')

    const names = (this.names ??= topLevelNames(this.shadow))
    // Entities to check: new or replaced ones whole (fields: null), existing ones by changed field.
    const touched = new Map<string, { kind: EntityKind; key: string; value: unknown; fields: Set<string> | null }>()
    /** Entities the update removes, and existing items whose deletion mark it changes. */
    const removed: { kind: EntityKind; key: string }[] = []
    const markedItems: string[] = []
    const touch = (kind: EntityKind, key: string, value: unknown, fields: Iterable<string> | null) => {
      const id = `${kind}\u0000${key}`
      const seen = touched.get(id)
      if (!seen) touched.set(id, { kind, key, value, fields: fields && new Set(fields) })
      else if (seen.fields && fields) for (const f of fields) seen.fields.add(f)
      else seen.fields = null
    }

    for (const [type, keys] of tr.changed) {
      // The entity a change belongs to: the type right below a top-level map (or the map itself).
      let entity: AnyType = type
      while (entity._item !== null && (entity._item.parent as AnyType)._item !== null) {
        entity = entity._item.parent as AnyType
      }
      if (entity._item?.deleted) continue // inside an entity that is gone: nothing of it remains
      const top = entity._item === null ? entity : (entity._item.parent as AnyType)
      const name = names.get(top)
      if (name === undefined) return refuse('update writes outside the case schema')
      if (name === TOP_LEVEL.meta) return refuse('meta is written by the server only')

      if (entity === top) {
        // A top-level map itself: keys added, replaced or deleted.
        if (keys.has(null)) return refuse(`${name}: list content in a map`)
        if (name === TOP_LEVEL.plan) {
          if (keys.has('goal') && replacedText(top as Y.Map<unknown>, 'goal')) return refuse('plan.goal: replaced instead of edited')
          touch('plan', '', top, keys as Set<string>)
          continue
        }
        const kind = COLLECTION_KINDS[name]!
        for (const key of keys) {
          const value = (top as Y.Map<unknown>).get(key!)
          if (value !== undefined) touch(kind, key!, value, null) // undefined: deleted (rights below)
          else removed.push({ kind, key: key! })
        }
        continue
      }

      const key = entity._item!.parentSub
      if (name === TOP_LEVEL.plan) {
        // A type inside the plan: its goal text.
        touch('plan', '', top, key === null ? null : [key])
        continue
      }
      const kind = COLLECTION_KINDS[name]!
      if (key === null) return refuse(`${name}: list content in a map`)
      if (!(entity instanceof Y.Map)) return refuse(`schema: ${entityLabel(kind, key)}: must be a Y.Map`)
      if ((entity as AnyType) === type) {
        // An entity that existed before this update had keys changed (new entities are never in
        // `changed`): its immutable fields must stay as they were.
        if (keys.has(null)) return refuse(`${entityLabel(kind, key)}: list content in a map`)
        const immutable = ENTITY_RULES[kind].immutable
        for (const k of keys) {
          if (immutable === '*' || immutable.includes(k!)) {
            return refuse(`${entityLabel(kind, key)}.${k}: cannot change after creation`)
          }
        }
        touch(kind, key, entity, keys as Set<string>)
        if (kind === 'item' && (keys.has('deletedAt') || keys.has('deletedBy'))) markedItems.push(key)
      } else {
        // A type inside an entity (an item's text): the field that holds it.
        let field: AnyType = type
        while (field._item!.parent !== entity) field = field._item!.parent as AnyType
        const fieldKey = field._item!.parentSub
        touch(kind, key, entity, fieldKey === null ? null : [fieldKey])
      }
    }

    const newItems: string[] = []
    for (const { kind, key, value, fields } of touched.values()) {
      const problem = fields === null ? entityProblems(kind, key, value)[0] : checkEntityFields(kind, key, value as Y.Map<unknown>, fields)
      if (problem) return refuse(`schema: ${problem}`)
      if (fields === null && kind === 'item') newItems.push(key)
    }
    const denied = this.rights(writer, [...touched.values()], removed, markedItems)
    if (denied) return { ok: false, pending: false, reason: denied, forbidden: true }
    return { ok: true, newItems }
  }

  /**
   * Rights inside the document (docs/security.md). A resident adds items and links, edits the
   * plan (goal, route, ladder: it is their plan), edits and deletes their own items and restores any
   * deleted item; they may not change or delete others' items, delete or change links, or change
   * life domains or free drawing. A deletion mark always names the writer's own role. Authors are
   * read from the live document, i.e. as they were before this update.
   */
  private rights(
    writer: Role, touched: { kind: EntityKind; key: string; fields: Set<string> | null }[],
    removed: { kind: EntityKind; key: string }[], markedItems: string[],
  ): string | null {
    const liveItems = parts(this.live).items
    const authorRole = (id: string): Role | null => {
      const m = liveItems.get(id)
      return m instanceof Y.Map ? (readItem(m)?.author.role ?? null) : null
    }
    const shadowItems = parts(this.shadow).items
    const restoredOnly = (id: string, fields: Set<string>) => {
      const d = shadowItems.get(id)?.get('deletedAt')
      return [...fields].every((f) => f === 'deletedAt' || f === 'deletedBy') && (d === null || d === undefined)
    }
    for (const { kind, key } of removed) {
      if (kind === 'item') {
        const role = authorRole(key)
        if (role !== null && !canDeleteItem(writer, { author: { name: '', org: '', role } })) return `item ${key}: you may not delete what others added`
      } else if (writer === 'resident') {
        return `${kind} ${key}: only professionals may remove it`
      }
    }
    if (writer === 'resident') {
      for (const { kind, key, fields } of touched) {
        if (kind === 'plan') continue
        if (kind === 'item') {
          const role = authorRole(key)
          if (role === null || role === 'resident') continue // new, or the resident's own
          if (fields !== null && restoredOnly(key, fields)) continue
          if (fields !== null && [...fields].every((f) => f === 'deletedAt' || f === 'deletedBy')) return `item ${key}: you may not delete what others added`
          return `item ${key}: you may not change what others added`
        }
        if (kind === 'link' && fields === null && !parts(this.live).links.has(key)) continue // a new link
        return `${kind === 'canvasRecord' ? 'drawing' : kind} ${key}: only professionals may change it`
      }
    }
    const items = parts(this.shadow).items
    for (const id of markedItems) {
      const m = items.get(id)
      const deletedAt = m?.get('deletedAt')
      if (deletedAt === null || deletedAt === undefined) continue // restored: anyone may
      const role = authorRole(id)
      if (role !== null && !canDeleteItem(writer, { author: { name: '', org: '', role } })) return `item ${id}: you may not delete what others added`
      const by = m?.get('deletedBy') as { role?: unknown } | null | undefined
      if (by?.role !== writer) return `item ${id}.deletedBy: must name your own role`
    }
    return null
  }
}

function refuse(reason: string): GuardVerdict {
  return { ok: false, pending: false, reason: reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS - 1)}…` : reason }
}

/** A replica of `live` without anything of it that is still pending (that is never served). */
function replicaOf(live: Y.Doc): Y.Doc {
  const doc = new Y.Doc({ gc: live.gc })
  // Make every known top-level name a Y.Map first, so changes are recorded on the map itself.
  for (const name of TOP_LEVEL_NAMES) doc.getMap(name)
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(live))
  doc.store.pendingStructs = null
  doc.store.pendingDs = null
  return doc
}

function topLevelNames(doc: Y.Doc): Map<AnyType, string> {
  const out = new Map<AnyType, string>()
  for (const [name, type] of doc.share) if (TOP_LEVEL_NAMES.includes(name) || SINGLETON_KINDS[name]) out.set(type, name)
  return out
}

/** True when the current value of `key` replaced a Y.Text that was there before this update. */
function replacedText(map: Y.Map<unknown>, key: string): boolean {
  const current = map._map.get(key)
  const previous = current?.left
  return !!previous && previous.content instanceof Y.ContentType && previous.content.type instanceof Y.Text
}

/**
 * True when the update needs changes `store` does not have: a gap before a client's first new
 * struct, an origin, right origin or parent the store lacks, or a delete of unknown content. Yjs
 * would keep such parts pending; the same tests as its integration, on the decoded update.
 */
function waitsForMissing(decoded: DecodedUpdate, store: Y.Doc['store']): boolean {
  // 1. How far each client's structs reach once this update is in (contiguous from the store).
  const reach = new Map<number, number>()
  const has = (client: number) => reach.get(client) ?? Y.getState(store, client)
  for (const s of decoded.structs) {
    if (s instanceof Y.Skip) continue
    const { client, clock } = s.id
    const have = has(client)
    if (clock > have) return true
    reach.set(client, Math.max(have, clock + s.length))
  }
  // 2. Every reference points into what exists then.
  const known = (id: Y.ID | null) => id === null || id.clock < has(id.client)
  for (const s of decoded.structs) {
    if (!(s instanceof Y.Item)) continue
    if (!known(s.origin) || !known(s.rightOrigin)) return true
    if (s.parent instanceof Y.ID && !known(s.parent)) return true
  }
  for (const [client, deletes] of decoded.ds.clients) {
    const have = has(client)
    for (const d of deletes) if (d.clock + d.len > have) return true
  }
  return false
}
