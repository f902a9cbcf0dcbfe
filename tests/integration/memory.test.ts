/**
 * Memory comes back: after every participant left and the rooms were evicted, the server's heap
 * returns to within 20 % of what it was idle. Measured in this process after forced garbage
 * collections; the test's own clients are destroyed and dropped before each measurement.
 */
import v8 from 'node:v8'
import vm from 'node:vm'
import { describe, expect, it, vi } from 'vitest'
import { addItem, listItems } from '../../shared/doc.ts'
import { connect, createCase, synced, TEST_ORG_KEY, useServer, type TestClient } from '../helpers/server.ts'

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void

const EVICT_AFTER_MS = 50
const CYCLES = 3
const CASES = 2
const CLIENTS_PER_CASE = 4
/** Cards each client adds per cycle, with a long text: about 100 KB per client. */
const CARDS_PER_CLIENT = 100
const CARD_TEXT_CHARS = 1_000
/** How far above the idle heap the heap may stay after everyone left. */
const MAX_HEAP_GROWTH = 0.2

const fixture = useServer({ rooms: { evictAfterMs: EVICT_AFTER_MS } })
const author = { name: 'P', org: 'Werk & Inkomen', role: 'professional' as const }

async function settledHeapBytes(): Promise<number> {
  // Several rounds: finalizers and weak references free more on the next collection.
  for (let i = 0; i < 6; i++) {
    gc()
    await new Promise((r) => setImmediate(r))
  }
  return process.memoryUsage().heapUsed
}

/** Everyone connects, edits and sees everything; then everyone leaves. */
async function cycle(caseIds: string[], round: number): Promise<void> {
  let clients: TestClient[] = []
  for (const id of caseIds) for (let c = 0; c < CLIENTS_PER_CASE; c++) clients.push(connect(fixture.server, id, TEST_ORG_KEY))
  await Promise.all(clients.map(synced))
  for (const [n, c] of clients.entries()) {
    for (let i = 0; i < CARDS_PER_CLIENT; i++) {
      addItem(c.doc, { kind: 'note', text: `ronde ${round} schrijver ${n} kaart ${i} `.padEnd(CARD_TEXT_CHARS, '.'), pos: { x: i, y: n }, author })
    }
  }
  const expected = (round + 1) * CLIENTS_PER_CASE * CARDS_PER_CLIENT
  await vi.waitFor(() => {
    for (const c of clients) expect(listItems(c.doc)).toHaveLength(expected)
  }, { timeout: 60_000, interval: 100 })
  for (const c of clients) c.destroy()
  clients = []
  await vi.waitFor(() => expect(fixture.server.rooms.size).toBe(0), { timeout: 60_000 })
}

describe('server memory', () => {
  it('returns to within 20 % of the idle heap after 3 connect-edit-leave cycles and eviction', async () => {
    const caseIds: string[] = []
    for (let i = 0; i < CASES; i++) caseIds.push(await createCase(fixture.server.url, `Geheugen ${i}`))
    const idle = await settledHeapBytes()
    const after: number[] = []
    for (let round = 0; round < CYCLES; round++) {
      await cycle(caseIds, round)
      after.push(await settledHeapBytes())
    }
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1)
    console.log(`heap: idle ${mb(idle)} MB; after each cycle ${after.map(mb).join(', ')} MB; rss ${mb(process.memoryUsage().rss)} MB`)
    for (const a of after) expect(a).toBeLessThanOrEqual(idle * (1 + MAX_HEAP_GROWTH))
  }, 300_000)
})
