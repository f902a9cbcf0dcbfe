import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { migrateDoc, MigrationError } from '../../../shared/migrations.ts'
import { SCHEMA_VERSION } from '../../../shared/schema.ts'

describe('migrateDoc', () => {
  it('runs each step from the stored version up to the target, in order, and records the version', () => {
    const doc = new Y.Doc()
    doc.getMap('meta').set('schemaVersion', 1)
    doc.getMap('items').set('a', new Y.Map())
    const ran: string[] = []
    const steps = [
      (d: Y.Doc) => { ran.push('1→2'); (d.getMap('items').get('a') as Y.Map<unknown>).set('tag', 'v2') },
      (d: Y.Doc) => { ran.push('2→3'); d.getMap('plan').set('extra', true) },
    ]
    expect(migrateDoc(doc, steps, 3)).toBe(1)
    expect(ran).toEqual(['1→2', '2→3'])
    expect(doc.getMap('meta').get('schemaVersion')).toBe(3)
    expect((doc.getMap('items').get('a') as Y.Map<unknown>).get('tag')).toBe('v2')
    // Already current: nothing runs again.
    expect(migrateDoc(doc, steps, 3)).toBe(3)
    expect(ran).toHaveLength(2)
  })

  it('treats a document without a version as the first layout', () => {
    const doc = new Y.Doc()
    expect(migrateDoc(doc)).toBe(1)
    expect(doc.getMap('meta').get('schemaVersion')).toBe(SCHEMA_VERSION)
  })

  it('refuses a document newer than this program, and a gap in the steps', () => {
    const newer = new Y.Doc()
    newer.getMap('meta').set('schemaVersion', SCHEMA_VERSION + 1)
    expect(() => migrateDoc(newer)).toThrow(MigrationError)
    const old = new Y.Doc()
    old.getMap('meta').set('schemaVersion', 1)
    expect(() => migrateDoc(old, [], 2)).toThrow(/no migration from schema 1 to 2/)
  })
})
