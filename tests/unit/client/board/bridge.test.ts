// The bridge between the Y.Doc and a real tldraw store, on two docs synced to each other.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createBindingId, createShapeId, toRichText, type TLArrowShape, type TLRecord, type TLShape } from 'tldraw'
import { bindDocToStore } from '../../../../client/board/bridge/bindDocToStore.ts'
import { bindStoreToDoc } from '../../../../client/board/bridge/bindStoreToDoc.ts'
import { protectEntities } from '../../../../client/board/bridge/protectEntities.ts'
import { createBoardUndo } from '../../../../client/board/bridge/undo.ts'
import { UI_ORIGIN } from '../../../../client/board/bridge/origins.ts'
import { BOARD_PAGE_ID, LINK_COLORS } from '../../../../client/board/bridge/project.ts'
import { UNASSIGNED_AREA_ID } from '../../../../client/board/shapes/defs.ts'
import {
  addItem, addLink, deleteItem, itemsInDomain, listDeletedItems, listDomains, listItems, listLinks, parts, restoreItem,
  setGoal, setItemText, setLinkKind, updateItem,
} from '../../../../shared/doc.ts'
import type { Author, Role } from '../../../../shared/schema.ts'
import { author, makeStore, syncedDocs } from './helpers.ts'

interface Box { x: number; y: number; w: number; h: number }

function board(doc: Y.Doc, who: Author = author, role: Role = who.role) {
  const store = makeStore()
  const errors: unknown[] = []
  const offProtect = protectEntities(store, { doc, role })
  const docToStore = bindDocToStore(doc, store, { locale: 'nl', onError: (e) => errors.push(e) })
  const writer = bindStoreToDoc(store, doc, {
    author: who, layout: () => docToStore.layout(), onSettled: () => docToStore.relayout(), onError: (e) => errors.push(e),
  })
  return { store, writer, errors, docToStore, stop: () => { writer.unsubscribe(); docToStore(); offProtect() } }
}

const shapeOf = (store: ReturnType<typeof makeStore>, id: string) => store.get(createShapeId(id)) as TLShape | undefined
const boxOf = (store: ReturnType<typeof makeStore>, id: string): Box => {
  const s = shapeOf(store, id)!
  const p = s.props as { w: number; h: number }
  return { x: s.x, y: s.y, w: p.w, h: p.h }
}
const overlap = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
const inside = (a: Box, b: Box) => a.x >= b.x && a.y >= b.y && a.x + a.w <= b.x + b.w && a.y + a.h <= b.y + b.h
const centre = (b: Box) => ({ x: b.x + b.w / 2, y: b.y + b.h / 2 })

describe('board bridge', () => {
  it('shows the domains and the resident from the start, the resident on top and nothing overlapping', () => {
    const { a } = syncedDocs()
    const A = board(a)
    const domains = listDomains(a)
    expect(domains.length).toBe(8)
    for (const d of domains) expect(shapeOf(A.store, d.id)?.type).toBe('kt-domain')
    expect(shapeOf(A.store, 'resident')?.type).toBe('kt-resident')
    const boxes = [boxOf(A.store, 'resident'), ...domains.map((d) => boxOf(A.store, d.id))]
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) expect(overlap(boxes[i]!, boxes[j]!)).toBe(false)
    for (const d of domains) expect(boxOf(A.store, d.id).y).toBeGreaterThan(boxOf(A.store, 'resident').y)
    expect(A.errors).toEqual([])
  })

  it('an item added to doc A appears as a card in store B, inside its domain, after the cards already there', () => {
    const { a, b } = syncedDocs()
    const B = board(b)
    const d = listDomains(a)[1]!
    const first = addItem(a, { kind: 'problem', text: 'Huur achter', domainId: d.id, author })
    const id = addItem(a, { kind: 'problem', text: 'Schulden bij de energie', domainId: d.id, author, stress: true })
    const s = shapeOf(B.store, id)
    expect(s?.type).toBe('kt-item')
    expect((s?.props as { text: string; stress: boolean }).text).toBe('Schulden bij de energie')
    expect((s?.props as { stress: boolean }).stress).toBe(true)
    expect(inside(boxOf(B.store, id), boxOf(B.store, d.id))).toBe(true)
    expect(overlap(boxOf(B.store, id), boxOf(B.store, first))).toBe(false)
    expect(boxOf(B.store, id).x).toBeGreaterThan(boxOf(B.store, first).x) // second in the row
    updateItem(a, id, { signal: true })
    expect((shapeOf(B.store, id)?.props as { signal: boolean }).signal).toBe(true)
  })

  it('cards written at once on two clients end up in the same places there, without overlaps', () => {
    const a = new Y.Doc()
    const b = new Y.Doc()
    const base = syncedDocs().a
    Y.applyUpdate(a, Y.encodeStateAsUpdate(base))
    Y.applyUpdate(b, Y.encodeStateAsUpdate(base))
    const d = listDomains(a)[0]!
    // Both write 15 cards before hearing of the other (same milliseconds: ties in order).
    for (let i = 0; i < 15; i++) {
      addItem(a, { kind: 'problem', text: `A${i} ${'tekst '.repeat(i * 7)}`, domainId: d.id, author }, 1000 + i)
      addItem(b, { kind: 'wish', text: `B${i}`, domainId: d.id, author }, 1000 + i)
    }
    const A = board(a)
    const B = board(b)
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b))
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
    const ids = listItems(a).map((i) => i.id)
    expect(ids.length).toBe(30)
    for (const id of ids) expect(boxOf(A.store, id)).toEqual(boxOf(B.store, id))
    for (let i = 0; i < ids.length; i++) {
      expect(inside(boxOf(A.store, ids[i]!), boxOf(A.store, d.id))).toBe(true)
      for (let j = i + 1; j < ids.length; j++) expect(overlap(boxOf(A.store, ids[i]!), boxOf(A.store, ids[j]!))).toBe(false)
    }
    expect(A.errors.concat(B.errors)).toEqual([])
  })

  it('a card grows with its text and the cards below it move down, on every screen', () => {
    const { a, b } = syncedDocs()
    const B = board(b)
    const d = listDomains(a)[0]!
    const ids = ['Een', 'Twee', 'Drie'].map((t) => addItem(a, { kind: 'problem', text: t, domainId: d.id, author }))
    const h0 = boxOf(B.store, ids[0]!).h
    const below0 = boxOf(B.store, ids[2]!).y
    const domainH0 = boxOf(B.store, d.id).h
    setItemText(a, ids[0]!, 'Een heel lang verhaal over wat er allemaal speelt. '.repeat(10))
    expect(boxOf(B.store, ids[0]!).h).toBeGreaterThan(h0 * 3)
    expect(boxOf(B.store, ids[2]!).y).toBeGreaterThan(below0)
    expect(boxOf(B.store, d.id).h).toBeGreaterThan(domainH0)
    expect(overlap(boxOf(B.store, ids[0]!), boxOf(B.store, ids[2]!))).toBe(false)
    // The resident card grows with the goal.
    const r0 = boxOf(B.store, 'resident').h
    setGoal(a, 'Over een jaar een eigen woning, werk voor drie dagen in de week en geen schulden meer. '.repeat(4))
    expect(boxOf(B.store, 'resident').h).toBeGreaterThan(r0)
    expect(boxOf(B.store, d.id).y).toBeGreaterThanOrEqual(boxOf(B.store, 'resident').y + boxOf(B.store, 'resident').h)
  })

  it('dragging a card writes no position; dropping it in another domain puts it in that flow at the drop point', () => {
    const { a, b } = syncedDocs()
    const A = board(a)
    const [d0, d1] = listDomains(a)
    const id = addItem(a, { kind: 'problem', text: 'Verhuizen', domainId: d0!.id, author })
    const x1 = addItem(a, { kind: 'wish', text: 'Eerste', domainId: d1!.id, author })
    const x2 = addItem(a, { kind: 'wish', text: 'Tweede', domainId: d1!.id, author })
    const seen: string[][] = []
    parts(b).items.get(id)!.observe((e) => seen.push([...e.keysChanged].sort()))
    // Drop it on the left half of the second card of d1: it goes between the two.
    const target = centre(boxOf(A.store, x2))
    const s = shapeOf(A.store, id)! as TLShape & { props: { w: number; h: number } }
    A.store.put([{ ...s, x: target.x - 30 - s.props.w / 2, y: target.y - s.props.h / 2 }])
    A.writer.flush()
    expect(seen).toEqual([['domainId', 'order']])
    expect(itemsInDomain(b, d1!.id).map((i) => i.id)).toEqual([x1, id, x2])
    // Shown in the flow, not where it was dropped.
    expect(inside(boxOf(A.store, id), boxOf(A.store, d1!.id))).toBe(true)
    for (const other of [x1, x2]) expect(overlap(boxOf(A.store, id), boxOf(A.store, other))).toBe(false)
    expect(parts(b).items.get(id)!.get('pos')).toEqual(parts(a).items.get(id)!.get('pos'))
  })

  it('a card dropped outside every domain goes back to its place, still in its domain', () => {
    const { a } = syncedDocs()
    const A = board(a)
    const d = listDomains(a)[0]!
    const id = addItem(a, { kind: 'problem', text: 'Blijft', domainId: d.id, author })
    const home = boxOf(A.store, id)
    A.store.put([{ ...shapeOf(A.store, id)!, x: 90_000, y: 90_000 }])
    A.writer.flush()
    expect(listItems(a)[0]!.domainId).toBe(d.id)
    expect(boxOf(A.store, id)).toEqual(home)
  })

  it('a card being dragged here keeps its place while others change the board, until the drop', () => {
    const { a, b } = syncedDocs()
    const store = makeStore()
    let held = true
    const d = listDomains(a)[0]!
    const id = addItem(a, { kind: 'problem', text: 'Vast', domainId: d.id, author })
    const off = bindDocToStore(a, store, { locale: 'nl', isHeld: () => held })
    store.put([{ ...shapeOf(store, id)!, x: 4321, y: 1234 }])
    addItem(b, { kind: 'problem', text: 'Nieuw van iemand anders', domainId: d.id, author, order: 0 }) // goes before it
    expect(shapeOf(store, id)!.x).toBe(4321)
    held = false
    off.relayout()
    expect(inside(boxOf(store, id), boxOf(store, d.id))).toBe(true)
    off()
  })

  it('a remote change is not echoed back (no extra doc update)', () => {
    const { a, b, counts } = syncedDocs()
    const B = board(b)
    const before = { ...counts }
    const id = addItem(a, { kind: 'strength', text: 'Zus helpt', domainId: listDomains(a)[0]!.id, author })
    B.writer.flush()
    expect(shapeOf(B.store, id)).toBeDefined()
    expect(counts.a - before.a).toBe(1)
    expect(counts.b - before.b).toBe(1)
    expect(B.writer.writes).toBe(0)
  })

  it('cards without a domain flow in the "no domain" area, which is there only while it holds cards', () => {
    const { a } = syncedDocs()
    const A = board(a)
    expect(A.store.get(createShapeId(UNASSIGNED_AREA_ID))).toBeUndefined()
    const id = addItem(a, { kind: 'note', text: 'Oud, zonder leefgebied', author })
    const area = A.store.get(createShapeId(UNASSIGNED_AREA_ID)) as TLShape
    expect(area?.type).toBe('kt-domain')
    expect(inside(boxOf(A.store, id), boxOf(A.store, UNASSIGNED_AREA_ID))).toBe(true)
    updateItem(a, id, { domainId: listDomains(a)[2]!.id })
    expect(A.store.get(createShapeId(UNASSIGNED_AREA_ID))).toBeUndefined()
  })

  it('a link is an arrow below the cards and above the domains, without text, coloured by kind, with words on the cards', () => {
    const { a, b } = syncedDocs()
    const A = board(a)
    const B = board(b)
    const [d0, d1] = listDomains(b)
    const i1 = addItem(b, { kind: 'problem', text: 'Schulden', domainId: d0!.id, author })
    const i2 = addItem(b, { kind: 'problem', text: 'Slaapproblemen', domainId: d1!.id, author })
    const linkId = addLink(b, i1, i2, 'reinforces')
    for (const S of [A, B]) {
      const arrow = S.store.get(createShapeId(linkId)) as TLArrowShape
      expect(arrow?.type).toBe('arrow')
      expect(JSON.stringify(arrow.props.richText)).not.toContain('versterkt')
      expect(arrow.props.color).toBe(LINK_COLORS.reinforces)
      // Below both cards, above every domain.
      for (const i of [i1, i2]) expect(arrow.index < shapeOf(S.store, i)!.index).toBe(true)
      for (const d of [d0!, d1!]) expect(arrow.index > shapeOf(S.store, d.id)!.index).toBe(true)
      // It runs from the edge of one card to the edge of the other.
      const start = { x: arrow.x, y: arrow.y }
      const end = { x: arrow.x + arrow.props.end.x, y: arrow.y + arrow.props.end.y }
      expect(inside({ ...start, w: 0, h: 0 }, boxOf(S.store, i1))).toBe(false)
      expect(inside({ ...end, w: 0, h: 0 }, boxOf(S.store, i2))).toBe(false)
      // The cards say it in words.
      expect((shapeOf(S.store, i1)!.props as { links: unknown[] }).links).toEqual([{ kind: 'reinforces', dir: 'out', other: 'Slaapproblemen' }])
      expect((shapeOf(S.store, i2)!.props as { links: unknown[] }).links).toEqual([{ kind: 'reinforces', dir: 'in', other: 'Schulden' }])
    }
    setLinkKind(a, linkId, 'blocks')
    const arrow = B.store.get(createShapeId(linkId)) as TLArrowShape
    expect(arrow.props.color).toBe(LINK_COLORS.blocks)
    expect(arrow.props.dash).toBe('dashed')
    // A card that moves takes its line along.
    const endOf = (x: TLArrowShape) => ({ x: x.x + x.props.end.x, y: x.y + x.props.end.y })
    const end0 = endOf(arrow)
    updateItem(a, i2, { domainId: listDomains(a)[5]!.id })
    const moved = B.store.get(createShapeId(linkId)) as TLArrowShape
    expect(endOf(moved)).not.toEqual(end0)
    expect(inside({ ...endOf(moved), w: 0, h: 0 }, { ...boxOf(B.store, i2), x: boxOf(B.store, i2).x - 10, y: boxOf(B.store, i2).y - 10, w: boxOf(B.store, i2).w + 20, h: boxOf(B.store, i2).h + 20 })).toBe(true)
    // Deleting the arrow on the canvas deletes the link.
    A.store.remove([createShapeId(linkId)])
    A.writer.flush()
    expect(listLinks(b)).toEqual([])
    expect(B.store.get(createShapeId(linkId))).toBeUndefined()
    expect(A.errors.concat(B.errors)).toEqual([])
  })

  it('an arrow drawn with the drawing tools between two cards stays a drawing, no link', () => {
    const { a, b } = syncedDocs()
    const A = board(a)
    const B = board(b)
    const d = listDomains(a)[0]!
    const i1 = addItem(a, { kind: 'problem', text: 'Schulden', domainId: d.id, author })
    const i2 = addItem(a, { kind: 'problem', text: 'Slecht slapen', domainId: d.id, author })
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
    expect(listLinks(b)).toEqual([])
    expect(parts(b).canvas.has(arrowId)).toBe(true)
    expect(B.store.get(arrowId)?.type).toBe('arrow')
    expect(A.errors.concat(B.errors)).toEqual([])
  })

  it('a link made in the doc (e.g. from the plan view) appears in both stores', () => {
    const { a, b } = syncedDocs()
    const A = board(a)
    const B = board(b)
    const d = listDomains(b)[0]!
    const i1 = addItem(b, { kind: 'problem', domainId: d.id, author })
    const i2 = addItem(b, { kind: 'wish', domainId: d.id, author })
    const linkId = addLink(b, i1, i2, 'helps')
    for (const S of [A, B]) expect((S.store.get(createShapeId(linkId)) as TLArrowShape)?.type).toBe('arrow')
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
    B.store.put([{ ...(B.store.get(geoId) as TLShape), x: 950 }])
    B.writer.flush()
    expect((A.store.get(geoId) as TLShape).x).toBe(950)
    A.store.remove([geoId])
    A.writer.flush()
    expect(parts(b).canvas.has(geoId)).toBe(false)
    expect(B.store.get(geoId)).toBeUndefined()
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
    const good = addItem(a, { kind: 'note', text: 'Nog uitzoeken', author })
    const A = board(a)
    expect(shapeOf(A.store, good)?.type).toBe('kt-item')
    expect(shapeOf(A.store, 'bad-item')).toBeUndefined()
    expect(A.store.get(createShapeId('broken'))).toBeUndefined()
    expect(A.store.get(createShapeId('alien'))).toBeUndefined()
    expect(A.errors.length).toBeGreaterThanOrEqual(3)
    const later = addItem(a, { kind: 'wish', author })
    expect(shapeOf(A.store, later)?.type).toBe('kt-item')
  })

  it('deleting a card on the canvas deletes it softly; restoring brings it back with its links', () => {
    const { a, b } = syncedDocs()
    const A = board(a)
    const B = board(b)
    const d = listDomains(a)[0]!
    const i1 = addItem(a, { kind: 'problem', domainId: d.id, author })
    const i2 = addItem(a, { kind: 'wish', domainId: d.id, author })
    const linkId = addLink(a, i1, i2, 'causes')
    expect(B.store.get(createShapeId(linkId))).toBeDefined()
    A.store.remove([createShapeId(i1)])
    A.writer.flush()
    expect(listItems(b).map((i) => i.id)).toEqual([i2])
    expect(listDeletedItems(b).map((i) => [i.id, i.deletedBy])).toEqual([[i1, author]])
    expect(parts(b).links.has(linkId)).toBe(true) // kept, hidden
    for (const S of [A, B]) {
      expect(S.store.get(createShapeId(i1))).toBeUndefined()
      expect(S.store.get(createShapeId(linkId))).toBeUndefined()
    }
    expect(parts(a).canvas.size).toBe(0)
    restoreItem(b, i1)
    for (const S of [A, B]) {
      expect(shapeOf(S.store, i1)?.type).toBe('kt-item')
      expect(S.store.get(createShapeId(linkId))?.type).toBe('arrow')
    }
    expect(A.errors.concat(B.errors)).toEqual([])
  })

  it("a resident cannot delete a professional's card on the canvas, only what a resident added", () => {
    const { a, b } = syncedDocs()
    const resident: Author = { name: 'Fatima', org: '', role: 'resident' }
    const R = board(b, resident)
    const d = listDomains(a)[0]!
    const pro = addItem(a, { kind: 'action', text: 'Schuldhulp aanvragen', domainId: d.id, author })
    const own = addItem(b, { kind: 'wish', text: 'Rust in mijn hoofd', domainId: d.id, author: resident })
    R.store.remove([createShapeId(pro)])
    R.writer.flush()
    expect(shapeOf(R.store, pro)?.type).toBe('kt-item')
    expect(listItems(a).map((i) => i.id)).toContain(pro)
    R.store.remove([createShapeId(own)])
    R.writer.flush()
    expect(listItems(a).map((i) => i.id)).toEqual([pro])
    // A remote deletion (by a professional) still reaches the resident's canvas.
    deleteItem(a, pro, author)
    expect(shapeOf(R.store, pro)).toBeUndefined()
  })

  it('a card pasted on the canvas becomes an item at the end of its domain, by whoever pasted it', () => {
    const { a, b } = syncedDocs()
    const store = makeStore()
    const docToStore = bindDocToStore(a, store, { locale: 'nl' })
    const resident: Author = { name: '', org: '', role: 'resident' }
    const writer = bindStoreToDoc(store, a, { author: () => ({ author: resident, recordedBy: author }), layout: () => docToStore.layout() })
    const d = listDomains(a)[3]!
    const first = addItem(a, { kind: 'problem', text: 'Er al', domainId: d.id, author })
    const copy = { ...shapeOf(store, first)!, id: createShapeId('pastedCard01'), x: -5000, y: -5000 } as TLShape
    store.put([copy])
    writer.flush()
    const pasted = listItems(b).find((i) => i.id === 'pastedCard01')!
    expect(pasted).toMatchObject({ text: 'Er al', domainId: d.id, author: resident, recordedBy: author })
    expect(itemsInDomain(b, d.id).map((i) => i.id)).toEqual([first, 'pastedCard01'])
    expect(inside(boxOf(store, 'pastedCard01'), boxOf(store, d.id))).toBe(true)
    writer.unsubscribe()
    docToStore()
  })

  it('domains cannot be moved or resized by hand, and cards keep the size the layout gives them', () => {
    const { a } = syncedDocs()
    const A = board(a)
    const d = listDomains(a)[0]!
    const id = addItem(a, { kind: 'problem', text: 'Vast', domainId: d.id, author })
    const dBox = boxOf(A.store, d.id)
    const ds = shapeOf(A.store, d.id)!
    A.store.put([{ ...ds, x: ds.x + 500, props: { ...ds.props, w: 2000 } } as TLShape])
    expect(boxOf(A.store, d.id)).toEqual(dBox)
    const cBox = boxOf(A.store, id)
    const cs = shapeOf(A.store, id)!
    A.store.put([{ ...cs, props: { ...cs.props, w: 999, h: 999 } } as TLShape])
    expect(boxOf(A.store, id).w).toBe(cBox.w)
    expect(boxOf(A.store, id).h).toBe(cBox.h)
  })
})

describe("a resident's board offers no write the server would refuse (rights inside the document)", () => {
  const resident: Author = { name: 'Fatima', org: '', role: 'resident' }

  it("a drag of someone else's card leaves it where it was and writes nothing; the resident's own card moves", () => {
    const { a, b } = syncedDocs()
    const R = board(b, resident)
    const [d0, d1] = listDomains(a)
    const pro = addItem(a, { kind: 'problem', text: 'Van Sanne', domainId: d0!.id, author })
    const own = addItem(a, { kind: 'wish', text: 'Van Fatima', domainId: d0!.id, author: resident })
    const x1 = addItem(a, { kind: 'wish', text: 'Eerste', domainId: d1!.id, author })
    const writes: string[][] = []
    for (const id of [pro, own]) parts(a).items.get(id)!.observe((e) => writes.push([id, ...[...e.keysChanged].sort()]))
    const dropOn = (id: string) => {
      const s = shapeOf(R.store, id)! as TLShape & { props: { w: number; h: number } }
      const target = centre(boxOf(R.store, x1))
      R.store.put([{ ...s, x: target.x + 30 - s.props.w / 2, y: target.y - s.props.h / 2 }])
      R.writer.flush()
    }
    const home = boxOf(R.store, pro)
    dropOn(pro)
    expect(boxOf(R.store, pro)).toEqual(home)
    expect(listItems(a).find((i) => i.id === pro)!.domainId).toBe(d0!.id)
    expect(writes).toEqual([])
    // Nor its text or marks through the canvas.
    const s = shapeOf(R.store, pro)! as TLShape & { props: Record<string, unknown> }
    R.store.put([{ ...s, props: { ...s.props, text: 'Veranderd', stress: true } } as TLShape])
    R.writer.flush()
    expect(listItems(a).find((i) => i.id === pro)).toMatchObject({ text: 'Van Sanne', stress: false })
    expect(writes).toEqual([])
    // Their own card: moved into d1, after the card it was dropped on.
    dropOn(own)
    expect(itemsInDomain(b, d1!.id).map((i) => i.id)).toEqual([x1, own])
    expect(writes).toEqual([[own, 'domainId', 'order']])
    expect(R.errors).toEqual([])
  })

  it('a resident cannot delete a link arrow, change a domain or touch a drawing on the canvas; a professional can', () => {
    const { a, b } = syncedDocs()
    const P = board(a)
    const R = board(b, resident)
    const [d0, d1] = listDomains(a)
    const i1 = addItem(a, { kind: 'problem', text: 'Schulden', domainId: d0!.id, author })
    const i2 = addItem(a, { kind: 'wish', text: 'Rust', domainId: d1!.id, author: resident })
    const linkId = addLink(b, i1, i2, 'blocks') // a resident may make one
    const geoId = createShapeId('proDrawing01')
    P.store.put([{
      id: geoId, typeName: 'shape', type: 'geo', x: 900, y: 900, rotation: 0, index: 'a5', parentId: BOARD_PAGE_ID,
      isLocked: false, opacity: 1, meta: {},
      props: {
        geo: 'rectangle', w: 100, h: 80, color: 'blue', labelColor: 'black', fill: 'none', dash: 'draw', size: 'm',
        font: 'draw', align: 'middle', verticalAlign: 'middle', growY: 0, url: '', scale: 1, flipX: false, flipY: false,
        richText: toRichText('los'),
      },
    } as unknown as TLRecord])
    P.writer.flush()
    const canvasBefore = JSON.stringify(parts(a).canvas.toJSON())
    const domainBefore = JSON.stringify(parts(a).domains.get(d0!.id)!.toJSON())
    // The resident: deleting the arrow, moving the drawing, deleting it, changing a domain's score on the canvas.
    R.store.remove([createShapeId(linkId)])
    R.store.put([{ ...(R.store.get(geoId) as TLShape), x: 1200 }])
    R.store.remove([geoId])
    const ds = shapeOf(R.store, d0!.id)! as TLShape & { props: Record<string, unknown> }
    R.store.put([{ ...ds, props: { ...ds.props, score: 4, label: 'Anders' } } as TLShape])
    R.writer.flush()
    expect(listLinks(a).map((l) => l.id)).toEqual([linkId])
    expect(R.store.get(createShapeId(linkId))?.type).toBe('arrow')
    expect(JSON.stringify(parts(a).canvas.toJSON())).toBe(canvasBefore)
    expect(R.store.get(geoId)).toBeDefined()
    expect(JSON.stringify(parts(a).domains.get(d0!.id)!.toJSON())).toBe(domainBefore)
    // The professional may.
    P.store.remove([createShapeId(linkId), geoId])
    P.writer.flush()
    expect(listLinks(b)).toEqual([])
    expect(parts(b).canvas.has(geoId)).toBe(false)
    expect(P.errors.concat(R.errors)).toEqual([])
  })

  it("a resident's undo covers their items only: undoing their new link would remove a link", () => {
    const { a } = syncedDocs()
    const d = listDomains(a)[0]!
    const i1 = addItem(a, { kind: 'wish', text: 'Rust', domainId: d.id, author: resident })
    const i2 = addItem(a, { kind: 'problem', text: 'Schulden', domainId: d.id, author })
    for (const [role, kept] of [['resident', 1], ['professional', 0]] as const) {
      const undo = createBoardUndo(a, role)
      a.transact(() => addLink(a, i1, i2, 'helps'), UI_ORIGIN)
      undo.undo()
      expect(listLinks(a).length, role).toBe(kept)
      for (const l of listLinks(a)) parts(a).links.delete(l.id)
      a.transact(() => setItemText(a, i1, 'Rust en slapen'), UI_ORIGIN)
      undo.stopCapturing()
      undo.undo()
      expect(listItems(a).find((i) => i.id === i1)!.text, role).toBe('Rust')
      undo.destroy()
    }
  })
})
