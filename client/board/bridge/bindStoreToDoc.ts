/**
 * Store -> doc: the user's changes on the canvas become document writes.
 *
 * Listens to the tldraw store ({ source: 'user', scope: 'document' }), remembers which records
 * changed, and writes their *current* state to the Y.Doc in one transaction with LOCAL_ORIGIN —
 * at once when no gesture is going on, at a bounded rate while the user drags (see throttle.ts).
 *
 * Plan cards have no position of their own (the board's layout places them): moving a card
 * writes nothing until the gesture ends; then the card goes into the domain under its centre, at
 * the slot nearest to where it was dropped (moveItem). Dropped outside every domain it goes back
 * to its place. Deleting a card soft-deletes it (anyone can restore it). Link arrows come from
 * the document only: deleting one deletes its link, other changes to it are not written; arrows
 * drawn with the drawing tools are drawings, stored in the `canvas` map like any free shape.
 */
import * as Y from 'yjs'
import type { TLRecord, TLShape, TLStore } from 'tldraw'
import { DRAG_WRITE_INTERVAL_MS } from '../../../shared/limits.ts'
import type { Author } from '../../../shared/schema.ts'
import { parts } from '../../../shared/doc.ts'
import { DOMAIN_TYPE, ITEM_TYPE, type DomainShape, type ItemShape } from '../shapes/defs.ts'
import type { BoardLayout } from '../layout/computeLayout.ts'
import { LOCAL_ORIGIN } from './origins.ts'
import { entityIdOf } from './ids.ts'
import { isFreeRecordCandidate, jsonEqual, toPlainJson } from './classify.ts'
import { createGestureThrottle, type Clock } from './throttle.ts'
import { syncDomainToDoc, syncItemToDoc, finishMovedItems } from './writeEntities.ts'

export interface StoreToDocOptions {
  /** True while a pointer gesture (drag, resize, drawing) is going on. */
  isInteracting?: () => boolean
  intervalMs?: number
  clock?: Clock
  /** Author (and who wrote it down) for items that appear in the store without a document entity (paste, duplicate). */
  author?: Author | (() => { author: Author; recordedBy: Author | null })
  /** Who deletes (the person at this screen). Default: `author`. */
  by?: Author
  /** The layout the cards are shown in (where a dropped card goes). */
  layout?: () => BoardLayout | null
  /** Moved cards were placed (or put back): show every card at its place again. */
  onSettled?: () => void
  onError?: (err: unknown) => void
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

  const who = () => {
    const a = opts.author
    if (!a) return undefined
    return typeof a === 'function' ? a() : { author: a, recordedBy: null }
  }
  const by = () => opts.by ?? who()?.author

  const run = (final: boolean) => {
    if (dirty.size === 0 && !(final && moved.size > 0)) return
    const ids = [...dirty]
    dirty.clear()
    const settled = final && moved.size > 0
    try {
      doc.transact(() => {
        writeRecords(store, doc, ids, { who, by }, onError)
        if (final) finishMovedItems(store, doc, moved, opts.layout?.() ?? null, onError)
      }, LOCAL_ORIGIN)
      writes++
    } catch (err) {
      onError(err)
    }
    if (final) moved.clear()
    if (settled) opts.onSettled?.()
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
      if (to.typeName === 'shape' && to.type === ITEM_TYPE && from.typeName === 'shape' && (from.x !== to.x || from.y !== to.y)) moved.add(to.id)
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

interface Writer {
  who: () => { author: Author; recordedBy: Author | null } | undefined
  by: () => Author | undefined
}

function writeRecords(store: TLStore, doc: Y.Doc, unordered: string[], w: Writer, onError: (e: unknown) => void): void {
  // Entity shapes first, so a drawing bound to a just-pasted card finds it in the document.
  const rank = (id: string) => {
    const r = store.get(id as TLRecord['id'])
    return r?.typeName === 'shape' && (r.type === ITEM_TYPE || r.type === DOMAIN_TYPE) ? 0 : 1
  }
  const ids = [...unordered].sort((a, b) => rank(a) - rank(b))
  const p = parts(doc)
  const isLinkArrow = (shapeId: string) => {
    const e = entityIdOf(shapeId)
    return e !== null && p.links.has(e)
  }
  const writeCanvas = (r: TLRecord) => {
    const plain = toPlainJson(r)
    if (!jsonEqual(p.canvas.get(r.id), plain)) p.canvas.set(r.id, plain)
  }
  const dropCanvas = (id: string) => {
    if (p.canvas.has(id)) p.canvas.delete(id)
  }

  for (const id of ids) {
    try {
      const r = store.get(id as TLRecord['id'])
      const entity = entityIdOf(id)
      if (!r) {
        // Gone from the canvas. A card is deleted softly (its links stay, hidden, until it is
        // restored); a link arrow deletes its link; domains and the resident cannot be deleted
        // (the store refuses, see protectEntities).
        if (entity && p.items.has(entity)) syncItemToDoc(doc, entity, null, { by: w.by() })
        else if (entity && p.links.has(entity)) p.links.delete(entity)
        dropCanvas(id)
        continue
      }
      if (r.typeName === 'shape' && r.type === ITEM_TYPE) {
        if (entity) syncItemToDoc(doc, entity, r as ItemShape, { who: w.who() })
        continue
      }
      if (r.typeName === 'shape' && r.type === DOMAIN_TYPE) {
        if (entity) syncDomainToDoc(doc, entity, r as DomainShape)
        continue
      }
      if (r.typeName === 'shape' && isLinkArrow(r.id)) continue // drawn from its link, never written back
      if (r.typeName === 'binding' && isLinkArrow(r.fromId)) continue
      if (isFreeRecordCandidate(r)) writeCanvas(r as TLShape)
    } catch (err) {
      onError(err)
    }
  }
}
