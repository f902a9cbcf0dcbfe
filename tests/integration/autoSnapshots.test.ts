/**
 * Automatic snapshots ('Automatisch opgeslagen') are a safety net, not a disk filler: a person
 * who connects, edits and leaves over and over leaves at most one automatic snapshot per hour of
 * activity, never one identical to the previous, older ones are thinned to one per day for a
 * month, and what people saved themselves is never touched.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { addItem, initCaseDoc, listItems, setItemText } from '../../shared/doc.ts'
import { newId } from '../../shared/ids.ts'
import { openSqliteStorage, type SqliteStorage } from '../../server/storage/sqlite.ts'
import { AUTO_SNAPSHOT_KEEP_DAYS, pruneAutoSnapshots, saveAutoSnapshot, saveSnapshot } from '../../server/snapshots.ts'
import { todayInNL } from '../../shared/diffPlans.ts'
import {
  api, connect, createCase, invite, startTestServer, stateOf, synced, tempDir, TEST_ORG_KEY, type TestClient, type TestServer,
} from '../helpers/server.ts'
import { dbFileBytes, snapshotRows } from '../helpers/db.ts'
import { onPostgres } from '../helpers/postgres.ts'

const author = { name: 'P', org: 'Sociaal wijkteam', role: 'professional' as const }
/** A case big enough that a full snapshot per leave shows on disk: 300 cards with a long text. */
const BIG_CASE_ITEMS = 300
const ITEM_TEXT_CHARS = 1_000
/** Connect, edit, leave: this many times in a row, alternating resident and professional. */
const CYCLES = 22
/** Let a room go soon after its last participant left, so every leave is a full cycle. */
const EVICT_AFTER_MS = 50
const DAY_MS = 24 * 3600_000

const open: TestClient[] = []
const servers: TestServer[] = []
afterEach(async () => {
  for (const c of open.splice(0)) c.destroy()
  for (const s of servers.splice(0)) await s.stop()
})

function client(s: TestServer, id: string, token = TEST_ORG_KEY): TestClient {
  const c = connect(s, id, token)
  open.push(c)
  return c
}

async function start(dataDir: string): Promise<TestServer> {
  const s = await startTestServer({ dataDir, rooms: { evictAfterMs: EVICT_AFTER_MS } })
  servers.push(s)
  return s
}

async function stop(s: TestServer): Promise<void> {
  servers.splice(servers.indexOf(s), 1)
  await s.stop()
}

/** Wait until the server holds what a client wrote (its live room). */
async function serverHas(s: TestServer, id: string, check: (doc: Y.Doc) => boolean): Promise<void> {
  await vi.waitFor(async () => {
    const room = await s.rooms.peek(id)
    expect(room !== null && check(room.doc)).toBe(true)
  }, { timeout: 20_000 })
}

/** Leave: destroy the client and wait until its room was evicted (the last leave is handled). */
async function leave(s: TestServer, c: TestClient): Promise<void> {
  c.destroy()
  open.splice(open.indexOf(c), 1)
  await vi.waitFor(() => expect(s.rooms.size).toBe(0), { timeout: 20_000 })
}

function textOf(i: number, version: number): string {
  return `kaart ${i} versie ${version} `.padEnd(ITEM_TEXT_CHARS, 'abcdefghij')
}

const residentWords = { name: 'Jan', org: '', role: 'resident' as const }

/** Cards added per connection while building: a person pasting, well within one connection's budget. */
const ITEMS_PER_WRITER = 50

async function bigCase(s: TestServer): Promise<{ id: string; itemIds: string[] }> {
  const id = await createCase(s.url, 'Casus automatisch')
  const itemIds: string[] = []
  const writers: TestClient[] = []
  for (let from = 0; from < BIG_CASE_ITEMS; from += ITEMS_PER_WRITER) {
    const c = client(s, id)
    writers.push(c)
    await synced(c)
    for (let i = from; i < Math.min(BIG_CASE_ITEMS, from + ITEMS_PER_WRITER); i++) {
      // The resident's words, written down by a professional: so the resident's cycles below may edit them too.
      itemIds.push(addItem(c.doc, { kind: 'note', text: textOf(i, 0), pos: { x: i, y: 0 }, author: residentWords, recordedBy: author }))
    }
    await serverHas(s, id, (doc) => listItems(doc).length === itemIds.length)
  }
  for (const c of writers.slice(1)) {
    c.destroy()
    open.splice(open.indexOf(c), 1)
  }
  await leave(s, writers[0]!)
  return { id, itemIds }
}

function contentOf(doc: Y.Doc): string {
  return JSON.stringify(listItems(doc).map((i) => [i.id, i.text]).sort())
}

async function snapshotDoc(s: TestServer, id: string, sid: string): Promise<Y.Doc> {
  const res = await fetch(`${s.url}/api/cases/${id}/snapshots/${sid}/state`, { headers: { authorization: `Bearer ${TEST_ORG_KEY}` } })
  expect(res.status).toBe(200)
  const doc = new Y.Doc()
  Y.applyUpdate(doc, new Uint8Array(await res.arrayBuffer()))
  return doc
}

describe.skipIf(onPostgres)(`automatic snapshots${onPostgres ? ' (skipped on PostgreSQL: reads the snapshot rows from the SQLite file; pgStorage.test.ts checks snapshots stored as differences)' : ''}`, () => {
  it('leave one automatic snapshot with the latest state after 22 connect-edit-leave cycles, and keep the meeting snapshot', async () => {
    const dataDir = tempDir()
    let s = await start(dataDir)
    const { id, itemIds } = await bigCase(s)
    const resident = await invite(s.url, id, 'resident')
    const firstAuto = snapshotRows(dataDir, id).find((r) => r.auto)
    expect(firstAuto, 'the first leave after building the case saves an automatic snapshot').toBeDefined()
    const fullSnapshotBytes = firstAuto!.bytes
    await stop(s)
    const bytesBefore = dbFileBytes(dataDir)
    s = await start(dataDir)

    let meeting: { id: string; endedAt: number } | null = null
    let last: TestClient | null = null
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const c = client(s, id, cycle % 2 === 0 ? resident : TEST_ORG_KEY)
      await synced(c)
      const text = textOf(cycle, cycle)
      setItemText(c.doc, itemIds[cycle]!, text)
      await serverHas(s, id, (doc) => listItems(doc).find((i) => i.id === itemIds[cycle])?.text === text)
      if (cycle === CYCLES / 2) {
        // A meeting in the middle: started and ended ('Gesprek afronden' saves its snapshot).
        const started = (await api(s.url, 'POST', `/api/cases/${id}/meetings`, { body: { startedBy: 'Sanne' } })).body
        const ended = (await api(s.url, 'POST', `/api/cases/${id}/meetings/${started.id}/end`, { body: { participants: [{ name: 'Sanne' }] } })).body
        meeting = { id: ended.snapshot.id, endedAt: ended.meeting.endedAt }
      }
      if (cycle === CYCLES) {
        last = c
        break
      }
      await leave(s, c)
    }
    const expected = contentOf(last!.doc)
    await leave(s, last!)

    const list = (await api(s.url, 'GET', `/api/cases/${id}/snapshots`)).body as { id: string; auto: boolean; kind: string }[]
    const autos = list.filter((x) => x.auto)
    console.log(`snapshots after ${CYCLES} cycles: ${autos.length} automatic, ${list.length - autos.length} by people; full snapshot ${fullSnapshotBytes} bytes`)
    expect(autos).toHaveLength(1)
    expect(list.filter((x) => !x.auto).map((x) => [x.id, x.kind])).toEqual([[meeting!.id, 'meeting']])
    // Eleven leaves after the meeting saved automatic snapshots; the last meeting is still the meeting.
    const row = (await api(s.url, 'GET', '/api/review')).body.cases.find((x: { id: string }) => x.id === id)
    expect(new Date(row.lastMeeting).getTime()).toBe(meeting!.endedAt)
    const latest = await snapshotDoc(s, id, autos[0]!.id)
    expect(contentOf(latest)).toBe(expected)
    latest.destroy()

    await stop(s)
    const grown = dbFileBytes(dataDir) - bytesBefore
    console.log(`database grew by ${grown} bytes over ${CYCLES} cycles (one full snapshot per leave would be ${CYCLES * fullSnapshotBytes})`)
    expect(grown).toBeLessThan((CYCLES * fullSnapshotBytes) / 4)
  }, 240_000)

  it('add none when the last participant leaves after a change that was undone', async () => {
    const dataDir = tempDir()
    const s = await start(dataDir)
    const { id, itemIds } = await bigCase(s)
    const before = snapshotRows(dataDir, id)
    expect(before.filter((r) => r.auto)).toHaveLength(1)

    const c = client(s, id)
    await synced(c)
    setItemText(c.doc, itemIds[7]!, 'even iets anders')
    await serverHas(s, id, (doc) => listItems(doc).find((i) => i.id === itemIds[7])?.text === 'even iets anders')
    setItemText(c.doc, itemIds[7]!, textOf(7, 0))
    await serverHas(s, id, (doc) => listItems(doc).find((i) => i.id === itemIds[7])?.text === textOf(7, 0))
    await leave(s, c)

    expect(snapshotRows(dataDir, id).map((r) => [r.id, r.createdAt])).toEqual(before.map((r) => [r.id, r.createdAt]))
  }, 120_000)

  it('stored as differences open, diff and restore exactly as they were saved', async () => {
    const dataDir = tempDir()
    const s = await start(dataDir)
    const { id, itemIds } = await bigCase(s)
    const c = client(s, id)
    await synced(c)
    const first = (await api(s.url, 'POST', `/api/cases/${id}/snapshots`, { body: { label: 'een' } })).body
    const atFirst = stateOf(c.doc)
    setItemText(c.doc, itemIds[3]!, 'gewijzigd na het eerste overleg')
    const extra = addItem(c.doc, { kind: 'wish', text: 'Weer aan het werk', pos: { x: 0, y: 9 }, author })
    await serverHas(s, id, (doc) => listItems(doc).some((i) => i.id === extra))
    const second = (await api(s.url, 'POST', `/api/cases/${id}/snapshots`, { body: { label: 'twee' } })).body
    const atSecond = stateOf(c.doc)

    const rows = snapshotRows(dataDir, id)
    const secondRow = rows.find((r) => r.id === second.id)!
    console.log(`snapshot state stored as ${secondRow.baseId ? 'a difference' : 'a full state'}: ${secondRow.stateBytes} bytes (its base: ${rows.find((r) => r.id === secondRow.baseId)?.stateBytes} bytes)`)
    expect(secondRow.baseId).not.toBeNull()

    for (const [sid, at] of [[first.id, atFirst], [second.id, atSecond]] as const) {
      const doc = await snapshotDoc(s, id, sid)
      expect(stateOf(doc).equals(at)).toBe(true)
      doc.destroy()
    }
    const diff = (await api(s.url, 'GET', `/api/cases/${id}/diff?from=${first.id}&to=${second.id}`)).body.diff
    expect(diff.items.added.map((i: { id: string }) => i.id)).toEqual([extra])
    expect(diff.items.changed.map((i: { id: string }) => i.id)).toEqual([itemIds[3]])

    expect((await api(s.url, 'POST', `/api/cases/${id}/snapshots/${first.id}/restore`)).status).toBe(200)
    await vi.waitFor(() => expect(listItems(c.doc).some((i) => i.id === extra)).toBe(false), { timeout: 20_000 })
    expect(contentOf(c.doc)).toBe(contentOf(docOf(atFirst)))
    expect((await api(s.url, 'POST', `/api/cases/${id}/snapshots/${second.id}/restore`)).status).toBe(200)
    await vi.waitFor(() => expect(listItems(c.doc).some((i) => i.id === extra)).toBe(true), { timeout: 20_000 })
    expect(contentOf(c.doc)).toBe(contentOf(docOf(atSecond)))
  }, 120_000)
})

describe('pruning automatic snapshots by day', () => {
  let storage: SqliteStorage | null = null
  afterEach(async () => {
    await storage?.close()
    storage = null
  })

  it('keeps the last one of each day for 30 days, none older, and every snapshot people saved', async () => {
    storage = openSqliteStorage(tempDir())
    const doc = new Y.Doc()
    initCaseDoc(doc, 'integrale-intake')
    const caseId = newId()
    // 40 days, two automatic snapshots a day (morning and afternoon, Dutch time), a meeting on
    // the first, a middle and the last day. Noon-ish UTC keeps every save on one Dutch date.
    const start = Date.UTC(2026, 0, 5, 0, 0, 0)
    await storage.createCase({ id: caseId, title: 'Casus', template: 'integrale-intake', createdAt: start, updatedAt: start }, Y.encodeStateAsUpdate(doc))
    const meetings: string[] = []
    const savedContent = new Map<string, string>()
    const morningOf = (day: number) => start + day * DAY_MS + 8 * 3600_000
    const afternoonOf = (day: number) => start + day * DAY_MS + 14 * 3600_000
    for (let day = 0; day < 40; day++) {
      addItem(doc, { kind: 'note', text: `dag ${day} ochtend`, pos: { x: day, y: 0 }, author }, morningOf(day))
      const morning = await saveAutoSnapshot(storage, caseId, doc, `auto ${day} ochtend`, morningOf(day))
      expect(morning).not.toBeNull()
      savedContent.set(morning!.id, contentOf(doc))
      if (day === 0 || day === 20 || day === 39) {
        const meeting = await saveSnapshot(storage, caseId, doc, `overleg ${day}`, { name: 'Sanne', role: 'professional' }, false, morningOf(day) + 3600_000)
        meetings.push(meeting.id)
        savedContent.set(meeting.id, contentOf(doc))
      }
      addItem(doc, { kind: 'note', text: `dag ${day} middag`, pos: { x: day, y: 1 }, author }, afternoonOf(day))
      const afternoon = await saveAutoSnapshot(storage, caseId, doc, `auto ${day} middag`, afternoonOf(day))
      expect(afternoon).not.toBeNull()
      savedContent.set(afternoon!.id, contentOf(doc))
    }
    const now = afternoonOf(39)
    await pruneAutoSnapshots(storage, caseId, now)

    const list = await storage.listSnapshots(caseId)
    const autos = list.filter((x) => x.auto)
    console.log(`after 40 days: ${autos.length} automatic snapshots, ${list.length - autos.length} by people`)
    expect(list.filter((x) => !x.auto).map((x) => x.id).sort()).toEqual([...meetings].sort())
    // None older than the keep window; one per day; the one kept is the day's last.
    for (const a of autos) expect(a.createdAt).toBeGreaterThanOrEqual(now - AUTO_SNAPSHOT_KEEP_DAYS * DAY_MS)
    const days = autos.map((a) => todayInNL(new Date(a.createdAt)))
    expect(new Set(days).size).toBe(days.length)
    for (const a of autos) expect(a.createdAt).toBe(afternoonOf(Math.round((a.createdAt - afternoonOf(0)) / DAY_MS)))
    // Every day of the last 30 has its snapshot.
    for (let day = 40 - AUTO_SNAPSHOT_KEEP_DAYS; day < 40; day++) expect(autos.map((a) => a.createdAt)).toContain(afternoonOf(day))
    // Every snapshot kept opens exactly as it was saved, also after the ones it was stored
    // against were pruned.
    for (const s of list) {
      const row = await storage.getSnapshotState(caseId, s.id)
      expect(row).not.toBeNull()
      const d = docOf(row!.state)
      expect(contentOf(d)).toBe(savedContent.get(s.id))
      d.destroy()
    }
    doc.destroy()
  })
})

function docOf(state: Uint8Array): Y.Doc {
  const d = new Y.Doc()
  Y.applyUpdate(d, state)
  return d
}
