/**
 * Undo/redo for one's own changes only: a Y.UndoManager over the board's maps that tracks this
 * client's two origins. Remote changes are never on it; tldraw's own history is not used for
 * undo (the Undo/Redo actions are pointed here, see ../Board.tsx).
 *
 * For a resident it covers the items only: undoing their new link would remove a link, and only a
 * professional may remove one (../rights.ts) — the server would refuse it.
 */
import * as Y from 'yjs'
import { parts } from '../../../shared/doc.ts'
import type { Role } from '../../../shared/schema.ts'
import { mayChangeShared } from '../rights.ts'
import { LOCAL_ORIGIN, UI_ORIGIN } from './origins.ts'

export function createBoardUndo(doc: Y.Doc, role: Role = 'professional'): Y.UndoManager {
  const p = parts(doc)
  return new Y.UndoManager(mayChangeShared(role) ? [p.items, p.domains, p.links, p.canvas] : [p.items], {
    trackedOrigins: new Set<unknown>([LOCAL_ORIGIN, UI_ORIGIN]),
    captureTimeout: 500,
  })
}
