/**
 * Which tldraw records are what: plan entities, link arrows (an arrow bound at both ends to two
 * different item shapes), or free drawing that is stored as plain JSON in the `canvas` map.
 */
import type { TLArrowBinding, TLRecord, TLShape, TLStore } from 'tldraw'
import { ENTITY_SHAPE_TYPES, ITEM_TYPE } from '../shapes/defs.ts'
import { entityIdOf } from './ids.ts'

/** Shapes that need an asset or fetch a third-party page: not supported on the board. */
export const UNSUPPORTED_SHAPE_TYPES: readonly string[] = ['image', 'video', 'bookmark', 'embed']

export interface LinkEnds {
  from: string
  to: string
}

/** Arrow bindings in the store, by arrow shape id. Build once per batch. */
export function arrowBindingsByArrow(store: TLStore): Map<string, TLArrowBinding[]> {
  const out = new Map<string, TLArrowBinding[]>()
  for (const r of store.allRecords()) {
    if (r.typeName !== 'binding' || r.type !== 'arrow') continue
    const list = out.get(r.fromId) ?? []
    list.push(r as TLArrowBinding)
    out.set(r.fromId, list)
  }
  return out
}

/** The two items an arrow joins, or null when it is a free arrow. */
export function linkEndsOf(store: TLStore, arrow: TLShape, bindings: readonly TLArrowBinding[]): LinkEnds | null {
  if (arrow.type !== 'arrow') return null
  const start = bindings.find((b) => b.props.terminal === 'start')
  const end = bindings.find((b) => b.props.terminal === 'end')
  if (!start || !end || start.toId === end.toId) return null
  const a = store.get(start.toId)
  const b = store.get(end.toId)
  if (!a || !b || a.type !== ITEM_TYPE || b.type !== ITEM_TYPE) return null
  const from = entityIdOf(a.id)
  const to = entityIdOf(b.id)
  return from && to ? { from, to } : null
}

export function isEntityShape(r: TLRecord): boolean {
  return r.typeName === 'shape' && ENTITY_SHAPE_TYPES.includes(r.type)
}

/** A shape or binding that may live in the `canvas` map (before the link test). */
export function isFreeRecordCandidate(r: TLRecord): boolean {
  if (r.typeName === 'binding') return true
  if (r.typeName !== 'shape') return false
  return !ENTITY_SHAPE_TYPES.includes(r.type) && !UNSUPPORTED_SHAPE_TYPES.includes(r.type)
}

/** Structural equality for plain JSON values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a)) {
    const bb = b as unknown[]
    return a.length === bb.length && a.every((v, i) => jsonEqual(v, bb[i]))
  }
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false
    if (!jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false
  }
  return true
}

/** A deep, plain copy of a record for the Y.Doc (drops undefined, freezes nothing). */
export function toPlainJson<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T
}
