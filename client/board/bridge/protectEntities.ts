/**
 * Store rules that keep the projection sound:
 * - life domains and the resident cannot be deleted, moved or resized on the canvas (the
 *   template owns domains, the layout places them);
 * - a card can only be deleted by who may delete it (canDeleteItem: a resident only what a
 *   resident added; a coordinator nothing) — the server enforces the same rule;
 * - a card can only be moved (dragged, nudged) by who may change it (canEditItem): a drag would
 *   write moveItem, which the server refuses for a resident and someone else's card;
 * - with a role that may not change them (../rights.ts: a resident), everything but cards is left
 *   as it is — domains, link arrows (a link cannot be deleted) and free drawings (the `canvas`);
 * - cards keep the size the layout gave them; plan shapes stay directly on the page (no groups
 *   or frames: the layout places them);
 * - link arrows are drawn from their link: they cannot be bent, moved or re-attached by hand.
 */
import * as Y from 'yjs'
import type { TLShape, TLStore } from 'tldraw'
import { canDeleteItem, parts, readItem } from '../../../shared/doc.ts'
import type { Role } from '../../../shared/schema.ts'
import { DOMAIN_TYPE, ENTITY_SHAPE_TYPES, ITEM_TYPE, RESIDENT_TYPE, type ItemShape } from '../shapes/defs.ts'
import { mayChangeShared, mayEditCard } from '../rights.ts'
import { entityIdOf } from './ids.ts'

export interface ProtectOptions {
  doc?: Y.Doc
  /** The role of the person at this screen (who may delete which card). */
  role?: Role
  /** Told when a deletion was refused (e.g. to say why). */
  onRefused?: (itemId: string) => void
}

export function protectEntities(store: TLStore, opts: ProtectOptions = {}): () => void {
  const linkOf = (shapeId: string) => {
    const e = entityIdOf(shapeId)
    return e !== null && opts.doc !== undefined && parts(opts.doc).links.has(e)
  }
  const offDelete = store.sideEffects.registerBeforeDeleteHandler('shape', (shape, source) => {
    if (source !== 'user') return
    if (shape.type === DOMAIN_TYPE || shape.type === RESIDENT_TYPE) return false
    if (shape.type !== ITEM_TYPE && opts.role && !mayChangeShared(opts.role)) return false
    if (shape.type === ITEM_TYPE && opts.doc && opts.role) {
      const id = entityIdOf(shape.id)
      const m = id ? parts(opts.doc).items.get(id) : undefined
      const item = m instanceof Y.Map ? readItem(m) : null
      if (item && !canDeleteItem(opts.role, item)) {
        opts.onRefused?.(item.id)
        return false
      }
    }
  })
  const offChange = store.sideEffects.registerBeforeChangeHandler('shape', (prev: TLShape, next: TLShape, source) => {
    if (source !== 'user') return next
    if (ENTITY_SHAPE_TYPES.includes(next.type) && prev.parentId !== next.parentId) return prev
    if (next.type !== ITEM_TYPE && opts.role && !mayChangeShared(opts.role)) return prev
    if (next.type === RESIDENT_TYPE || next.type === DOMAIN_TYPE) {
      // Only the label and score may change by hand (the inspector, the score control).
      return prev.x !== next.x || prev.y !== next.y || prev.rotation !== next.rotation ||
        (prev.props as { w: number }).w !== (next.props as { w: number }).w ||
        (prev.props as { h: number }).h !== (next.props as { h: number }).h
        ? prev
        : next
    }
    if (next.type === ITEM_TYPE) {
      const a = prev as ItemShape
      const b = next as ItemShape
      // Someone else's card, for a role that may not change it: it stays as it is (no drag, no edit).
      if (opts.role && !mayEditCard(opts.role, a.props.authorRole)) return prev
      if (a.props.w !== b.props.w || a.props.h !== b.props.h || a.rotation !== b.rotation) {
        return { ...b, rotation: a.rotation, props: { ...b.props, w: a.props.w, h: a.props.h } }
      }
      return next
    }
    if (next.type === 'arrow' && linkOf(next.id)) return prev
    return next
  })
  return () => {
    offDelete()
    offChange()
  }
}
