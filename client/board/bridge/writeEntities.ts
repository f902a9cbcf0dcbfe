/**
 * Writing one entity shape's current state to the document, through the shared/doc.ts helpers.
 * Callers run these inside one doc.transact(…, LOCAL_ORIGIN). Positions and sizes of plan shapes
 * are never written: the board's layout derives them from the document.
 */
import type * as Y from 'yjs'
import type { TLStore } from 'tldraw'
import {
  addItem, deleteItem, moveItem, parts, readDomain, readItem, setItemText, updateDomain, updateItem,
  type DomainPatch, type ItemPatch,
} from '../../../shared/doc.ts'
import type { Author } from '../../../shared/schema.ts'
import { ITEM_TYPE, type DomainShape, type ItemShape } from '../shapes/defs.ts'
import { slotAt, type BoardLayout } from '../layout/computeLayout.ts'
import { entityIdOf, shapeIdFor } from './ids.ts'

/** Item fields a card edit may change (`kind` never changes after creation). */
const PATCH_KEYS = [
  'stress', 'signal', 'owner', 'ownerOrg', 'due', 'status', 'deviation', 'deviationRule', 'deviationMotivation',
] as const

export function syncItemToDoc(
  doc: Y.Doc, id: string, shape: ItemShape | null,
  w: { who?: { author: Author; recordedBy: Author | null }; by?: Author } = {},
): void {
  const m = parts(doc).items.get(id)
  if (!shape) {
    // Deleted on the canvas: softly, by the person at this screen (anyone can restore it).
    const cur = m ? readItem(m) : null
    if (cur && cur.deletedAt === null && w.by) deleteItem(doc, id, w.by)
    return
  }
  const p = shape.props
  if (!m) {
    // An item shape without an entity: pasted or duplicated on this canvas. It goes at the end of its domain.
    const who = w.who ?? { author: { name: p.authorName, org: p.authorOrg, role: p.authorRole }, recordedBy: null }
    addItem(doc, {
      id, kind: p.kind, text: p.text, domainId: p.domainId,
      author: who.author, recordedBy: who.recordedBy,
      stress: p.stress, signal: p.signal,
    })
    if (p.kind === 'action') {
      updateItem(doc, id, {
        owner: p.owner, ownerOrg: p.ownerOrg, due: p.due, status: p.status,
        deviation: p.deviation, deviationRule: p.deviationRule, deviationMotivation: p.deviationMotivation,
      })
    }
    return
  }
  const cur = readItem(m)
  if (!cur) return
  const patch: ItemPatch = {}
  for (const k of PATCH_KEYS) {
    if (cur[k] !== p[k]) (patch as Record<string, unknown>)[k] = p[k]
  }
  if (Object.keys(patch).length > 0) updateItem(doc, id, patch)
  if (cur.text !== p.text) setItemText(doc, id, p.text)
}

export function syncDomainToDoc(doc: Y.Doc, id: string, shape: DomainShape): void {
  const m = parts(doc).domains.get(id)
  const cur = m ? readDomain(m) : null
  if (!cur) return
  const p = shape.props
  const patch: DomainPatch = {}
  if (cur.label !== p.label) patch.label = p.label
  if (cur.score !== p.score) patch.score = p.score
  if (Object.keys(patch).length > 0) updateDomain(doc, id, patch)
}

/**
 * After a gesture: each moved card goes into the domain (or 'no domain' area) under its centre,
 * at the slot nearest to where it was dropped. Outside every area it changes nothing (the
 * layout puts it back). Cards are placed in reading order of where they were dropped.
 */
export function finishMovedItems(
  store: TLStore, doc: Y.Doc, moved: Set<string>, layout: BoardLayout | null, onError: (e: unknown) => void,
): void {
  if (!layout) return
  const items = parts(doc).items
  const shapes: ItemShape[] = []
  for (const shapeId of moved) {
    const id = entityIdOf(shapeId)
    const shape = id ? store.get(shapeIdFor(id)) : undefined
    if (id && shape && shape.type === ITEM_TYPE && items.has(id)) shapes.push(shape as ItemShape)
  }
  shapes.sort((a, b) => a.y - b.y || a.x - b.x)
  const moving = new Set(shapes.map((s) => entityIdOf(s.id)!))
  for (const s of shapes) {
    try {
      const id = entityIdOf(s.id)!
      const slot = slotAt(layout, { x: s.x + s.props.w / 2, y: s.y + s.props.h / 2 }, moving)
      if (!slot) continue
      const cur = readItem(items.get(id)!)
      if (!cur || cur.deletedAt !== null) continue
      // Left where it was (a click, a tiny nudge): nothing to write.
      if (slot.domainId === (layout.regions.find((r) => r.ids.includes(id))?.key ?? cur.domainId) && sameSlot(layout, id, slot.beforeId)) continue
      moveItem(doc, id, slot.domainId, slot.beforeId)
    } catch (err) {
      onError(err)
    }
  }
}

/** Whether `beforeId` is the card that follows `id` in its flow now (so the move changes nothing). */
function sameSlot(layout: BoardLayout, id: string, beforeId: string | null): boolean {
  for (const r of layout.regions) {
    const i = r.ids.indexOf(id)
    if (i === -1) continue
    const next = r.ids[i + 1] ?? null
    return next === beforeId
  }
  return false
}
