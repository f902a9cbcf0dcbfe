/**
 * One bad byte on disk does not lose a case: damaged blobs are detected (checksums), left out,
 * the gaps are filled from the newest snapshots, and the repaired document is written back. A
 * case with nothing usable left is closed once with a final code (4422), so clients stop
 * reconnecting, and every other case keeps working.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import { addItem, listItems } from '../../shared/doc.ts'
import { CloseCode, isFatalCloseCode } from '../../shared/closeCodes.ts'
import { SCHEMA_VERSION } from '../../shared/schema.ts'
import {
  api, connect, createCase, startTestServer, synced, tempDir, TEST_ORG_KEY, type TestClient, type TestServer, withHeaders,
} from '../helpers/server.ts'
import {
  damageLogRow, damageStateRow, garbleCase, logSeqs, readCaseLog, storedDoc, writeCaseLog,
} from '../helpers/db.ts'
import { onPostgres } from '../helpers/postgres.ts'

const author = { name: 'P', org: 'Werk & Inkomen', role: 'professional' as const }

const open: TestClient[] = []
const servers: TestServer[] = []
afterEach(async () => {
  for (const c of open.splice(0)) c.destroy()
  for (const s of servers.splice(0)) await s.stop()
})

function client(s: TestServer, id: string): TestClient {
  const c = connect(s, id, TEST_ORG_KEY)
  open.push(c)
  return c
}

async function start(dataDir: string): Promise<TestServer> {
  const s = await startTestServer({ dataDir })
  servers.push(s)
  return s
}

async function stop(s: TestServer): Promise<void> {
  for (const c of open.splice(0)) c.destroy()
  servers.splice(servers.indexOf(s), 1)
  await s.stop()
}

const texts = (doc: Y.Doc) => listItems(doc).map((i) => i.text).sort()

/** Add cards one by one (each its own update, so its own log row) and wait until a watcher has them. */
/** One card at a time, each relayed before the next: the server stores each as a log row of its own. */
async function addCards(c: TestClient, watcher: TestClient, names: string[]): Promise<void> {
  for (const [i, text] of names.entries()) {
    addItem(c.doc, { kind: 'problem', text, pos: { x: i, y: 0 }, author })
    await vi.waitFor(() => expect(texts(watcher.doc)).toContain(text), { timeout: 20_000 })
  }
}

/** Another case, written and read by two clients: it works whatever happens to the damaged one. */
async function otherCaseWorks(s: TestServer): Promise<void> {
  const id = await createCase(s.url, 'Een andere casus')
  const a = client(s, id)
  const b = client(s, id)
  await Promise.all([synced(a), synced(b)])
  addItem(a.doc, { kind: 'wish', text: 'gewoon door', pos: { x: 0, y: 0 }, author })
  await vi.waitFor(() => expect(texts(b.doc)).toEqual(['gewoon door']), { timeout: 20_000 })
  expect((await api(s.url, 'GET', `/api/cases/${id}`)).status).toBe(200)
}

/** A new case with a writer and a watcher, both synced. */
async function newCaseWithTwo(s: TestServer): Promise<{ id: string; a: TestClient; watcher: TestClient }> {
  const id = await createCase(s.url)
  const a = client(s, id)
  const watcher = client(s, id)
  await Promise.all([synced(a), synced(watcher)])
  return { id, a, watcher }
}

describe.skipIf(onPostgres)(`a case with damaged stored data${onPostgres ? ' (skipped on PostgreSQL: damages bytes of the SQLite file)' : ''}`, () => {
  it('opens from its latest snapshot after a byte of its compacted state flipped, without a close loop', async () => {
    const dataDir = tempDir()
    let s = await start(dataDir)
    const { id, a, watcher } = await newCaseWithTwo(s)
    const cards = ['schulden', 'huur achterstand', 'geen werk', 'zorgen om zoon', 'slaapt slecht']
    await addCards(a, watcher, cards)
    expect((await api(s.url, 'POST', `/api/cases/${id}/snapshots`, { body: { label: 'Intake' } })).status).toBe(201)
    await stop(s) // compacts: the state row holds everything, the log is empty
    damageStateRow(dataDir, id)

    s = await start(dataDir)
    const b = client(s, id)
    await vi.waitFor(() => expect(b.provider.synced, `closed ${b.closes.length} times (codes ${[...new Set(b.closes.map((x) => x.code))].join(', ')})`).toBe(true), { timeout: 20_000 })
    expect(texts(b.doc)).toEqual([...cards].sort())
    expect((await api(s.url, 'GET', `/api/cases/${id}`)).status).toBe(200)
    // The repaired document is written back: the file holds an intact state again.
    await vi.waitFor(() => {
      const onDisk = storedDoc(dataDir, id)
      expect(texts(onDisk)).toEqual([...cards].sort())
      onDisk.destroy()
    }, { timeout: 20_000 })
    // The connection stays: a second participant edits and the first one sees it, never closed.
    const c = client(s, id)
    await synced(c)
    addItem(c.doc, { kind: 'strength', text: 'goede buren', pos: { x: 0, y: 0 }, author })
    await vi.waitFor(() => expect(texts(b.doc)).toContain('goede buren'), { timeout: 20_000 })
    await otherCaseWorks(s)
    expect(b.closes).toEqual([])
    expect(c.closes).toEqual([])
  }, 120_000)

  it('keeps the log rows after a damaged one when a snapshot covers it, and writes the repair back once', async () => {
    const dataDir = tempDir()
    let s = await start(dataDir)
    const { id, a, watcher } = await newCaseWithTwo(s)
    const before = ['een', 'twee', 'drie', 'vier']
    const after = ['vijf', 'zes', 'zeven', 'acht']
    await addCards(a, watcher, before)
    expect((await api(s.url, 'POST', `/api/cases/${id}/snapshots`, { body: { label: 'Overleg' } })).status).toBe(201)
    const coveredRows = logSeqs(dataDir, id).length
    await addCards(a, watcher, after)
    // What a crash before the next compaction leaves on disk: the state row and every log row.
    await vi.waitFor(() => {
      const d = storedDoc(dataDir, id)
      expect(texts(d)).toHaveLength(8)
      d.destroy()
    }, { timeout: 20_000 })
    const image = readCaseLog(dataDir, id)
    expect(image.updates.length).toBeGreaterThan(coveredRows)
    await stop(s)
    writeCaseLog(dataDir, id, image)
    // Damage an early row, one the snapshot covers; the rows after it build on it.
    const seqs = logSeqs(dataDir, id)
    expect(coveredRows).toBeGreaterThanOrEqual(2)
    damageLogRow(dataDir, id, seqs[1]!)

    s = await start(dataDir)
    const b = client(s, id)
    await synced(b)
    expect(texts(b.doc)).toEqual([...before, ...after].sort())
    // Written back at load: the log is folded into one intact state row holding all eight.
    await vi.waitFor(() => {
      expect(logSeqs(dataDir, id)).toEqual([])
      const d = storedDoc(dataDir, id)
      expect(texts(d)).toEqual([...before, ...after].sort())
      d.destroy()
    }, { timeout: 20_000 })
    await stop(s)

    // A second restart loads intact: nothing is left for a repair.
    s = await start(dataDir)
    const { rebuildCase } = await import('../../server/loadCase.ts')
    const loaded = await rebuildCase(await s.storage.docLog.load(id), s.storage, id)
    expect(loaded.repair).toBeNull()
    expect(texts(loaded.doc)).toEqual([...before, ...after].sort())
    loaded.doc.destroy()
  }, 120_000)

  it('that cannot be repaired closes the connection once with 4422, answers 500 case_damaged, and leaves other cases working', async () => {
    const dataDir = tempDir()
    let s = await start(dataDir)
    const id = await createCase(s.url) // never edited: no snapshot to repair from
    await stop(s)
    garbleCase(dataDir, id)

    s = await start(dataDir)
    const doc = new Y.Doc()
    // The app's own rule (client/connection.ts): stop reconnecting after a final close code.
    const provider = new WebsocketProvider(`${s.url.replace('http', 'ws')}/ws`, id, doc, {
      WebSocketPolyfill: withHeaders({ authorization: `Bearer ${TEST_ORG_KEY}` }) as unknown as typeof globalThis.WebSocket,
      params: { schema: String(SCHEMA_VERSION) },
      disableBc: true,
      maxBackoffTime: 100,
      shouldReconnect: (ev: CloseEvent) => !isFatalCloseCode(ev.code),
    })
    open.push({ doc, provider, closes: [], destroy: () => { provider.destroy(); doc.destroy() } })
    const closes: number[] = []
    provider.on('connection-close', (ev: CloseEvent | null) => { if (ev) closes.push(ev.code) })
    let stopped = false
    provider.on('closed', () => { stopped = true })
    await vi.waitFor(() => expect(stopped).toBe(true), { timeout: 20_000 })

    const r = await api(s.url, 'GET', `/api/cases/${id}`)
    expect(r.status).toBe(500)
    expect(r.body.error).toBe('case_damaged')
    await otherCaseWorks(s)
    // By now a reconnect loop would have closed it again and again (backoff is 100 ms).
    expect(closes).toEqual([CloseCode.CaseDamaged])
    expect(provider.wsconnected || provider.wsconnecting).toBe(false)
  }, 120_000)
})
