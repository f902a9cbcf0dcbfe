/**
 * Presence through y-protocols awareness only (never the document): our name/colour, cursor in
 * page coordinates (throttled) and selection out; the others' cursors and selections in, as
 * tldraw collaborator presence records (applied as remote changes), removed when they leave.
 * While we drag cards their positions go out with the cursor, in the same awareness update
 * (shared/awareness.ts DragState), so the others see them move (./remoteDrags.ts); the document
 * is written only at the drop (./bindStoreToDoc.ts).
 */
import type { Awareness } from 'y-protocols/awareness'
import {
  InstancePresenceRecordType, createUserId, react,
  type Editor, type TLInstancePresence, type TLShapeId, type TLStore,
} from 'tldraw'
import { DRAG_STREAM_INTERVAL_MS, MAX_DRAG_ITEMS, readPresence, type DragState, type PresenceUser } from '../../../shared/awareness.ts'
import { DOMAIN_TYPE, ITEM_TYPE } from '../shapes/defs.ts'
import { entityIdOf, shapeIdFor } from './ids.ts'
import { BOARD_PAGE_ID } from './project.ts'

/** The cursor goes out at most this often; while cards are dragged, every DRAG_STREAM_INTERVAL_MS. */
export const CURSOR_INTERVAL_MS = 50

/** Remote awareness states -> presence records in the store. Works on a store alone (tests). */
export function bindRemotePresence(store: TLStore, awareness: Awareness): () => void {
  const recordId = (clientId: number) => InstancePresenceRecordType.createId(`kt-${clientId}`)
  const update = () => {
    const want = new Map<string, TLInstancePresence>()
    for (const [clientId, state] of awareness.getStates()) {
      if (clientId === awareness.clientID) continue
      const p = readPresence(state)
      // Nothing to show yet (no pointer on the canvas, nothing selected): no record, no edge hint.
      if (!p || (!p.cursor && p.selection.length === 0)) continue
      const selected = p.selection.map((id) => shapeIdFor(id)).filter((id) => store.has(id)) as TLShapeId[]
      want.set(recordId(clientId), InstancePresenceRecordType.create({
        id: recordId(clientId),
        userId: createUserId(`kt-${clientId}`),
        userName: p.user.org ? `${p.user.name} (${p.user.org})` : p.user.name,
        color: p.user.color,
        currentPageId: BOARD_PAGE_ID,
        cursor: p.cursor ? { x: p.cursor.x, y: p.cursor.y, type: 'default', rotation: 0 } : null,
        selectedShapeIds: selected,
        lastActivityTimestamp: null,
      }))
    }
    const existing = store.query.records('instance_presence').get()
    store.mergeRemoteChanges(() => {
      const gone = existing.filter((r) => !want.has(r.id)).map((r) => r.id)
      if (gone.length) store.remove(gone)
      if (want.size) store.put([...want.values()])
    })
  }
  awareness.on('change', update)
  update()
  return () => {
    awareness.off('change', update)
    const ids = store.query.records('instance_presence').get().map((r) => r.id)
    if (ids.length) store.mergeRemoteChanges(() => store.remove(ids))
  }
}

/** Our own presence: user, throttled cursor (page coordinates), selection as entity ids. */
export function bindLocalPresence(editor: Editor, awareness: Awareness, me: PresenceUser): () => void {
  awareness.setLocalStateField('user', me)
  awareness.setLocalStateField('cursor', null)
  awareness.setLocalStateField('selection', [])
  awareness.setLocalStateField('drag', null)

  // Only pointer moves over this board's own canvas count (tldraw tracks the pointer window-wide).
  const container = editor.getContainer()
  let last = 0
  let timer: ReturnType<typeof setTimeout> | null = null
  let latest = { x: 0, y: 0 }
  let dragging = false
  const sendCursor = () => {
    timer = null
    last = Date.now()
    const pt = editor.screenToPage(latest)
    const drag = draggedCards(editor)
    const state = awareness.getLocalState()
    if (state === null) return
    // One awareness update for cursor and drag together (the server counts updates).
    dragging = drag !== null
    awareness.setLocalState({ ...state, cursor: { x: Math.round(pt.x), y: Math.round(pt.y) }, drag })
  }
  const onMove = (e: PointerEvent) => {
    latest = { x: e.clientX, y: e.clientY }
    if (timer) return
    const interval = editor.isIn('select.translating') ? DRAG_STREAM_INTERVAL_MS : CURSOR_INTERVAL_MS
    const wait = interval - (Date.now() - last)
    if (wait <= 0) sendCursor()
    else timer = setTimeout(sendCursor, wait)
  }
  const onLeave = () => {
    if (timer) clearTimeout(timer)
    timer = null
    awareness.setLocalStateField('cursor', null)
  }
  container.addEventListener('pointermove', onMove)
  container.addEventListener('pointerleave', onLeave)

  // The drag is over (dropped, or cancelled with Escape): say so once the drop is written
  // (the writer flushes on pointer_up in a task of its own; this task comes after it).
  let endTimer: ReturnType<typeof setTimeout> | null = null
  const stopDragEnd = react('kt presence drag end', () => {
    if (editor.isIn('select.translating') || !dragging) return
    if (endTimer) clearTimeout(endTimer)
    endTimer = setTimeout(() => {
      endTimer = null
      if (editor.isIn('select.translating') || !dragging || awareness.getLocalState() === null) return
      dragging = false
      awareness.setLocalStateField('drag', null)
    }, 0)
  })

  const stopSelection = react('kt presence selection', () => {
    const ids = editor.getSelectedShapeIds().map((id) => entityIdOf(id)).filter((id): id is string => id !== null)
    awareness.setLocalStateField('selection', ids)
  })

  return () => {
    container.removeEventListener('pointermove', onMove)
    container.removeEventListener('pointerleave', onLeave)
    if (timer) clearTimeout(timer)
    if (endTimer) clearTimeout(endTimer)
    stopSelection()
    stopDragEnd()
    const state = awareness.getLocalState()
    if (state !== null) awareness.setLocalState({ ...state, cursor: null, selection: [], drag: null })
  }
}

/** The cards being dragged right now (page coordinates) and the domain under the first one's centre, or null. */
export function draggedCards(editor: Editor): DragState | null {
  if (!editor.isIn('select.translating')) return null
  const items: DragState['items'] = []
  let centre: { x: number; y: number } | null = null
  for (const s of editor.getSelectedShapes()) {
    if (s.type !== ITEM_TYPE) continue
    const id = entityIdOf(s.id)
    if (!id) continue
    items.push({ id, x: Math.round(s.x), y: Math.round(s.y) })
    if (!centre) {
      const b = editor.getShapePageBounds(s)
      if (b) centre = { x: b.midX, y: b.midY }
    }
    if (items.length >= MAX_DRAG_ITEMS) break
  }
  if (items.length === 0) return null
  let domain: string | null = null
  if (centre) {
    for (const s of editor.getCurrentPageShapes()) {
      if (s.type !== DOMAIN_TYPE) continue
      const b = editor.getShapePageBounds(s)
      if (b && b.containsPoint(centre)) {
        domain = s.id.slice('shape:'.length)
        break
      }
    }
  }
  return { items, domain }
}
