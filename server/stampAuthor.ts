/**
 * Make the authorship of newly added items honest: the server, not the client, decides whose
 * words an item is and who wrote it down. Runs as a server change right after the client's update,
 * so every client receives the correction; an item that is already right is left untouched (no
 * update at all).
 *
 *   - a resident's connection: the item is the resident's own (`author.role` resident), recorded by
 *     nobody else (`recordedBy` null);
 *   - a professional's connection may record the resident's words on a shared screen ('Inwoner aan
 *     het woord'): `author.role` resident, and `recordedBy` is then always set with the role
 *     professional — the account that held the keyboard. Otherwise the item is the professional's
 *     own (`author.role` professional, `recordedBy` null).
 * Names come from the participants themselves until personal accounts exist (part 5); the roles,
 * which decide rights and how an item is shown, come from the server.
 */
import * as Y from 'yjs'
import { parts } from '../shared/doc.ts'
import type { Author, Role } from '../shared/schema.ts'

export const SERVER_ORIGIN = 'server'

interface Stamp {
  author: Author
  recordedBy: Author | null
}

function plainAuthor(v: unknown, role: Role): Author {
  const a = (typeof v === 'object' && v !== null ? v : {}) as Partial<Author>
  return { name: typeof a.name === 'string' ? a.name : '', org: typeof a.org === 'string' ? a.org : '', role }
}

/** What the authorship of a new item must be, given what the client wrote and the connection's role. */
export function honestAuthorship(author: unknown, recordedBy: unknown, writer: Role): Stamp {
  const claimed = (author as Partial<Author> | undefined)?.role
  if (writer === 'professional' && claimed === 'resident') {
    return { author: plainAuthor(author, 'resident'), recordedBy: plainAuthor(recordedBy, 'professional') }
  }
  return { author: plainAuthor(author, writer), recordedBy: null }
}

export function stampAuthorship(doc: Y.Doc, itemIds: string[], writer: Role): void {
  const items = parts(doc).items
  const fixes: [Y.Map<unknown>, Stamp][] = []
  for (const id of itemIds) {
    const m = items.get(id)
    if (!(m instanceof Y.Map)) continue
    const stamp = honestAuthorship(m.get('author'), m.get('recordedBy'), writer)
    if (!same(m.get('author'), stamp.author) || !same(m.get('recordedBy') ?? null, stamp.recordedBy)) fixes.push([m, stamp])
  }
  if (!fixes.length) return
  doc.transact(() => {
    for (const [m, stamp] of fixes) {
      if (!same(m.get('author'), stamp.author)) m.set('author', stamp.author)
      if (!same(m.get('recordedBy') ?? null, stamp.recordedBy)) m.set('recordedBy', stamp.recordedBy)
    }
  }, SERVER_ORIGIN)
}

function same(a: unknown, b: Author | null): boolean {
  if (a === null || b === null) return a === b
  const x = a as Partial<Author>
  return typeof a === 'object' && x.name === b.name && x.org === b.org && x.role === b.role && Object.keys(a).length === 3
}
