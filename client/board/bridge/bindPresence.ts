/**
 * Presence through y-protocols awareness only (never the document): our name/colour, cursor in
 * page coordinates (throttled) and selection out; the others' cursors and selections in, as
 * tldraw collaborator presence records (applied as remote changes), removed when they leave.
 */
import type { Awareness } from 'y-protocols/awareness'
import {
  InstancePresenceRecordType, createUserId, react,
  type Editor, type TLInstancePresence, type TLShapeId, type TLStore,
} from 'tldraw'
import { readPresence, type PresenceUser } from '../../../shared/awareness.ts'
import { entityIdOf, shapeIdFor } from './ids.ts'
import { BOARD_PAGE_ID } from './project.ts'

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

  // Only pointer moves over this board's own canvas count (tldraw tracks the pointer window-wide).
  const container = editor.getContainer()
  let last = 0
  let timer: ReturnType<typeof setTimeout> | null = null
  let latest = { x: 0, y: 0 }
  const sendCursor = () => {
    timer = null
    last = Date.now()
    const pt = editor.screenToPage(latest)
    awareness.setLocalStateField('cursor', { x: Math.round(pt.x), y: Math.round(pt.y) })
  }
  const onMove = (e: PointerEvent) => {
    latest = { x: e.clientX, y: e.clientY }
    if (timer) return
    const wait = CURSOR_INTERVAL_MS - (Date.now() - last)
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

  const stopSelection = react('kt presence selection', () => {
    const ids = editor.getSelectedShapeIds().map((id) => entityIdOf(id)).filter((id): id is string => id !== null)
    awareness.setLocalStateField('selection', ids)
  })

  return () => {
    container.removeEventListener('pointermove', onMove)
    container.removeEventListener('pointerleave', onLeave)
    if (timer) clearTimeout(timer)
    stopSelection()
    if (awareness.getLocalState() !== null) {
      awareness.setLocalStateField('cursor', null)
      awareness.setLocalStateField('selection', [])
    }
  }
}
