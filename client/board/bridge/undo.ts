/**
 * Undo/redo for one's own changes only: a Y.UndoManager over the board's maps that tracks this
 * client's two origins. Remote changes are never on it; tldraw's own history is not used for
 * undo (the Undo/Redo actions are pointed here, see ../Board.tsx).
 */
import * as Y from 'yjs'
import { parts } from '../../../shared/doc.ts'
import { LOCAL_ORIGIN, UI_ORIGIN } from './origins.ts'

export function createBoardUndo(doc: Y.Doc): Y.UndoManager {
  const p = parts(doc)
  return new Y.UndoManager([p.items, p.domains, p.links, p.canvas], {
    trackedOrigins: new Set<unknown>([LOCAL_ORIGIN, UI_ORIGIN]),
    captureTimeout: 500,
  })
}
