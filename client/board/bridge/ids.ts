/** Shape and binding ids for entities: 'shape:' + entityId, so both sides name the same thing. */
import { createBindingId, createShapeId, type TLBindingId, type TLShapeId } from 'tldraw'
import { isEntityId } from '../../../shared/ids.ts'

/** The resident in the middle is no entity of its own; it shows the plan map. */
export const RESIDENT_ENTITY_ID = 'resident'

export function shapeIdFor(entityId: string): TLShapeId {
  return createShapeId(entityId)
}

/** The entity id inside a shape id, or null when it is not one of ours. */
export function entityIdOf(shapeId: string): string | null {
  if (!shapeId.startsWith('shape:')) return null
  const id = shapeId.slice('shape:'.length)
  return isEntityId(id) ? id : null
}

/** The two bindings of a link's arrow, made by the document side (ids are stable across clients). */
export function linkBindingId(linkId: string, terminal: 'start' | 'end'): TLBindingId {
  return createBindingId(`${linkId}.${terminal}`)
}
