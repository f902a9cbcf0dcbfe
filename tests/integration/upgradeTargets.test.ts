/**
 * Malformed WebSocket upgrade requests, sent byte for byte over TCP to the built server running as
 * a child process: each is refused with a 4xx status (or the connection is closed), and the
 * process keeps running and serving. A request target such as `//` or `http://[` used to throw in
 * the upgrade handler and take the whole process down (exit code 1).
 */
import net from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { addItem, listItems } from '../../shared/doc.ts'
import { startChildServer, healthy, type ChildServer } from '../helpers/childServer.ts'
import { connect, createCase, synced, TEST_ORG_KEY, type TestClient } from '../helpers/server.ts'

/** Generous: the machine running the tests may be busy. */
const RESPONSE_TIMEOUT_MS = 15_000
const EXIT_GRACE_MS = 10_000
const VALID_KEY = 'dGhlIHNhbXBsZSBub25jZQ=='
const author = { name: 'P', org: 'W&I', role: 'professional' as const }

let server: ChildServer
let caseId: string
/** Deaths seen (the server is started again so the other cases still say something). */
const deaths: string[] = []

beforeAll(async () => {
  server = await startChildServer()
  caseId = await createCase(server.url)
})
afterEach(async (ctx) => {
  if (server.alive() && (await healthy(server.url))) return
  // A crashing process may still be on its way out: give it time to report its exit code.
  const exit = (await Promise.race([server.exited, new Promise<null>((r) => setTimeout(() => r(null), EXIT_GRACE_MS))])) ?? (await server.kill())
  deaths.push(`${ctx.task.name}: exit code ${exit.code} signal ${exit.signal}\n${server.stderr().slice(-800)}`)
  server = await startChildServer({ dataDir: server.dataDir })
})
afterAll(async () => {
  await server?.kill()
  if (deaths.length) console.log(`upgrade targets that ended the server process:\n${deaths.join('\n')}`)
})

interface RawResponse {
  /** HTTP status of the answer, or null when the server closed without answering. */
  status: number | null
  head: string
}

/** Write one raw HTTP request and read the status line of the answer (or the close). */
function rawRequest(port: number, request: string | Buffer): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    let received = Buffer.alloc(0)
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no answer and no close within ${RESPONSE_TIMEOUT_MS} ms`))
    }, RESPONSE_TIMEOUT_MS)
    const finish = () => {
      clearTimeout(timer)
      const head = received.toString('latin1').split('\r\n\r\n')[0] ?? ''
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(head)
      resolve({ status: m ? Number(m[1]) : null, head })
      socket.destroy()
    }
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk])
      // A 101 keeps the socket open: the head is all we need.
      if (received.includes('\r\n\r\n') && /^HTTP\/1\.[01] 101/.test(received.toString('latin1'))) finish()
    })
    socket.once('end', finish)
    socket.once('close', finish)
    socket.once('error', () => { /* ECONNRESET and the like end in 'close' */ })
    socket.write(request)
  })
}

function upgradeRequest(target: string, headers: Record<string, string | null> = {}): string {
  const all: Record<string, string | null> = {
    Host: `127.0.0.1:${server.port}`,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': VALID_KEY,
    'Sec-WebSocket-Version': '13',
    ...headers,
  }
  const lines = Object.entries(all).filter(([, v]) => v !== null).map(([k, v]) => `${k}: ${v}`)
  return `GET ${target} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`
}

const wsTarget = () => `/ws/${caseId}`

/** An upgrade request with the organisation key, as a script sends it (an Authorization header; never in the URL). */
const withKey = (target: string, headers: Record<string, string | null> = {}) =>
  upgradeRequest(target, { Authorization: `Bearer ${TEST_ORG_KEY}`, ...headers })

const targets: [string, () => string | Buffer][] = [
  ['`//`', () => upgradeRequest('//')],
  ['`http://[`', () => upgradeRequest('http://[')],
  ['`//ws/x`', () => upgradeRequest('//ws/x')],
  ['`///`', () => upgradeRequest('///')],
  ['`//[`', () => upgradeRequest('//[')],
  ['`http://`', () => upgradeRequest('http://')],
  ['`http://[::1]:99999/ws/x`', () => upgradeRequest('http://[::1]:99999/ws/x')],
  ['`/\\\\`', () => upgradeRequest('/\\\\')],
  ['`*`', () => upgradeRequest('*')],
  ['`/ws/%`', () => upgradeRequest('/ws/%')],
  ['`/ws/%E0%A4%A` (broken percent-encoding)', () => upgradeRequest('/ws/%E0%A4%A')],
  ['`/ws/%00`', () => upgradeRequest('/ws/%00')],
  ['`/ws/` (no case id)', () => upgradeRequest('/ws/')],
  ['`/ws/<case>/more`', () => withKey(`/ws/${caseId}/more`)],
  ['`/ws/..%2F..%2Fetc`', () => withKey(`/ws/..%2F..%2Fetc`)],
  ['a case id with an encoded slash', () => withKey(`/ws/${caseId.slice(0, 19)}%2F1`)],
  ['a token with broken percent-encoding', () => upgradeRequest(`/ws/${caseId}?token=%E0%A4%A`)],
  ['raw non-ASCII bytes', () => Buffer.concat([Buffer.from('GET /ws/'), Buffer.from([0xe9, 0xff, 0x80]), Buffer.from(upgradeRequest('').slice(4))])],
  ['an empty target', () => upgradeRequest('')],
  ['a 64 KB target', () => upgradeRequest(`/ws/${'a'.repeat(64 * 1024)}`)],
  ['a 6 KB case id with a valid key', () => withKey(`/ws/${'b'.repeat(6 * 1024)}`)],
  ['absolute form without credentials', () => upgradeRequest(`http://127.0.0.1:${server.port}/ws/${caseId}`)],
  ['absolute form of an unknown case', () => withKey(`http://127.0.0.1:${server.port}/ws/${'c'.repeat(22)}`)],
  ['absolute form with another host and a bad port', () => upgradeRequest(`http://evil.example:0/ws/${caseId}`)],
  ['no Sec-WebSocket-Key', () => withKey(wsTarget(), { 'Sec-WebSocket-Key': null })],
  ['a bad Sec-WebSocket-Key', () => withKey(wsTarget(), { 'Sec-WebSocket-Key': 'not-a-key' })],
  ['no Sec-WebSocket-Version', () => withKey(wsTarget(), { 'Sec-WebSocket-Version': null })],
  ['an unsupported Sec-WebSocket-Version', () => withKey(wsTarget(), { 'Sec-WebSocket-Version': '99' })],
  ['no Host header', () => withKey(wsTarget(), { Host: null })],
  ['an Upgrade header that is not websocket', () => withKey(wsTarget(), { Upgrade: 'h2c' })],
  ['a malformed Origin', () => withKey(wsTarget(), { Origin: 'http://[' })],
  ['an Origin of another site', () => withKey(wsTarget(), { Origin: 'http://evil.example' })],
  ['a malformed Cookie', () => upgradeRequest(`/ws/${caseId}`, { Cookie: 'kt_session=%E0%A4%A; ;;=' })],
  ['a malformed Authorization header', () => upgradeRequest(`/ws/${caseId}`, { Authorization: 'Bearer' })],
  ['a request line without a version', () => `GET /ws/${caseId}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`],
]

describe('a malformed WebSocket upgrade request', () => {
  it.each(targets)('with %s is refused with a 4xx status, and the server keeps running', async (_name, request) => {
    const res = await rawRequest(server.port, request())
    if (res.status !== null) {
      expect(res.status, res.head.split('\r\n')[0]).toBeGreaterThanOrEqual(400)
      expect(res.status, res.head.split('\r\n')[0]).toBeLessThan(500)
    }
    const answers = await healthy(server.url)
    expect(server.alive(), 'the server process exited').toBe(true)
    expect(answers, 'the server stopped answering /healthz').toBe(true)
  })
})

describe('after every malformed upgrade request', () => {
  it('the same server process still serves real clients', async () => {
    const pid = server.child.pid
    for (const [, request] of targets) await rawRequest(server.port, request())
    expect(server.alive(), 'the server process exited').toBe(true)
    expect(server.child.pid).toBe(pid)
    expect(deaths, 'upgrade targets that ended the server process').toEqual([])

    const clients: TestClient[] = []
    try {
      const writer = connect(server, caseId, TEST_ORG_KEY)
      const reader = connect(server, caseId, TEST_ORG_KEY)
      clients.push(writer, reader)
      await Promise.all(clients.map(synced))
      const id = addItem(writer.doc, { kind: 'problem', text: '', pos: { x: 0, y: 0 }, author })
      await expect.poll(() => listItems(reader.doc).map((i) => i.id), { timeout: RESPONSE_TIMEOUT_MS }).toContain(id)
    } finally {
      for (const c of clients) c.destroy()
    }
  })
})
