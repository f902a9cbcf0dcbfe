/**
 * Store rules that keep the projection sound:
 * - life domains and the resident cannot be deleted on the canvas (the template owns domains);
 * - plan shapes stay directly on the page (no groups or frames: their position is the doc's `pos`).
 */
import type { TLShape, TLStore } from 'tldraw'
import { DOMAIN_TYPE, ENTITY_SHAPE_TYPES, RESIDENT_TYPE } from '../shapes/defs.ts'

export function protectEntities(store: TLStore): () => void {
  const offDelete = store.sideEffects.registerBeforeDeleteHandler('shape', (shape, source) => {
    if (source === 'user' && (shape.type === DOMAIN_TYPE || shape.type === RESIDENT_TYPE)) return false
  })
  const offChange = store.sideEffects.registerBeforeChangeHandler('shape', (prev: TLShape, next: TLShape, source) => {
    if (source === 'user' && ENTITY_SHAPE_TYPES.includes(next.type) && prev.parentId !== next.parentId) return prev
    if (source === 'user' && next.type === RESIDENT_TYPE) return prev
    return next
  })
  return () => {
    offDelete()
    offChange()
  }
}
