/** Saving a snapshot of a large case, and the diff of two snapshots. */
import os from 'node:os'
import * as Y from 'yjs'
import { addItem, initCaseDoc, updateItem } from '../../shared/doc.ts'

const author = { name: 'Bench', org: 'Bench', role: 'professional' as const }

/** A case of `n` cards; every fifth is an action with an owner and a due date. */
function largeCase(n: number): { doc: Y.Doc; ids: string[] } {
  const doc = new Y.Doc()
  initCaseDoc(doc, 'integrale-intake', 0)
  const ids: string[] = []
  for (let i = 0; i < n; i++) {
    const id = addItem(doc, { kind: i % 5 === 0 ? 'action' : 'problem', text: `item ${i}`, pos: { x: i, y: i }, author })
    if (i % 5 === 0) updateItem(doc, id, { owner: 'Sanne', due: '2026-12-01' })
    ids.push(id)
  }
  return { doc, ids }
}

/** Snapshot save (derive + encode + store in SQLite) and diff of two 5,000-item snapshots. */
export async function snapshotAndDiff(): Promise<void> {
  const { openSqliteStorage } = await import('../../server/storage/sqlite.ts')
  const { saveSnapshot } = await import('../../server/snapshots.ts')
  const { derivePlan } = await import('../../shared/derivePlan.ts')
  const { diffPlans } = await import('../../shared/diffPlans.ts')
  const fs = await import('node:fs')
  const path = await import('node:path')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-bench-'))
  const storage = openSqliteStorage(dir)
  const N = 5000
  const { doc, ids } = largeCase(N)
  const caseId = 'B'.repeat(22)
  await storage.createCase({ id: caseId, title: 'bench', template: 'integrale-intake', createdAt: 0, updatedAt: 0 }, Y.encodeStateAsUpdate(doc))

  const time = async (fn: () => unknown, runs: number): Promise<number[]> => {
    const out: number[] = []
    for (let i = 0; i < runs; i++) {
      const t = performance.now()
      await fn()
      out.push(performance.now() - t)
    }
    return out.sort((a, b) => a - b)
  }
  const fmt = (xs: number[]) => `median ${xs[Math.floor(xs.length / 2)]!.toFixed(1)} ms, best ${xs[0]!.toFixed(1)} ms, worst ${xs[xs.length - 1]!.toFixed(1)} ms`

  const save = await time(() => saveSnapshot(storage, caseId, doc, 'bench', { name: '', role: 'system' }, false), 10)
  const a = derivePlan(doc)
  for (let i = 0; i < N; i += 10) updateItem(doc, ids[i] as string, { stress: true })
  const b = derivePlan(doc)
  const diff = await time(() => { diffPlans(a, b, '2026-11-28') }, 20)
  const derive = await time(() => { derivePlan(doc) }, 10)
  console.log(`\nA ${N.toLocaleString('en')}-item case (state ${(Y.encodeStateAsUpdate(doc).byteLength / 1024).toFixed(0)} KiB):`)
  console.log(`  save a snapshot (derive plan + encode state + summary + SQLite insert): ${fmt(save)}`)
  console.log(`  derivePlan alone:                                                      ${fmt(derive)}`)
  console.log(`  diffPlans of two snapshots (${N / 10} items changed):                      ${fmt(diff)}`)
  await storage.close()
  fs.rmSync(dir, { recursive: true, force: true })
}
