// The bridge between the Y.Doc and a real tldraw store, on two docs synced to each other.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createBindingId, createShapeId, toRichText, type TLArrowShape, type TLRecord, type TLShape } from 'tldraw'
import { bindDocToStore } from '../../../../client/board/bridge/bindDocToStore.ts'
import { bindStoreToDoc } from '../../../../client/board/bridge/bindStoreToDoc.ts'
import { BOARD_PAGE_ID } from '../../../../client/board/bridge/project.ts'
import { stringsFor } from '../../../../client/board/strings.ts'
import { addItem, addLink, listDomains, listItems, listLinks, parts, setLinkKind, updateItem } from '../../../../shared/doc.ts'
import { author, makeStore, syncedDocs } from './helpers.ts'

const strings = stringsFor('nl')

function board(doc: Y.Doc) {
  const store = makeStore()
  const errors: unknown[] = []
  const offDoc = bindDocToStore(doc, store, { strings, onError: (e) => errors.push(e) })
  const writer = bindStoreToDoc(store, doc, { author, onError: (e) => errors.push(e) })
  return { store, writer, errors, stop: () => { writer.unsubscribe(); offDoc() } }
}

const shapeOf = (store: ReturnType<typeof makeStore>, id: string) => store.get(createShapeId(id)) as TLShape | undefined

describe('board bridge', () => {
  it('shows the domains and the resident from the start', () => {
    const { a } = syncedDocs()
    const A = board(a)
    const domains = listDomains(a)
    expect(domains.length).toBe(8)
    for (const d of domains) expect(shapeOf(A.store, d.id)?.type).toBe('kt-domain')
    expect(shapeOf(A.store, 'resident')?.type).toBe('kt-resident')
    expect(A.errors).toEqual([])
  })

  it('an item added to doc A appears as a shape in store B', () => {
    const { a, b } = syncedDocs()
    const B = board(b)
    const id = addItem(a, { kind: 'problem', text: 'Schulden bij de energie', pos: { x: 10, y: 20 }, author, stress: true })
    const s = shapeOf(B.store, id)
    expect(s?.type).toBe('kt-item')
    expect(s?.x).toBe(10)
    expect((s?.props as { text: string; stress: boolean }).text).toBe('Schulden bij de energie')
    expect((s?.props as { stress: boolean }).stress).toBe(true)
    updateItem(a, id, { signal: true })
    expect((shapeOf(B.store, id)?.props as { signal: boolean }).signal).toBe(true)
  })

  it('a shape moved in the store writes pos to the doc, once, in the single pos key', () => {
    const { a, b } = syncedDocs()
    const A = board(a)
    const id = addItem(a, { kind: 'wish', text: 'Weer werken', pos: { x: 0, y: 0 }, author })
    const s = shapeOf(A.store, id)!
    const seen: unknown[] = []
    parts(b).items.get(id)!.observe((e) => seen.push([...e.keysChanged]))
    A.store.put([{ ...s, x: 3000, y: 40 }])
    A.writer.flush()
    expect(parts(b).items.get(id)!.get('pos')).toEqual({ x: 3000, y: 40 })
    expect(seen).toEqual([['pos']])
  })

  it('a remote change is not echoed back (no extra doc update)', () => {
    const { a, b, counts } = syncedDocs()
    const B = board(b)
    const before = { ...counts }
    const id = addItem(a, { kind: 'strength', text: 'Zus helpt', pos: { x: 5, y: 5 }, author })
    B.writer.flush()
    expect(shapeOf(B.store, id)).toBeDefined()
    // One update made in A, applied once to B; B wrote nothing of its own.
    expect(counts.a - before.a).toBe(1)
    expect(counts.b - before.b).toBe(1)
    expect(B.writer.writes).toBe(0)
  })

  it('dropping an item inside a domain sets its domainId; outside every domain sets null', () => {
    const { a } = syncedDocs()
    const A = board(a)
    const d = listDomains(a)[0]!
    const id = addItem(a, { kind: 'problem', pos: { x: 0, y: 0 }, author })
    const s = shapeOf(A.store, id)!
    A.store.put([{ ...s, x: d.pos.x + 20, y: d.pos.y + 60 }])
    A.writer.flush()
    expect(listItems(a)[0]!.domainId).toBe(d.id)
    expect((shapeOf(A.store, id)!.props as { domainId: string }).domainId).toBe(d.id)
    A.store.put([{ ...shapeOf(A.store, id)!, x: 5000, y: 5000 }])
    A.writer.flush()
    expect(listItems(a)[0]!.domainId).toBe(null)
  })

  it('an arrow drawn between two items becomes a link entity, and a link becomes an arrow with two bindings', () => {
    const { a, b } = syncedDocs()
    const A = board(a)
    const B = board(b)
    const i1 = addItem(a, { kind: 'problem', text: 'Schulden', pos: { x: 0, y: 0 }, author })
    const i2 = addItem(a, { kind: 'problem', text: 'Slecht slapen', pos: { x: 400, y: 0 }, author })
    const arrowId = createShapeId('arrowByHand01')
    const arrow: TLArrowShape = {
      id: arrowId, typeName: 'shape', type: 'arrow', x: 0, y: 0, rotation: 0, index: 'a9' as TLShape['index'],
      parentId: BOARD_PAGE_ID, isLocked: false, opacity: 1, meta: {},
      props: {
        kind: 'arc', elbowMidPoint: 0.5, dash: 'draw', size: 'm', fill: 'none', color: 'black', labelColor: 'black',
        bend: 0, start: { x: 0, y: 0 }, end: { x: 400, y: 0 }, arrowheadStart: 'none', arrowheadEnd: 'arrow',
        richText: toRichText(''), labelPosition: 0.5, font: 'draw', scale: 1,
      },
    }
    const binding = (terminal: 'start' | 'end', to: string): TLRecord => ({
      id: createBindingId(`hand-${terminal}`), typeName: 'binding', type: 'arrow', fromId: arrowId, toId: createShapeId(to),
      props: { terminal, normalizedAnchor: { x: 0.5, y: 0.5 }, isExact: false, isPrecise: false, snap: 'none' }, meta: {},
    })
    A.store.put([arrow, binding('start', i1), binding('end', i2)])
    A.writer.flush()
    expect(listLinks(b)).toEqual([{ id: 'arrowByHand01', from: i1, to: i2, kind: 'reinforces' }])
    expect(parts(a).canvas.size).toBe(0) // a link arrow is no free drawing
    // B shows it as an arrow bound at both ends, labelled in Dutch.
    const bArrow = B.store.get(arrowId) as TLArrowShape
    expect(bArrow.type).toBe('arrow')
    expect(JSON.stringify(bArrow.props.richText)).toContain('versterkt')
    const bBindings = B.store.allRecords().filter((r) => r.typeName === 'binding' && r.fromId === arrowId)
    expect(bBindings.map((r) => (r as { toId: string }).toId).sort()).toEqual([createShapeId(i1), createShapeId(i2)].sort())
    // Changing the kind in the doc relabels the arrow.
    setLinkKind(a, 'arrowByHand01', 'blocks')
    expect(JSON.stringify((B.store.get(arrowId) as TLArrowShape).props.richText)).toContain('blokkeert')
    // Deleting the arrow deletes the link.
    A.store.remove([arrowId])
    A.writer.flush()
    expect(listLinks(b)).toEqual([])
    expect(B.store.get(arrowId)).toBeUndefined()
    expect(A.errors.concat(B.errors)).toEqual([])
  })

  it('a link made in the doc (e.g. from the plan view) appears in both stores', () => {
    const { a, b } = syncedDocs()
    const A = board(a)
    const B = board(b)
    const i1 = addItem(b, { kind: 'problem', pos: { x: 0, y: 0 }, author })
    const i2 = addItem(b, { kind: 'wish', pos: { x: 0, y: 300 }, author })
    const linkId = addLink(b, i1, i2, 'helps')
    for (const S of [A, B]) {
      const arrow = S.store.get(createShapeId(linkId)) as TLArrowShape
      expect(arrow?.type).toBe('arrow')
      expect(JSON.stringify(arrow.props.richText)).toContain('helpt bij')
    }
  })

  it('free shapes round-trip through the canvas map', () => {
    const { a, b } = syncedDocs()
    const A = board(a)
    const B = board(b)
    const geoId = createShapeId('looseGeo1')
    const geo = {
      id: geoId, typeName: 'shape', type: 'geo', x: 900, y: 900, rotation: 0, index: 'a5', parentId: BOARD_PAGE_ID,
      isLocked: false, opacity: 1, meta: {},
      props: {
        geo: 'rectangle', w: 100, h: 80, color: 'blue', labelColor: 'black', fill: 'none', dash: 'draw', size: 'm',
        font: 'draw', align: 'middle', verticalAlign: 'middle', growY: 0, url: '', scale: 1, flipX: false, flipY: false,
        richText: toRichText('los'),
      },
    } as unknown as TLRecord
    A.store.put([geo])
    A.writer.flush()
    expect((parts(a).canvas.get(geoId) as { x: number }).x).toBe(900)
    expect(B.store.get(geoId)).toEqual(A.store.get(geoId))
    // A change in B comes back to A.
    B.store.put([{ ...(B.store.get(geoId) as TLShape), x: 950 }])
    B.writer.flush()
    expect((A.store.get(geoId) as TLShape).x).toBe(950)
    // Deleting removes the key.
    A.store.remove([geoId])
    A.writer.flush()
    expect(parts(b).canvas.has(geoId)).toBe(false)
    expect(B.store.get(geoId)).toBeUndefined()
    // Camera, instance and page records are never stored.
    expect([...parts(a).canvas.keys()]).toEqual([])
  })

  it('skips invalid entries in the doc and keeps the rest', () => {
    const { a } = syncedDocs()
    const p = parts(a)
    a.transact(() => {
      const bad = new Y.Map<unknown>()
      bad.set('id', 'bad-item')
      bad.set('kind', 'spaceship')
      p.items.set('bad-item', bad)
      const shape = { typeName: 'shape', x: 0, y: 0, rotation: 0, index: 'a3', parentId: 'page:page', isLocked: false, opacity: 1, meta: {} }
      p.canvas.set('shape:broken', { ...shape, id: 'shape:broken', type: 'geo', props: { nonsense: true } })
      p.canvas.set('shape:alien', { ...shape, id: 'shape:alien', type: 'alien', props: {} })
      p.canvas.set('oops', 42)
    })
    const good = addItem(a, { kind: 'note', text: 'Nog uitzoeken', pos: { x: 0, y: 0 }, author })
    const A = board(a)
    expect(shapeOf(A.store, good)?.type).toBe('kt-item')
    expect(shapeOf(A.store, 'bad-item')).toBeUndefined()
    expect(A.store.get(createShapeId('broken'))).toBeUndefined()
    expect(A.store.get(createShapeId('alien'))).toBeUndefined()
    expect(A.errors.length).toBeGreaterThanOrEqual(3)
    // Later valid changes still arrive.
    const later = addItem(a, { kind: 'wish', pos: { x: 1, y: 1 }, author })
    expect(shapeOf(A.store, later)?.type).toBe('kt-item')
  })

  it('deleting an item shape deletes the item and its links', () => {
    const { a, b } = syncedDocs()
    const A = board(a)
    const B = board(b)
    const i1 = addItem(a, { kind: 'problem', pos: { x: 0, y: 0 }, author })
    const i2 = addItem(a, { kind: 'wish', pos: { x: 0, y: 300 }, author })
    const linkId = addLink(a, i1, i2, 'causes')
    expect(B.store.get(createShapeId(linkId))).toBeDefined()
    A.store.remove([createShapeId(i1)])
    A.writer.flush()
    expect(listItems(b).map((i) => i.id)).toEqual([i2])
    expect(listLinks(b)).toEqual([])
    expect(B.store.get(createShapeId(i1))).toBeUndefined()
    expect(B.store.get(createShapeId(linkId))).toBeUndefined()
    // The arrow also leaves the store where the item was deleted (it is no free drawing now).
    expect(A.store.get(createShapeId(linkId))).toBeUndefined()
    expect(parts(a).canvas.size).toBe(0)
  })
})
