/**
 * Make the author role of newly added items match the role of the connection that added them.
 * Runs as a server change right after the client's update, so every client receives the
 * correction; an item that already carries the right role is left untouched (no update at all).
 */
import * as Y from 'yjs'
import { parts } from '../shared/doc.ts'
import type { Author, Role } from '../shared/schema.ts'

export const SERVER_ORIGIN = 'server'

export function stampAuthorRole(doc: Y.Doc, itemIds: string[], role: Role): void {
  const items = parts(doc).items
  const wrong = itemIds.filter((id) => {
    const m = items.get(id)
    if (!(m instanceof Y.Map)) return false
    const a = m.get('author') as Partial<Author> | undefined
    return a?.role !== role
  })
  if (!wrong.length) return
  doc.transact(() => {
    for (const id of wrong) {
      const m = items.get(id) as Y.Map<unknown>
      const a = (m.get('author') ?? {}) as Partial<Author>
      m.set('author', { name: typeof a.name === 'string' ? a.name : '', org: typeof a.org === 'string' ? a.org : '', role })
    }
  }, SERVER_ORIGIN)
}
