// Placeholder: the board helper replaces this file with the tldraw projection of the document.
import type * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import type { PresenceUser } from '../../shared/awareness.ts'

export interface BoardProps {
  doc: Y.Doc
  awareness: Awareness
  me: PresenceUser
  readOnly: boolean
  locale: 'nl' | 'en'
  licenseKey?: string
}

export function Board(_props: BoardProps) {
  return <div data-testid="board-placeholder" />
}
