/**
 * A load generator: a child process holding N cases × M real y-websocket clients
 * (WebsocketProvider over `ws`) against one server, the same for ours and the reference.
 *
 * Fan-out latency is measured in this one process (one performance.now() clock): every write is
 * remembered by its writer's client id and the clock its document reached with it; a client that
 * receives a remote transaction moving that writer's clock past it has observed the write. This
 * holds for card moves and typing alike, whatever the server batches.
 *
 * Steps: 1. connect every case (its first client first; for the reference it fills the empty
 * room with the template), 2. each client adds its own card and waits to see all cards, 3. on
 * 'go': fan-out (warm-up, measured window, drain) or burst (as fast as the sockets take it).
 */
import { performance } from 'node:perf_hooks'
import * as Y from 'yjs'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import { addItem, initCaseDoc, parts, setItemText, updateItem } from '../../shared/doc.ts'
import { SCHEMA_VERSION } from '../../shared/schema.ts'
import { distribution } from './stats.ts'
import type { BurstResult, ChildMessage, FanoutResult, LoadConfig, ParentMessage } from './loadProtocol.ts'

/** Cases connected at the same time during set-up (thousands of simultaneous upgrades only measure the accept queue). */
const CONNECT_CASES_IN_PARALLEL = 10
const SETUP_TIMEOUT_MS = 120_000
/** Burst writers pause while this much is still queued on their socket. */
const BURST_MAX_BUFFERED_BYTES = 1024 * 1024
const BURST_WRITES_PER_TURN = 100
/** Of every this many writes, one is a typed character, the others move the card. */
const TYPE_EVERY_N_WRITES = 3
const BURST_TYPE_EVERY_N_WRITES = 10

const author = { name: 'Bench', org: 'Bench', role: 'professional' as const }

interface Write {
  t: number
  measured: boolean
  seen: number
}

interface Client {
  doc: Y.Doc
  provider: WebsocketProvider
  card: string
  writes: number
}

interface Case {
  clients: Client[]
}

// Every provider registers a process 'exit' listener; thousands of them are expected here.
process.setMaxListeners(0)

let config: LoadConfig
const cases: Case[] = []
/** Writes in flight, by writer client id, then by the writer's clock after the write. */
const writesByClient = new Map<number, Map<number, Write>>()
const samples: number[] = []
let pendingMeasured = 0
let measuring = false
let closes = 0
let onObserved: (() => void) | null = null

function send(m: ChildMessage): void {
  process.send?.(m)
}

function nextMessage(): Promise<ParentMessage> {
  return new Promise((resolve) => process.once('message', (m: ParentMessage) => resolve(m)))
}

/** `ws` sending the Authorization header with the upgrade (y-websocket constructs it with url and protocols). */
function withHeaders(headers: Record<string, string>): typeof WebSocket {
  return class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) { super(url, protocols, { headers }) }
  } as typeof WebSocket
}

function connect(caseId: string, index: number): Client {
  const doc = new Y.Doc()
  const params: Record<string, string> = { schema: String(SCHEMA_VERSION) }
  if (index === 0 && config.seedTemplate) initCaseDoc(doc, config.seedTemplate)
  // Clients of one case spread over the instances given (one, unless the bench runs several).
  const bases = Array.isArray(config.wsBase) ? config.wsBase : [config.wsBase]
  const provider = new WebsocketProvider(bases[index % bases.length] as string, caseId, doc, {
    // The key goes in the Authorization header: the server refuses keys in a URL.
    WebSocketPolyfill: (config.token ? withHeaders({ authorization: `Bearer ${config.token}` }) : WebSocket) as unknown as typeof globalThis.WebSocket,
    params,
    disableBc: true,
  })
  provider.awareness.setLocalState({ user: { name: `Bench ${index}`, color: '#888888' } })
  provider.on('connection-close', (ev: { code: number } | null) => { if (ev) closes++ })
  doc.on('afterTransaction', observe)
  return { doc, provider, card: '', writes: 0 }
}

/** Credit every remembered write that this remote transaction brought in. */
function observe(tr: Y.Transaction): void {
  if (tr.local) return
  const now = performance.now()
  for (const [clientId, after] of tr.afterState) {
    const before = tr.beforeState.get(clientId) ?? 0
    if (after <= before) continue
    const writes = writesByClient.get(clientId)
    if (!writes) continue
    for (let clock = before + 1; clock <= after; clock++) {
      const w = writes.get(clock)
      if (!w) continue
      w.seen++
      if (w.measured) samples.push(now - w.t)
      if (w.seen === config.clientsPerCase - 1) {
        writes.delete(clock)
        if (w.measured) pendingMeasured--
      }
    }
  }
  onObserved?.()
}

function whenSynced(c: Client): Promise<void> {
  if (c.provider.synced) return Promise.resolve()
  return new Promise((resolve) => {
    const on = (s: boolean) => {
      if (!s) return
      c.provider.off('sync', on)
      resolve()
    }
    c.provider.on('sync', on)
  })
}

function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs
    const check = () => {
      if (condition()) return resolve()
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`))
      setTimeout(check, 20)
    }
    check()
  })
}

async function setUpCase(caseId: string): Promise<Case> {
  // 1. The first client alone, so that for the reference its template is in the room before the others join.
  const first = connect(caseId, 0)
  await whenSynced(first)
  const clients = [first]
  for (let i = 1; i < config.clientsPerCase; i++) clients.push(connect(caseId, i))
  await Promise.all(clients.map(whenSynced))
  // 2. One card per client, seen by all.
  for (const c of clients) c.card = addItem(c.doc, { kind: 'problem', text: '', pos: { x: 0, y: 0 }, author })
  await until(() => clients.every((c) => parts(c.doc).items.size >= clients.length), SETUP_TIMEOUT_MS, 'every card on every client')
  return { clients }
}

/** One realistic edit: mostly a card move (a drag), now and then a typed character. */
function write(c: Client, typeEvery: number, track: 'measured' | 'warm-up' | 'untracked'): void {
  const t = performance.now()
  const k = c.writes++
  if (k % typeEvery === typeEvery - 1) {
    const text = parts(c.doc).items.get(c.card)?.get('text')
    setItemText(c.doc, c.card, `${String(text ?? '')}${String.fromCharCode(97 + (k % 26))}`)
  } else {
    updateItem(c.doc, c.card, { pos: { x: k % 1000, y: Math.floor(k / 1000) } })
  }
  if (track === 'untracked') return
  let writes = writesByClient.get(c.doc.clientID)
  if (!writes) writesByClient.set(c.doc.clientID, (writes = new Map()))
  writes.set(Y.getState(c.doc.store, c.doc.clientID), { t, measured: track === 'measured', seen: 0 })
  if (track === 'measured') pendingMeasured++
}

async function fanout(): Promise<FanoutResult> {
  const intervalMs = 1000 / config.writesPerSecond
  const timers: NodeJS.Timeout[] = []
  let writes = 0
  for (const cs of cases) {
    for (const c of cs.clients) {
      // A random phase, so that clients do not all write in the same millisecond.
      timers.push(setTimeout(() => {
        const tick = () => {
          write(c, TYPE_EVERY_N_WRITES, measuring ? 'measured' : 'warm-up')
          if (measuring) writes++
        }
        tick()
        timers.push(setInterval(tick, intervalMs))
      }, Math.random() * intervalMs))
    }
  }
  await new Promise((r) => setTimeout(r, config.warmupMs))

  send({ type: 'window-start' })
  const cpu0 = process.cpuUsage()
  const elu0 = performance.eventLoopUtilization()
  const t0 = performance.now()
  measuring = true
  await new Promise((r) => setTimeout(r, config.windowMs))
  measuring = false
  const cpu = process.cpuUsage(cpu0)
  const elu = performance.eventLoopUtilization(elu0)
  const windowMs = performance.now() - t0
  send({ type: 'window-end' })
  for (const t of timers) clearTimeout(t)

  // Wait for the stragglers; what is still missing then counts at the time waited.
  await until(() => pendingMeasured === 0, config.drainTimeoutMs, 'stragglers').catch(() => {})
  let missed = 0
  const now = performance.now()
  for (const byClock of writesByClient.values()) {
    for (const w of byClock.values()) {
      if (!w.measured) continue
      const missing = config.clientsPerCase - 1 - w.seen
      missed += missing
      for (let i = 0; i < missing; i++) samples.push(now - w.t)
    }
  }
  return {
    latency: distribution(samples),
    writes,
    missed,
    closes,
    loadCpuCores: (cpu.user + cpu.system) / 1000 / windowMs,
    loadElu: elu.utilization,
  }
}

async function burst(): Promise<BurstResult> {
  // In every case the first client observes, the others write.
  const writerCount = cases.reduce((n, cs) => n + cs.clients.length - 1, 0)
  if (writerCount === 0) throw new Error('burst needs writers')
  const perWriter = Math.ceil(config.burstUpdates / writerCount)
  const finalClock = new Map<Client, Map<number, number>>(cases.map((cs) => [cs.clients[0] as Client, new Map()]))
  const arrived = () => {
    for (const cs of cases) {
      const observer = cs.clients[0] as Client
      const finals = finalClock.get(observer) as Map<number, number>
      if (finals.size < cs.clients.length - 1) return false
      for (const [id, clock] of finals) if (Y.getState(observer.doc.store, id) < clock) return false
    }
    return true
  }
  const t0 = performance.now()
  const cpu0 = process.cpuUsage()
  const complete = new Promise<void>((resolve) => {
    onObserved = () => {
      if (!arrived()) return
      onObserved = null
      resolve()
    }
  })
  await Promise.all(cases.flatMap((cs) => cs.clients.slice(1).map(async (c) => {
    const ws = () => c.provider.ws as unknown as { bufferedAmount: number } | null
    for (let i = 0; i < perWriter; i++) {
      write(c, BURST_TYPE_EVERY_N_WRITES, 'untracked')
      if (i % BURST_WRITES_PER_TURN === BURST_WRITES_PER_TURN - 1) {
        do await new Promise((r) => setImmediate(r))
        while ((ws()?.bufferedAmount ?? 0) > BURST_MAX_BUFFERED_BYTES)
      }
    }
    finalClock.get(cs.clients[0] as Client)?.set(c.doc.clientID, Y.getState(c.doc.store, c.doc.clientID))
  })))
  onObserved?.()
  let timer: NodeJS.Timeout | undefined
  await Promise.race([
    complete,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('burst did not arrive in time')), config.burstTimeoutMs) }),
  ])
  clearTimeout(timer)
  const cpu = process.cpuUsage(cpu0)
  return { updates: perWriter * writerCount, wallMs: performance.now() - t0, closes, loadCpuSeconds: (cpu.user + cpu.system) / 1e6 }
}

async function main(): Promise<void> {
  const first = await nextMessage()
  if (first.type !== 'config') throw new Error('expected the config first')
  config = first.config
  const ids = [...config.caseIds]
  const workers = Array.from({ length: CONNECT_CASES_IN_PARALLEL }, async () => {
    for (let id = ids.shift(); id !== undefined; id = ids.shift()) cases.push(await setUpCase(id))
  })
  await Promise.all(workers)
  writesByClient.clear()
  send({ type: 'ready' })
  if ((await nextMessage()).type !== 'go') return
  if (config.mode === 'fanout') send({ type: 'fanout-result', result: await fanout() })
  else send({ type: 'burst-end', result: await burst() })
  await nextMessage() // 'stop'
  for (const cs of cases) for (const c of cs.clients) c.provider.destroy()
  process.exit(0)
}

main().catch((err: unknown) => {
  send({ type: 'error', message: String(err) })
  process.exit(1)
})
