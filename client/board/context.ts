/** What the board's React parts (shapes, toolbar, inspector) need besides the editor. */
import { createContext, useContext } from 'react'
import * as Y from 'yjs'
import type { ScaleLevel } from '../../shared/templates.ts'
import type { PresenceUser } from '../../shared/awareness.ts'
import { UI_ORIGIN } from './bridge/origins.ts'
import { stringsFor, type BoardLocale, type BoardStrings } from './strings.ts'

export interface BoardContextValue {
  doc: Y.Doc
  me: PresenceUser
  readOnly: boolean
  locale: BoardLocale
  strings: BoardStrings
  templateId: string
  /** The template's per-domain score scale (ZRM), or null. */
  scale: readonly ScaleLevel[] | null
  /** Report a write the document refused (e.g. too long). */
  onError: (err: unknown) => void
  /** Items marked as new or changed (comparison view); none on the live board. */
  highlights?: Record<string, 'added' | 'changed'>
  /** Resident mode (see client/meeting/view.ts): large cards and text, plain words, only the four add buttons. */
  residentMode: boolean
}

export const BoardContext = createContext<BoardContextValue>({
  doc: new Y.Doc(),
  me: { name: '', org: '', role: 'professional', color: '#666666' },
  readOnly: true,
  locale: 'nl',
  templateId: '',
  strings: stringsFor('nl'),
  scale: null,
  onError: () => {},
  residentMode: false,
})

export function useBoard(): BoardContextValue {
  return useContext(BoardContext)
}

/**
 * Run document writes from the board's own controls as one transaction with UI_ORIGIN: they reach
 * the canvas through the doc-to-store binder and are undoable with the board's Y.UndoManager.
 * Returns false when the document refused the write (read-only, or invalid input).
 */
export function writeUi(ctx: BoardContextValue, fn: (doc: Y.Doc) => void): boolean {
  if (ctx.readOnly) return false
  try {
    ctx.doc.transact(() => fn(ctx.doc), UI_ORIGIN)
    return true
  } catch (err) {
    ctx.onError(err)
    return false
  }
}
