/**
 * Doc -> store: the document's entities and canvas records become tldraw records.
 *
 * observeDeep on each top-level map collects which keys a transaction touched (skipping our own
 * LOCAL_ORIGIN writes, which the store already shows); after the transaction they are applied in
 * one store.mergeRemoteChanges (source 'remote': not written back, not on tldraw's undo stack),
 * in a fixed order: domains, items, canvas shapes, links, canvas bindings. Each record is put on
 * its own, so one invalid entry is skipped and the rest still arrives.
 */
import * as Y from 'yjs'
import { getIndexAbove, getIndexBelow, type IndexKey, type TLRecord, type TLShape, type TLStore } from 'tldraw'
import { parts, readDomain, readItem, readLink, readPlanFields } from '../../../shared/doc.ts'
import { DOMAIN_TYPE, ITEM_TYPE, RESIDENT_TYPE, type ItemShape } from '../shapes/defs.ts'
import type { BoardStrings } from '../strings.ts'
import { LOCAL_ORIGIN } from './origins.ts'
import { RESIDENT_ENTITY_ID, entityIdOf, shapeIdFor } from './ids.ts'
import { BOARD_PAGE_ID, domainShape, itemShape, linkRecords, residentShape } from './project.ts'
import { arrowBindingsByArrow, isEntityShape, jsonEqual, UNSUPPORTED_SHAPE_TYPES } from './classify.ts'

export interface DocToStoreOptions {
  strings: BoardStrings
  onError?: (err: unknown) => void
}

interface Pending {
  plan: boolean
  domains: Set<string>
  items: Set<string>
  links: Set<string>
  canvas: Set<string>
}

const emptyPending = (): Pending => ({ plan: false, domains: new Set(), items: new Set(), links: new Set(), canvas: new Set() })

export interface DocToStoreBinding {
  (): void
  /** Give link arrows the look of their link (kind colour and label) — for arrows drawn here. */
  restyleLinks(ids: string[]): void
}

export function bindDocToStore(doc: Y.Doc, store: TLStore, opts: DocToStoreOptions): DocToStoreBinding {
  const p = parts(doc)
  const onError = opts.onError ?? ((e: unknown) => console.warn('[board] skipped a record', e))
  let pending = emptyPending()
  const deferred = new Set<string>()

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const collect = (target: Set<string>) => (events: Y.YEvent<any>[], txn: Y.Transaction) => {
    if (txn.origin === LOCAL_ORIGIN) return
    for (const e of events) {
      if (e.path.length === 0) for (const k of e.changes.keys.keys()) target.add(k)
      else target.add(String(e.path[0]))
    }
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const observers: [Y.Map<any>, (e: Y.YEvent<any>[], t: Y.Transaction) => void][] = [
    [p.domains, collect(pending.domains)],
    [p.items, collect(pending.items)],
    [p.links, collect(pending.links)],
    [p.canvas, collect(pending.canvas)],
    [p.plan, (_e, t) => { if (t.origin !== LOCAL_ORIGIN) pending.plan = true }],
  ]
  // The collectors close over the Set objects, so `pending` is cleared in place.
  const clear = () => {
    pending.plan = false
    pending.domains.clear(); pending.items.clear(); pending.links.clear(); pending.canvas.clear()
  }
  for (const [type, fn] of observers) type.observeDeep(fn)

  const apply = () => {
    const work: Pending = {
      plan: pending.plan, domains: new Set(pending.domains), items: new Set(pending.items),
      links: new Set(pending.links), canvas: new Set([...pending.canvas, ...deferred]),
    }
    clear()
    deferred.clear()
    try {
      store.mergeRemoteChanges(() => applyWork(doc, store, work, deferred, opts.strings, onError))
    } catch (err) {
      onError(err)
    }
  }
  const onAfterTransaction = (txn: Y.Transaction) => {
    if (txn.origin === LOCAL_ORIGIN) return
    const p2 = pending
    if (p2.plan || p2.domains.size || p2.items.size || p2.links.size || p2.canvas.size) apply()
  }
  doc.on('afterTransaction', onAfterTransaction)

  // Initial load: everything in the doc, and everything the store has that the doc may not.
  pending.plan = true
  for (const k of p.domains.keys()) pending.domains.add(k)
  for (const k of p.items.keys()) pending.items.add(k)
  for (const k of p.links.keys()) pending.links.add(k)
  for (const k of p.canvas.keys()) pending.canvas.add(k)
  for (const r of store.allRecords()) {
    if (r.typeName === 'binding') pending.canvas.add(r.id)
    if (r.typeName !== 'shape') continue
    pending.canvas.add(r.id)
    const e = entityIdOf(r.id)
    if (e && r.type === ITEM_TYPE) pending.items.add(e)
    if (e && r.type === DOMAIN_TYPE) pending.domains.add(e)
    if (e && r.type === 'arrow') pending.links.add(e)
  }
  apply()

  const off = () => {
    for (const [type, fn] of observers) type.unobserveDeep(fn)
    doc.off('afterTransaction', onAfterTransaction)
  }
  return Object.assign(off, {
    restyleLinks(ids: string[]) {
      const work = emptyPending()
      for (const id of ids) work.links.add(id)
      try {
        store.mergeRemoteChanges(() => applyWork(doc, store, work, deferred, opts.strings, onError))
      } catch (err) {
        onError(err)
      }
    },
  })
}

function applyWork(
  doc: Y.Doc, store: TLStore, work: Pending, deferred: Set<string>, strings: BoardStrings, onError: (e: unknown) => void,
): void {
  const p = parts(doc)
  const order = zOrder(store)
  const put = (r: TLRecord) => {
    try {
      const existing = store.get(r.id)
      if (!existing || !jsonEqual(existing, r)) store.put([r])
    } catch (err) {
      onError(err)
    }
  }
  const remove = (ids: TLRecord['id'][]) => {
    const present = ids.filter((id) => store.has(id))
    if (present.length) store.remove(present)
  }
  const existingOf = (id: string, type: string): TLShape | undefined => {
    const r = store.get(shapeIdFor(id))
    return r && r.type === type ? r : undefined
  }

  if (work.plan) {
    const existing = existingOf(RESIDENT_ENTITY_ID, RESIDENT_TYPE)
    put(residentShape(readPlanFields(doc), { index: existing?.index ?? order.low() }))
  }

  for (const id of work.domains) {
    const m = p.domains.get(id)
    const f = m instanceof Y.Map ? readDomain(m) : null
    const existing = existingOf(id, DOMAIN_TYPE)
    if (!f || f.id !== id) {
      if (existing) remove([existing.id])
      continue
    }
    if (store.has(shapeIdFor(id)) && !existing) continue // the id belongs to another kind of shape
    put(domainShape(f, { index: existing?.index ?? order.low() }))
  }

  for (const id of work.items) {
    const m = p.items.get(id)
    const f = m instanceof Y.Map ? readItem(m) : null
    const existing = existingOf(id, ITEM_TYPE)
    if (!f || f.id !== id) {
      if (existing) remove([existing.id])
      continue
    }
    if (store.has(shapeIdFor(id)) && !existing) continue
    put(itemShape(f, { index: existing?.index ?? order.high(), parentId: existing?.parentId }))
    // Links that waited for this item.
    if (!existing) for (const [linkId, l] of p.links) if (l instanceof Y.Map && (l.get('from') === id || l.get('to') === id)) work.links.add(linkId)
  }

  // Canvas: removals first, then shapes (parents before children), links, and bindings last.
  const shapes: Record<string, unknown>[] = []
  const bindings: Record<string, unknown>[] = []
  for (const key of work.canvas) {
    const v = p.canvas.get(key)
    if (v === undefined) {
      const r = store.get(key as TLRecord['id'])
      if (!r || isEntityShape(r)) continue
      if (r.typeName === 'shape' && r.type === 'arrow' && p.links.has(entityIdOf(r.id) ?? '')) continue
      if (r.typeName === 'shape' || r.typeName === 'binding') remove([r.id])
      continue
    }
    if (!isPlainObject(v) || v.id !== key) {
      onError(new Error(`canvas entry ${key} is not a record`))
      continue
    }
    if (v.typeName === 'shape') shapes.push(v)
    else if (v.typeName === 'binding') bindings.push(v)
    else onError(new Error(`canvas entry ${key} is no shape or binding`))
  }
  putShapesParentsFirst(store, shapes, put, deferred, onError)

  for (const id of work.links) syncLinkShape(doc, store, id, order, put, remove, strings)

  const linkArrows = new Set(
    [...p.links.keys()].map((id) => shapeIdFor(id) as string),
  )
  for (const b of bindings) {
    const fromId = String(b.fromId)
    const toId = String(b.toId)
    if (linkArrows.has(fromId)) continue // the link's own bindings come from the link
    if (!store.has(fromId as TLRecord['id']) || !store.has(toId as TLRecord['id'])) {
      deferred.add(String(b.id))
      continue
    }
    put(b as unknown as TLRecord)
  }
}

function putShapesParentsFirst(
  store: TLStore, shapes: Record<string, unknown>[], put: (r: TLRecord) => void, deferred: Set<string>,
  onError: (e: unknown) => void,
): void {
  let left = shapes.filter((s) => {
    const existing = store.get(String(s.id) as TLRecord['id'])
    if (existing && isEntityShape(existing)) return false
    if (typeof s.type !== 'string' || UNSUPPORTED_SHAPE_TYPES.includes(s.type) || [ITEM_TYPE, DOMAIN_TYPE, RESIDENT_TYPE].includes(s.type)) {
      onError(new Error(`canvas shape ${String(s.id)} has a type the board does not show`))
      return false
    }
    return true
  })
  const parentThere = (s: Record<string, unknown>) =>
    s.parentId === BOARD_PAGE_ID || store.has(String(s.parentId) as TLRecord['id'])
  while (left.length > 0) {
    const next = left.filter((s) => !parentThere(s))
    const ready = left.filter(parentThere)
    if (ready.length === 0) {
      for (const s of next) deferred.add(String(s.id))
      return
    }
    for (const s of ready) put(s as unknown as TLRecord)
    left = next.filter((s) => !store.has(String(s.id) as TLRecord['id']))
  }
}

function syncLinkShape(
  doc: Y.Doc, store: TLStore, id: string, order: ZOrder, put: (r: TLRecord) => void,
  remove: (ids: TLRecord['id'][]) => void, strings: BoardStrings,
): void {
  const p = parts(doc)
  const m = p.links.get(id)
  const link = m instanceof Y.Map ? readLink(m) : null
  const arrowId = shapeIdFor(id)
  const existing = store.get(arrowId)
  const own = arrowBindingsByArrow(store).get(arrowId) ?? []
  const from = link ? store.get(shapeIdFor(link.from)) : undefined
  const to = link ? store.get(shapeIdFor(link.to)) : undefined
  if (!link || link.id !== id || !from || !to || from.type !== ITEM_TYPE || to.type !== ITEM_TYPE || from.id === to.id) {
    if (existing?.type === 'arrow' && !p.canvas.has(arrowId)) remove([...own.map((b) => b.id), arrowId])
    return
  }
  if (existing && existing.type !== 'arrow') return
  const desired = linkRecords(link, from as ItemShape, to as ItemShape, { index: existing?.index ?? order.high() }, strings)
  if (existing) {
    // Keep the arrow's geometry (bend, position); the kind decides colour, dash and label.
    const d = desired.arrow.props
    put({ ...existing, props: { ...existing.props, color: d.color, labelColor: d.labelColor, dash: d.dash, font: d.font, richText: d.richText } } as TLRecord)
  } else {
    put(desired.arrow)
  }
  const has = (terminal: 'start' | 'end', target: string) => own.some((b) => b.props.terminal === terminal && b.toId === target)
  if (own.length === 2 && has('start', from.id) && has('end', to.id)) return
  remove(own.map((b) => b.id))
  for (const b of desired.bindings) put(b)
}

interface ZOrder {
  low(): IndexKey
  high(): IndexKey
}

/** New domains go below everything, new items and links above everything. */
function zOrder(store: TLStore): ZOrder {
  let lo: IndexKey | null = null
  let hi: IndexKey | null = null
  for (const r of store.allRecords()) {
    if (r.typeName !== 'shape' || r.parentId !== BOARD_PAGE_ID) continue
    if (lo === null || r.index < lo) lo = r.index
    if (hi === null || r.index > hi) hi = r.index
  }
  return {
    low() {
      lo = lo === null ? getIndexBelow(hi) : getIndexBelow(lo)
      if (hi === null) hi = lo
      return lo
    },
    high() {
      hi = hi === null ? getIndexAbove(lo) : getIndexAbove(hi)
      if (lo === null) lo = hi
      return hi
    },
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Y.AbstractType)
}
