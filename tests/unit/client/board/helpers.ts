/** Test helpers: a tldraw store with the board's shapes, and two Y.Docs that sync to each other. */
import * as Y from 'yjs'
import { createTLSchema, createTLStore, defaultBindingSchemas, defaultShapeSchemas, type TLStore } from 'tldraw'
import { boardShapeSchemas } from '../../../../client/board/shapes/defs.ts'
import { initCaseDoc } from '../../../../shared/doc.ts'

export function makeStore(): TLStore {
  const schema = createTLSchema({
    shapes: { ...defaultShapeSchemas, ...boardShapeSchemas },
    bindings: defaultBindingSchemas,
  })
  return createTLStore({ schema })
}

/** Two docs that forward every update to each other (like a server would). Counts updates. */
export function syncedDocs(templateId = 'integrale-intake') {
  const a = new Y.Doc()
  const b = new Y.Doc()
  initCaseDoc(a, templateId, 1)
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
  const counts = { a: 0, b: 0 }
  a.on('update', (u: Uint8Array, origin: unknown) => {
    counts.a++
    if (origin !== 'remote') Y.applyUpdate(b, u, 'remote')
  })
  b.on('update', (u: Uint8Array, origin: unknown) => {
    counts.b++
    if (origin !== 'remote') Y.applyUpdate(a, u, 'remote')
  })
  return { a, b, counts }
}

export const author = { name: 'Sanne de Vries', org: 'Sociaal wijkteam', role: 'professional' as const }
