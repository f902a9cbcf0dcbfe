/**
 * `npm run bench`: figures that matter for a live meeting, printed with what they were measured
 * on. No assertions — these machines are shared and noisy; compare figures within one run.
 */
import os from 'node:os'
import * as Y from 'yjs'
import { addItem, initCaseDoc, parts, updateItem } from '../../shared/doc.ts'
import { DRAG_WRITE_INTERVAL_MS } from '../../shared/limits.ts'

const author = { name: 'Bench', org: 'Bench', role: 'professional' as const }

function header(): void {
  console.log(`Keukentafel benchmarks — node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${new Date().toISOString()}`)
}

function caseWithItems(n: number): { doc: Y.Doc; ids: string[] } {
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
function dragGrowth(): void {
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
  console.log(`  The board writes at most ${perSecond} positions per second per dragged card (DRAG_WRITE_INTERVAL_MS=${DRAG_WRITE_INTERVAL_MS}), plus one at drag end.`)
}

header()
dragGrowth()

/** Snapshot save (derive + encode + store in SQLite) and diff of two 5,000-item snapshots. */
async function snapshotAndDiff(): Promise<void> {
  const { openSqliteStorage } = await import('../../server/storage/sqlite.ts')
  const { saveSnapshot } = await import('../../server/snapshots.ts')
  const { derivePlan } = await import('../../shared/derivePlan.ts')
  const { diffPlans } = await import('../../shared/diffPlans.ts')
  const fs = await import('node:fs')
  const path = await import('node:path')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-bench-'))
  const storage = openSqliteStorage(dir)
  const N = 5000
  const { doc, ids } = caseWithItems(N)
  for (let i = 0; i < N; i += 5) updateItem(doc, ids[i] as string, { kind: 'action', owner: 'Sanne', due: '2026-12-01' })
  const caseId = 'B'.repeat(22)
  storage.createCase({ id: caseId, title: 'bench', template: 'integrale-intake', createdAt: 0, updatedAt: 0 }, Y.encodeStateAsUpdate(doc))

  const time = (fn: () => void, runs: number): number[] => {
    const out: number[] = []
    for (let i = 0; i < runs; i++) {
      const t = performance.now()
      fn()
      out.push(performance.now() - t)
    }
    return out.sort((a, b) => a - b)
  }
  const fmt = (xs: number[]) => `median ${xs[Math.floor(xs.length / 2)]!.toFixed(1)} ms, best ${xs[0]!.toFixed(1)} ms, worst ${xs[xs.length - 1]!.toFixed(1)} ms`

  const save = time(() => { saveSnapshot(storage, caseId, doc, 'bench', { name: '', role: 'system' }, false) }, 10)
  const a = derivePlan(doc)
  for (let i = 0; i < N; i += 10) updateItem(doc, ids[i] as string, { stress: true })
  const b = derivePlan(doc)
  const diff = time(() => { diffPlans(a, b, '2026-11-28') }, 20)
  const derive = time(() => { derivePlan(doc) }, 10)
  console.log(`\nA ${N.toLocaleString('en')}-item case (state ${(Y.encodeStateAsUpdate(doc).byteLength / 1024).toFixed(0)} KiB):`)
  console.log(`  save a snapshot (derive plan + encode state + summary + SQLite insert): ${fmt(save)}`)
  console.log(`  derivePlan alone:                                                      ${fmt(derive)}`)
  console.log(`  diffPlans of two snapshots (${N / 10} items changed):                      ${fmt(diff)}`)
  storage.close()
  fs.rmSync(dir, { recursive: true, force: true })
}

await snapshotAndDiff()

/** Cost of durability: appending small updates one transaction each (what every edit does). */
async function appendCost(): Promise<void> {
  const { openSqliteStorage } = await import('../../server/storage/sqlite.ts')
  const fs = await import('node:fs')
  const path = await import('node:path')
  const N = 2000
  const update = new Uint8Array(120).fill(7)
  const run = (synchronous: 'FULL' | 'NORMAL'): number => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-bench-'))
    const storage = openSqliteStorage(dir)
    // Reach the connection only for the reference run; the server always uses FULL.
    ;(storage as unknown as { db: { pragma(s: string): unknown } }).db.pragma(`synchronous = ${synchronous}`)
    const caseId = 'C'.repeat(22)
    storage.createCase({ id: caseId, title: 'bench', template: 'zrm', createdAt: 0, updatedAt: 0 }, new Uint8Array([0, 0]))
    const t = performance.now()
    for (let i = 0; i < N; i++) storage.appendUpdate(caseId, update, i)
    const ms = performance.now() - t
    storage.close()
    fs.rmSync(dir, { recursive: true, force: true })
    return ms
  }
  const full = run('FULL')
  const normal = run('NORMAL')
  console.log(`\nAppending ${N} updates of ${update.byteLength} bytes, one committed transaction each (WAL):`)
  console.log(`  synchronous=FULL (the server's setting): ${(full / N * 1000).toFixed(0)} µs per update, ${(N / full * 1000).toFixed(0)} updates/s`)
  console.log(`  synchronous=NORMAL (reference):          ${(normal / N * 1000).toFixed(0)} µs per update, ${(N / normal * 1000).toFixed(0)} updates/s`)
}

await appendCost()
