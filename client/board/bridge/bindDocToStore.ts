/**
 * Doc -> store: the document's entities and canvas records become tldraw records, placed by the
 * board's derived layout (../layout/computeLayout.ts).
 *
 * observeDeep on each top-level map collects which keys a transaction touched; after the
 * transaction the binder refreshes its cache of those entities and projects the whole plan in one
 * store.mergeRemoteChanges (source 'remote': not written back, not on tldraw's undo stack):
 * resident, domains, the 'no domain' area, items and link arrows, each at the rectangle the
 * layout gives it. This runs after changes of every origin — our own writes too, since a card
 * added, moved or grown here moves its neighbours as well — except that canvas records (free
 * drawing) written by this client are not echoed back. A card the local user is dragging keeps
 * its place until the drag ends (`isHeld`).
 *
 * Z-order: domains and the resident lie lowest, link arrows above them, cards above the arrows,
 * so a link's line never hides a card's text.
 */
import * as Y from 'yjs'
import {
  getIndexAbove, getIndexBelow, getIndicesAbove, getIndicesBetween,
  type IndexKey, type TLRecord, type TLShape, type TLShapeId, type TLStore,
} from 'tldraw'
import { parts, readDomain, readItem, readLink, readPlanFields } from '../../../shared/doc.ts'
import type { DomainFields, ItemFields, LinkFields, PlanFields } from '../../../shared/schema.ts'
import type { Locale } from '../../i18n.ts'
import {
  DOMAIN_TYPE, ITEM_TYPE, RESIDENT_TYPE, UNASSIGNED_AREA_ID, type CardLink, type ItemShape,
} from '../shapes/defs.ts'
import { cardContent, residentContent, shortText } from '../shapes/cardContent.ts'
import { stringsFor, type BoardStrings } from '../strings.ts'
import { computeLayout, type BoardLayout } from '../layout/computeLayout.ts'
import { createEstimateMeasurer, type CardMeasurer } from '../layout/measure.ts'
import { LOCAL_ORIGIN } from './origins.ts'
import { RESIDENT_ENTITY_ID, entityIdOf, shapeIdFor } from './ids.ts'
import {
  BOARD_PAGE_ID, domainShape, itemShape, linkArrow, residentShape, unassignedShape,
} from './project.ts'
import { arrowBindingsByArrow, isEntityShape, jsonEqual, UNSUPPORTED_SHAPE_TYPES } from './classify.ts'

export interface DocToStoreOptions {
  /** Kept for callers of the first version; the words come from `locale`. */
  strings?: BoardStrings
  locale?: Locale
  /** Card heights (the browser measures with the real font; default: an estimate). */
  measurer?: CardMeasurer
  /** A shape the local user is dragging right now: the layout leaves its place alone. */
  isHeld?: (id: TLShapeId) => boolean
  onError?: (err: unknown) => void
}

interface Pending {
  plan: boolean
  domains: Set<string>
  items: Set<string>
  links: Set<string>
  canvas: Set<string>
}

export interface DocToStoreBinding {
  (): void
  /** Put every plan shape at its place in the layout again (e.g. after a drop that changed nothing). */
  relayout(): void
  /** The layout as last projected. */
  layout(): BoardLayout
}

/** The layout each document was last shown with on this client (placement of new cards, drops). */
const lastLayouts = new WeakMap<Y.Doc, BoardLayout>()
export function currentLayout(doc: Y.Doc): BoardLayout | null {
  return lastLayouts.get(doc) ?? null
}

export function bindDocToStore(doc: Y.Doc, store: TLStore, opts: DocToStoreOptions): DocToStoreBinding {
  const p = parts(doc)
  const onError = opts.onError ?? ((e: unknown) => console.warn('[board] skipped a record', e))
  const measurer = opts.measurer ?? createEstimateMeasurer()
  const locale: Locale = opts.locale ?? (opts.strings && opts.strings.kind.problem === stringsFor('en').kind.problem ? 'en' : 'nl')
  const isHeld = opts.isHeld ?? (() => false)
  const pending: Pending = { plan: false, domains: new Set(), items: new Set(), links: new Set(), canvas: new Set() }
  const deferred = new Set<string>()
  const cache: Cache = { items: new Map(), domains: new Map(), links: new Map(), plan: readPlanFields(doc), shownLinks: new Set(), shownItems: new Set(), cards: new Map() }
  let layout: BoardLayout = computeLayout({ domains: [], cards: [], residentH: 0 })

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const collect = (target: Set<string>, skipLocal: boolean) => (events: Y.YEvent<any>[], txn: Y.Transaction) => {
    if (skipLocal && txn.origin === LOCAL_ORIGIN) return
    for (const e of events) {
      if (e.path.length === 0) for (const k of e.changes.keys.keys()) target.add(k)
      else target.add(String(e.path[0]))
    }
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const observers: [Y.Map<any>, (e: Y.YEvent<any>[], t: Y.Transaction) => void][] = [
    [p.domains, collect(pending.domains, false)],
    [p.items, collect(pending.items, false)],
    [p.links, collect(pending.links, false)],
    // Free drawing written here is in the store already (and may be ahead of the doc mid-gesture).
    [p.canvas, collect(pending.canvas, true)],
    [p.plan, () => { pending.plan = true }],
  ]
  for (const [type, fn] of observers) type.observeDeep(fn)

  const apply = () => {
    const work: Pending = {
      plan: pending.plan, domains: new Set(pending.domains), items: new Set(pending.items),
      links: new Set(pending.links), canvas: new Set([...pending.canvas, ...deferred]),
    }
    pending.plan = false
    pending.domains.clear(); pending.items.clear(); pending.links.clear(); pending.canvas.clear()
    deferred.clear()
    refreshCache(doc, cache, work)
    try {
      store.mergeRemoteChanges(() => {
        layout = project(store, cache, measurer, locale, isHeld, onError)
        lastLayouts.set(doc, layout)
        applyCanvas(doc, store, work.canvas, deferred, onError)
      })
    } catch (err) {
      onError(err)
    }
  }
  const onAfterTransaction = () => {
    if (pending.plan || pending.domains.size || pending.items.size || pending.links.size || pending.canvas.size) apply()
  }
  doc.on('afterTransaction', onAfterTransaction)

  // Initial load: everything in the doc, and the free records the store has that the doc may not.
  pending.plan = true
  for (const k of p.domains.keys()) pending.domains.add(k)
  for (const k of p.items.keys()) pending.items.add(k)
  for (const k of p.links.keys()) pending.links.add(k)
  for (const k of p.canvas.keys()) pending.canvas.add(k)
  for (const r of store.allRecords()) {
    if (r.typeName === 'binding') pending.canvas.add(r.id)
    if (r.typeName === 'shape' && !isEntityShape(r)) pending.canvas.add(r.id)
  }
  apply()

  const off = () => {
    for (const [type, fn] of observers) type.unobserveDeep(fn)
    doc.off('afterTransaction', onAfterTransaction)
  }
  return Object.assign(off, {
    relayout() {
      apply()
    },
    layout() {
      return layout
    },
  })
}

interface Cache {
  /** Every readable item, deleted ones too (they may come back). */
  items: Map<string, ItemFields>
  domains: Map<string, DomainFields>
  links: Map<string, LinkFields>
  plan: PlanFields
  /** Links whose arrow, and items whose card, this binder put in the store. */
  shownLinks: Set<string>
  shownItems: Set<string>
  /** Per card: what it was drawn from, its draft record, its measured height, the record last put. */
  cards: Map<string, { f: ItemFields; linksKey: string; locale: Locale; draft: ItemShape; h: number; put?: TLRecord; putDraft?: ItemShape }>
}

function refreshCache(doc: Y.Doc, cache: Cache, work: Pending): void {
  const p = parts(doc)
  for (const id of work.items) {
    const m = p.items.get(id)
    const f = m instanceof Y.Map ? readItem(m) : null
    if (f && f.id === id) cache.items.set(id, f)
    else cache.items.delete(id)
  }
  for (const id of work.domains) {
    const m = p.domains.get(id)
    const f = m instanceof Y.Map ? readDomain(m) : null
    if (f && f.id === id) cache.domains.set(id, f)
    else cache.domains.delete(id)
  }
  for (const id of work.links) {
    const m = p.links.get(id)
    const f = m instanceof Y.Map ? readLink(m) : null
    if (f && f.id === id && f.from !== f.to) cache.links.set(id, f)
    else cache.links.delete(id)
  }
  if (work.plan) cache.plan = readPlanFields(doc)
}

const isLive = (f: ItemFields | undefined): f is ItemFields => !!f && (f.deletedAt === null || f.deletedAt === undefined)

/** Put a record unless the store already holds it as it is; one bad record is reported, not thrown. */
function putter(store: TLStore, onError: (e: unknown) => void): (r: TLRecord) => void {
  return (r) => {
    try {
      const existing = store.get(r.id)
      if (!existing || !jsonEqual(existing, r)) store.put([r])
    } catch (err) {
      onError(err)
    }
  }
}

/** Project the whole plan onto the store at the layout's places. Returns the layout. */
function project(
  store: TLStore, cache: Cache, measurer: CardMeasurer, locale: Locale, isHeld: (id: TLShapeId) => boolean,
  onError: (e: unknown) => void,
): BoardLayout {
  const s = stringsFor(locale)
  const order = zOrder(store)
  const put = putter(store, onError)
  const remove = (ids: TLRecord['id'][]) => {
    const present = ids.filter((id) => store.has(id))
    if (present.length) store.remove(present)
  }
  /** The shape of this id when it is of this type; null when the id is free; undefined when taken by another type. */
  const slot = (id: string, type: string): TLShape | null | undefined => {
    const r = store.get(shapeIdFor(id))
    if (!r) return null
    return r.type === type ? r : undefined
  }

  // Live items, the links between live items, and each card's link lines.
  const live: ItemFields[] = []
  for (const f of cache.items.values()) if (isLive(f)) live.push(f)
  const liveIds = new Set(live.map((f) => f.id))
  const links = [...cache.links.values()]
    .filter((l) => liveIds.has(l.from) && liveIds.has(l.to))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const cardLinks = new Map<string, CardLink[]>()
  const name = (id: string) => {
    const f = cache.items.get(id)!
    return shortText(f.text, s.kind[f.kind])
  }
  for (const l of links) {
    const out = cardLinks.get(l.from) ?? []
    out.push({ kind: l.kind, dir: 'out', other: name(l.to) })
    cardLinks.set(l.from, out)
    const inn = cardLinks.get(l.to) ?? []
    inn.push({ kind: l.kind, dir: 'in', other: name(l.from) })
    cardLinks.set(l.to, inn)
  }

  // Measure every card (cached by content) and lay the board out. A card whose fields and link
  // lines did not change keeps its draft and height (a keystroke re-measures one card).
  const memo = cache.cards
  const drafts: ItemShape[] = new Array(live.length)
  const heights: number[] = new Array(live.length)
  const toMeasure: number[] = []
  live.forEach((f, i) => {
    const links = cardLinks.get(f.id) ?? []
    const linksKey = links.length ? JSON.stringify(links) : ''
    const m = memo.get(f.id)
    if (m && m.f === f && m.linksKey === linksKey && m.locale === locale) {
      drafts[i] = m.draft
      heights[i] = m.h
      return
    }
    drafts[i] = itemShape(f, { x: 0, y: 0, w: 1, h: 1 }, links, { index: 'a1' as IndexKey })
    toMeasure.push(i)
    memo.set(f.id, { f, linksKey, locale, draft: drafts[i]!, h: 0 })
  })
  if (toMeasure.length) {
    const hs = measurer.cards(toMeasure.map((i) => cardContent(drafts[i]!.props, locale)))
    toMeasure.forEach((i, n) => {
      heights[i] = hs[n]!
      memo.get(live[i]!.id)!.h = hs[n]!
    })
  }
  for (const id of memo.keys()) if (!liveIds.has(id)) memo.delete(id)
  const domains = [...cache.domains.values()].sort((a, b) => a.order - b.order || (a.id < b.id ? -1 : 1))
  const layout = computeLayout({
    domains: domains.map((d) => d.id),
    cards: live.map((f, i) => ({ id: f.id, domainId: f.domainId, order: f.order ?? f.createdAt, createdAt: f.createdAt, h: heights[i]! })),
    residentH: measurer.resident(residentContent(cache.plan, locale)),
  })

  // Resident, domains and the 'no domain' area: the background.
  const resident = slot(RESIDENT_ENTITY_ID, RESIDENT_TYPE)
  if (resident !== undefined) put(residentShape(cache.plan, layout.resident, { index: resident?.index ?? order.low() }))
  for (const r of store.allRecords()) {
    if (r.typeName !== 'shape' || r.type !== DOMAIN_TYPE) continue
    const e = entityIdOf(r.id)
    if (e && !cache.domains.has(e)) remove([r.id])
  }
  for (const d of domains) {
    const existing = slot(d.id, DOMAIN_TYPE)
    const rect = layout.domains.get(d.id)
    if (existing === undefined || !rect) continue
    put(domainShape(d, rect, { index: existing?.index ?? order.low() }))
  }
  const area = slot(UNASSIGNED_AREA_ID, DOMAIN_TYPE)
  if (layout.unassigned && area !== undefined) put(unassignedShape(layout.unassigned, { index: area?.index ?? order.low() }))
  else if (!layout.unassigned && area) remove([area.id])

  // Cards: deleted ones and those gone from the document leave (a card pasted here that is not
  // written yet stays); the others go to their place (a held one keeps its own).
  for (const r of store.allRecords()) {
    if (r.typeName !== 'shape' || r.type !== ITEM_TYPE) continue
    const e = entityIdOf(r.id)
    if (!e || liveIds.has(e)) continue
    if (cache.items.has(e) || cache.shownItems.has(e)) {
      remove([r.id])
      cache.shownItems.delete(e)
    }
  }
  drafts.forEach((draft, i) => {
    const f = live[i]!
    const existing = slot(f.id, ITEM_TYPE)
    const rect = layout.cards.get(f.id)
    if (existing === undefined || !rect) return
    const held = existing && isHeld(existing.id)
    const m = memo.get(f.id)!
    // Unchanged since we last put it (same draft, same place, nobody else touched it): skip.
    if (existing && !held && m.put === existing && m.putDraft === draft && existing.x === rect.x && existing.y === rect.y &&
      (existing as ItemShape).props.h === rect.h) return
    put({
      ...draft,
      x: held ? existing.x : rect.x,
      y: held ? existing.y : rect.y,
      index: existing?.index ?? order.high(),
      parentId: existing?.parentId ?? BOARD_PAGE_ID,
      props: { ...draft.props, w: rect.w, h: rect.h },
    } as ItemShape)
    m.put = store.get(draft.id)
    m.putDraft = draft
    cache.shownItems.add(f.id)
  })

  // Link arrows between live cards; the others leave.
  const bindings = arrowBindingsByArrow(store)
  const linkIds = new Set(links.map((l) => l.id))
  for (const id of cache.shownLinks) {
    if (linkIds.has(id)) continue
    const arrowId = shapeIdFor(id)
    if (store.get(arrowId)?.type === 'arrow') remove([...(bindings.get(arrowId) ?? []).map((b) => b.id), arrowId])
    cache.shownLinks.delete(id)
  }
  for (const l of links) if (syncLinkShape(store, l, bindings, order, put, remove)) cache.shownLinks.add(l.id)

  keepBands(store, new Set([...linkIds].map((id) => shapeIdFor(id) as string)))
  return layout
}

function syncLinkShape(
  store: TLStore, link: LinkFields, byArrow: Map<string, { id: TLRecord['id'] }[]>,
  order: ZOrder, put: (r: TLRecord) => void, remove: (ids: TLRecord['id'][]) => void,
): boolean {
  const arrowId = shapeIdFor(link.id)
  const existing = store.get(arrowId)
  if (existing && existing.type !== 'arrow') return false
  const from = store.get(shapeIdFor(link.from))
  const to = store.get(shapeIdFor(link.to))
  if (!from || !to || from.type !== ITEM_TYPE || to.type !== ITEM_TYPE) return false
  // No bindings: tldraw lifts a bound arrow above the shapes it joins, and the line must lie
  // below the cards. The line runs from edge to edge and is drawn anew whenever the cards move.
  const own = byArrow.get(arrowId) ?? []
  if (own.length) remove(own.map((b) => b.id))
  put(linkArrow(link, from as ItemShape, to as ItemShape, { index: existing?.index ?? order.high() }))
  return true
}

/**
 * Keep domains and the resident below the link arrows, and the arrows below every card (only
 * what is out of place is moved). Free drawing keeps the order it was drawn in.
 */
function keepBands(store: TLStore, linkArrowIds: Set<string>): void {
  let bgTop: IndexKey | null = null
  let cardsBottom: IndexKey | null = null
  let top: IndexKey | null = null
  const cards: TLShape[] = []
  const arrows: TLShape[] = []
  for (const r of store.allRecords()) {
    if (r.typeName !== 'shape' || r.parentId !== BOARD_PAGE_ID) continue
    if (top === null || r.index > top) top = r.index
    if (r.type === DOMAIN_TYPE || r.type === RESIDENT_TYPE) {
      if (bgTop === null || r.index > bgTop) bgTop = r.index
    } else if (r.type === ITEM_TYPE) {
      cards.push(r)
      if (cardsBottom === null || r.index < cardsBottom) cardsBottom = r.index
    } else if (linkArrowIds.has(r.id)) {
      arrows.push(r)
    }
  }
  if (bgTop !== null && cardsBottom !== null && cardsBottom <= bgTop) {
    // Cards below a domain (should not happen): lift every card above everything, in its order.
    cards.sort((a, b) => (a.index < b.index ? -1 : a.index > b.index ? 1 : 0))
    const keys = getIndicesAbove(top, cards.length)
    store.put(cards.map((c, i) => ({ ...c, index: keys[i]! })))
    cardsBottom = keys[0] ?? null
  }
  const misplaced = arrows.filter((a) => (bgTop !== null && a.index <= bgTop) || (cardsBottom !== null && a.index >= cardsBottom))
  if (misplaced.length === 0) return
  const keys = getIndicesBetween(bgTop, cardsBottom, misplaced.length)
  store.put(misplaced.map((a, i) => ({ ...a, index: keys[i]! })))
}

/** Canvas: removals first, then shapes (parents before children), and bindings last. */
function applyCanvas(doc: Y.Doc, store: TLStore, keys: Set<string>, deferred: Set<string>, onError: (e: unknown) => void): void {
  const p = parts(doc)
  const put = putter(store, onError)
  const shapes: Record<string, unknown>[] = []
  const bindings: Record<string, unknown>[] = []
  const linkArrows = new Set([...p.links.keys()].map((id) => shapeIdFor(id) as string))
  for (const key of keys) {
    const v = p.canvas.get(key)
    if (v === undefined) {
      const r = store.get(key as TLRecord['id'])
      if (!r || isEntityShape(r)) continue
      if (r.typeName === 'shape' && linkArrows.has(r.id)) continue
      if (r.typeName === 'binding' && linkArrows.has(r.fromId)) continue
      if ((r.typeName === 'shape' && r.id !== shapeIdFor(UNASSIGNED_AREA_ID)) || r.typeName === 'binding') store.remove([r.id])
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

interface ZOrder {
  low(): IndexKey
  high(): IndexKey
}

/** New domains go below everything, new items and links above everything (keepBands sorts links). */
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
