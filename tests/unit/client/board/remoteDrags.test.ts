// Others' drags: positions from awareness are read defensively, interpolated between samples,
// and a ghost ends when the card arrives at its new place (or after a while).
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness'
import { MAX_DRAG_ITEMS, readDrag, readPresence } from '../../../../shared/awareness.ts'
import { createRemoteDragTracker } from '../../../../client/board/bridge/remoteDrags.ts'

function pair() {
  const a = new Awareness(new Y.Doc())
  const b = new Awareness(new Y.Doc())
  b.on('update', ({ added, updated, removed }: Record<string, number[]>) => {
    applyAwarenessUpdate(a, encodeAwarenessUpdate(b, [...added!, ...updated!, ...removed!]), 'peer')
  })
  return { a, b }
}

const user = { name: 'Fatima', org: '', role: 'professional', color: '#d1495b' }

describe('drag state in awareness', () => {
  it('reads a drag and refuses malformed ones', () => {
    expect(readDrag({ items: [{ id: 'abc', x: 1, y: 2 }], domain: 'dom1' })).toEqual({ items: [{ id: 'abc', x: 1, y: 2 }], domain: 'dom1' })
    expect(readDrag(null)).toBeNull()
    expect(readDrag({ items: [] })).toBeNull()
    expect(readDrag({ items: [{ id: 'a"b', x: 1, y: 2 }] })).toBeNull()
    expect(readDrag({ items: [{ id: 'abc', x: 'no', y: 2 }] })).toBeNull()
    expect(readDrag({ items: [{ id: 'abc', x: 1, y: 2 }], domain: 42 })?.domain).toBeNull()
    const many = Array.from({ length: 100 }, (_, i) => ({ id: `c${i}`, x: i, y: i }))
    expect(readDrag({ items: many })?.items).toHaveLength(MAX_DRAG_ITEMS)
    expect(readPresence({ user, cursor: null, selection: [] })?.drag).toBeNull()
  })
})

describe('remote drag tracker', () => {
  it('interpolates between samples and ends when the card has moved to its new place', () => {
    const { a, b } = pair()
    let t = 1000
    const places = new Map<string, string>([['card1', '0,0']])
    const tr = createRemoteDragTracker(a, { now: () => t, stepMs: 40, lingerMs: 800, placeOf: (id) => places.get(id) ?? null })
    let changes = 0
    tr.onChange(() => changes++)
    b.setLocalState({ user, cursor: null, selection: [], drag: null })
    expect(tr.active()).toBe(false)

    b.setLocalState({ user, cursor: { x: 0, y: 0 }, selection: ['card1'], drag: { items: [{ id: 'card1', x: 100, y: 100 }], domain: 'dom1' } })
    expect(tr.active()).toBe(true)
    expect(changes).toBe(1)
    expect(tr.frame(t)).toEqual([{ clientId: b.clientID, name: 'Fatima', color: '#d1495b', domain: 'dom1', ended: false, items: [{ id: 'card1', x: 100, y: 100 }] }])

    t = 1040
    b.setLocalState({ user, cursor: { x: 0, y: 0 }, selection: ['card1'], drag: { items: [{ id: 'card1', x: 140, y: 180 }], domain: 'dom2' } })
    // Half a step later the ghost is half-way; a step later it is there. A position is no structural change.
    expect(tr.frame(1060)[0]!.items[0]).toEqual({ id: 'card1', x: 120, y: 140 })
    expect(tr.frame(1080)[0]!.items[0]).toEqual({ id: 'card1', x: 140, y: 180 })
    expect(tr.frame(1080)[0]!.domain).toBe('dom2')
    expect(changes).toBe(1)

    // Dropped: the ghost waits where it was, until the card is shown elsewhere.
    t = 1100
    b.setLocalState({ user, cursor: { x: 0, y: 0 }, selection: ['card1'], drag: null })
    expect(changes).toBe(2)
    expect(tr.frame(1200)[0]).toMatchObject({ ended: true, items: [{ id: 'card1', x: 140, y: 180 }] })
    places.set('card1', '140,180')
    expect(tr.frame(1210)).toEqual([])
    expect(tr.active()).toBe(false)
    expect(changes).toBe(3)
    tr.dispose()
  })

  it('lets a ghost go after lingering when the card does not move (dropped back), and when the peer leaves', () => {
    const { a, b } = pair()
    let t = 0
    const tr = createRemoteDragTracker(a, { now: () => t, lingerMs: 500, placeOf: () => '0,0' })
    b.setLocalState({ user, cursor: null, selection: [], drag: { items: [{ id: 'card1', x: 5, y: 5 }], domain: null } })
    t = 100
    b.setLocalState({ user, cursor: null, selection: [], drag: null })
    expect(tr.frame(599)).toHaveLength(1)
    expect(tr.frame(600)).toEqual([])

    t = 1000
    b.setLocalState({ user, cursor: null, selection: [], drag: { items: [{ id: 'card2', x: 5, y: 5 }], domain: null } })
    expect(tr.frame(1000)).toHaveLength(1)
    removeAwarenessStates(b, [b.clientID], 'left')
    expect(tr.frame(1001)[0]!.ended).toBe(true)
    expect(tr.frame(1500)).toEqual([])
    tr.dispose()
  })

  it('ignores our own drag', () => {
    const a = new Awareness(new Y.Doc())
    const tr = createRemoteDragTracker(a)
    a.setLocalState({ user, cursor: null, selection: [], drag: { items: [{ id: 'card1', x: 5, y: 5 }], domain: null } })
    expect(tr.active()).toBe(false)
    tr.dispose()
  })
})
