/**
 * Several instances of one installation (issue 9): two servers relayed through a real
 * redis-server, on a real PostgreSQL (a database per test, one shared KEY_DIR) and on one SQLite
 * data directory (WAL). Clients on different instances converge on edits, concurrent typing and
 * awareness; restore, erasure and ending a credential reach the other instance; with Redis gone
 * each instance keeps serving its own clients, says so on /healthz and /metrics, and both
 * converge once Redis is back; an instance killed with kill -9 loses nothing its clients had.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import { addItem, listItems, parts } from '../../shared/doc.ts'
import { CloseCode } from '../../shared/closeCodes.ts'
import { SCHEMA_VERSION } from '../../shared/schema.ts'
import { hashToken } from '../../server/auth/secrets.ts'
import { rebuildCase } from '../../server/loadCase.ts'
import type { RoomManagerOptions } from '../../server/rooms.ts'
import {
  api, connect, createCase, invite, startTestServer, stateOf, synced, tempDir, TEST_ORG_KEY, withHeaders, type TestClient, type TestServer,
} from '../helpers/server.ts'
import { addAccount, session } from '../helpers/accounts.ts'
import { startChildServer, type ChildServer } from '../helpers/childServer.ts'
import { startRedis, type TestRedis } from '../helpers/redis.ts'
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts'

const WAIT = { timeout: 30_000, interval: 25 }
const author = { name: 'P', org: 'Wijkteam', role: 'professional' as const }
/** Several instances share one master key (REDIS_URL requires it set). */
const MASTER_KEY = 'a'.repeat(64)

let redis: TestRedis
const servers: TestServer[] = []
const children: ChildServer[] = []
const open: TestClient[] = []

beforeAll(async () => {
  redis = await startRedis()
})
afterAll(async () => {
  await redis?.stop()
  await (await postgres)?.stop()
})
afterEach(async () => {
  for (const c of open.splice(0)) c.destroy()
  for (const s of servers.splice(0)) await s.stop()
  for (const c of children.splice(0)) await c.kill()
  await redis.start()
})

function client(s: { url: string }, caseId: string, token: string = TEST_ORG_KEY): TestClient {
  const c = connect(s, caseId, token)
  open.push(c)
  return c
}

async function health(s: { url: string }): Promise<{ status: number; body: { ok?: boolean; relay?: string } }> {
  const r = await fetch(`${s.url}/healthz`)
  return { status: r.status, body: await r.json() as { ok?: boolean; relay?: string } }
}

function relayIs(s: { url: string }, state: 'ok' | 'down'): Promise<void> {
  return vi.waitFor(async () => {
    const h = await health(s)
    expect(h.status).toBe(200)
    expect(h.body.relay).toBe(state)
  }, WAIT)
}

async function metricsOf(s: { url: string }): Promise<string> {
  const r = await fetch(`${s.url}/metrics`)
  expect(r.status).toBe(200)
  return r.text()
}

function goal(doc: Y.Doc): Y.Text {
  return parts(doc).plan.get('goal') as Y.Text
}

function converged(...clients: TestClient[]): Promise<void> {
  return vi.waitFor(() => {
    const first = stateOf((clients[0] as TestClient).doc)
    for (const c of clients.slice(1)) expect(stateOf(c.doc).equals(first)).toBe(true)
  }, WAIT)
}

/** What the case's storage holds now, as a document. */
async function stored(s: TestServer, caseId: string): Promise<Y.Doc> {
  const loaded = await rebuildCase(await s.storage.docLog.load(caseId), s.storage, caseId)
  return loaded.doc
}

async function allSaved(caseId: string, ...instances: TestServer[]): Promise<void> {
  for (const s of instances) await (await s.rooms.peek(caseId))?.whenSaved()
}

function itemTexts(doc: Y.Doc): string[] {
  return listItems(doc).map((i) => i.text).sort()
}

/** One PostgreSQL for the file, started when the first test needs it. */
let postgres: Promise<TestPostgres> | null = null
let databases = 0

/**
 * Where the instances store: each backend gives the data directories and settings of a fresh
 * installation. SQLite: one data directory (WAL; KEY_DIR inside it) for all instances.
 * PostgreSQL: a database of its own, a data directory per instance and one shared KEY_DIR.
 */
interface Backend {
  name: string
  installation(): Promise<{ dataDirs: [string, string, string]; env: Record<string, string> }>
}
const backends: Backend[] = [
  {
    name: 'SQLite, one shared data directory',
    async installation() {
      const dir = tempDir('kt-multi-')
      return { dataDirs: [dir, dir, dir], env: {} }
    },
  },
  {
    name: 'PostgreSQL, one shared KEY_DIR',
    async installation() {
      postgres ??= startPostgres()
      const url = await (await postgres).createDatabase(`kt_multi_${process.pid}_${++databases}`)
      return {
        dataDirs: [tempDir('kt-multi-a-'), tempDir('kt-multi-b-'), tempDir('kt-multi-c-')],
        env: { DATABASE_URL: url, KEY_DIR: tempDir('kt-multi-keys-') },
      }
    },
  },
]

for (const backend of backends) {
  // Two servers, Redis and real clients per test: generous on a busy machine.
  describe(`two instances (${backend.name}) relayed through Redis`, { timeout: 90_000 }, () => {
    /** Two in-process instances of one installation, relayed through the test's Redis. */
    async function twoInstances(rooms?: RoomManagerOptions): Promise<[TestServer, TestServer]> {
      const { dataDirs, env: storageEnv } = await backend.installation()
      const env = { REDIS_URL: redis.url, MASTER_KEY, ...storageEnv }
      const a = await startTestServer({ dataDir: dataDirs[0], env, rooms })
      servers.push(a)
      const b = await startTestServer({ dataDir: dataDirs[1], env, rooms })
      servers.push(b)
      await Promise.all([relayIs(a, 'ok'), relayIs(b, 'ok')])
      return [a, b]
    }

    describe('editing, restore, erasure, credentials, Redis down', () => {
      it('clients on different instances converge on edits, concurrent typing and awareness; each update is stored', async () => {
        const [a, b] = await twoInstances()
        const id = await createCase(a.url)
        const ca = client(a, id)
        const cb = client(b, id)
        await Promise.all([synced(ca), synced(cb)])

        for (let i = 0; i < 10; i++) {
          addItem(ca.doc, { kind: 'problem', text: `a${i}`, pos: { x: i, y: 0 }, author })
          addItem(cb.doc, { kind: 'problem', text: `b${i}`, pos: { x: i, y: 1 }, author })
        }
        // Concurrent typing in one Y.Text, from both sides, interleaved over several turns.
        for (let i = 0; i < 20; i++) {
          goal(ca.doc).insert(goal(ca.doc).length, 'a')
          goal(cb.doc).insert(0, 'b')
          await new Promise((r) => setImmediate(r))
        }
        await converged(ca, cb)
        expect(listItems(ca.doc)).toHaveLength(20)
        expect(await metricsOf(b)).toMatch(/^kt_relay_lag_seconds_count [1-9]\d*$/m)
        expect(goal(cb.doc).toString().replace(/[^a]/g, '')).toHaveLength(20)
        expect(goal(cb.doc).toString().replace(/[^b]/g, '')).toHaveLength(20)

        // Awareness: a name set on one instance shows on the other, and goes when that client leaves.
        ca.provider.awareness.setLocalStateField('user', { name: 'Sanne', org: 'Wijkteam', role: 'professional', color: '#d1495b' })
        await vi.waitFor(() => expect(cb.provider.awareness.getStates().get(ca.doc.clientID)?.user?.name).toBe('Sanne'), WAIT)
        const caId = ca.doc.clientID
        ca.provider.destroy()
        await vi.waitFor(() => expect(cb.provider.awareness.getStates().has(caId)).toBe(false), WAIT)

        // Every update is stored (by the instance that accepted it): the stored case is what the clients have.
        await allSaved(id, a, b)
        const s = await stored(b, id)
        expect(itemTexts(s)).toEqual(itemTexts(cb.doc))
        expect(goal(s).toString()).toBe(goal(cb.doc).toString())
        s.destroy()
      })

      it('a client that opens the case later on the other instance gets everything, also what is not committed yet', async () => {
        const [a, b] = await twoInstances()
        const id = await createCase(a.url)
        const ca = client(a, id)
        await synced(ca)
        for (let i = 0; i < 30; i++) addItem(ca.doc, { kind: 'note', text: `n${i}`, pos: { x: i, y: 0 }, author })
        const cb = client(b, id)
        await synced(cb)
        await converged(ca, cb)
        expect(listItems(cb.doc)).toHaveLength(30)
      })

      it('a restore on one instance updates the clients on the other', async () => {
        const [a, b] = await twoInstances()
        const id = await createCase(a.url)
        // The case is open on both instances: the restore reaches the other one as a published update.
        const ca = client(a, id)
        const cb = client(b, id)
        await Promise.all([synced(ca), synced(cb)])
        addItem(cb.doc, { kind: 'problem', text: 'voor', pos: { x: 0, y: 0 }, author })
        await vi.waitFor(() => expect(itemTexts(cb.doc)).toEqual(['voor']), WAIT)
        await allSaved(id, b)
        const snap = await api<{ id: string }>(b.url, 'POST', `/api/cases/${id}/snapshots`, { body: { label: 'voor' } })
        expect(snap.status).toBe(201)
        addItem(cb.doc, { kind: 'problem', text: 'na', pos: { x: 1, y: 0 }, author })
        await allSaved(id, b)
        await vi.waitFor(() => expect(itemTexts(ca.doc)).toEqual(['na', 'voor']), WAIT)

        const r = await api(a.url, 'POST', `/api/cases/${id}/snapshots/${snap.body.id}/restore`)
        expect(r.status).toBe(200)
        await vi.waitFor(() => expect(itemTexts(cb.doc)).toEqual(['voor']), WAIT)
        await converged(ca, cb)
      })

      it('erasing a case on one instance closes its sockets on the other', async () => {
        const [a, b] = await twoInstances()
        const id = await createCase(a.url)
        const cb = client(b, id)
        await synced(cb)
        expect((await api(a.url, 'DELETE', `/api/cases/${id}`)).status).toBe(204)
        await vi.waitFor(() => expect(cb.closes.map((c) => c.code)).toContain(CloseCode.CaseErased), WAIT)
        expect(await b.rooms.peek(id)).toBeNull()
      })

      it('an erasure reaches an instance that only held the case key in memory, also when Redis was down at the time', async () => {
        const [a, b] = await twoInstances()
        const keysOf = (s: TestServer) => (s.storage as unknown as { keys: { get(id: string): Buffer | null } }).keys
        const cached = await createCase(a.url)
        const open = await createCase(a.url)
        const late = await createCase(a.url)
        // b reads the first and third case over HTTP (their titles are sealed: b now holds their keys)
        // and has the second one open for a client.
        for (const id of [cached, late]) expect((await api(b.url, 'GET', `/api/cases/${id}`)).status).toBe(200)
        const cb = client(b, open)
        await synced(cb)

        expect((await api(a.url, 'DELETE', `/api/cases/${cached}`)).status).toBe(204)
        await vi.waitFor(() => expect(keysOf(b).get(cached)).toBeNull(), WAIT)

        // Erased while Redis is down: b cannot hear of it, and catches up once Redis is back.
        await redis.stop()
        await Promise.all([relayIs(a, 'down'), relayIs(b, 'down')])
        for (const id of [open, late]) expect((await api(a.url, 'DELETE', `/api/cases/${id}`)).status).toBe(204)
        expect(keysOf(b).get(late)).not.toBeNull()
        await redis.start()
        await Promise.all([relayIs(a, 'ok'), relayIs(b, 'ok')])
        await vi.waitFor(() => expect(keysOf(b).get(late)).toBeNull(), WAIT)
        await vi.waitFor(() => expect(cb.closes.map((c) => c.code)).toContain(CloseCode.CaseErased), WAIT)
        expect(await b.rooms.peek(open)).toBeNull()
      })

      // Both may save one at the same moment; the pruning after each save keeps the last of the day.
      it('cases that leave memory on both instances at once keep one automatic snapshot each', async () => {
        const [a, b] = await twoInstances({ evictAfterMs: 300 })
        const ids: string[] = []
        const clients: TestClient[] = []
        for (let i = 0; i < 8; i++) {
          const id = await createCase(a.url)
          ids.push(id)
          const ca = client(a, id)
          const cb = client(b, id)
          await Promise.all([synced(ca), synced(cb)])
          // Both instances take an edit from their own client.
          addItem(ca.doc, { kind: 'problem', text: 'hier', pos: { x: 0, y: 0 }, author })
          addItem(cb.doc, { kind: 'problem', text: 'daar', pos: { x: 1, y: 0 }, author })
          await converged(ca, cb)
          await allSaved(id, a, b)
          clients.push(ca, cb)
        }
        // The last participants leave on both instances at the same moment.
        for (const c of clients) c.destroy()
        await vi.waitFor(async () => {
          for (const id of ids) {
            expect(await a.rooms.peek(id)).toBeNull()
            expect(await b.rooms.peek(id)).toBeNull()
          }
        }, WAIT)
        for (const id of ids) {
          const list = (await api<{ auto: boolean }[]>(a.url, 'GET', `/api/cases/${id}/snapshots`)).body
          expect(list.filter((s) => s.auto)).toHaveLength(1)
        }
      })

      it('revoking an invite and signing out on one instance close the sockets on the other within a second', async () => {
        const [a, b] = await twoInstances()
        const id = await createCase(a.url, 'Casus', 'integrale-intake', a.teamId)
        const token = await invite(a.url, id, 'resident')
        const resident = client(b, id, token)
        await synced(resident)
        const record = await a.storage.findInvite(hashToken(token))
        let at = Date.now()
        expect((await api(a.url, 'DELETE', `/api/cases/${id}/invites/${record?.id}`)).status).toBe(204)
        await vi.waitFor(() => expect(resident.closes[0]).toMatchObject({ code: CloseCode.Unauthorized, reason: 'the invitation was revoked' }), WAIT)
        const revokedAfter = Date.now() - at

        const account = await addAccount(a)
        const cookie = await session(a, account)
        const ws = new (withHeaders({ cookie, origin: b.url }))(`${b.url.replace('http', 'ws')}/ws/${id}?schema=${SCHEMA_VERSION}`)
        const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
        await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject) })
        at = Date.now()
        const out = await fetch(`${a.url}/api/logout`, { method: 'POST', headers: { cookie, origin: a.url, 'content-type': 'application/json' }, body: '{}' })
        expect(out.status).toBe(204)
        expect(await closed).toBe(CloseCode.Unauthorized)
        expect(ws.readyState).toBe(WebSocket.CLOSED)
        expect(revokedAfter).toBeLessThan(1000)
        expect(Date.now() - at).toBeLessThan(1000)
      })

      it('with Redis down each instance serves its own clients and says so; once it is back both converge, nothing lost or doubled', async () => {
        const [a, b] = await twoInstances()
        const id = await createCase(a.url)
        const ca = client(a, id)
        const ca2 = client(a, id)
        const cb = client(b, id)
        await Promise.all([synced(ca), synced(ca2), synced(cb)])
        addItem(ca.doc, { kind: 'problem', text: 'a-voor', pos: { x: 0, y: 0 }, author })
        await converged(ca, ca2, cb)

        await redis.stop()
        await Promise.all([relayIs(a, 'down'), relayIs(b, 'down')])
        for (const s of [a, b]) expect(await metricsOf(s)).toMatch(/^kt_relay_up 0$/m)
        for (let i = 0; i < 5; i++) {
          addItem(ca.doc, { kind: 'problem', text: `a${i}`, pos: { x: i, y: 1 }, author })
          addItem(cb.doc, { kind: 'problem', text: `b${i}`, pos: { x: i, y: 2 }, author })
        }
        goal(ca.doc).insert(0, 'tijdens')
        // Each instance keeps serving its own clients.
        await converged(ca, ca2)
        expect(itemTexts(ca2.doc)).toEqual(['a-voor', 'a0', 'a1', 'a2', 'a3', 'a4'])

        await redis.start()
        await Promise.all([relayIs(a, 'ok'), relayIs(b, 'ok')])
        for (const s of [a, b]) expect(await metricsOf(s)).toMatch(/^kt_relay_up 1$/m)
        await converged(ca, ca2, cb)
        const expected = ['a-voor', ...[0, 1, 2, 3, 4].flatMap((i) => [`a${i}`, `b${i}`])].sort()
        expect(itemTexts(cb.doc)).toEqual(expected)
        expect(goal(cb.doc).toString()).toBe('tijdens')
        // Editing goes on across instances as before.
        addItem(cb.doc, { kind: 'problem', text: 'b-na', pos: { x: 9, y: 9 }, author })
        await vi.waitFor(() => expect(itemTexts(ca2.doc)).toContain('b-na'), WAIT)
      })
    })

    describe('kill -9 of one instance', () => {
      it('loses nothing its clients had: they reconnect to the other instance and converge, and it is stored', async () => {
        const { dataDirs, env: storageEnv } = await backend.installation()
        const env = { REDIS_URL: redis.url, MASTER_KEY, ...storageEnv }
        const a = await startChildServer({ dataDir: dataDirs[0], env })
        children.push(a)
        const b = await startChildServer({ dataDir: dataDirs[1], env })
        children.push(b)
        await Promise.all([relayIs(a, 'ok'), relayIs(b, 'ok')])
        const id = await createCase(a.url)
        const ca = client(a, id)
        const cb = client(b, id)
        await Promise.all([synced(ca), synced(cb)])

        // Both type; the first instance is killed in the middle of it.
        let n = 0
        const typing = (async () => {
          for (; n < 60; n++) {
            addItem(ca.doc, { kind: 'note', text: `a${n}`, pos: { x: n, y: 0 }, author })
            addItem(cb.doc, { kind: 'note', text: `b${n}`, pos: { x: n, y: 1 }, author })
            if (n === 30) await a.kill()
            await new Promise((r) => setTimeout(r, 5))
          }
        })()
        await typing
        // Its client reconnects to the other instance (no sticky sessions), with the document it has.
        ca.provider.destroy()
        const moved = new WebsocketProvider(b.url.replace('http', 'ws') + '/ws', id, ca.doc, {
          WebSocketPolyfill: withHeaders({ authorization: `Bearer ${TEST_ORG_KEY}` }) as unknown as typeof globalThis.WebSocket,
          params: { schema: String(SCHEMA_VERSION) }, disableBc: true, maxBackoffTime: 200,
        })
        try {
          await converged(ca, cb)
          expect(listItems(cb.doc)).toHaveLength(120)
          // Stored: a third instance started afterwards on the same data gives a new client everything.
          await b.stop()
          const c = await startChildServer({ dataDir: dataDirs[2], env })
          children.push(c)
          const fresh = client(c, id)
          await synced(fresh)
          expect(itemTexts(fresh.doc)).toEqual(itemTexts(cb.doc))
        } finally {
          moved.destroy()
        }
      }, 120_000)
    })
  })
}
