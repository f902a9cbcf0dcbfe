/**
 * Deleting cards ('Verwijderd'): a soft delete (shared/doc.ts deleteItem) that anyone who can
 * write may undo (restoreItem). Who may delete what is canDeleteItem — the server enforces the same
 * rule; agreed actions ('afspraak') ask for confirmation first.
 */
import * as Y from 'yjs'
import { canDeleteItem, parts, readItem } from '../../../shared/doc.ts'
import type { ItemFields, Role } from '../../../shared/schema.ts'

export interface DeletionPlan {
  allowed: ItemFields[]
  refused: ItemFields[]
  /** An agreed action is among them: ask first. */
  needsConfirm: boolean
}

export function planDeletion(doc: Y.Doc, role: Role, ids: readonly string[]): DeletionPlan {
  const allowed: ItemFields[] = []
  const refused: ItemFields[] = []
  for (const id of ids) {
    const m = parts(doc).items.get(id)
    const item = m instanceof Y.Map ? readItem(m) : null
    if (!item || item.deletedAt !== null) continue
    if (canDeleteItem(role, item)) allowed.push(item)
    else refused.push(item)
  }
  return { allowed, refused, needsConfirm: allowed.some((i) => i.kind === 'action') }
}
