/** Document growth from moving cards: what dragging costs the document, in bytes. */
import * as Y from 'yjs'
import { addItem, initCaseDoc, parts, updateItem } from '../../shared/doc.ts'
import { DRAG_WRITE_INTERVAL_MS } from '../../shared/limits.ts'

const author = { name: 'Bench', org: 'Bench', role: 'professional' as const }

export function caseWithItems(n: number): { doc: Y.Doc; ids: string[] } {
  const doc = new Y.Doc()
  initCaseDoc(doc, 'integrale-intake', 0)
  const ids: string[] = []
  for (let i = 0; i < n; i++) ids.push(addItem(doc, { kind: 'problem', text: `item ${i}`, pos: { x: i, y: i }, author }))
  return { doc, ids }
}

/**
 * Document growth from moving cards. 10,000 position writes, in three forms:
 * - one `pos` key, one card dragged at a time (what the board does);
 * - one `pos` key, three cards dragged together (writes to different keys interleave);
 * - the pitfall: separate `x` and `y` keys per move.
 */
export function dragGrowth(): void {
  const MOVES = 10_000
  const rows: [string, number, number][] = []

  {
    const { doc, ids } = caseWithItems(3)
    const before = Y.encodeStateAsUpdate(doc).byteLength
    for (let i = 0; i < MOVES; i++) updateItem(doc, ids[Math.floor(i / 100) % 3] as string, { pos: { x: i, y: -i } })
    rows.push(['one pos key, one card per drag (100 writes per drag)', before, Y.encodeStateAsUpdate(doc).byteLength])
  }
  {
    const { doc, ids } = caseWithItems(3)
    const before = Y.encodeStateAsUpdate(doc).byteLength
    for (let i = 0; i < MOVES; i++) updateItem(doc, ids[i % 3] as string, { pos: { x: i, y: -i } })
    rows.push(['one pos key, three cards dragged together', before, Y.encodeStateAsUpdate(doc).byteLength])
  }
  {
    const { doc, ids } = caseWithItems(3)
    const before = Y.encodeStateAsUpdate(doc).byteLength
    const m = parts(doc).items.get(ids[0] as string) as Y.Map<unknown>
    for (let i = 0; i < MOVES; i++) doc.transact(() => { m.set('x', i); m.set('y', -i) })
    rows.push(['pitfall: separate x and y keys, one card', before, Y.encodeStateAsUpdate(doc).byteLength])
  }
  console.log(`\nDocument growth after ${MOVES.toLocaleString('en')} position writes (bytes of the encoded state):`)
  for (const [name, before, after] of rows) {
    console.log(`  ${name.padEnd(56)} ${String(before).padStart(7)} → ${String(after).padStart(7)}  (+${after - before})`)
  }
  const perSecond = 1000 / DRAG_WRITE_INTERVAL_MS
  console.log(`  The board writes a plan card once, at the drop (others see the drag through awareness); a dragged drawing at most ${perSecond} times a second (DRAG_WRITE_INTERVAL_MS=${DRAG_WRITE_INTERVAL_MS}), plus once at the end.`)
}
