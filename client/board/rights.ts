/**
 * What the person at this board may change — the rules the server enforces per entity
 * (docs/security.md, 'Rights inside the document'): a card through canEditItem (a resident only a
 * resident's own words), life domains (score), existing links (kind, removal) and free drawing only
 * a professional. A refused write would close the connection (4403), so the board never offers one.
 *
 * Shape utils have no React context: they ask through their editor (setEditorRole / editorMayEditCard).
 */
import type { Editor } from 'tldraw'
import { canEditItem } from '../../shared/doc.ts'
import type { Role } from '../../shared/schema.ts'

/** Whether `role` may change (text, place, marks, fields) a card whose author has `authorRole`. */
export function mayEditCard(role: Role, authorRole: Role): boolean {
  return canEditItem(role, { author: { name: '', org: '', role: authorRole } })
}

/** Life domains (their score), existing links (kind, removal) and free drawing: professionals only. */
export function mayChangeShared(role: Role): boolean {
  return role === 'professional'
}

const roles = new WeakMap<Editor, Role>()

/** Tell the shape utils of `editor` who sits at this board (null: forget it). */
export function setEditorRole(editor: Editor, role: Role | null): void {
  if (role === null) roles.delete(editor)
  else roles.set(editor, role)
}

/** For ItemShapeUtil.canEdit: an editor without a known role (tests, the dev page) allows it. */
export function editorMayEditCard(editor: Editor, authorRole: Role): boolean {
  const role = roles.get(editor)
  return role === undefined || mayEditCard(role, authorRole)
}
