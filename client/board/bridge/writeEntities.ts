/**
 * Writing one entity shape's current state to the document, through the shared/doc.ts helpers.
 * Callers run these inside one doc.transact(…, LOCAL_ORIGIN).
 */
import type * as Y from 'yjs'
import type { TLStore } from 'tldraw'
import {
  addItem, addLink, deleteItem, deleteLink, domainAt, parts, readDomain, readItem, readLink, setItemText,
  updateDomain, updateItem, type DomainPatch, type ItemPatch,
} from '../../../shared/doc.ts'
import type { Author } from '../../../shared/schema.ts'
import { ITEM_TYPE, type DomainShape, type ItemShape } from '../shapes/defs.ts'
import { entityIdOf, shapeIdFor } from './ids.ts'
import type { LinkEnds } from './classify.ts'

/** Item fields a card edit may change (`kind` never changes after creation). */
const PATCH_KEYS = [
  'stress', 'signal', 'owner', 'ownerOrg', 'due', 'status', 'deviation', 'deviationRule', 'deviationMotivation',
] as const

/** Returns the ids of links that went with a deleted item. */
export function syncItemToDoc(doc: Y.Doc, id: string, shape: ItemShape | null, author?: Author): string[] {
  const m = parts(doc).items.get(id)
  if (!shape) {
    if (!m) return []
    const gone = [...parts(doc).links.entries()]
      .filter(([, l]) => l.get('from') === id || l.get('to') === id)
      .map(([linkId]) => linkId)
    deleteItem(doc, id)
    return gone
  }
  const p = shape.props
  if (!m) {
    // An item shape without an entity: pasted or duplicated on this canvas.
    addItem(doc, {
      id, kind: p.kind, text: p.text, domainId: p.domainId,
      pos: { x: shape.x, y: shape.y }, size: { w: p.w, h: p.h },
      author: author ?? { name: p.authorName, org: p.authorOrg, role: p.authorRole },
      stress: p.stress, signal: p.signal,
    })
    if (p.kind === 'action') {
      updateItem(doc, id, {
        owner: p.owner, ownerOrg: p.ownerOrg, due: p.due, status: p.status,
        deviation: p.deviation, deviationRule: p.deviationRule, deviationMotivation: p.deviationMotivation,
      })
    }
    return []
  }
  const cur = readItem(m)
  if (!cur) return []
  const patch: ItemPatch = {}
  if (cur.pos.x !== shape.x || cur.pos.y !== shape.y) patch.pos = { x: shape.x, y: shape.y }
  if (cur.size.w !== p.w || cur.size.h !== p.h) patch.size = { w: p.w, h: p.h }
  for (const k of PATCH_KEYS) {
    if (cur[k] !== p[k]) (patch as Record<string, unknown>)[k] = p[k]
  }
  if (Object.keys(patch).length > 0) updateItem(doc, id, patch)
  if (cur.text !== p.text) setItemText(doc, id, p.text)
  return []
}

export function syncDomainToDoc(doc: Y.Doc, id: string, shape: DomainShape): void {
  const m = parts(doc).domains.get(id)
  const cur = m ? readDomain(m) : null
  if (!cur) return
  const p = shape.props
  const patch: DomainPatch = {}
  if (cur.pos.x !== shape.x || cur.pos.y !== shape.y) patch.pos = { x: shape.x, y: shape.y }
  if (cur.size.w !== p.w || cur.size.h !== p.h) patch.size = { w: p.w, h: p.h }
  if (cur.label !== p.label) patch.label = p.label
  if (cur.score !== p.score) patch.score = p.score
  if (Object.keys(patch).length > 0) updateDomain(doc, id, patch)
}

/** Make the document's link `id` join `ends` (null: the link is gone). True when a link was (re)made. */
export function syncLinkToDoc(doc: Y.Doc, id: string, ends: LinkEnds | null): boolean {
  const m = parts(doc).links.get(id)
  const cur = m ? readLink(m) : null
  if (!ends) {
    if (m) deleteLink(doc, id)
    return false
  }
  if (cur && cur.from === ends.from && cur.to === ends.to) return false
  const kind = cur?.kind ?? 'reinforces'
  if (m) deleteLink(doc, id)
  addLink(doc, ends.from, ends.to, kind, id)
  return true
}

/** After a gesture: an item dropped inside a domain region belongs to that domain (outside: none). */
export function finishMovedItems(
  store: TLStore, doc: Y.Doc, moved: Set<string>, onError: (e: unknown) => void,
): { shapeId: string; domainId: string | null }[] {
  const items = parts(doc).items
  const changed: { shapeId: string; domainId: string | null }[] = []
  for (const shapeId of moved) {
    try {
      const id = entityIdOf(shapeId)
      const shape = id ? store.get(shapeIdFor(id)) : undefined
      const m = id ? items.get(id) : undefined
      if (!id || !shape || shape.type !== ITEM_TYPE || !m) continue
      const s = shape as ItemShape
      const domainId = domainAt(doc, { x: s.x + s.props.w / 2, y: s.y + s.props.h / 2 })
      if (readItem(m)?.domainId !== domainId) {
        updateItem(doc, id, { domainId })
        changed.push({ shapeId: s.id, domainId })
      }
    } catch (err) {
      onError(err)
    }
  }
  return changed
}
