/**
 * Store -> doc: the user's changes on the canvas become document writes.
 *
 * Listens to the tldraw store ({ source: 'user', scope: 'document' }), remembers which records
 * changed, and writes their *current* state to the Y.Doc in one transaction with LOCAL_ORIGIN —
 * at once when no gesture is going on, at a bounded rate while the user drags (see throttle.ts).
 * Writing the current state (not each step) keeps a drag to a few `pos` writes.
 */
import * as Y from 'yjs'
import type { TLArrowBinding, TLRecord, TLShape, TLStore } from 'tldraw'
import { DRAG_WRITE_INTERVAL_MS } from '../../../shared/limits.ts'
import type { Author } from '../../../shared/schema.ts'
import { parts } from '../../../shared/doc.ts'
import { DOMAIN_TYPE, ITEM_TYPE, type DomainShape, type ItemShape } from '../shapes/defs.ts'
import { LOCAL_ORIGIN } from './origins.ts'
import { entityIdOf, shapeIdFor } from './ids.ts'
import { arrowBindingsByArrow, isFreeRecordCandidate, jsonEqual, linkEndsOf, toPlainJson } from './classify.ts'
import { createGestureThrottle, type Clock } from './throttle.ts'
import { syncDomainToDoc, syncItemToDoc, syncLinkToDoc, finishMovedItems } from './writeEntities.ts'

export interface StoreToDocOptions {
  /** True while a pointer gesture (drag, resize, drawing) is going on. */
  isInteracting?: () => boolean
  intervalMs?: number
  clock?: Clock
  /** Author for items that appear in the store without a document entity (paste, duplicate). */
  author?: Author
  onError?: (err: unknown) => void
  /** Links this binder just made from arrows (so the arrow can take the link's look). */
  onLinksMade?: (linkIds: string[]) => void
}

export interface StoreToDocBinding {
  /** Deliver pending store changes and write them now (tests; end of a gesture). */
  flush(): void
  /** The pointer went up: write what is left as the final write. */
  settle(): void
  unsubscribe(): void
  /** How many doc transactions this binder made (for measurement). */
  readonly writes: number
}

export function bindStoreToDoc(store: TLStore, doc: Y.Doc, opts: StoreToDocOptions = {}): StoreToDocBinding {
  const dirty = new Set<string>()
  const moved = new Set<string>()
  const onError = opts.onError ?? ((e: unknown) => console.warn('[board] write failed', e))
  let writes = 0

  const run = (final: boolean) => {
    if (dirty.size === 0 && !(final && moved.size > 0)) return
    const ids = [...dirty]
    dirty.clear()
    let regrouped: { shapeId: string; domainId: string | null }[] = []
    const orphans: string[] = []
    const made: string[] = []
    try {
      doc.transact(() => {
        orphans.push(...writeRecords(store, doc, ids, opts.author, onError, made))
        if (final) regrouped = finishMovedItems(store, doc, moved, onError)
      }, LOCAL_ORIGIN)
      writes++
    } catch (err) {
      onError(err)
    }
    if (final) moved.clear()
    // Arrows of links that went with a deleted item go from the canvas too.
    const arrowIds = orphans.map((id) => shapeIdFor(id)).filter((id) => store.has(id))
    if (arrowIds.length > 0) {
      const own = arrowBindingsByArrow(store)
      store.remove([...arrowIds.flatMap((id) => (own.get(id) ?? []).map((b) => b.id)), ...arrowIds])
    }
    if (made.length > 0) opts.onLinksMade?.(made)
    // The store shows the new domain too (our own write is not echoed back by the doc side).
    if (regrouped.length > 0) {
      store.mergeRemoteChanges(() => {
        for (const { shapeId, domainId } of regrouped) {
          const s = store.get(shapeId as ItemShape['id'])
          if (s && s.type === ITEM_TYPE) store.put([{ ...s, props: { ...(s as ItemShape).props, domainId } } as ItemShape])
        }
      })
    }
  }
  const throttle = createGestureThrottle(run, {
    intervalMs: opts.intervalMs ?? DRAG_WRITE_INTERVAL_MS,
    isInteracting: opts.isInteracting ?? (() => false),
    clock: opts.clock,
  })

  const stop = store.listen(({ changes }) => {
    const mark = (r: TLRecord) => {
      dirty.add(r.id)
      if (r.typeName === 'binding') dirty.add(r.fromId)
    }
    for (const r of Object.values(changes.added)) mark(r)
    for (const [from, to] of Object.values(changes.updated)) {
      mark(to)
      if (from.typeName === 'binding' && to.typeName === 'binding' && from.fromId !== to.fromId) dirty.add(from.fromId)
      if (from.typeName === 'shape' && to.typeName === 'shape' && (from.x !== to.x || from.y !== to.y)) moved.add(to.id)
    }
    for (const r of Object.values(changes.removed)) mark(r)
    if (dirty.size > 0) throttle.request()
  }, { source: 'user', scope: 'document' })

  return {
    flush() {
      store._flushHistory()
      throttle.settle()
    },
    settle: () => throttle.settle(),
    unsubscribe() {
      stop()
      store._flushHistory()
      throttle.settle()
      throttle.dispose()
    },
    get writes() {
      return writes
    },
  }
}

/** Returns link ids whose arrows should leave the store (their item was deleted). */
function writeRecords(
  store: TLStore, doc: Y.Doc, unordered: string[], author: Author | undefined, onError: (e: unknown) => void,
  made: string[],
): string[] {
  const orphanLinks = new Set<string>()
  // Entity shapes first, so a link drawn to a just-pasted item finds it in the document.
  const rank = (id: string) => {
    const r = store.get(id as TLRecord['id'])
    return r?.typeName === 'shape' && (r.type === ITEM_TYPE || r.type === DOMAIN_TYPE) ? 0 : 1
  }
  const ids = [...unordered].sort((a, b) => rank(a) - rank(b))
  const p = parts(doc)
  const byArrow = arrowBindingsByArrow(store)
  const done = new Set<string>()
  const writeCanvas = (r: TLRecord) => {
    const plain = toPlainJson(r)
    if (!jsonEqual(p.canvas.get(r.id), plain)) p.canvas.set(r.id, plain)
  }
  const dropCanvas = (id: string) => {
    if (p.canvas.has(id)) p.canvas.delete(id)
  }

  for (const id of ids) {
    if (done.has(id)) continue
    done.add(id)
    try {
      const r = store.get(id as TLRecord['id'])
      if (!r) {
        // Gone from the canvas. Items go through deleteItem (which also removes their links);
        // domains and the resident cannot be deleted (the store refuses, see protectEntities).
        const entity = entityIdOf(id)
        if (entity && p.items.has(entity)) for (const l of syncItemToDoc(doc, entity, null, author)) orphanLinks.add(l)
        if (entity && p.links.has(entity)) syncLinkToDoc(doc, entity, null)
        dropCanvas(id)
        continue
      }
      if (r.typeName === 'shape' && r.type === ITEM_TYPE) {
        const entity = entityIdOf(r.id)
        if (entity) syncItemToDoc(doc, entity, r as ItemShape, author)
        continue
      }
      if (r.typeName === 'shape' && r.type === DOMAIN_TYPE) {
        const entity = entityIdOf(r.id)
        if (entity) syncDomainToDoc(doc, entity, r as DomainShape)
        continue
      }
      if (r.typeName === 'shape' && r.type === 'arrow') {
        const bindings = byArrow.get(r.id) ?? []
        const entity = entityIdOf(r.id)
        if (entity && orphanLinks.has(entity)) {
          for (const b of bindings) done.add(b.id)
          continue
        }
        if (writeArrow(store, doc, r, bindings, writeCanvas, dropCanvas) && entity) made.push(entity)
        for (const b of bindings) done.add(b.id)
        continue
      }
      if (r.typeName === 'binding') {
        if (orphanLinks.has(entityIdOf(r.fromId) ?? '')) continue
        const arrow = store.get(r.fromId)
        const isLink = arrow ? linkEndsOf(store, arrow, byArrow.get(arrow.id) ?? []) !== null : false
        if (isLink) dropCanvas(r.id)
        else writeCanvas(r)
        continue
      }
      if (isFreeRecordCandidate(r)) writeCanvas(r)
    } catch (err) {
      onError(err)
    }
  }
  return [...orphanLinks]
}

function writeArrow(
  store: TLStore, doc: Y.Doc, arrow: TLShape, bindings: TLArrowBinding[],
  writeCanvas: (r: TLRecord) => void, dropCanvas: (id: string) => void,
): boolean {
  const ends = linkEndsOf(store, arrow, bindings)
  const entity = entityIdOf(arrow.id)
  if (ends && entity) {
    const made = syncLinkToDoc(doc, entity, ends)
    dropCanvas(arrow.id)
    for (const b of bindings) dropCanvas(b.id)
    return made
  }
  // A free arrow (or one that was detached from an item): plain canvas data.
  if (entity && parts(doc).links.has(entity)) syncLinkToDoc(doc, entity, null)
  writeCanvas(arrow)
  for (const b of bindings) writeCanvas(b)
  return false
}
