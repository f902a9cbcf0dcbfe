import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { addItem, listItems, setItemText } from '../../shared/doc.ts'
import { COMPACT_AFTER_UPDATES } from '../../server/constants.ts'
import { freePort } from '../helpers/ports.ts'
import { api, connect, createCase, startTestServer, stateOf, synced, tempDir, TEST_ORG_KEY, type TestClient, type TestServer } from '../helpers/server.ts'

const author = { name: 'P', org: 'Werk & Inkomen', role: 'professional' as const }
const open: TestClient[] = []
const servers: TestServer[] = []
const children: ChildProcess[] = []
afterEach(async () => {
  for (const c of open.splice(0)) c.destroy()
  for (const s of servers.splice(0)) await s.stop()
  for (const ch of children.splice(0)) ch.kill('SIGKILL')
})
function client(s: { url: string }, id: string): TestClient {
  const c = connect(s, id, TEST_ORG_KEY)
  open.push(c)
  return c
}

describe('a case survives', () => {
  it('closing every client and restarting the server', async () => {
    const dataDir = tempDir()
    const first = await startTestServer({ dataDir })
    const id = await createCase(first.url)
    const a = client(first, id)
    await synced(a)
    for (let i = 0; i < 30; i++) addItem(a.doc, { kind: 'problem', text: `knelpunt ${i}`, pos: { x: i, y: i }, author })
    const expected = stateOf(a.doc)
    const probe = client(first, id)
    await vi.waitFor(() => expect(stateOf(probe.doc).equals(expected)).toBe(true), { timeout: 20_000 })
    for (const c of open.splice(0)) c.destroy()
    await first.stop()

    const second = await startTestServer({ dataDir })
    servers.push(second)
    const b = client(second, id)
    await synced(b)
    expect(listItems(b.doc)).toHaveLength(30)
    expect(stateOf(b.doc).equals(expected)).toBe(true)
  })

  it('compacting the update log without losing anything', async () => {
    const dataDir = tempDir()
    const s = await startTestServer({ dataDir, rooms: { evictAfterMs: 50 } })
    servers.push(s)
    const id = await createCase(s.url)
    const a = client(s, id)
    await synced(a)
    const itemId = addItem(a.doc, { kind: 'note', text: '', pos: { x: 0, y: 0 }, author })
    for (let i = 0; i < COMPACT_AFTER_UPDATES + 20; i++) setItemText(a.doc, itemId, `versie ${i}`)
    const probe = client(s, id)
    await vi.waitFor(() => expect(listItems(probe.doc)[0]?.text).toBe(`versie ${COMPACT_AFTER_UPDATES + 19}`), { timeout: 20_000 })
    await vi.waitFor(async () => expect(await s.storage.docLog.count(id)).toBeLessThan(COMPACT_AFTER_UPDATES), { timeout: 20_000 })

    // After everyone left the room is evicted (compacted into one state row) and reloads intact.
    const expected = stateOf(a.doc)
    for (const c of open.splice(0)) c.destroy()
    await vi.waitFor(() => expect(s.rooms.size).toBe(0), { timeout: 20_000 })
    expect(await s.storage.docLog.count(id)).toBe(0)
    const again = client(s, id)
    await synced(again)
    expect(stateOf(again.doc).equals(expected)).toBe(true)
  })

  it('a kill -9 of the server process in the middle of editing, losing no edit', async () => {
    // Updates are relayed at once and committed within one group commit (a few ms); whatever a
    // kill -9 catches in that window is still held by the clients, which send it again when they
    // reconnect — exactly what the browsers at the table do.
    const main = path.resolve('dist/server/server/main.js')
    expect(fs.existsSync(main), 'run `npm run build:server` first (npm test does)').toBe(true)
    const dataDir = tempDir()
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    const start = () => {
      const child = spawn(process.execPath, [main], {
        env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, ORG_KEY: TEST_ORG_KEY, LOG_LEVEL: 'silent' },
        stdio: 'ignore',
      })
      children.push(child)
      return child
    }
    const child = start()
    await waitHealthy(url)
    const id = await createCase(url)
    const writer = client({ url }, id)
    const watcher = client({ url }, id)
    await Promise.all([writer, watcher].map(synced))
    for (let i = 0; i < 200; i++) addItem(writer.doc, { kind: 'problem', text: `k${i}`, pos: { x: i, y: 0 }, author })
    await vi.waitFor(() => expect(listItems(watcher.doc)).toHaveLength(200), { timeout: 10_000 })
    // More edits while the server dies: some are caught mid-flight.
    for (let i = 200; i < 260; i++) addItem(writer.doc, { kind: 'wish', text: `w${i}`, pos: { x: i, y: 1 }, author })
    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))

    start()
    await waitHealthy(url)
    // The clients reconnect by themselves and converge with the restarted server.
    const expected = stateOf(writer.doc)
    const after = client({ url }, id)
    await vi.waitFor(() => expect(listItems(after.doc)).toHaveLength(260), { timeout: 20_000 })
    await vi.waitFor(() => expect(stateOf(watcher.doc).equals(expected)).toBe(true), { timeout: 20_000 })
    expect(stateOf(after.doc).equals(expected)).toBe(true)
  })

  it('every relayed update is durable once the room reports it saved, without another edit', async () => {
    const dataDir = tempDir()
    const s = await startTestServer({ dataDir })
    servers.push(s)
    const id = await createCase(s.url)
    const a = client(s, id)
    const watcher = client(s, id)
    await Promise.all([a, watcher].map(synced))
    for (let i = 0; i < 300; i++) addItem(a.doc, { kind: 'problem', text: `k${i}`, pos: { x: i, y: 0 }, author })
    await vi.waitFor(() => expect(listItems(watcher.doc)).toHaveLength(300), { timeout: 20_000 })
    const room = await s.rooms.peek(id)
    await room!.whenSaved()
    // What is on disk now (read by a separate reader) holds every item.
    const stored = await s.storage.docLog.load(id)
    const doc = new (await import('yjs')).Doc()
    const Y = await import('yjs')
    if (stored.state) Y.applyUpdate(doc, stored.state.data)
    for (const u of stored.updates) Y.applyUpdate(doc, u.data)
    expect(listItems(doc)).toHaveLength(300)
    doc.destroy()
  })
})


async function waitHealthy(url: string): Promise<void> {
  await vi.waitFor(async () => {
    const r = await api(url, 'GET', '/healthz', { auth: null })
    expect(r.status).toBe(200)
  }, { timeout: 15_000, interval: 100 })
}
