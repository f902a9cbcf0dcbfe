/**
 * Composes the bridge binders for a mounted editor. Each binder returns its unsubscribe.
 * Cards are measured with the real font inside the editor's container (../layout/measureDom.ts).
 */
import { useEffect, useRef } from 'react'
import type * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import type { Editor, TLShapeId, TLStore } from 'tldraw'
import type { PresenceUser } from '../../../shared/awareness.ts'
import type { Locale } from '../../i18n.ts'
import { authorForNewItem, useMeetingView } from '../../meeting/view.ts'
import { stringsFor, type BoardStrings } from '../strings.ts'
import { createDomMeasurer } from '../layout/measureDom.ts'
import { bindDocToStore } from './bindDocToStore.ts'
import { bindStoreToDoc } from './bindStoreToDoc.ts'
import { bindLocalPresence, bindRemotePresence } from './bindPresence.ts'
import { protectEntities } from './protectEntities.ts'
import { setEditorRole } from '../rights.ts'

export interface BridgeArgs {
  editor: Editor | null
  store: TLStore
  doc: Y.Doc
  awareness: Awareness
  me: PresenceUser
  readOnly: boolean
  strings: BoardStrings
  /** The board's language (default: the language of `strings`). */
  locale?: Locale
  undo: Y.UndoManager
  onError: (err: unknown) => void
  /** A deletion the user may not do was refused (a resident deleting what someone else added). */
  onDeleteRefused?: (itemId: string) => void
  /** Called once the document's cards are first placed on the canvas (after each new editor). */
  onPlaced?: (editor: Editor) => void
}

export function useBoardBridge({ editor, store, doc, awareness, me, readOnly, strings, locale, undo, onError, onDeleteRefused, onPlaced }: BridgeArgs): void {
  const lang: Locale = locale ?? (strings.kind.problem === stringsFor('en').kind.problem ? 'en' : 'nl')
  // Who new items are by follows the meeting view ('Inwoner aan het woord') without rebinding.
  const view = useMeetingView()
  const viewRef = useRef(view)
  viewRef.current = view
  const refusedRef = useRef(onDeleteRefused)
  refusedRef.current = onDeleteRefused
  const placedRef = useRef(onPlaced)
  placedRef.current = onPlaced
  /** The editor whose cards were placed (a new editor places them anew). */
  const placedFor = useRef<Editor | null>(null)

  // Document <-> store.
  useEffect(() => {
    if (!editor) return
    editor.updateInstanceState({ isReadonly: readOnly })
    // Which cards may be edited in place (ItemShapeUtil.canEdit asks through the editor).
    setEditorRole(editor, me.role)
    const bind = (): (() => void) => {
      const measurer = createDomMeasurer(editor.getContainer())
      const isHeld = (id: TLShapeId) => editor.isIn('select.translating') && editor.getSelectedShapeIds().includes(id)
      const offProtect = protectEntities(store, { doc, role: me.role, onRefused: (id) => refusedRef.current?.(id) })
      const docToStore = bindDocToStore(doc, store, { locale: lang, measurer, isHeld, onError })
      const onFonts = () => docToStore.relayout()
      document.fonts?.addEventListener?.('loadingdone', onFonts)
      const offs: (() => void)[] = [
        offProtect, docToStore, () => measurer.dispose(), () => document.fonts?.removeEventListener?.('loadingdone', onFonts),
      ]
      if (!readOnly) {
        const person = { name: me.name, org: me.org, role: me.role }
        const writer = bindStoreToDoc(store, doc, {
          isInteracting: () => editor.inputs.getIsPointing() || editor.inputs.getIsDragging(),
          author: () => authorForNewItem(viewRef.current.me.name ? viewRef.current : { residentSpeaking: viewRef.current.residentSpeaking, me: person }),
          by: person,
          layout: () => docToStore.layout(),
          onSettled: () => docToStore.relayout(),
          onError,
        })
        const onEvent = (info: { type: string; name: string }) => {
          if (info.type !== 'pointer') return
          // Each gesture is its own undo step; its end is written at once, and every card goes
          // back to its place (or to the one it was dropped in).
          if (info.name === 'pointer_down') undo.stopCapturing()
          if (info.name === 'pointer_up') {
            setTimeout(() => {
              writer.flush()
              docToStore.relayout()
            }, 0)
          }
        }
        editor.on('event', onEvent)
        offs.push(() => editor.off('event', onEvent), () => writer.unsubscribe())
      }
      return () => {
        for (const off of offs.reverse()) off()
      }
    }
    // A new editor: its first projection of the plan (measuring every card, putting hundreds of
    // shapes) is a task of its own, not part of the one in which tldraw mounted — on a large
    // plan that would make one long main-thread task. Rebinding the same editor (a new role,
    // language, read-only) happens at once: its cards are on the canvas already.
    let off: (() => void) | null = null
    let timer: ReturnType<typeof setTimeout> | null = null
    if (placedFor.current === editor) {
      off = bind()
    } else {
      timer = setTimeout(() => {
        timer = null
        off = bind()
        placedFor.current = editor
        placedRef.current?.(editor)
      }, 0)
    }
    return () => {
      if (timer !== null) clearTimeout(timer)
      off?.()
      setEditorRole(editor, null)
    }
  }, [editor, store, doc, readOnly, lang, undo, onError, me.name, me.org, me.role])

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
