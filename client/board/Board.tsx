/**
 * The board: a tldraw canvas that is a live projection of the case's Y.Doc.
 *
 * Plan entities (life domains, items, links, the resident) are custom shapes / arrows whose ids
 * are the entity ids; free drawing is stored as plain records in the doc's `canvas` map. The
 * bridge (./bridge) keeps store and doc in step; presence goes through awareness only.
 * Undo/redo: a Y.UndoManager over this client's own writes (tldraw's Undo/Redo point to it).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import {
  ArrowToolbarItem, DefaultToolbar, DrawToolbarItem, EllipseToolbarItem, EraserToolbarItem, HandToolbarItem,
  HighlightToolbarItem, LineToolbarItem, NoteToolbarItem, RectangleToolbarItem, SelectToolbarItem, TextToolbarItem,
  Tldraw, atom, createTLCurrentUser, createTLStore, defaultBindingUtils, defaultShapeUtils, toRichText,
  type Editor, type TLComponents, type TLUiOverrides, type TLUserPreferences,
} from 'tldraw'
import { getAssetUrlsByImport } from '@tldraw/assets/imports.vite'
import 'tldraw/tldraw.css'
import './board.css'
import type { PresenceUser } from '../../shared/awareness.ts'
import { getTemplate } from '../../shared/templates.ts'
import { readMeta } from '../../shared/doc.ts'
import { BoardContext, type BoardContextValue } from './context.ts'
import { boardShapeUtils } from './shapes/index.ts'
import { useBoardBridge } from './bridge/useBoardBridge.ts'
import { createBoardUndo } from './bridge/undo.ts'
import { AddToolbar } from './ui/AddToolbar.tsx'
import { Inspector } from './ui/Inspector.tsx'
import { stringsFor } from './strings.ts'

export interface BoardProps {
  doc: Y.Doc
  awareness: Awareness
  me: PresenceUser
  readOnly: boolean
  locale: 'nl' | 'en'
  licenseKey?: string
  /** Items to mark on their card: new or changed (the comparison view). */
  highlights?: Record<string, 'added' | 'changed'>
  /** Called with the editor once it is mounted (and with null when the board goes), e.g. for image export. */
  onEditor?: (editor: Editor | null) => void
}

// Fonts, icons and translations come from our own server (bundled by Vite), never from a CDN.
const assetUrls = getAssetUrlsByImport()

/** Drawing tools that need no asset, no third-party page and no page of their own. */
function BoardToolbar() {
  return (
    <DefaultToolbar>
      <SelectToolbarItem />
      <HandToolbarItem />
      <DrawToolbarItem />
      <EraserToolbarItem />
      <ArrowToolbarItem />
      <TextToolbarItem />
      <NoteToolbarItem />
      <RectangleToolbarItem />
      <EllipseToolbarItem />
      <LineToolbarItem />
      <HighlightToolbarItem />
    </DefaultToolbar>
  )
}

const components: TLComponents = {
  Toolbar: BoardToolbar,
  PageMenu: null, // one page per case
  SharePanel: null, // participants are shown by the app shell
  CursorChatBubble: null, // chat is not part of awareness here
}

export function Board({ doc, awareness, me, readOnly, locale, licenseKey, highlights, onEditor }: BoardProps) {
  const strings = stringsFor(locale)
  const [store] = useState(() =>
    createTLStore({ shapeUtils: [...defaultShapeUtils, ...boardShapeUtils], bindingUtils: defaultBindingUtils }),
  )
  const [editor, setEditor] = useState<Editor | null>(null)
  const [error, setError] = useState<string | null>(null)
  const undo = useMemo(() => createBoardUndo(doc), [doc])
  useEffect(() => () => undo.destroy(), [undo])
  const undoRef = useRef(undo)
  undoRef.current = undo
  const readOnlyRef = useRef(readOnly)
  readOnlyRef.current = readOnly

  // tldraw's own user (for its UI language and our colour); kept in memory, not localStorage.
  const [prefs] = useState(() => atom<TLUserPreferences>('kt user', { id: `kt-${doc.clientID}`, name: me.name, color: me.color, locale }))
  const user = useMemo(() => createTLCurrentUser({ userPreferences: prefs, setUserPreferences: (p) => prefs.set(p) }), [prefs])
  useEffect(() => {
    prefs.update((p) => ({ ...p, name: me.name, color: me.color, locale }))
  }, [prefs, me.name, me.color, locale])

  const meStable = useMemo(() => me, [me.name, me.org, me.role, me.color]) // eslint-disable-line react-hooks/exhaustive-deps
  const errorTimer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const onUiError = useCallback((err: unknown) => {
    console.warn('[board] write refused', err)
    setError(err instanceof Error ? err.message : String(err))
    if (errorTimer.current) clearTimeout(errorTimer.current)
    errorTimer.current = setTimeout(() => setError(null), 5000)
  }, [])
  const onBridgeError = useCallback((err: unknown) => console.warn('[board]', err), [])

  const onEditorRef = useRef(onEditor)
  onEditorRef.current = onEditor
  useEffect(() => {
    onEditorRef.current?.(editor)
    return () => onEditorRef.current?.(null)
  }, [editor])

  useBoardBridge({ editor, store, doc, awareness, me: meStable, readOnly, strings, undo, onError: onBridgeError })

  const overrides = useMemo<TLUiOverrides>(() => ({
    actions(_editor, actions) {
      const undoAction = actions['undo']
      const redoAction = actions['redo']
      if (undoAction) actions['undo'] = { ...undoAction, onSelect: () => { if (!readOnlyRef.current) undoRef.current.undo() } }
      if (redoAction) actions['redo'] = { ...redoAction, onSelect: () => { if (!readOnlyRef.current) undoRef.current.redo() } }
      return actions
    },
  }), [])

  const onMount = useCallback((ed: Editor) => {
    // No assets (images, video) and no third-party embeds: pasted files are ignored, links become text.
    ed.registerExternalContentHandler('files', () => {})
    ed.registerExternalContentHandler('embed', () => {})
    ed.registerExternalContentHandler('url', (info) => {
      const at = info.point ?? ed.getViewportPageBounds().center
      ed.createShape({ type: 'text', x: at.x, y: at.y, props: { richText: toRichText(info.url) } })
    })
    setEditor(ed)
    requestAnimationFrame(() => ed.zoomToFit({ animation: { duration: 0 } }))
  }, [])

  const templateId = readMeta(doc).templateId
  const scale = getTemplate(templateId)?.scale ?? null
  const ctx = useMemo<BoardContextValue>(
    () => ({ doc, me: meStable, readOnly, locale, templateId, strings, scale, onError: onUiError, highlights }),
    [doc, meStable, readOnly, locale, templateId, strings, scale, onUiError, highlights],
  )

  return (
    <BoardContext.Provider value={ctx}>
      <div className="kt-board" data-testid="board" data-readonly={readOnly ? 'true' : 'false'} lang={locale}>
        <Tldraw
          store={store}
          shapeUtils={boardShapeUtils}
          onMount={onMount}
          locale={locale}
          user={user}
          assetUrls={assetUrls}
          licenseKey={licenseKey}
          overrides={overrides}
          components={components}
        />
        {editor && <AddToolbar editor={editor} />}
        {editor && <Inspector editor={editor} />}
        {readOnly && <div className="kt-readonly" data-testid="board-readonly">{strings.readOnly}</div>}
        {error && (
          <div className="kt-error" role="alert" data-testid="board-error">
            {strings.error} <span className="kt-error-detail">{error}</span>
          </div>
        )}
      </div>
    </BoardContext.Provider>
  )
}
