// Drag writes at a bounded rate: measured with a fake clock (no real time, no timing flakiness).
import { describe, expect, it } from 'vitest'
import { createShapeId, type TLShape } from 'tldraw'
import { createGestureThrottle, type Clock } from '../../../../client/board/bridge/throttle.ts'
import { bindDocToStore } from '../../../../client/board/bridge/bindDocToStore.ts'
import { bindStoreToDoc } from '../../../../client/board/bridge/bindStoreToDoc.ts'
import { addItem, listDomains, parts } from '../../../../shared/doc.ts'
import { author, makeStore, syncedDocs } from './helpers.ts'

function fakeClock() {
  let t = 0
  let timers: { at: number; fn: () => void; id: number }[] = []
  let next = 1
  const clock: Clock = {
    now: () => t,
    setTimeout: (fn, ms) => { const id = next++; timers.push({ at: t + ms, fn, id }); return id },
    clearTimeout: (h) => { timers = timers.filter((x) => x.id !== h) },
  }
  const advance = (ms: number) => {
    const end = t + ms
    for (;;) {
      timers.sort((a, b) => a.at - b.at)
      const due = timers[0]
      if (!due || due.at > end) break
      timers.shift()
      t = due.at
      due.fn()
    }
    t = end
  }
  return { clock, advance }
}

describe('gesture throttle', () => {
  it('writes at most once per interval during a gesture, and once more at its end', () => {
    const { clock, advance } = fakeClock()
    let dragging = true
    const runs: { at: number; final: boolean }[] = []
    const th = createGestureThrottle((final) => runs.push({ at: clock.now(), final }), {
      intervalMs: 250, isInteracting: () => dragging, clock,
    })
    // 2 seconds of pointer moves every 8 ms (~120 Hz).
    for (let i = 0; i < 250; i++) {
      th.request()
      advance(8)
    }
    dragging = false
    th.settle()
    const during = runs.filter((r) => !r.final)
    expect(during.length).toBeLessThanOrEqual(Math.ceil(2000 / 250) + 1)
    expect(during.length).toBeGreaterThanOrEqual(Math.floor(2000 / 250) - 1)
    for (let i = 1; i < during.length; i++) expect(during[i]!.at - during[i - 1]!.at).toBeGreaterThanOrEqual(250)
    expect(runs.at(-1)!.final).toBe(true)
    expect(runs.filter((r) => r.final).length).toBe(1)
  })

  it('writes at once when no gesture is going on', () => {
    const { clock } = fakeClock()
    const runs: boolean[] = []
    const th = createGestureThrottle((final) => runs.push(final), { intervalMs: 250, isInteracting: () => false, clock })
    th.request()
    th.request()
    expect(runs).toEqual([true, true])
  })

  it('finishes by itself when the gesture ends without a pointer-up signal', () => {
    const { clock, advance } = fakeClock()
    let dragging = true
    const runs: boolean[] = []
    const th = createGestureThrottle((final) => runs.push(final), { intervalMs: 250, isInteracting: () => dragging, clock })
    th.request()
    advance(100)
    th.request()
    dragging = false
    advance(1000)
    expect(runs).toEqual([false, true])
  })
})

describe('dragging a card through the real bridge', () => {
  it('writes nothing while the card is dragged, and one move when it is dropped', () => {
    const { a, b } = syncedDocs()
    const store = makeStore()
    const { clock, advance } = fakeClock()
    let dragging = true
    const docToStore = bindDocToStore(a, store, { locale: 'nl', isHeld: () => dragging })
    const writer = bindStoreToDoc(store, a, { isInteracting: () => dragging, clock, layout: () => docToStore.layout() })
    const [from, to] = listDomains(a)
    const id = addItem(a, { kind: 'problem', domainId: from!.id, author })
    const writes: string[][] = []
    parts(b).items.get(id)!.observe((e) => writes.push([...e.keysChanged].sort()))
    const shapeId = createShapeId(id)
    const start = store.get(shapeId) as TLShape
    const target = docToStore.layout().domains.get(to!.id)!
    const moves = 120 // 2 s at 60 Hz
    for (let i = 1; i <= moves; i++) {
      const f = i / moves
      store.put([{ ...(store.get(shapeId) as TLShape), x: start.x + (target.x + 40 - start.x) * f, y: start.y + (target.y + 80 - start.y) * f }])
      store._flushHistory() // the store delivers changes once per frame
      advance(1000 / 60)
    }
    expect(writes).toEqual([])
    dragging = false
    writer.settle()
    expect(writes.length).toBe(1) // one transaction (an empty domain: the card keeps its order value)
    expect(writes[0]).toContain('domainId')
    expect(writes[0]).not.toContain('pos')
    expect(parts(b).items.get(id)!.get('domainId')).toBe(to!.id)
    writer.unsubscribe()
    docToStore()
  })
})
