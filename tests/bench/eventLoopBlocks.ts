/**
 * Event-loop block per message kind: the longest the server's event loop is held by handling one
 * message of each kind — the time nobody else in any case gets an answer. Measured in process on
 * a real server (startServer, SQLite on disk), through its own room manager: a Room gets the
 * frame exactly as the WebSocket layer hands it over, timed with performance.now(); worst of N.
 *
 * "Largest accepted" is found, not assumed: start just under the frame limit and halve until
 * the server takes it, so the figure follows whatever budgets the server has.
 */
import fs from 'node:fs'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import os from 'node:os'
import path from 'node:path'
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import * as encoding from 'lib0/encoding'
import { startServer } from '../../server/app.ts'
import { readSettings } from '../../server/config.ts'
import type { Conn, Room } from '../../server/room.ts'
import { addItem, updateItem } from '../../shared/doc.ts'
import { MAX_WS_MESSAGE_BYTES } from '../../shared/limits.ts'
import { MessageType } from '../../shared/protocol.ts'
import { BENCH_ORG_KEY } from './serverProcess.ts'
import { ms, row } from './stats.ts'

const LARGE_CASE_ITEMS = 5_000
const LARGE_CASE_MOVES_PER_ITEM = 10
const ITEM_TEXT_CHARS = 200
const RUNS_SMALL = 300
/** Small updates into the large case: more than the server's compaction threshold, twice over. */
const RUNS_SMALL_UPDATES = 1_200
const RUNS_LARGE = 10
const RUNS_LARGEST = 3
/** Cards per fill update: keeps each well under the frame limit. */
const FILL_ITEMS_PER_UPDATE = 50
/** Frame overhead above the update itself (message type, sync type, length). */
const FRAME_MARGIN_BYTES = 64
const QUERY_AWARENESS_PEERS = 8
/** Steps of the search for the largest accepted size (precision: the frame limit / 2^steps). */
const BISECTION_STEPS = 5
const MIN_SEARCH_BYTES = 16

const author = { name: 'Bench', org: 'Bench', role: 'professional' as const }

export interface BlockFigure {
  kind: string
  /** Size of the message in bytes (the largest one, for the worst case). */
  bytes: number
  runs: number
  worstMs: number
  medianMs: number
  /** Set when the server refused every size tried. */
  refused?: string
  /** For the largest accepted: the smallest size refused, and why. */
  note?: string
}

export interface BlockFigures {
  rows: BlockFigure[]
  largeCaseStateBytes: number
  /** Longest event-loop delay over the whole series of small updates (compactions included). */
  smallUpdatesLoopDelayMs: number
  /** Rows left in the case's update log after them: fewer than were appended means it compacted. */
  logRowsAfterSmallUpdates: number
}

let nextConnId = 1_000_000

/** A connection as the WebSocket layer would give it: sends are counted, closes recorded. */
function benchConn(): Conn & { closedWith: string | null } {
  return {
    id: nextConnId++,
    canWrite: true,
    role: 'professional',
    bufferedBytes: 0,
    closedWith: null,
    send() {},
    close(code, reason) { this.closedWith = `${code} ${reason}` },
  }
}

function syncMessage(kind: number, payload: Uint8Array): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, MessageType.sync)
  encoding.writeVarUint(enc, kind)
  encoding.writeVarUint8Array(enc, payload)
  return encoding.toUint8Array(enc)
}

function awarenessMessage(clientId: number, state: Record<string, unknown>): Uint8Array {
  const doc = new Y.Doc()
  doc.clientID = clientId
  const aw = new awarenessProtocol.Awareness(doc)
  aw.setLocalState(state)
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, MessageType.awareness)
  encoding.writeVarUint8Array(enc, awarenessProtocol.encodeAwarenessUpdate(aw, [clientId]))
  aw.destroy()
  doc.destroy()
  return encoding.toUint8Array(enc)
}

/** An update adding cards with long texts, about `bytes` long, from a fresh client. */
function bulkUpdate(bytes: number): Uint8Array {
  const doc = new Y.Doc()
  const text = 'x'.repeat(1_900)
  let update: Uint8Array = new Uint8Array()
  doc.on('update', (u: Uint8Array) => { update = u })
  doc.transact(() => {
    for (let i = 0; i < Math.max(1, Math.floor(bytes / 2_100)); i++) {
      addItem(doc, { kind: 'problem', text, pos: { x: i, y: 0 }, author })
    }
  })
  doc.destroy()
  return update
}

interface Timing {
  ms: number
  refused: string | null
}

async function timeReceive(manager: { join(caseId: string, conn: Conn): Promise<Room>; leave(room: Room, conn: Conn): void }, caseId: string, message: Uint8Array, keep = false): Promise<Timing> {
  // Every frame is its own turn of the event loop, as over a socket.
  await new Promise((resolve) => setImmediate(resolve))
  const conn = benchConn()
  const room = await manager.join(caseId, conn)
  const t0 = performance.now()
  let refused: string | null = null
  try {
    room.receive(conn, message)
  } catch (err) {
    refused = (err as Error).message
  }
  const elapsed = performance.now() - t0
  if (!keep) manager.leave(room, conn)
  return { ms: elapsed, refused: refused ?? conn.closedWith }
}

function figure(kind: string, bytes: number, times: number[], refusal?: string): BlockFigure {
  const sorted = [...times].sort((a, b) => a - b)
  return {
    kind, bytes, runs: times.length,
    worstMs: sorted[sorted.length - 1] ?? 0,
    medianMs: sorted[Math.floor(sorted.length / 2)] ?? 0,
    ...(refusal === undefined ? {} : times.length === 0 ? { refused: refusal } : { note: refusal }),
  }
}

/**
 * Find the largest message the server accepts (refused: the handler threw or closed the
 * connection), by bisection from just under the frame limit, then time `runs` of that size.
 */
async function largestAccepted(
  make: (bytes: number) => Uint8Array,
  time: (msg: Uint8Array) => Promise<Timing>,
  runs: number,
): Promise<{ bytes: number; times: number[]; refusal: string | undefined }> {
  let hi = MAX_WS_MESSAGE_BYTES - FRAME_MARGIN_BYTES
  let lo = 0
  let refusal: string | undefined
  const accepted = async (size: number): Promise<boolean> => {
    const msg = make(size)
    const t = await time(msg)
    if (!t.refused) return true
    refusal = `${msg.byteLength.toLocaleString('en')} bytes refused: ${t.refused}`
    return false
  }
  // 1. Halve from the frame limit until a size is accepted; 2. bisect between the two.
  for (let size = hi; size >= MIN_SEARCH_BYTES && lo === 0; size = Math.floor(size / 2)) {
    if (await accepted(size)) lo = size
    else hi = size
  }
  for (let step = 0; step < BISECTION_STEPS && lo > 0 && hi - lo > 1; step++) {
    const size = Math.floor((lo + hi) / 2)
    if (await accepted(size)) lo = size
    else hi = size
  }
  if (lo === 0) return { bytes: 0, times: [], refusal }
  const times: number[] = []
  let bytes = 0
  for (let i = 0; i < runs; i++) {
    const msg = make(lo)
    const t = await time(msg)
    if (t.refused) break
    times.push(t.ms)
    bytes = Math.max(bytes, msg.byteLength)
  }
  return { bytes, times, refusal }
}

/** `env` adds settings (DATABASE_URL: the same on PostgreSQL storage). */
export async function eventLoopBlocks(env: Record<string, string> = {}): Promise<BlockFigures> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-bench-blocks-'))
  const settings = readSettings(
    { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ORG_KEY: BENCH_ORG_KEY, COORDINATOR_KEY: `${BENCH_ORG_KEY}-coordinator`, LOG_LEVEL: 'silent', ...env },
    { clientDir: dataDir },
  )
  const server = await startServer(settings)
  try {
    const create = async () => {
      const res = await fetch(`${server.url}/api/cases`, {
        method: 'POST',
        headers: { authorization: `Bearer ${BENCH_ORG_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Bench', template: 'integrale-intake' }),
      })
      if (res.status !== 201) throw new Error(`creating a case failed: HTTP ${res.status}`)
      return ((await res.json()) as { id: string }).id
    }
    const rooms = server.rooms
    const caseId = await create()
    // A participant who stays: a room whose last connection leaves does its after-meeting work
    // (an automatic snapshot), which is not what a message costs.
    await rooms.join(caseId, benchConn())

    // 1. A large case: many cards with text, each moved a few times, sent in several updates by
    // a client that first got the case as it is (as after its sync).
    const room = await rooms.get(caseId)
    const local = new Y.Doc()
    Y.applyUpdate(local, Y.encodeStateAsUpdate(room.doc))
    const fill: Uint8Array[] = []
    local.on('update', (u: Uint8Array) => fill.push(u))
    const ids: string[] = []
    for (let start = 0; start < LARGE_CASE_ITEMS; start += FILL_ITEMS_PER_UPDATE) {
      local.transact(() => {
        for (let i = start; i < Math.min(LARGE_CASE_ITEMS, start + FILL_ITEMS_PER_UPDATE); i++) {
          const id = addItem(local, { kind: 'problem', text: 'y'.repeat(ITEM_TEXT_CHARS), pos: { x: i, y: 0 }, author })
          ids.push(id)
          for (let m = 1; m <= LARGE_CASE_MOVES_PER_ITEM; m++) updateItem(local, id, { pos: { x: i, y: m } })
        }
      })
    }
    for (const u of fill) {
      const t = await timeReceive(rooms, caseId, syncMessage(syncProtocol.messageYjsUpdate, u))
      if (t.refused) throw new Error(`the large case was refused while filling it: ${t.refused}`)
    }
    const largeCaseStateBytes = Y.encodeStateAsUpdate(room.doc).byteLength
    const rows: BlockFigure[] = []

    // 2. Sync step 1 from a new client (empty state vector): the whole large case is encoded.
    const step1 = syncMessage(syncProtocol.messageYjsSyncStep1, Y.encodeStateVector(new Y.Doc()))
    const step1Times: number[] = []
    for (let i = 0; i < RUNS_LARGE; i++) step1Times.push((await timeReceive(rooms, caseId, step1)).ms)
    rows.push(figure(`sync step 1 against the large case (${(largeCaseStateBytes / 2 ** 20).toFixed(1)} MiB)`, step1.byteLength, step1Times))

    // 3. A typical small update: one card moved. Enough of them to make the server compact the
    // case's log more than once; the event-loop delay over the whole series shows whether
    // anything (a compaction's bookkeeping included) holds the loop outside receive().
    const small: number[] = []
    let smallBytes = 0
    const loopDelay = monitorEventLoopDelay({ resolution: 1 })
    loopDelay.enable()
    for (let i = 0; i < RUNS_SMALL_UPDATES; i++) {
      let u: Uint8Array = new Uint8Array()
      const grab = (x: Uint8Array) => { u = x }
      local.on('update', grab)
      updateItem(local, ids[i % ids.length] as string, { pos: { x: i, y: -1 } })
      local.off('update', grab)
      const msg = syncMessage(syncProtocol.messageYjsUpdate, u)
      smallBytes = Math.max(smallBytes, msg.byteLength)
      small.push((await timeReceive(rooms, caseId, msg)).ms)
    }
    loopDelay.disable()
    rows.push(figure('small update (a card move), large case', smallBytes, small))
    const smallUpdatesLoopDelayMs = loopDelay.max / 1e6
    // Compaction is the storage's job and asynchronous: let it finish, then see that it ran.
    await room.whenSaved()
    const logRowsAfterSmallUpdates = await server.storage.docLog.count(caseId)

    // 4. The largest update the server accepts, as a new client's sync step 2, into a case of its
    // own (so the size budget of the large case does not decide it): bisect between accepted and
    // refused sizes, then time that size.
    const bigCase = await create()
    await rooms.join(bigCase, benchConn())
    const largest = await largestAccepted(
      (bytes) => syncMessage(syncProtocol.messageYjsSyncStep2, bulkUpdate(bytes)),
      (msg) => timeReceive(rooms, bigCase, msg),
      RUNS_LARGEST,
    )
    rows.push(figure('largest accepted update (sync step 2, new case)', largest.bytes, largest.times, largest.refusal))

    // 5. Awareness: a typical presence update, and the largest accepted.
    const aw: number[] = []
    let awBytes = 0
    for (let i = 0; i < RUNS_SMALL; i++) {
      const msg = awarenessMessage(10_000 + i, { user: { name: `Deelnemer ${i}`, color: '#3366cc' }, cursor: { x: i, y: i }, selection: [ids[0]] })
      awBytes = Math.max(awBytes, msg.byteLength)
      aw.push((await timeReceive(rooms, caseId, msg)).ms)
    }
    rows.push(figure('awareness update (name, cursor, selection)', awBytes, aw))

    let awClient = 20_000
    const awLargest = await largestAccepted(
      (bytes) => awarenessMessage(awClient++, { user: { name: 'x'.repeat(bytes) } }),
      (msg) => timeReceive(rooms, caseId, msg),
      RUNS_LARGE,
    )
    rows.push(figure('largest accepted awareness update', awLargest.bytes, awLargest.times, awLargest.refusal))

    // 6. Query awareness with a room full of participants.
    for (let i = 0; i < QUERY_AWARENESS_PEERS; i++) {
      await timeReceive(rooms, caseId, awarenessMessage(30_000 + i, { user: { name: `Deelnemer ${i}`, color: '#3366cc' } }), true)
    }
    const query = new Uint8Array([MessageType.queryAwareness])
    const q: number[] = []
    for (let i = 0; i < RUNS_SMALL; i++) q.push((await timeReceive(rooms, caseId, query)).ms)
    rows.push(figure(`query awareness (${QUERY_AWARENESS_PEERS} participants present)`, query.byteLength, q))

    return { rows, largeCaseStateBytes, smallUpdatesLoopDelayMs, logRowsAfterSmallUpdates }
  } finally {
    await server.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

export function printBlocks(f: BlockFigures): void {
  console.log(`\nEvent-loop block per message kind (our server in process, time inside Room.receive; worst and median of N):`)
  const widths = [58, 10, 6, 10, 10]
  console.log(row(['', 'bytes', 'N', 'worst', 'median'], widths))
  for (const r of f.rows) {
    if (r.refused !== undefined) console.log(row([r.kind, '—', '0', 'refused', `(${r.refused})`], widths))
    else console.log(row([r.kind, r.bytes.toLocaleString('en'), String(r.runs), ms(r.worstMs), ms(r.medianMs)], widths))
  }
  for (const r of f.rows) if (r.refused === undefined && r.note) console.log(`  ${r.kind}: ${r.note}`)
  printCompactionDelay(f, 'SQLite')
}

/** The longest event-loop delay while small updates make the server compact the large case. */
export function printCompactionDelay(f: BlockFigures, storage: string): void {
  const compacted = f.logRowsAfterSmallUpdates < RUNS_SMALL_UPDATES ? `compacted: ${f.logRowsAfterSmallUpdates} log rows left` : 'NOT compacted'
  console.log(`  Longest event-loop delay over the ${RUNS_SMALL_UPDATES.toLocaleString('en')} small updates into the large case, ${storage} (${compacted}): ${ms(f.smallUpdatesLoopDelayMs)}`)
}
