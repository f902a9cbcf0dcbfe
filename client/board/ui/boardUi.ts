/**
 * The board's own UI state shared by its toolbar, inspector and message row (not by the shapes,
 * which read ../context.ts): the editor, the 'Tekenen' switch, a link being made by clicking the
 * other card, deleting (with confirmation and undo) and where keyboard focus goes.
 */
import { createContext, useContext } from 'react'
import type { Editor } from 'tldraw'
import type { LinkKind } from '../../../shared/schema.ts'

export interface Picking {
  /** The card the link starts from. */
  fromId: string
  kind: LinkKind
}

export interface BoardUi {
  editor: Editor
  drawing: boolean
  setDrawing(on: boolean): void
  /** 'Verband leggen' by clicking the other card on the board. */
  picking: Picking | null
  setPicking(p: Picking | null): void
  /** Delete cards (soft): refused when the role may not, agreed actions ask first, undo is offered. */
  requestDelete(ids: readonly string[]): void
  /** A short message in the board's message row, optionally with an undo button. */
  notify(text: string, undo?: () => void): void
  /** Move keyboard focus out of the canvas to the toolbar. */
  focusToolbar(): void
}

export const BoardUiContext = createContext<BoardUi | null>(null)

export function useBoardUi(): BoardUi {
  const ui = useContext(BoardUiContext)
  if (!ui) throw new Error('useBoardUi outside the board')
  return ui
}

/** For tldraw UI components, which may render before the editor is known. */
export function useBoardUiOptional(): BoardUi | null {
  return useContext(BoardUiContext)
}
