import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { DOCUMENTED_TABLES, renderDocument } from '../../helpers/documentSchemaTables.ts'

const DOC = path.resolve(import.meta.dirname, '../../../docs/document-schema.md')

describe('docs/document-schema.md', () => {
  it('documents every entity schema, field by field, exactly as shared/entities/ declares it', () => {
    const committed = fs.readFileSync(DOC, 'utf8')
    const generated = renderDocument(committed)
    // UPDATE_DOCS=1 rewrites the tables after a schema change (review the diff before committing).
    if (process.env.UPDATE_DOCS === '1' && generated !== committed) fs.writeFileSync(DOC, generated)
    else expect(committed).toBe(generated)
  })

  it('has a table for every entity, and no table without a schema', () => {
    const committed = fs.readFileSync(DOC, 'utf8')
    const tables = [...committed.matchAll(/<!-- entity:(\w+) -->/g)].map((m) => m[1]).sort()
    expect(tables).toEqual(Object.keys(DOCUMENTED_TABLES).sort())
  })
})
