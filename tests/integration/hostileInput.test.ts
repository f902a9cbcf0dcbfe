/**
 * The hostile-input suite: the built server, as a child process, takes at least 10,000 random,
 * malformed, mutated and schema-invalid y-websocket frames from many connections in several cases
 * (organisation key, resident invite, coordinator invite), interleaved with honest edits, while
 * a control client in another case keeps adding items and a second control client must see every
 * one of them. Asserted: the process never exits and keeps answering /healthz; every control edit
 * arrives and no control client (nor the observer in each attacked case) is disconnected; forged
 * presence replaces nobody's; honest edits get through; then, after a clean stop and a start on the
 * same data folder, every stored case validates against the shared entity schemas, holds no write
 * made through a coordinator's invite, and its case and snapshot API answer 200. Counts are printed.
 *
 * The run is seeded: the seed is printed, and `FUZZ_SEED=<n>` replays it (as far as the
 * interleaving of the connections allows). `FUZZ_FRAMES` changes the number of frames.
 */
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import WebSocket from 'ws'
import { afterAll, describe, expect, it } from 'vitest'
import { addItem, listItems } from '../../shared/doc.ts'
import { validateDocument } from '../../shared/entities/index.ts'
import { MessageType, SCHEMA_VERSION_PARAM } from '../../shared/protocol.ts'
import { SCHEMA_VERSION, type Author } from '../../shared/schema.ts'
import { healthy, processCpuMs, startChildServer, type ChildExit, type ChildServer } from '../helpers/childServer.ts'
import {
  awarenessRateFlood, createRng, GENERATORS, pickGenerator, remember, syncStep1Frame, syncUpdateFrame, type FuzzContext, type Rng,
} from '../helpers/fuzzFrames.ts'
import { api, connect, createCase, invite, synced, TEST_ORG_KEY, wsCredential, type TestClient } from '../helpers/server.ts'

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 32))
/** The issue asks for at least 10,000 frames. */
const FRAMES_TO_SEND = Number(process.env.FUZZ_FRAMES ?? 10_000)
/**
 * The sending stops here even if fewer frames went out (the count assertion then says so), so the
 * fuzzing stays under two minutes. Measured on a shared 2-core machine: 12–31 s.
 */
const SEND_PHASE_LIMIT_MS = 110_000
const TARGET_CASES = 3
/** The control writer adds one item this often while the fuzzer runs. */
const CONTROL_EDIT_INTERVAL_MS = 100
/** A fuzz connection sends this many frames at most before it waits for the server to catch up. */
const MAX_BURST_FRAMES = 12
/** Oversized frames cost 2 MB each: a few prove the point. */
const MAX_OVERSIZED_FRAMES = 8
/** Share of connections that open with a presence flood over the rate budget (~140 frames each). */
const RATE_FLOOD_CONNECTION_CHANCE = 0.01
/** Generous waits: the machine may be busy. */
const REPLY_TIMEOUT_MS = 20_000
const UPGRADE_RETRY_MAX_MS = 1_000
const ARRIVAL_TIMEOUT_MS = 60_000
const FUZZ_TEST_TIMEOUT_MS = SEND_PHASE_LIMIT_MS + 4 * ARRIVAL_TIMEOUT_MS
const RESTART_TEST_TIMEOUT_MS = 180_000

/** Honest items added through a coordinator's invite carry this id prefix: none may be stored. */
const COORDINATOR_ITEM_PREFIX = 'coordinatorwrite'
const HONEST_ITEM_PREFIX = 'honest'
const OBSERVER_NAME = 'observer'
/** Counted with the generated frames: the answer to the server's sync step 1 on every connect. */
const SYNC_STEP2_ANSWER = 'sync step 2 (answer on connect)'

interface Credential {
  label: string
  token: string
  author: Author
  itemIdPrefix: string
}

interface TargetCase {
  id: string
  credentials: Credential[]
  /** A real y-websocket client that stays connected: counts the updates the server relays. */
  observer: TestClient
  /** Awareness client ids of current participants, for forgeries. */
  awarenessIds: Set<number>
  recentUpdates: Uint8Array[]
}

class Counter<K> extends Map<K, number> {
  add(k: K, n = 1): void {
    this.set(k, (this.get(k) ?? 0) + n)
  }
  total(): number {
    let t = 0
    for (const v of this.values()) t += v
    return t
  }
}

const stats = {
  framesByGenerator: new Counter<string>(),
  closesByCode: new Counter<number>(),
  refusedUpgrades: new Counter<string>(),
  generatorErrors: new Counter<string>(),
  connections: new Counter<string>(),
  replyTimeouts: 0,
  acceptedUpdates: 0,
  controlSent: 0,
  controlReceived: 0,
  maxControlDelayMs: 0,
  honestItemsStored: 0,
  fuzzMs: 0,
  serverLogs: new Counter<string>(),
  firstExit: null as ChildExit | null,
  firstStderr: '',
  makeMs: new Counter<string>(),
  serverCpuMs: null as number | null,
  testCpuMs: 0,
}

let server: ChildServer | null = null
const clients: TestClient[] = []
let targets: TargetCase[] = []
let controlCaseId = ''
let controlItemIds: string[] = []

afterAll(async () => {
  for (const c of clients) c.destroy()
  await server?.kill()
  printReport()
})

describe('the server under a flood of hostile frames', () => {
  it("never exits, and the control client's edits in another case keep arriving", async () => {
    console.log(`hostile-input fuzzer: seed ${SEED} (replay with FUZZ_SEED=${SEED})`)
    server = await startChildServer({ onStdoutLine: countLogLine })
    const url = server.url

    // 1. Cases, credentials and the clients that stay connected.
    for (let i = 0; i < TARGET_CASES; i++) {
      const id = await createCase(url)
      const resident = await invite(url, id, 'resident')
      const coordinator = await invite(url, id, 'coordinator')
      const observer = track(connect(server, id, TEST_ORG_KEY))
      observer.provider.awareness.setLocalStateField('user', { name: OBSERVER_NAME, org: '', role: 'professional', color: '#3b8b3b' })
      observer.doc.on('update', (_u: Uint8Array, origin: unknown) => { if (origin === observer.provider) stats.acceptedUpdates++ })
      targets.push({
        id, observer,
        awarenessIds: new Set([observer.doc.clientID]),
        recentUpdates: [],
        credentials: [
          { label: 'org key', token: TEST_ORG_KEY, author: { name: 'P', org: 'W&I', role: 'professional' }, itemIdPrefix: `${HONEST_ITEM_PREFIX}org` },
          { label: 'org key', token: TEST_ORG_KEY, author: { name: 'Q', org: 'Zorg', role: 'professional' }, itemIdPrefix: `${HONEST_ITEM_PREFIX}org` },
          { label: 'resident invite', token: resident, author: { name: 'R', org: '', role: 'resident' }, itemIdPrefix: `${HONEST_ITEM_PREFIX}res` },
          { label: 'coordinator invite', token: coordinator, author: { name: 'C', org: '', role: 'coordinator' }, itemIdPrefix: COORDINATOR_ITEM_PREFIX },
        ],
      })
    }
    controlCaseId = await createCase(url)
    const writer = track(connect(server, controlCaseId, TEST_ORG_KEY))
    const reader = track(connect(server, controlCaseId, TEST_ORG_KEY))
    await Promise.all([writer, reader, ...targets.map((t) => t.observer)].map(synced))
    // The server must know each observer's presence before anyone tries to forge it.
    for (const t of targets) await expect.poll(() => presenceName(url, t.id, t.observer.doc.clientID), { timeout: REPLY_TIMEOUT_MS }).toBe(OBSERVER_NAME)

    // 2. The control: one item every CONTROL_EDIT_INTERVAL_MS; the reader notes when each arrives.
    const sentAt = new Map<string, number>()
    reader.doc.getMap('items').observe((e) => {
      for (const [key, change] of e.changes.keys) {
        const at = sentAt.get(key)
        if (change.action !== 'add' || at === undefined) continue
        stats.controlReceived++
        stats.maxControlDelayMs = Math.max(stats.maxControlDelayMs, Date.now() - at)
      }
    })
    const controlAuthor: Author = { name: 'P', org: 'W&I', role: 'professional' }
    const control = setInterval(() => {
      const id = addItem(writer.doc, { kind: 'note', text: `controle ${stats.controlSent}`, pos: { x: stats.controlSent, y: 0 }, author: controlAuthor })
      sentAt.set(id, Date.now())
      controlItemIds.push(id)
      stats.controlSent++
    }, CONTROL_EDIT_INTERVAL_MS)

    // 3. The fuzzer: every credential of every target case is one connection, reopened when closed.
    const started = Date.now()
    const done = () => stats.framesByGenerator.total() >= FRAMES_TO_SEND || Date.now() - started > SEND_PHASE_LIMIT_MS
    try {
      await Promise.all(targets.flatMap((t) => t.credentials.map((cred, i) => fuzzConnection(url, t, cred, createRng(SEED + 7919 * (targets.indexOf(t) * 16 + i + 1)), done))))
    } finally {
      clearInterval(control)
      stats.fuzzMs = Date.now() - started
      stats.serverCpuMs = processCpuMs(server.child.pid)
      stats.testCpuMs = Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000)
    }

    // 4. Every frame was sent to a process that is still running and serving.
    expect(stats.framesByGenerator.total()).toBeGreaterThanOrEqual(FRAMES_TO_SEND)
    for (const g of GENERATORS) expect(stats.framesByGenerator.get(g.name) ?? 0, `frames from '${g.name}'`).toBeGreaterThan(0)
    expect(server.alive(), `the server process exited:\n${server.stderr().slice(-2000)}`).toBe(true)
    expect(await healthy(url)).toBe(true)

    // 5. Every control edit arrived, and the control clients were never disconnected.
    await expect.poll(() => missing(controlItemIds, reader.doc).length, { timeout: ARRIVAL_TIMEOUT_MS }).toBe(0)
    expect(stats.controlSent).toBeGreaterThan(0)
    expect(writer.closes).toEqual([])
    expect(reader.closes).toEqual([])

    // 6. Forged presence did not replace anyone's, and honest edits were accepted and relayed.
    for (const t of targets) {
      expect(t.observer.closes).toEqual([])
      expect(await presenceName(url, t.id, t.observer.doc.clientID)).toBe(OBSERVER_NAME)
    }
    expect(stats.acceptedUpdates).toBeGreaterThan(0)
  }, FUZZ_TEST_TIMEOUT_MS)

  it('stores nothing invalid: after a restart every case validates against the shared schemas', async () => {
    expect(server, 'the fuzzing test did not start the server').not.toBeNull()
    const first = server as ChildServer
    for (const c of clients.splice(0)) c.destroy()

    // 1. A clean stop, then a start on the same data folder.
    stats.firstExit = await first.stop()
    stats.firstStderr = first.stderr()
    expect(stats.firstExit, first.stderr().slice(-2000)).toEqual({ code: 0, signal: null })
    server = await startChildServer({ dataDir: first.dataDir, onStdoutLine: countLogLine })
    const url = server.url

    // 2. Every case loads, validates, and answers through the API.
    let control: TestClient | null = null
    for (const caseId of [...targets.map((t) => t.id), controlCaseId]) {
      const c = track(connect(server, caseId, TEST_ORG_KEY))
      if (caseId === controlCaseId) control = c
      await synced(c)
      expect(validateDocument(c.doc), caseId === controlCaseId ? 'the control case' : `target case ${targets.findIndex((t) => t.id === caseId) + 1}`).toEqual([])
      const ids = [...c.doc.getMap('items').keys()]
      expect(ids.filter((id) => id.startsWith(COORDINATOR_ITEM_PREFIX)), 'items written through a coordinator invite').toEqual([])
      stats.honestItemsStored += ids.filter((id) => id.startsWith(HONEST_ITEM_PREFIX)).length
      expect((await api(url, 'GET', `/api/cases/${caseId}`)).status).toBe(200)
      expect((await api(url, 'GET', `/api/cases/${caseId}/snapshots`)).status).toBe(200)
    }
    expect(missing(controlItemIds, (control as TestClient | null)!.doc)).toEqual([])
    expect(stats.honestItemsStored).toBeGreaterThan(0)
  }, RESTART_TEST_TIMEOUT_MS)
})

function track(c: TestClient): TestClient {
  clients.push(c)
  return c
}

function missing(ids: string[], doc: Y.Doc): string[] {
  const have = new Set(listItems(doc).map((i) => i.id))
  return ids.filter((id) => !have.has(id))
}

// ---------- one fuzzing connection ----------

/**
 * Open a raw connection with `cred`, send bursts of generated frames, and after each burst wait
 * for the server to answer a sync step 1 (so the server is never buried under unread frames).
 * When the server closes the connection, open a new one; until `done()`.
 */
async function fuzzConnection(url: string, target: TargetCase, cred: Credential, rng: Rng, done: () => boolean): Promise<void> {
  // Like a y-websocket client, the connection keeps its copy of the case across reconnects.
  const mirror = new Y.Doc()
  let refusedInARow = 0
  try {
    while (!done()) {
      if (await fuzzOneSocket(url, target, cred, rng, mirror, done)) refusedInARow = 0
      // A refused upgrade (e.g. a rate limit) is retried after a growing pause, not in a hot loop.
      else await new Promise((r) => setTimeout(r, Math.min(UPGRADE_RETRY_MAX_MS, 25 * 2 ** refusedInARow++)))
    }
  } finally {
    mirror.destroy()
  }
}

/** One connection's life; false when the upgrade was refused. */
async function fuzzOneSocket(url: string, target: TargetCase, cred: Credential, rng: Rng, mirror: Y.Doc, done: () => boolean): Promise<boolean> {
  let sock: FuzzSocket
  try {
    sock = await FuzzSocket.open(url, target, cred, rng, mirror)
  } catch (err) {
    stats.refusedUpgrades.add((err as Error).message)
    return false
  }
  stats.connections.add(cred.label)
  const isCoordinator = cred.itemIdPrefix === COORDINATOR_ITEM_PREFIX
  const ctx: FuzzContext = {
    rng,
    mirror: sock.mirror,
    awareness: sock.awareness,
    othersAwarenessIds: () => [...target.awarenessIds].filter((id) => id !== sock.awareness.clientID),
    // A coordinator's writes are dropped; they must not reach other connections' material.
    recentUpdates: isCoordinator ? [] : target.recentUpdates,
    itemIdPrefix: cred.itemIdPrefix,
    author: cred.author,
  }
  try {
    if (!(await sock.roundTrip())) return true
    // Now and then a connection opens with a presence flood over any rate budget.
    if (rng.chance(RATE_FLOOD_CONNECTION_CHANCE)) {
      for (const f of awarenessRateFlood.make(ctx)) {
        if (!sock.isOpen()) break
        sock.ws.send(f)
        stats.framesByGenerator.add(awarenessRateFlood.name)
      }
    }
    while (sock.isOpen() && !done()) {
      const burst = 1 + rng.int(MAX_BURST_FRAMES)
      for (let i = 0; i < burst && sock.isOpen() && !done(); i++) {
        const g = pickGenerator(rng)
        if (g.name === 'oversized frame' && (stats.framesByGenerator.get(g.name) ?? 0) >= MAX_OVERSIZED_FRAMES) continue
        let frames
        const t0 = performance.now()
        try {
          frames = g.make(ctx)
        } catch (err) {
          stats.generatorErrors.add(`${g.name}: ${(err as Error).message}`)
          continue
        } finally {
          stats.makeMs.add(g.name, performance.now() - t0)
        }
        for (const f of frames) {
          if (!sock.isOpen()) break
          sock.ws.send(f)
          stats.framesByGenerator.add(g.name)
        }
      }
      if (!(await sock.roundTrip())) break
    }
  } finally {
    sock.end()
  }
  return true
}

/** A raw WebSocket with the case mirrored from what the server sends. */
class FuzzSocket {
  readonly awareness = new awarenessProtocol.Awareness(new Y.Doc())
  private waiting: ((ok: boolean) => void)[] = []
  private ending = false

  private constructor(readonly ws: WebSocket, private target: TargetCase, private rng: Rng, readonly mirror: Y.Doc) {
    target.awarenessIds.add(this.awareness.clientID)
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) this.receive(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    })
    ws.on('close', (code: number) => {
      if (!this.ending) stats.closesByCode.add(code)
      this.release(false)
    })
    ws.on('error', () => { /* followed by 'close' */ })
  }

  static open(url: string, target: TargetCase, cred: Credential, rng: Rng, mirror: Y.Doc): Promise<FuzzSocket> {
    const { params, headers } = wsCredential(cred.token)
    const query = new URLSearchParams({ ...params, [SCHEMA_VERSION_PARAM]: String(SCHEMA_VERSION) })
    const ws = new WebSocket(`${url.replace('http', 'ws')}/ws/${target.id}?${query}`, { headers })
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new FuzzSocket(ws, target, rng, mirror)))
      ws.once('unexpected-response', (_req, res) => {
        res.resume()
        reject(new Error(`HTTP ${res.statusCode}`))
      })
      ws.once('error', (err) => reject(new Error(`error ${(err as NodeJS.ErrnoException).code ?? err.message}`)))
    })
  }

  isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN
  }

  /** Ask for the server's state (sync step 1) and wait for its answer; false when closed meanwhile. */
  roundTrip(): Promise<boolean> {
    if (!this.isOpen()) return Promise.resolve(false)
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        stats.replyTimeouts++
        this.waiting = this.waiting.filter((w) => w !== settle)
        resolve(false)
      }, REPLY_TIMEOUT_MS)
      const settle = (ok: boolean) => {
        clearTimeout(timer)
        resolve(ok)
      }
      this.waiting.push(settle)
      this.ws.send(syncStep1Frame(this.mirror))
    })
  }

  /** Drop the connection; one the server is closing is left to finish, so its close code counts. */
  end(): void {
    this.target.awarenessIds.delete(this.awareness.clientID)
    this.awareness.destroy()
    this.release(false)
    if (this.ws.readyState === WebSocket.CLOSING) return
    this.ending = true
    this.ws.terminate()
  }

  private release(ok: boolean): void {
    for (const w of this.waiting.splice(0)) w(ok)
  }

  private receive(data: Uint8Array): void {
    try {
      const dec = decoding.createDecoder(data)
      if (decoding.readVarUint(dec) !== MessageType.sync) return
      const syncType = decoding.readVarUint(dec)
      const payload = decoding.readVarUint8Array(dec)
      if (syncType === syncProtocol.messageYjsSyncStep1) {
        // The server's greeting: answer with what it lacks, as y-websocket does (an honest frame).
        if (this.isOpen()) {
          this.ws.send(syncUpdateFrame(Y.encodeStateAsUpdate(this.mirror, payload), syncProtocol.messageYjsSyncStep2))
          stats.framesByGenerator.add(SYNC_STEP2_ANSWER)
        }
        return
      }
      const update = payload
      Y.applyUpdate(this.mirror, update, 'remote')
      if (syncType === syncProtocol.messageYjsUpdate) remember({ recentUpdates: this.target.recentUpdates, rng: this.rng }, update)
      if (syncType === syncProtocol.messageYjsSyncStep2) this.release(true)
    } catch {
      // What the server relays is not ours to judge here; the final validation is.
    }
  }
}

// ---------- presence, as the server holds it ----------

/**
 * The user name the server holds in awareness for `clientId` in a case, asked on a fresh
 * connection: the name, or '(absent)' / '(no name)' / '(no answer)'.
 */
async function presenceName(url: string, caseId: string, clientId: number): Promise<string> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/ws/${caseId}?${SCHEMA_VERSION_PARAM}=${SCHEMA_VERSION}`, { headers: { authorization: `Bearer ${TEST_ORG_KEY}` } })
  try {
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => resolve('(no answer)'), REPLY_TIMEOUT_MS)
      ws.once('error', reject)
      ws.once('open', () => ws.send(new Uint8Array([MessageType.queryAwareness])))
      ws.on('message', (data: Buffer) => {
        try {
          const dec = decoding.createDecoder(new Uint8Array(data))
          if (decoding.readVarUint(dec) !== MessageType.awareness) return
          const update = decoding.createDecoder(decoding.readVarUint8Array(dec))
          let found = '(absent)'
          for (let i = 0, n = decoding.readVarUint(update); i < n; i++) {
            const id = decoding.readVarUint(update)
            decoding.readVarUint(update)
            const state = JSON.parse(decoding.readVarString(update)) as { user?: { name?: unknown } } | null
            if (id === clientId) found = typeof state?.user?.name === 'string' ? state.user.name : '(no name)'
          }
          // The greeting on connect may come before our query's answer; the answer says it all.
          if (found !== '(absent)' || ++answers === 2) {
            clearTimeout(timer)
            resolve(found)
          }
        } catch { /* not an awareness message */ }
      })
      let answers = 0
    })
  } finally {
    ws.terminate()
  }
}

// ---------- the report ----------

function countLogLine(line: string): void {
  try {
    const entry = JSON.parse(line) as { level?: number; msg?: string; code?: number }
    if ((entry.level ?? 0) >= 40) stats.serverLogs.add(`${entry.level === 40 ? 'warn' : entry.level === 50 ? 'error' : `level ${entry.level}`}: ${entry.msg ?? ''}${entry.code ? ` (${entry.code})` : ''}`)
  } catch {
    // The start banner (URL, data folder) is plain text.
  }
}

function honestFrames(): number {
  const honest = new Set([SYNC_STEP2_ANSWER, ...GENERATORS.filter((g) => g.honest).map((g) => g.name)])
  return [...stats.framesByGenerator].filter(([name]) => honest.has(name)).reduce((s, [, n]) => s + n, 0)
}

function printReport(): void {
  const rows = (m: Map<unknown, number>) => [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => `    ${String(v).padStart(7)}  ${String(k)}`).join('\n') || '    (none)'
  const lines = [
    `hostile-input fuzzer report (seed ${SEED}, replay with FUZZ_SEED=${SEED})`,
    `  frames sent: ${stats.framesByGenerator.total()} in ${(stats.fuzzMs / 1000).toFixed(1)} s over ${stats.connections.total()} connections to ${targets.length} cases`,
    `  connections per credential:\n${rows(stats.connections)}`,
    `  CPU used by the server process ${stats.serverCpuMs ?? '?'} ms, by the test process ${stats.testCpuMs} ms (whole run so far)`,
    `  frames per generator (${honestFrames()} honest, ${stats.framesByGenerator.total() - honestFrames()} hostile):\n${rows(stats.framesByGenerator)}`,
    `  connections closed by the server, per close code:\n${rows(stats.closesByCode)}`,
    `  upgrades refused:\n${rows(stats.refusedUpgrades)}`,
    `  waits for a sync answer that timed out: ${stats.replyTimeouts}`,
    `  updates the server accepted and relayed (seen by the observers): ${stats.acceptedUpdates}`,
    `  honest fuzz items stored after the restart: ${stats.honestItemsStored}`,
    `  control edits sent ${stats.controlSent}, received ${stats.controlReceived}, longest delay ${stats.maxControlDelayMs} ms`,
    `  first server process ended with ${JSON.stringify(stats.firstExit)}`,
    `  server log lines (warn and above), per message:\n${rows(stats.serverLogs)}`,
    `  generator errors:\n${rows(stats.generatorErrors)}`,
    `  ms spent making frames, per generator:\n${rows(new Map([...stats.makeMs].map(([k, v]) => [k, Math.round(v)])))}`,
    `  stderr of the fuzzed server process (tail):\n${(stats.firstStderr || server?.stderr() || '').slice(-2000) || '    (empty)'}`,
  ]
  console.log(lines.join('\n'))
}
