/**
 * Composes the bridge binders for a mounted editor. Each binder returns its unsubscribe.
 */
import { useEffect } from 'react'
import type * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import type { Editor, TLStore } from 'tldraw'
import type { PresenceUser } from '../../../shared/awareness.ts'
import type { BoardStrings } from '../strings.ts'
import { bindDocToStore } from './bindDocToStore.ts'
import { bindStoreToDoc } from './bindStoreToDoc.ts'
import { bindLocalPresence, bindRemotePresence } from './bindPresence.ts'
import { protectEntities } from './protectEntities.ts'

export interface BridgeArgs {
  editor: Editor | null
  store: TLStore
  doc: Y.Doc
  awareness: Awareness
  me: PresenceUser
  readOnly: boolean
  strings: BoardStrings
  undo: Y.UndoManager
  onError: (err: unknown) => void
}

export function useBoardBridge({ editor, store, doc, awareness, me, readOnly, strings, undo, onError }: BridgeArgs): void {
  // Document <-> store.
  useEffect(() => {
    if (!editor) return
    editor.updateInstanceState({ isReadonly: readOnly })
    const docToStore = bindDocToStore(doc, store, { strings, onError })
    const offs: (() => void)[] = [protectEntities(store), docToStore]
    if (!readOnly) {
      const writer = bindStoreToDoc(store, doc, {
        onLinksMade: (ids) => setTimeout(() => docToStore.restyleLinks(ids), 0),
        isInteracting: () => editor.inputs.getIsPointing() || editor.inputs.getIsDragging(),
        author: { name: me.name, org: me.org, role: me.role },
        onError,
      })
      const onEvent = (info: { type: string; name: string }) => {
        if (info.type !== 'pointer') return
        // Each gesture is its own undo step; its end is written at once.
        if (info.name === 'pointer_down') undo.stopCapturing()
        if (info.name === 'pointer_up') setTimeout(() => writer.flush(), 0)
      }
      editor.on('event', onEvent)
      offs.push(() => editor.off('event', onEvent), () => writer.unsubscribe())
    }
    return () => {
      for (const off of offs.reverse()) off()
    }
  }, [editor, store, doc, readOnly, strings, undo, onError, me.name, me.org, me.role])

  // Presence.
  useEffect(() => {
    if (!editor) return
    const offRemote = bindRemotePresence(store, awareness)
    const offLocal = bindLocalPresence(editor, awareness, me)
    return () => {
      offLocal()
      offRemote()
    }
  }, [editor, store, awareness, me])
}
