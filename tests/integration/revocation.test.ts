/**
 * Ending a credential ends its open sockets: logout, revoking an invite and an invite's expiry
 * close the matching WebSockets (4401) within a second, and only those. Invites are listed
 * (never with their token) and revoked by the case's professionals. Invite links use PUBLIC_URL,
 * or else only a local Host.
 *
 * Real server, real y-websocket clients (and raw `ws` sockets for the cookie), no fixed waits.
 */
import http from 'node:http'
import { afterAll, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { CloseCode } from '../../shared/closeCodes.ts'
import { SCHEMA_VERSION } from '../../shared/schema.ts'
import { hashToken, newToken } from '../../server/auth/secrets.ts'
import { openSqliteStorage } from '../../server/storage/sqlite.ts'
import { downgradeDatabase, storageWithCase } from '../helpers/db.ts'
import {
  api, createCase, invite, startTestServer, synced, tempDir, TEST_ORG_KEY, upgradeStatus, useServer, type TestClient, type TestServer,
} from '../helpers/server.ts'
import { addAccount, session } from '../helpers/accounts.ts'
import { onPostgres } from '../helpers/postgres.ts'

const COORDINATOR_KEY = 'test-coordinator-key-0123456789'
const fixture = useServer({ env: { COORDINATOR_KEY } })
const spare: TestServer[] = []
afterAll(async () => {
  await Promise.all(spare.map((s) => s.stop()))
})

/** Within a second, with room for the scheduler of a loaded 2-core test machine. */
const WITHIN_MS = 1000
const WAIT = { timeout: 20_000, interval: 20 }

const wsUrl = (base: string, caseId: string, token?: string) =>
  `${base.replace('http', 'ws')}/ws/${caseId}?schema=${SCHEMA_VERSION}${token ? `&token=${encodeURIComponent(token)}` : ''}`

/** A signed-in professional of the test team: the session cookie. */
async function login(): Promise<string> {
  return await session(fixture.server, await addAccount(fixture.server))
}

interface Watched {
  ws: WebSocket
  closed: { code: number; reason: string; at: number } | null
}

/** A raw socket with a session cookie (browsers send the cookie; y-websocket's Node client cannot). */
async function cookieSocket(base: string, caseId: string, cookie: string): Promise<Watched> {
  const ws = new WebSocket(wsUrl(base, caseId), { headers: { cookie, origin: base } })
  const w: Watched = { ws, closed: null }
  ws.on('close', (code, reason) => { w.closed = { code, reason: reason.toString(), at: Date.now() } })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  return w
}

/** When a y-websocket client saw its first close (Date.now()), with code and reason. */
function watchClose(c: TestClient): { closed: { code: number; reason: string; at: number } | null } {
  const w: { closed: { code: number; reason: string; at: number } | null } = { closed: null }
  c.provider.on('connection-close', (ev: CloseEvent | null) => {
    if (ev && !w.closed) w.closed = { code: ev.code, reason: ev.reason, at: Date.now() }
  })
  return w
}

function listInvites(base: string, caseId: string, auth: string = TEST_ORG_KEY) {
  return api<any[]>(base, 'GET', `/api/cases/${caseId}/invites`, { auth })
}

function revoke(base: string, caseId: string, inviteId: string, auth: string = TEST_ORG_KEY) {
  return api(base, 'DELETE', `/api/cases/${caseId}/invites/${inviteId}`, { auth })
}

async function inviteId(base: string, caseId: string, token: string): Promise<string> {
  const created = await listInvites(base, caseId)
  // The listing has no token: find the new one through storage, by the token's hash.
  const record = await fixture.server.storage.findInvite(hashToken(token))
  expect(record).not.toBeNull()
  expect(created.body.map((i) => i.id)).toContain(record?.id)
  return record?.id as string
}

describe('logout', () => {
  it("closes the session's open sockets within a second, leaves other sessions' open, and refuses a new connect", async () => {
    const base = fixture.server.url
    const id = await createCase(base, 'Casus', 'integrale-intake', fixture.server.teamId)
    const cookie = await login()
    const otherCookie = await login()
    const mine = await cookieSocket(base, id, cookie)
    const mine2 = await cookieSocket(base, id, cookie)
    const other = await cookieSocket(base, id, otherCookie)

    const at = Date.now()
    // The browser's request: the cookie, from the server's own origin (cross-site protection).
    const out = await fetch(`${base}/api/logout`, { method: 'POST', headers: { cookie, origin: base, 'content-type': 'application/json' }, body: '{}' })
    expect(out.status).toBe(204)
    await vi.waitFor(() => {
      expect(mine.closed).not.toBeNull()
      expect(mine2.closed).not.toBeNull()
    }, WAIT)
    for (const w of [mine, mine2]) {
      expect(w.closed?.code).toBe(CloseCode.Unauthorized)
      expect(w.closed?.reason).toBe('signed out')
      expect((w.closed?.at ?? Infinity) - at).toBeLessThan(WITHIN_MS)
    }
    expect(other.closed).toBeNull()
    expect(other.ws.readyState).toBe(WebSocket.OPEN)

    expect(await upgradeStatus(wsUrl(base, id), { cookie, origin: base })).toBe(401)
    expect((await api(base, 'GET', '/api/me', { auth: null, cookie })).status).toBe(401)
    other.ws.close()
  })
})

describe('revoking an invite', () => {
  it("closes the invitee's sockets within a second, only theirs, and the token stops working", async () => {
    const base = fixture.server.url
    const id = await createCase(base)
    const token = await invite(base, id, 'resident')
    const otherToken = await invite(base, id, 'resident')
    const resident = fixture.client(id, token)
    const neighbour = fixture.client(id, otherToken)
    const watch = watchClose(resident)
    await Promise.all([synced(resident), synced(neighbour)])
    const rid = await inviteId(base, id, token)

    const at = Date.now()
    expect((await revoke(base, id, rid)).status).toBe(204)
    await vi.waitFor(() => expect(watch.closed).not.toBeNull(), WAIT)
    expect(watch.closed).toMatchObject({ code: CloseCode.Unauthorized, reason: 'the invitation was revoked' })
    expect((watch.closed?.at ?? Infinity) - at).toBeLessThan(WITHIN_MS)
    expect(neighbour.provider.wsconnected).toBe(true)

    expect((await api(base, 'GET', `/api/cases/${id}`, { auth: token })).status).toBe(401)
    expect(await upgradeStatus(wsUrl(base, id, token))).toBe(401)
    expect((await api(base, 'GET', `/api/cases/${id}`, { auth: otherToken })).status).toBe(200)
    // Revoking again changes nothing; the listing says it was revoked.
    expect((await revoke(base, id, rid)).status).toBe(204)
    const listed = (await listInvites(base, id)).body.find((i) => i.id === rid)
    expect(listed).toMatchObject({ status: 'revoked', role: 'resident' })
    expect(Date.parse(listed.revokedAt)).toBeGreaterThanOrEqual(at - 1000)
  })
})

describe('an invite that expires while connected', () => {
  it('is closed within a second of its expiry, not before', async () => {
    const base = fixture.server.url
    const id = await createCase(base)
    // 0.001 h = 3.6 s: long enough to connect, short enough to wait for.
    const created = await api(base, 'POST', `/api/cases/${id}/invites`, { body: { role: 'resident', expiresInHours: 0.001 } })
    expect(created.status).toBe(201)
    const expiresAt = Date.parse(created.body.expiresAt)
    const resident = fixture.client(id, created.body.token)
    const watch = watchClose(resident)
    await synced(resident)
    expect(watch.closed).toBeNull()

    await vi.waitFor(() => expect(watch.closed).not.toBeNull(), WAIT)
    expect(watch.closed).toMatchObject({ code: CloseCode.Unauthorized, reason: 'the invitation has expired' })
    const lag = (watch.closed?.at ?? Infinity) - expiresAt
    expect(lag).toBeGreaterThanOrEqual(-50)
    expect(lag).toBeLessThan(WITHIN_MS)
    const listed = (await listInvites(base, id)).body.find((i) => i.expiresAt === created.body.expiresAt)
    expect(listed).toMatchObject({ status: 'expired', revokedAt: null })
  })
})

describe('listing invites', () => {
  it('shows role, times, creator and status, never the token or its hash', async () => {
    const base = fixture.server.url
    const id = await createCase(base)
    const token = await invite(base, id, 'resident', 24)
    const proToken = await invite(base, id, 'professional')
    const r = await listInvites(base, id)
    expect(r.status).toBe(200)
    expect(r.body).toHaveLength(2)
    for (const i of r.body) {
      expect(Object.keys(i).sort()).toEqual(['byYou', 'createdAt', 'createdBy', 'expiresAt', 'id', 'revokedAt', 'role', 'status'])
      expect(i).toMatchObject({ status: 'active', revokedAt: null, byYou: true, createdBy: 'service:org-key' })
      expect(i.id).toMatch(/^[0-9a-f]{32}$/)
    }
    const text = JSON.stringify(r.body)
    for (const t of [token, proToken]) {
      expect(text).not.toContain(t)
      expect(text).not.toContain(hashToken(t))
      expect(text).not.toContain(hashToken(t).slice(0, 10))
    }
    // An invited professional of the case sees them too; it did not create them.
    const asPro = await listInvites(base, id, proToken)
    expect(asPro.status).toBe(200)
    expect(asPro.body.every((i) => i.byYou === false)).toBe(true)
  })
})

describe('who may list and revoke', () => {
  it('professionals of the case; read-only roles of the case get 403, anyone else 404', async () => {
    const base = fixture.server.url
    const id = await createCase(base)
    const otherCase = await createCase(base)
    const target = await invite(base, id, 'resident')
    const tid = await inviteId(base, id, target)
    const resident = await invite(base, id, 'resident')
    const coordinator = await invite(base, id, 'coordinator')
    const professional = await invite(base, id, 'professional')
    const outsider = await invite(base, otherCase, 'professional')

    for (const auth of [resident, coordinator, COORDINATOR_KEY]) {
      expect((await listInvites(base, id, auth)).status).toBe(403)
      expect((await revoke(base, id, tid, auth)).status).toBe(403)
    }
    expect((await listInvites(base, id, outsider)).status).toBe(404)
    expect((await revoke(base, id, tid, outsider)).status).toBe(404)
    expect((await api(base, 'GET', `/api/cases/${id}`, { auth: target })).status).toBe(200)

    // Unknown invite, malformed id, and an invite of another case through this one: 404.
    const elsewhere = await inviteId(base, otherCase, outsider)
    for (const bad of ['0'.repeat(32), 'not-an-id', elsewhere]) {
      const r = await revoke(base, id, bad)
      expect(r.status).toBe(404)
      expect(r.body).toMatchObject({ error: 'not_found' })
    }
    expect((await api(base, 'GET', `/api/cases/${otherCase}`, { auth: outsider })).status).toBe(200)

    // The invited professional of the case may revoke.
    expect((await revoke(base, id, tid, professional)).status).toBe(204)
    expect((await api(base, 'GET', `/api/cases/${id}`, { auth: target })).status).toBe(401)
    expect((await revoke(base, id, tid, undefined)).status).toBe(204)
    expect((await api(base, 'DELETE', `/api/cases/${id}/invites/${tid}`, { auth: null })).status).toBe(401)
  })
})

/** POST an invite with a chosen Host header (fetch does not let us set it). */
function inviteWithHost(base: string, caseId: string, host: string): Promise<{ status: number; body: any }> {
  const body = JSON.stringify({ role: 'resident' })
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}/api/cases/${caseId}/invites`, {
      method: 'POST', agent: false,
      headers: { host, authorization: `Bearer ${TEST_ORG_KEY}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => { text += c })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

describe('invite links', () => {
  it('use only a local Host without PUBLIC_URL', async () => {
    const base = fixture.server.url
    const port = new URL(base).port
    const id = await createCase(base)
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      const r = await inviteWithHost(base, id, host)
      expect(r.status).toBe(201)
      expect(r.body.url).toBe(`http://${host}/join#${r.body.token}`)
    }
    for (const host of ['evil.example', `evil.example:${port}`, `10.0.0.1:${port}`, `127.0.0.1.evil.example:${port}`]) {
      const r = await inviteWithHost(base, id, host)
      expect(r.status).toBe(201)
      expect(r.body.url).toBe(`http://127.0.0.1:${port}/join#${r.body.token}`)
    }
  })

  it('use PUBLIC_URL when it is set, whatever the Host', async () => {
    const s = await startTestServer({ env: { PUBLIC_URL: 'https://keukentafel.gemeente.example/ignored/path' } })
    spare.push(s)
    const id = await createCase(s.url)
    const r = await inviteWithHost(s.url, id, 'evil.example')
    expect(r.status).toBe(201)
    expect(r.body.url).toBe(`https://keukentafel.gemeente.example/join#${r.body.token}`)
  })
})

describe.skipIf(onPostgres)(`invites from before listing and revoking (database schema 5)${onPostgres ? ' (skipped on PostgreSQL: upgrades an SQLite file)' : ''}`, () => {
  it('get an id at the upgrade, keep working, and can be revoked', async () => {
    const dir = tempDir()
    const now = Date.now()
    const made = await storageWithCase(dir, now)
    let storage = made.storage
    const caseId = made.caseId
    const token = newToken('invite')
    await storage.createInvite({ tokenHash: hashToken(token), caseId, role: 'resident', createdAt: now, expiresAt: now + 3600_000 })
    await storage.close()
    // Back to schema 5: the invites table as the release before invite ids left it.
    downgradeDatabase(dir, 5)

    storage = openSqliteStorage(dir)
    try {
      const [old] = await storage.listInvites(caseId)
      expect(old).toMatchObject({ caseId, role: 'resident', createdBy: null, revokedAt: null })
      expect(old?.id).toMatch(/^[0-9a-f]{32}$/)
      expect((await storage.findInvite(hashToken(token)))?.id).toBe(old?.id)
      expect(await storage.revokeInvite(caseId, old?.id as string, now + 1)).toBe(true)
      expect((await storage.findInvite(hashToken(token)))?.revokedAt).toBe(now + 1)
    } finally {
      await storage.close()
    }
    // Served: the upgraded database, the old invite revoked.
    const s = await startTestServer({ dataDir: dir })
    spare.push(s)
    expect((await api(s.url, 'GET', `/api/cases/${caseId}`, { auth: token })).status).toBe(401)
    expect((await listInvites(s.url, caseId)).body).toMatchObject([{ status: 'revoked', createdBy: null, byYou: false }])
  })
})
