/**
 * Document migrations: bring a case document (a live case or an old snapshot) up to
 * SCHEMA_VERSION. Each step upgrades from version N to N + 1 inside one transaction and is never
 * edited once shipped. A document without a version is treated as version 1 (the first layout).
 */
import type * as Y from 'yjs'
import { SCHEMA_VERSION, TOP_LEVEL } from './schema.ts'

type Step = (doc: Y.Doc) => void

/** STEPS[n] migrates version n + 1 to n + 2. Empty while version 1 is the only layout. */
const STEPS: Step[] = []

export class MigrationError extends Error {
  override name = 'MigrationError'
}

/** Returns the version the document had before. Throws for a document newer than this code. */
export function migrateDoc(doc: Y.Doc, steps: readonly Step[] = STEPS, target = SCHEMA_VERSION): number {
  const meta = doc.getMap(TOP_LEVEL.meta)
  const raw = meta.get('schemaVersion')
  const from = typeof raw === 'number' && Number.isInteger(raw) && raw >= 1 ? raw : 1
  if (from > target) throw new MigrationError(`document schema ${from} is newer than this program (${target})`)
  for (let v = from; v < target; v++) {
    const step = steps[v - 1]
    if (!step) throw new MigrationError(`no migration from schema ${v} to ${v + 1}`)
    doc.transact(() => {
      step(doc)
      meta.set('schemaVersion', v + 1)
    })
  }
  if (raw !== target) doc.transact(() => meta.set('schemaVersion', target))
  return from
}
