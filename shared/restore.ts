/**
 * Make the content of `target` equal to `source` as a new change on top of `target`'s history:
 * nothing is lost (the state before stays in earlier snapshots) and the restore itself can be
 * undone by restoring again. Only what differs is written: maps are compared key by key, texts get
 * minimal edits, so entities that did not change keep their identity. `meta` is left alone.
 */
import * as Y from 'yjs'
import { TOP_LEVEL } from './schema.ts'
import { applyTextChange } from './text.ts'

const RESTORED_PARTS = [TOP_LEVEL.plan, TOP_LEVEL.domains, TOP_LEVEL.items, TOP_LEVEL.links, TOP_LEVEL.canvas]

export function restoreContent(target: Y.Doc, source: Y.Doc, origin?: unknown): void {
  target.transact(() => {
    for (const name of RESTORED_PARTS) syncMap(target.getMap(name), source.getMap(name))
  }, origin)
}

function syncMap(target: Y.Map<unknown>, source: Y.Map<unknown>): void {
  for (const key of [...target.keys()]) if (!source.has(key)) target.delete(key)
  for (const [key, value] of source) {
    const current = target.get(key)
    if (value instanceof Y.Map && current instanceof Y.Map) syncMap(current, value)
    else if (value instanceof Y.Text && current instanceof Y.Text) applyTextChange(current, value.toString())
    else if (!sameJson(current, value)) target.set(key, cloneValue(value))
  }
}

function cloneValue(v: unknown): unknown {
  if (v instanceof Y.Map) {
    const m = new Y.Map<unknown>()
    for (const [k, x] of v) m.set(k, cloneValue(x))
    return m
  }
  if (v instanceof Y.Text) return new Y.Text(v.toString())
  if (v instanceof Y.Array) return Y.Array.from(v.toArray().map(cloneValue) as never[])
  return v === undefined ? null : JSON.parse(JSON.stringify(v))
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a instanceof Y.AbstractType || b instanceof Y.AbstractType) return false
  return JSON.stringify(a) === JSON.stringify(b)
}
