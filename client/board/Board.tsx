/**
 * The board: a tldraw canvas that is a live projection of the case's Y.Doc.
 *
 * Plan entities (life domains, items, links, the resident) are custom shapes / arrows whose ids
 * are the entity ids; free drawing is stored as plain records in the doc's `canvas` map. The
 * bridge (./bridge) keeps store and doc in step; presence goes through awareness only.
 * Undo/redo: a Y.UndoManager over this client's own writes (tldraw's Undo/Redo point to it).
 *
 * Made for a meeting: the board is a column — our toolbar row, a message row, then the canvas with
 * the inspector docked beside it (below it on narrow screens) — so nothing floats over the work.
 * tldraw's own chrome is off; free drawing sits behind the 'Tekenen' switch (off by default, absent
 * in resident mode and read-only). The opening view is readable (./ui/camera.ts), 'Presenteren'
 * lets the others follow one view (./ui/presenting.ts).
 *
 * Rights (./rights.ts): what the person may not change is not offered — for a resident, others'
 * cards stay put and are not edited in place (the message row says why), link arrows are not
 * deleted, and there is no 'Tekenen' — so no write is ever refused by the server (4403).
 */
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react'
import * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import {
  DefaultContextMenu, DefaultStylePanel, Tldraw, atom, createTLCurrentUser, createTLSchemaFromUtils, createTLStore, defaultBindingUtils,
  defaultShapeUtils, react, toRichText, useEditor, useValue,
  type Editor, type TLComponents, type TLEventInfo, type TLShape, type TLUiOverrides, type TLUserPreferences,
} from 'tldraw'
import { getAssetUrlsByImport } from '@tldraw/assets/imports.vite'
import 'tldraw/tldraw.css'
import './board.css'
import type { PresenceUser } from '../../shared/awareness.ts'
import { getTemplate } from '../../shared/templates.ts'
import { addLink, deleteItem, readMeta, restoreItem } from '../../shared/doc.ts'
import type { ItemFields } from '../../shared/schema.ts'
import { useMeetingView } from '../meeting/view.ts'
import { MESSAGES, fill, useI18n } from '../i18n.ts'
import { BoardContext, writeUi, type BoardContextValue } from './context.ts'
import { boardShapeUtils } from './shapes/index.ts'
import { drawingShapeUtils } from './shapes/drawingUtils.tsx'
import { ENTITY_SHAPE_TYPES, ITEM_TYPE, type ItemShape } from './shapes/defs.ts'
import { mayChangeShared, mayEditCard } from './rights.ts'
import { entityIdOf, shapeIdFor } from './bridge/ids.ts'
import { useBoardBridge } from './bridge/useBoardBridge.ts'
import { createBoardUndo } from './bridge/undo.ts'
import { BoardBar } from './ui/BoardBar.tsx'
import { BoardUiContext, useBoardUiOptional, type BoardUi, type Picking } from './ui/boardUi.ts'
import { readableZoom, showDefaultView, type ViewMode } from './ui/camera.ts'
import { planDeletion } from './ui/deletion.ts'
import { Inspector, inspectedShape } from './ui/Inspector.tsx'
import { cardName } from './ui/LinkMaker.tsx'
import { usePresenting, viewKey } from './ui/presenting.ts'
import { stringsFor } from './strings.ts'
import { dropUnusedFontPreload } from './fonts.ts'
import { MARK_EDITABLE, markOnce } from '../perfMarks.ts'
import { RemoteDragLayer, RemoteDragsContext } from './ui/RemoteDrags.tsx'

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
  /** Called when this screen starts (true) or stops (false) presenting, e.g. to collapse the side column. */
  onPresentingChange?: (on: boolean) => void
}

// Fonts, icons and translations come from our own server (bundled by Vite), never from a CDN.
const assetUrls = getAssetUrlsByImport()
let schema: ReturnType<typeof createTLSchemaFromUtils> | null = null
/**
 * The board's store schema, made once per page (sorting tldraw's migrations takes tens of ms).
 * The case page makes it in a task of its own as soon as this code is there, so mounting the
 * board does not have to.
 */
export function boardSchema(): ReturnType<typeof createTLSchemaFromUtils> {
  schema ??= createTLSchemaFromUtils({ shapeUtils: [...defaultShapeUtils, ...boardShapeUtils], bindingUtils: defaultBindingUtils })
  return schema
}

/**
 * tldraw fetches its interface texts (English, then the board's language) only when it mounts:
 * two round trips in the middle of the first screen. Asked for earlier, they come from the
 * browser's cache then (/assets/ files are cached for a year).
 */
export function preloadBoardTexts(locale: 'nl' | 'en'): void {
  const urls = assetUrls.translations as Partial<Record<string, string>>
  for (const url of new Set([urls.en, urls[locale]])) {
    if (url) fetch(url, { referrerPolicy: 'strict-origin-when-cross-origin' }).catch(() => { /* tldraw asks again */ })
  }
}

/** Our shapes, and tldraw's drawing shapes without the up-front pattern-fill work (./shapes/drawingUtils.tsx). */
const tldrawShapeUtils = [...boardShapeUtils, ...drawingShapeUtils]

/** Tools that only look (select, pan, zoom): allowed whether or not 'Tekenen' is on. */
const LOOKING_TOOLS = new Set(['select', 'hand', 'zoom', 'laser'])
/** tldraw actions that stay available with 'Tekenen' off (the rest change or make drawings). */
const PLAN_ACTIONS = new Set([
  'undo', 'redo', 'delete', 'select-all', 'select-none', 'zoom-in', 'zoom-out', 'zoom-to-100', 'zoom-to-fit',
  'zoom-to-selection', 'back-to-content', 'copy', 'enlarge-shapes', 'shrink-shapes',
])
/** The inspector's first field is where Tab from the canvas lands. */
const FIELDS = 'textarea:not([disabled]), input:not([disabled]), select:not([disabled])'
/** Below this board width the domain buttons fold away (the CSS uses 700 px too). */
const NARROW_PX = 700
const FOCUSABLE = 'button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [href], [tabindex]:not([tabindex="-1"])'

/** tldraw's style panel: only while drawing, and never for plan items (they have no colour/size/opacity). */
function KtStylePanel() {
  const ui = useBoardUiOptional()
  const editor = useEditor()
  const planSelected = useValue('kt plan shape selected', () => editor.getSelectedShapes().some((s) => ENTITY_SHAPE_TYPES.includes(s.type)), [editor])
  if (!ui?.drawing || planSelected) return null
  return <DefaultStylePanel />
}

/** tldraw's right-click menu (arrange, copy, …) belongs to drawing. */
function KtContextMenu() {
  const ui = useBoardUiOptional()
  return <DefaultContextMenu disabled={!ui?.drawing} />
}

const components: TLComponents = {
  Toolbar: null, // our own row above the canvas (ui/BoardBar.tsx)
  StylePanel: KtStylePanel,
  ContextMenu: KtContextMenu,
  MenuPanel: null,
  MainMenu: null,
  PageMenu: null, // one page per case
  ActionsMenu: null,
  QuickActions: null,
  HelpMenu: null,
  NavigationPanel: null, // zoom is in our toolbar
  ZoomMenu: null,
  Minimap: null,
  KeyboardShortcutsDialog: null,
  DebugPanel: null,
  DebugMenu: null,
  TopPanel: null,
  SharePanel: null, // participants are shown by the app shell
  CursorChatBubble: null, // chat is not part of awareness here
  OnTheCanvas: RemoteDragLayer, // others' drags, as they happen
}

function isTextField(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false
  return el.isContentEditable || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement
    || (el instanceof HTMLInputElement && el.type !== 'checkbox' && el.type !== 'radio' && el.type !== 'button')
}

interface Toast { id: number; text: string; undo?: () => void }

export function Board({ doc, awareness, me, readOnly, locale, licenseKey, highlights, onEditor, onPresentingChange }: BoardProps) {
  const strings = stringsFor(locale)
  const { t } = useI18n()
  const view = useMeetingView()
  const residentMode = view.residentMode
  const [store] = useState(() => createTLStore({ schema: boardSchema() }))
  const [editor, setEditor] = useState<Editor | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [drawingOn, setDrawingOn] = useState(false)
  const drawing = drawingOn && !readOnly && !residentMode && mayChangeShared(me.role)
  const [picking, setPicking] = useState<Picking | null>(null)
  const [toast, setToast] = useState<Toast | null>(null)
  const [confirm, setConfirm] = useState<ItemFields[] | null>(null)
  const undo = useMemo(() => createBoardUndo(doc, me.role), [doc, me.role])
  useEffect(() => () => undo.destroy(), [undo])
  const undoRef = useLatest(undo)
  const readOnlyRef = useLatest(readOnly)
  const drawingRef = useLatest(drawing)
  const roleRef = useLatest(me.role)
  const rootRef = useRef<HTMLDivElement>(null)
  const dockRef = useRef<HTMLElement>(null)

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

  const onEditorRef = useLatest(onEditor)
  useEffect(() => {
    onEditorRef.current?.(editor)
    return () => onEditorRef.current?.(null)
  }, [editor])

  // The bridge places the cards a task after tldraw mounted (not in the same long task); then the
  // opening view is chosen and the board is editable from the next frame (the benchmark reads the mark).
  const [placed, setPlaced] = useState<Editor | null>(null)
  useBoardBridge({ editor, store, doc, awareness, me: meStable, readOnly, strings, locale, undo, onError: onBridgeError, onPlaced: setPlaced })
  const ready = !!editor && placed === editor
  useEffect(() => {
    if (!ready || readOnly) return
    const frame = requestAnimationFrame(() => markOnce(MARK_EDITABLE))
    return () => cancelAnimationFrame(frame)
  }, [ready, readOnly])

  const templateId = readMeta(doc).templateId
  const scale = getTemplate(templateId)?.scale ?? null
  const ctx = useMemo<BoardContextValue>(
    () => ({ doc, me: meStable, readOnly, locale, templateId, strings, scale, onError: onUiError, highlights, residentMode }),
    [doc, meStable, readOnly, locale, templateId, strings, scale, onUiError, highlights, residentMode],
  )

  const present = usePresenting(editor, awareness, onPresentingChange)
  // A narrow board (a phone) folds the domain buttons away.
  const [narrow, setNarrow] = useState(false)
  useEffect(() => {
    const el = rootRef.current
    if (!el) return
    const ro = new ResizeObserver(() => setNarrow(el.clientWidth < NARROW_PX))
    ro.observe(el)
    return () => ro.disconnect()
  }, [])
  const mode: ViewMode = present.presenting ? 'presenting' : residentMode ? 'resident' : 'professional'

  // ---------- messages, deleting ----------
  const toastTimer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const notify = useCallback((text: string, undoFn?: () => void) => {
    if (toastTimer.current) clearTimeout(toastTimer.current)
    setToast({ id: Date.now(), text, undo: undoFn })
    toastTimer.current = setTimeout(() => setToast(null), 12_000)
  }, [])
  useEffect(() => () => { if (toastTimer.current) clearTimeout(toastTimer.current) }, [])

  const focusCanvasIfLost = useCallback(() => {
    requestAnimationFrame(() => {
      if (!editor) return
      const a = document.activeElement
      if (!a || a === document.body || !a.isConnected) editor.getContainer().focus()
    })
  }, [editor])

  const doDelete = useCallback((items: ItemFields[]) => {
    const by = { name: ctx.me.name, org: ctx.me.org, role: ctx.me.role }
    const ok = writeUi(ctx, (d) => { for (const i of items) deleteItem(d, i.id, by) })
    if (!ok) return
    const what = items.map((i) => `${ctx.strings.kind[i.kind]} ‘${cardName(i, ctx)}’`).join(', ')
    notify(fill(t('bd_deleted'), { what }), () => {
      if (writeUi(ctx, (d) => { for (const i of items) restoreItem(d, i.id) })) notify(t('bd_restored'))
    })
    focusCanvasIfLost()
  }, [ctx, notify, t, focusCanvasIfLost])

  const requestDelete = useCallback((ids: readonly string[]) => {
    if (ctx.readOnly) return
    const plan = planDeletion(doc, ctx.me.role, ids)
    if (plan.refused.length > 0) notify(t('bd_deleteNotAllowed'))
    if (plan.allowed.length === 0) return
    if (plan.needsConfirm) setConfirm(plan.allowed)
    else doDelete(plan.allowed)
  }, [ctx, doc, notify, t, doDelete])
  const requestDeleteRef = useLatest(requestDelete)
  const notifyRef = useLatest(notify)
  const localeRef = useLatest(locale)

  // Someone else's card, for a resident: a double-click (or Enter, see onCanvasKeyDown) would edit
  // it in place, which they may not. Nothing happens on the canvas (ItemShapeUtil.canEdit); say why.
  const isLockedCard = useCallback((shape: TLShape | null | undefined) =>
    !readOnly && shape?.type === ITEM_TYPE && !mayEditCard(me.role, (shape as ItemShape).props.authorRole), [readOnly, me.role])
  useEffect(() => {
    if (!editor) return
    const onEvent = (info: TLEventInfo) => {
      // tldraw acts on the double-click's 'down' phase, mostly with the canvas as target: find the card as it does.
      if (info.type !== 'click' || info.name !== 'double_click' || info.phase !== 'down') return
      const at = editor.inputs.getCurrentPagePoint()
      const shape = info.target === 'shape' ? info.shape
        : editor.getSelectedShapeAtPoint(at) ?? editor.getShapeAtPoint(at, { margin: editor.getHitTestMargin(), hitInside: false })
      if (isLockedCard(shape)) notify(t('ru_notYours'))
    }
    editor.on('event', onEvent)
    return () => { editor.off('event', onEvent) }
  }, [editor, isLockedCard, notify, t])

  const focusToolbar = useCallback(() => {
    rootRef.current?.querySelector<HTMLElement>(`.kt-bar ${FOCUSABLE.split(', ').join(', .kt-bar ')}`)?.focus()
  }, [])

  const ui = useMemo<BoardUi | null>(() => editor && ({
    editor, drawing, setDrawing: setDrawingOn, picking, setPicking, requestDelete, notify, focusToolbar,
  }), [editor, drawing, picking, requestDelete, notify, focusToolbar])

  // ---------- tldraw: tools and actions ----------
  const overrides = useMemo<TLUiOverrides>(() => ({
    actions(ed, actions) {
      for (const [id, action] of Object.entries(actions)) {
        if (PLAN_ACTIONS.has(id)) continue
        actions[id] = { ...action, onSelect: (source) => { if (drawingRef.current) return action.onSelect(source) } }
      }
      const undoAction = actions['undo']
      const redoAction = actions['redo']
      if (undoAction) actions['undo'] = { ...undoAction, onSelect: () => { if (!readOnlyRef.current) undoRef.current.undo() } }
      if (redoAction) actions['redo'] = { ...redoAction, onSelect: () => { if (!readOnlyRef.current) undoRef.current.redo() } }
      const del = actions['delete']
      if (del) {
        actions['delete'] = {
          ...del,
          onSelect: (source) => {
            if (readOnlyRef.current || ed.getEditingShapeId()) return
            const selected = ed.getSelectedShapes()
            const items = selected.filter((s) => s.type === ITEM_TYPE).map((s) => entityIdOf(s.id)).filter((id): id is string => !!id)
            let others = selected.filter((s) => !ENTITY_SHAPE_TYPES.includes(s.type))
            // Only a professional removes a link or a drawing (the server refuses a resident's): say so, keep them.
            if (others.length && !mayChangeShared(roleRef.current)) {
              others = []
              notifyRef.current(MESSAGES[localeRef.current].ru_linkNotYours)
              if (!items.length) return
            }
            // Links (arrows of the plan) and drawings go the ordinary way; cards through requestDelete.
            if (others.length) {
              ed.markHistoryStoppingPoint('deleting')
              ed.deleteShapes(others.map((s) => s.id))
            }
            if (items.length) requestDeleteRef.current(items)
            else if (!others.length) return del.onSelect(source)
          },
        }
      }
      return actions
    },
    // tldraw names a shape by its type for screen readers ('tool.kt-item'): our words instead.
    translations: Object.fromEntries((['nl', 'en'] as const).map((l) => [l, {
      'tool.kt-item': MESSAGES[l].bd_shapeCard, 'tool.kt-domain': MESSAGES[l].bd_shapeDomain, 'tool.kt-resident': MESSAGES[l].bd_shapeResident,
    }])),
    tools(_ed, tools) {
      for (const [id, tool] of Object.entries(tools)) {
        if (LOOKING_TOOLS.has(id)) continue
        tools[id] = { ...tool, onSelect: (source) => { if (drawingRef.current) tool.onSelect(source) } }
      }
      return tools
    },
  }), [])

  const onMount = useCallback((ed: Editor) => {
    // Fonts only for what is on the board (./fonts.ts), not all of tldraw's 16 faces.
    dropUnusedFontPreload(ed)
    // No assets (images, video) and no third-party embeds: pasted files are ignored, links become text.
    ed.registerExternalContentHandler('files', () => {})
    ed.registerExternalContentHandler('embed', () => {})
    ed.registerExternalContentHandler('url', (info) => {
      if (!drawingRef.current) return
      const at = info.point ?? ed.getViewportPageBounds().center
      ed.createShape({ type: 'text', x: at.x, y: at.y, props: { richText: toRichText(info.url) } })
    })
    // The canvas is one stop in the Tab order (tldraw leaves it out): Enter edits the selected card,
    // Tab goes on to the inspector, Escape back to the toolbar.
    const container = ed.getContainer()
    container.tabIndex = 0
    setEditor(ed)
  }, [])
  useEffect(() => {
    editor?.getContainer().setAttribute('aria-label', t('bd_canvasLabel'))
  }, [editor, t])

  // Drawing off: back to selecting.
  useEffect(() => {
    if (editor && !drawing && !LOOKING_TOOLS.has(editor.getCurrentToolId())) editor.setCurrentTool('select')
  }, [editor, drawing])

  // The opening view, once the cards are placed (and again when resident mode is switched on a shared screen).
  useEffect(() => {
    if (!editor || !ready) return
    const frame = requestAnimationFrame(() => {
      if (present.presenter && present.following) return
      // The comparison view marks changes anywhere on the board: it opens on the whole board.
      if (highlights) editor.zoomToFit({ animation: { duration: 0 } })
      else showDefaultView(editor, doc, residentMode ? 'resident' : 'professional')
    })
    return () => cancelAnimationFrame(frame)
  }, [editor, ready, doc, residentMode]) // eslint-disable-line react-hooks/exhaustive-deps

  // Presenting: large text on the presenter's own screen.
  const startPresenting = useCallback(() => {
    if (!editor) return
    const z = Math.max(editor.getZoomLevel(), readableZoom(editor, 'presenting'))
    const c = editor.getViewportPageBounds().center
    const vp = editor.getViewportScreenBounds()
    editor.setCamera({ x: vp.w / 2 / z - c.x, y: vp.h / 2 / z - c.y, z })
    present.start()
  }, [editor, present])
  const presentApi = useMemo(() => ({ ...present, start: startPresenting }), [present, startPresenting])

  // 'Verband leggen' by clicking the other card: the next card selected is the other end.
  const pickingRef = useLatest(picking)
  useEffect(() => {
    if (!editor || !picking) return
    return react('kt picking the other card', () => {
      const sel = editor.getOnlySelectedShape()
      const p = pickingRef.current
      if (!p || sel?.type !== ITEM_TYPE) return
      const to = entityIdOf(sel.id)
      if (!to || to === p.fromId) return
      writeUi(ctx, (d) => addLink(d, p.fromId, to, p.kind))
      pickingRef.current = null
      setPicking(null)
      editor.timers.requestAnimationFrame(() => editor.select(shapeIdFor(p.fromId)))
    })
  }, [editor, picking, ctx])

  // The dock: the inspector for the one selected card or link; bring that into view when the canvas narrows.
  const inspected = useValue('kt inspected', () => (editor ? inspectedShape(editor)?.id ?? null : null), [editor])
  const dockOpen = !!inspected || !!picking
  useEffect(() => {
    if (!editor || !inspected) return
    const frame = requestAnimationFrame(() => {
      if (present.presenter && present.following) return
      editor.updateViewportScreenBounds(editor.getContainer())
      editor.zoomToSelectionIfOffscreen(32, { animation: { duration: 0 }, inset: 0 })
    })
    return () => cancelAnimationFrame(frame)
  }, [editor, inspected]) // eslint-disable-line react-hooks/exhaustive-deps

  // Keys on the canvas: Escape leaves it (no keyboard trap), Tab goes on to the inspector.
  const onCanvasKeyDown = (e: ReactKeyboardEvent) => {
    if (!editor || isTextField(e.target) || e.altKey || e.ctrlKey || e.metaKey) return
    if (e.key === 'Escape') {
      if (picking) {
        e.preventDefault(); e.stopPropagation(); setPicking(null)
        return
      }
      if (editor.getEditingShapeId() || editor.getCurrentToolId() !== 'select' || !editor.isIn('select.idle')) return
      e.preventDefault(); e.stopPropagation()
      focusToolbar()
    } else if (e.key === 'Enter' && !e.shiftKey && !editor.getEditingShapeId() && isLockedCard(editor.getOnlySelectedShape())) {
      notify(t('ru_notYours'))
    } else if (e.key === 'Tab' && !editor.getEditingShapeId()) {
      const target = e.shiftKey
        ? [...(rootRef.current?.querySelectorAll<HTMLElement>(`.kt-bar ${FOCUSABLE.split(', ').join(', .kt-bar ')}`) ?? [])].pop()
        : dockRef.current?.querySelector<HTMLElement>(FIELDS) ?? dockRef.current?.querySelector<HTMLElement>(FOCUSABLE)
      if (!target || (!e.shiftKey && !inspected)) return
      e.preventDefault(); e.stopPropagation()
      target.focus()
    }
  }

  const presenterName = present.presenter?.name || t('bd_someone')
  return (
    <BoardContext.Provider value={ctx}>
      <BoardUiContext.Provider value={ui}>
        <div ref={rootRef} className={`kt-board${residentMode ? ' kt-resident-mode' : ''}${present.presenting ? ' kt-presenting' : ''}`}
          data-testid="board" data-readonly={readOnly ? 'true' : 'false'} data-resident-mode={residentMode ? 'true' : 'false'}
          data-drawing={drawing ? 'true' : 'false'} data-presenting={present.presenting ? 'true' : 'false'} lang={locale}>
          {ui && <BoardBar mode={mode} present={presentApi} narrow={narrow} />}
          <div className="kt-messages" aria-live="polite" data-testid="board-messages">
            {readOnly && <p className="kt-msg kt-msg-readonly" data-testid="board-readonly">{strings.readOnly}</p>}
            {present.presenting && (
              <p className="kt-msg kt-msg-present" data-testid="presenting-bar" data-view={present.published}>
                <span>{t('bd_presentingYou')}</span>
                <button type="button" onClick={present.stop}>{t('bd_presentStop')}</button>
              </p>
            )}
            {present.presenter && (
              <p className="kt-msg kt-msg-present" data-testid="follow-bar" data-following={present.following ? 'true' : 'false'}
                data-view={viewKey(present.presenter.bounds)}>
                <span>
                  <strong>{fill(t('bd_presentingOther'), { name: presenterName })}</strong>
                  {' — '}{present.following ? fill(t('bd_following'), { name: presenterName }) : t('bd_notFollowing')}
                </span>
                {present.following ? (
                  <button type="button" data-testid="follow-stop" onClick={present.unfollow}>{t('bd_followStop')}</button>
                ) : (
                  <button type="button" data-testid="follow-again" onClick={present.follow}>{t('bd_followAgain')}</button>
                )}
              </p>
            )}
            {picking && (
              <p className="kt-msg kt-msg-picking" data-testid="picking-bar">
                <span>{t('bd_linkPicking')}</span>
                <button type="button" onClick={() => setPicking(null)}>{t('bd_linkPickStop')}</button>
              </p>
            )}
            {confirm && (
              <ConfirmDelete
                items={confirm}
                onYes={() => { const items = confirm; setConfirm(null); doDelete(items) }}
                onNo={() => { setConfirm(null); focusCanvasIfLost() }}
              />
            )}
            {toast && (
              <p className="kt-msg kt-msg-toast" data-testid="board-toast" key={toast.id}>
                <span>{toast.text}</span>
                {toast.undo && (
                  <button type="button" data-testid="toast-undo" onClick={() => { const u = toast.undo; setToast(null); u?.() }}>
                    {t('bd_undo')}
                  </button>
                )}
              </p>
            )}
            {error && (
              <p className="kt-msg kt-error" role="alert" data-testid="board-error">
                {strings.error} <span className="kt-error-detail">{error}</span>
              </p>
            )}
          </div>
          <div className={`kt-board-main${dockOpen ? ' kt-docked' : ''}`}>
            <div className="kt-canvas" onKeyDownCapture={onCanvasKeyDown}>
              <RemoteDragsContext.Provider value={awareness}>
              <Tldraw
                store={store}
                shapeUtils={tldrawShapeUtils}
                onMount={onMount}
                locale={locale}
                user={user}
                assetUrls={assetUrls}
                licenseKey={licenseKey}
                overrides={overrides}
                components={components}
                options={{ createTextOnCanvasDoubleClick: false }}
              />
              </RemoteDragsContext.Provider>
            </div>
            {editor && dockOpen && (
              <aside ref={dockRef} className="kt-dock" data-testid="board-dock" aria-label={strings.inspector}
                onKeyDownCapture={(e) => {
                  // Escape in the inspector: back to the card on the canvas.
                  if (e.key !== 'Escape' || confirm) return
                  e.preventDefault(); e.stopPropagation()
                  if (picking) setPicking(null)
                  else editor.getContainer().focus()
                }}>
                <Inspector editor={editor} />
              </aside>
            )}
          </div>
        </div>
      </BoardUiContext.Provider>
    </BoardContext.Provider>
  )
}

function ConfirmDelete({ items, onYes, onNo }: { items: ItemFields[]; onYes: () => void; onNo: () => void }) {
  const { t } = useI18n()
  const no = useRef<HTMLButtonElement>(null)
  useEffect(() => { no.current?.focus() }, [])
  return (
    <div className="kt-msg kt-msg-confirm" role="alertdialog" aria-labelledby="kt-confirm-text" data-testid="delete-confirm"
      onKeyDown={(e) => { if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); onNo() } }}>
      <span id="kt-confirm-text">{items.length === 1 ? t('bd_deleteConfirm') : t('bd_deleteConfirmMany')}</span>
      <button type="button" className="kt-danger" data-testid="delete-confirm-yes" onClick={onYes}>{t('bd_deleteYes')}</button>
      <button type="button" ref={no} data-testid="delete-confirm-no" onClick={onNo}>{t('bd_deleteNo')}</button>
    </div>
  )
}

/** A ref that always holds the latest value (for callbacks tldraw keeps from the first render). */
function useLatest<T>(value: T): { current: T } {
  const ref = useRef(value)
  ref.current = value
  return ref
}
