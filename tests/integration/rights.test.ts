/**
 * The rights table, cell by cell, against a running server: every declared route × every
 * principal (HTTP), and opening and writing a case's live board (WebSocket). The EXPECTED matrix
 * below is written out by hand, independent of the route declarations (server/http/*Routes.ts),
 * so a principal added to or removed from a route fails its cell here; and a route declared but
 * missing from the matrix fails the coverage test.
 *
 * Real accounts (addAccount; a fresh session cookie per request, with the server's own Origin),
 * real invites (Bearer, or the link's `token` for the WebSocket), the organisation keys as Bearer.
 * Every cell gets a fresh case of team T, so a cell that erases, archives or revokes changes no
 * other cell. Allowed: anything but 401, 403, 404 or 405 (a 400 proves the gate let it through);
 * denied: exactly the status of the denial and its error code.
 *
 * Columns besides the declared principals: `anonymous` (no credential), `otherTeam` (a
 * professional of team U on a case of team T: 404, as for a case that does not exist) and
 * `member` (a professional of team U added to the case: sees it).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as syncProtocol from 'y-protocols/sync'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { PRINCIPALS } from '../../shared/api.ts'
import { addItem, listItems } from '../../shared/doc.ts'
import { SCHEMA_VERSION, type Role } from '../../shared/schema.ts'
import { hashToken, newToken } from '../../server/auth/secrets.ts'
import { declaredRoutes } from '../../server/http/rightsTable.ts'
import { addAccount, session, type TestAccount } from '../helpers/accounts.ts'
import { api, createCase, invite, startTestServer, TEST_ORG_KEY, upgradeStatus, type TestServer } from '../helpers/server.ts'

const COORDINATOR_KEY = 'test-coordinator-key-0123456789'

const COLUMNS = [
  'anonymous', 'professional', 'coordinator', 'admin', 'dpo', 'invitedProfessional', 'invitedCoordinator', 'resident',
  'service', 'serviceReader', 'otherTeam', 'member',
] as const
type Column = (typeof COLUMNS)[number]

/**
 * route                                              anon  prof  coord admin dpo   invP  invC  res   svc   svcR  other member
 * ✓ allowed; a number: the status of the denial.
 */
const EXPECTED = `
GET /api/config                                       ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓
POST /api/login                                       ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓
POST /api/logout                                      ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓
GET /api/me                                           401   ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓
GET /api/templates                                    ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓
GET /api/cases                                        401   ✓     ✓     403   403   403   403   403   ✓     ✓     ✓     ✓
POST /api/cases                                       401   ✓     403   403   403   403   403   403   ✓     403   ✓     ✓
GET /api/cases/:id                                    401   ✓     ✓     404   404   ✓     ✓     ✓     ✓     ✓     404   ✓
DELETE /api/cases/:id                                 401   ✓     403   404   404   403   403   403   ✓     403   404   ✓
POST /api/cases/:id/invites                           401   ✓     403   404   404   403   403   403   ✓     403   404   ✓
GET /api/cases/:id/invites                            401   ✓     403   404   404   ✓     403   403   ✓     403   404   ✓
DELETE /api/cases/:id/invites/:invite                 401   ✓     403   404   404   ✓     403   403   ✓     403   404   ✓
POST /api/invites/redeem                              ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓
POST /api/cases/:id/snapshots                         401   ✓     403   404   404   ✓     403   403   ✓     403   404   ✓
GET /api/cases/:id/snapshots                          401   ✓     ✓     404   404   ✓     ✓     ✓     ✓     ✓     404   ✓
GET /api/cases/:id/snapshots/:snapshot                401   ✓     ✓     404   404   ✓     ✓     ✓     ✓     ✓     404   ✓
GET /api/cases/:id/snapshots/:snapshot/state          401   ✓     ✓     404   404   ✓     ✓     ✓     ✓     ✓     404   ✓
POST /api/cases/:id/snapshots/:snapshot/restore       401   ✓     403   404   404   ✓     403   403   ✓     403   404   ✓
GET /api/cases/:id/diff                               401   ✓     ✓     404   404   ✓     ✓     ✓     ✓     ✓     404   ✓
GET /api/cases/:id/plan                               401   ✓     ✓     404   404   ✓     ✓     ✓     ✓     ✓     404   ✓
GET /api/review                                       401   ✓     ✓     403   403   ✓     ✓     ✓     ✓     ✓     ✓     ✓
GET /api/review.csv                                   401   ✓     ✓     403   403   ✓     ✓     ✓     ✓     ✓     ✓     ✓
GET /api/cases/:id/meetings                           401   ✓     ✓     404   404   ✓     ✓     ✓     ✓     ✓     404   ✓
POST /api/cases/:id/meetings                          401   ✓     403   404   404   ✓     403   403   ✓     403   404   ✓
GET /api/cases/:id/meetings/changes                   401   ✓     ✓     404   404   ✓     ✓     ✓     ✓     ✓     404   ✓
POST /api/cases/:id/meetings/:meeting/end             401   ✓     403   404   404   ✓     403   403   ✓     403   404   ✓
PUT /api/cases/:id/next-meeting                       401   ✓     403   404   404   ✓     403   403   ✓     403   404   ✓
POST /api/cases/:id/archive                           401   ✓     403   404   404   ✓     403   403   ✓     403   404   ✓
POST /api/cases/:id/reopen                            401   ✓     403   404   404   ✓     403   403   ✓     403   404   ✓
GET /api/cases/:id/audit                              401   ✓     403   404   404   ✓     403   403   ✓     403   404   ✓
POST /api/activation                                  ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓
POST /api/activation/complete                         ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓
GET /api/admin/teams                                  401   403   403   ✓     403   403   403   403   403   403   403   403
POST /api/admin/teams                                 401   403   403   ✓     403   403   403   403   403   403   403   403
GET /api/admin/accounts                               401   403   403   ✓     403   403   403   403   403   403   403   403
POST /api/admin/accounts                              401   403   403   ✓     403   403   403   403   403   403   403   403
PATCH /api/admin/accounts/:account                    401   403   403   ✓     403   403   403   403   403   403   403   403
POST /api/admin/accounts/:account/reset               401   403   403   ✓     403   403   403   403   403   403   403   403
GET /api/me/tokens                                    401   ✓     ✓     ✓     ✓     403   403   403   403   403   ✓     ✓
POST /api/me/tokens                                   401   ✓     ✓     ✓     ✓     403   403   403   403   403   ✓     ✓
DELETE /api/me/tokens/:token                          401   ✓     ✓     ✓     ✓     403   403   403   403   403   ✓     ✓
GET /api/cases/:id/members                            401   ✓     ✓     404   404   ✓     403   403   ✓     ✓     404   ✓
POST /api/cases/:id/members                           401   ✓     403   404   404   403   403   403   ✓     403   404   ✓
DELETE /api/cases/:id/members/:account                401   ✓     403   404   404   403   403   403   ✓     403   404   ✓
GET /api/audit.csv                                    401   403   403   403   ✓     403   403   403   403   403   403   403
GET /api/oidc/login                                   ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓
GET /api/oidc/callback                                ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓     ✓
`

/** The live board (/ws/:id) of a case of team T: may open and sync it; may write to it (else writes are dropped). */
const EXPECTED_WS = `
open                                                  401   ✓     ✓     404   404   ✓     ✓     ✓     ✓     ✓     404   ✓
write                                                 401   ✓     drop  404   404   ✓     drop  ✓     ✓     drop  404   ✓
`

type Cell = 'ok' | 'drop' | number

function parseMatrix(text: string): Map<string, Record<Column, Cell>> {
  const rows = new Map<string, Record<Column, Cell>>()
  for (const line of text.trim().split('\n')) {
    const parts = line.trim().split(/\s+/)
    const cells = parts.slice(-COLUMNS.length)
    const name = parts.slice(0, parts.length - COLUMNS.length).join(' ')
    if (cells.length !== COLUMNS.length) throw new Error(`row ${name}: ${cells.length} cells`)
    const row = Object.fromEntries(COLUMNS.map((c, i) => {
      const v = cells[i] as string
      return [c, v === '✓' ? 'ok' : v === 'drop' ? 'drop' : Number(v)]
    })) as Record<Column, Cell>
    rows.set(name, row)
  }
  return rows
}

const MATRIX = parseMatrix(EXPECTED)
const WS_MATRIX = parseMatrix(EXPECTED_WS)
const ERROR_OF: Record<number, string> = { 401: 'unauthorized', 403: 'forbidden', 404: 'not_found' }

let server: TestServer
let base: string
const acc = {} as Record<'professional' | 'coordinator' | 'admin' | 'dpo' | 'otherTeam' | 'member', TestAccount>
/** A pending account administrators change and reset in their cells. */
let target: string
let unique = 0

beforeAll(async () => {
  server = await startTestServer({ env: { COORDINATOR_KEY } })
  base = server.url
  const teamU = await server.storage.accounts.createTeam('Team U', Date.now())
  const [professional, coordinator, admin, dpo, otherTeam, member, pending] = await Promise.all([
    addAccount(server, { role: 'professional' }), addAccount(server, { role: 'coordinator' }),
    addAccount(server, { role: 'admin', teamId: null }), addAccount(server, { role: 'dpo', teamId: null }),
    addAccount(server, { role: 'professional', teamId: teamU.id }), addAccount(server, { role: 'professional', teamId: teamU.id }),
    addAccount(server, { role: 'professional' }),
  ])
  Object.assign(acc, { professional, coordinator, admin, dpo, otherTeam, member })
  target = pending.id
}, 120_000)

afterAll(async () => {
  await server?.stop()
})

const INVITED: Partial<Record<Column, Role>> = { invitedProfessional: 'professional', invitedCoordinator: 'coordinator', resident: 'resident' }

/** A fresh case of team T, the column's invite to it, and `member` added to it. */
interface World {
  caseId: string
  invite: string | null
}

async function world(col: Column): Promise<World> {
  const caseId = await createCase(base, 'Rechten', 'integrale-intake', server.teamId)
  const role = INVITED[col]
  const token = role ? await invite(base, caseId, role) : null
  const added = await api(base, 'POST', `/api/cases/${caseId}/members`, { body: { username: acc.member.username } })
  expect(added.status).toBe(201)
  return { caseId, invite: token }
}

/** The request options that present the column's credential (cookies get a fresh session). */
async function credential(col: Column, w: World): Promise<{ auth: string | null; cookie?: string }> {
  if (col === 'anonymous') return { auth: null }
  if (col === 'service') return { auth: TEST_ORG_KEY }
  if (col === 'serviceReader') return { auth: COORDINATOR_KEY }
  if (col in INVITED) return { auth: w.invite }
  return { auth: null, cookie: await session(server, acc[col as keyof typeof acc]) }
}

async function asService<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const r = await api<T>(base, method, path, { body })
  expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBeLessThan(300)
  return r.body
}

/**
 * The request a cell makes: path (with real ids) and a valid body where that is cheap.
 * `unset`: the feature is not set up on this server, so its own 404 (with this message) is the
 * handler's answer, past the gate.
 */
type Request = { path: string; body?: unknown; unset?: RegExp }
const REQUESTS: Record<string, (w: World, col: Column) => Promise<Request> | Request> = {
  'GET /api/config': () => ({ path: '/api/config' }),
  'POST /api/login': () => ({ path: '/api/login', body: {} }),
  'POST /api/logout': () => ({ path: '/api/logout' }),
  'GET /api/me': () => ({ path: '/api/me' }),
  'GET /api/templates': () => ({ path: '/api/templates' }),
  'GET /api/cases': () => ({ path: '/api/cases' }),
  'POST /api/cases': () => ({ path: '/api/cases', body: { title: 'Nieuw' } }),
  'GET /api/cases/:id': (w) => ({ path: `/api/cases/${w.caseId}` }),
  'DELETE /api/cases/:id': (w) => ({ path: `/api/cases/${w.caseId}` }),
  'POST /api/cases/:id/invites': (w) => ({ path: `/api/cases/${w.caseId}/invites`, body: { role: 'resident' } }),
  'GET /api/cases/:id/invites': (w) => ({ path: `/api/cases/${w.caseId}/invites` }),
  'DELETE /api/cases/:id/invites/:invite': async (w) => {
    await invite(base, w.caseId, 'resident')
    const list = await asService<{ id: string; role: string }[]>('GET', `/api/cases/${w.caseId}/invites`)
    return { path: `/api/cases/${w.caseId}/invites/${list.find((i) => i.role === 'resident')?.id}` }
  },
  'POST /api/invites/redeem': () => ({ path: '/api/invites/redeem', body: {} }),
  'POST /api/cases/:id/snapshots': (w) => ({ path: `/api/cases/${w.caseId}/snapshots`, body: {} }),
  'GET /api/cases/:id/snapshots': (w) => ({ path: `/api/cases/${w.caseId}/snapshots` }),
  'GET /api/cases/:id/snapshots/:snapshot': async (w) => ({ path: `/api/cases/${w.caseId}/snapshots/${await snapshot(w)}` }),
  'GET /api/cases/:id/snapshots/:snapshot/state': async (w) => ({ path: `/api/cases/${w.caseId}/snapshots/${await snapshot(w)}/state` }),
  'POST /api/cases/:id/snapshots/:snapshot/restore': async (w) => ({ path: `/api/cases/${w.caseId}/snapshots/${await snapshot(w)}/restore` }),
  'GET /api/cases/:id/diff': async (w) => ({ path: `/api/cases/${w.caseId}/diff?from=${await snapshot(w)}` }),
  'GET /api/cases/:id/plan': (w) => ({ path: `/api/cases/${w.caseId}/plan` }),
  'GET /api/review': () => ({ path: '/api/review' }),
  'GET /api/review.csv': () => ({ path: '/api/review.csv' }),
  'GET /api/cases/:id/meetings': (w) => ({ path: `/api/cases/${w.caseId}/meetings` }),
  'POST /api/cases/:id/meetings': (w) => ({ path: `/api/cases/${w.caseId}/meetings`, body: {} }),
  'GET /api/cases/:id/meetings/changes': (w) => ({ path: `/api/cases/${w.caseId}/meetings/changes` }),
  'POST /api/cases/:id/meetings/:meeting/end': async (w) => {
    const m = await asService<{ id: string }>('POST', `/api/cases/${w.caseId}/meetings`, {})
    return { path: `/api/cases/${w.caseId}/meetings/${m.id}/end`, body: { participants: [] } }
  },
  'PUT /api/cases/:id/next-meeting': (w) => ({ path: `/api/cases/${w.caseId}/next-meeting`, body: { nextMeeting: null } }),
  'POST /api/cases/:id/archive': (w) => ({ path: `/api/cases/${w.caseId}/archive` }),
  'POST /api/cases/:id/reopen': (w) => ({ path: `/api/cases/${w.caseId}/reopen` }),
  'GET /api/cases/:id/audit': (w) => ({ path: `/api/cases/${w.caseId}/audit` }),
  'POST /api/activation': () => ({ path: '/api/activation', body: {} }),
  'POST /api/activation/complete': () => ({ path: '/api/activation/complete', body: {} }),
  'GET /api/admin/teams': () => ({ path: '/api/admin/teams' }),
  'POST /api/admin/teams': () => ({ path: '/api/admin/teams', body: { name: `Team ${++unique}` } }),
  'GET /api/admin/accounts': () => ({ path: '/api/admin/accounts' }),
  'POST /api/admin/accounts': () => ({ path: '/api/admin/accounts', body: { username: `nieuw${++unique}`, displayName: 'Nieuw', role: 'professional' } }),
  'PATCH /api/admin/accounts/:account': () => ({ path: `/api/admin/accounts/${target}`, body: { displayName: `Naam ${++unique}` } }),
  'POST /api/admin/accounts/:account/reset': () => ({ path: `/api/admin/accounts/${target}/reset` }),
  'GET /api/me/tokens': () => ({ path: '/api/me/tokens' }),
  'POST /api/me/tokens': () => ({ path: '/api/me/tokens', body: { label: 'script' } }),
  'DELETE /api/me/tokens/:token': async (_w, col) => ({ path: `/api/me/tokens/${await apiTokenOf(col)}` }),
  'GET /api/cases/:id/members': (w) => ({ path: `/api/cases/${w.caseId}/members` }),
  'POST /api/cases/:id/members': (w) => ({ path: `/api/cases/${w.caseId}/members`, body: { username: acc.otherTeam.username } }),
  'DELETE /api/cases/:id/members/:account': (w) => ({ path: `/api/cases/${w.caseId}/members/${acc.member.id}` }),
  'GET /api/audit.csv': () => ({ path: '/api/audit.csv?from=2026-01-01&to=2026-01-31' }),
  'GET /api/oidc/login': () => ({ path: '/api/oidc/login', unset: /OIDC_ISSUER/ }),
  'GET /api/oidc/callback': () => ({ path: '/api/oidc/callback?code=x&state=y', unset: /OIDC_ISSUER/ }),
}

async function snapshot(w: World): Promise<string> {
  return (await asService<{ id: string }>('POST', `/api/cases/${w.caseId}/snapshots`, { label: 'Rechten' })).id
}

/** A new API token of the column's account (its id), or a well-formed id for columns without one. */
async function apiTokenOf(col: Column): Promise<string> {
  const a = acc[col as keyof typeof acc] as TestAccount | undefined
  if (!a) return '0'.repeat(32)
  const now = Date.now()
  return (await server.storage.accounts.createApiToken({ accountId: a.id, tokenHash: hashToken(newToken('apiToken')), label: 'cel', createdAt: now, expiresAt: now + 3600_000 })).id
}

const cells = [...MATRIX].flatMap(([route, row]) => COLUMNS.map((col) => ({ route, col, expected: row[col] })))

describe('HTTP rights: every route × every principal', () => {
  it('covers every declared route, and every principal the code knows', () => {
    const declared = declaredRoutes().map((r) => `${r.method} ${r.path}`).sort()
    expect([...MATRIX.keys()].sort()).toEqual(declared)
    expect(Object.keys(REQUESTS).sort()).toEqual(declared)
    for (const p of PRINCIPALS) expect(COLUMNS).toContain(p)
  })

  it.each(cells)('$route as $col → $expected', async ({ route, col, expected }) => {
    const w = await world(col)
    const method = route.split(' ')[0] as string
    const req = await (REQUESTS[route] as (w: World, c: Column) => Promise<Request> | Request)(w, col)
    const r = await api(base, method, req.path, { ...await credential(col, w), body: req.body })
    if (expected === 'ok' && req.unset && r.status === 404) {
      expect(r.body.message).toMatch(req.unset)
    } else if (expected === 'ok') {
      expect([401, 403, 404, 405], `${r.status} ${JSON.stringify(r.body)}`).not.toContain(r.status)
      expect(r.status, JSON.stringify(r.body)).toBeLessThan(500)
    } else {
      expect(r.status, JSON.stringify(r.body)).toBe(expected)
      expect(r.body.error).toBe(ERROR_OF[expected as number])
    }
  }, 30_000)
})

// --- WebSocket ---

const wsUrl = (caseId: string, token?: string) =>
  `${base.replace('http', 'ws')}/ws/${caseId}?schema=${SCHEMA_VERSION}${token ? `&token=${encodeURIComponent(token)}` : ''}`

/** How the column opens a socket: the invite link's token in the URL, keys as Bearer, accounts with their cookie. */
async function socketCredential(col: Column, w: World): Promise<{ url: string; headers: Record<string, string> }> {
  if (col in INVITED) return { url: wsUrl(w.caseId, w.invite as string), headers: {} }
  const c = await credential(col, w)
  const headers: Record<string, string> = {}
  if (c.auth) headers.authorization = `Bearer ${c.auth}`
  if (c.cookie) Object.assign(headers, { cookie: c.cookie, origin: base })
  return { url: wsUrl(w.caseId), headers }
}

const DOC_ROLE: Partial<Record<Column, Role>> = {
  professional: 'professional', coordinator: 'coordinator', invitedProfessional: 'professional', invitedCoordinator: 'coordinator',
  resident: 'resident', service: 'professional', serviceReader: 'coordinator', member: 'professional',
}

/**
 * A y-websocket peer by hand: syncs a Y.Doc, sends its local changes, and `roundTrip()` — a sync
 * step 1 answered by the server's step 2 — proves every frame sent before it was handled.
 */
async function yPeer(url: string, headers: Record<string, string>) {
  const ws = new WebSocket(url, { headers })
  const doc = new Y.Doc()
  let step2s = 0
  const waiters: (() => void)[] = []
  const send = (write: (e: encoding.Encoder) => void) => {
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, 0)
    write(e)
    ws.send(encoding.toUint8Array(e))
  }
  ws.on('message', (data: Buffer) => {
    const d = decoding.createDecoder(new Uint8Array(data))
    if (decoding.readVarUint(d) !== 0) return
    const reply = encoding.createEncoder()
    encoding.writeVarUint(reply, 0)
    const kind = syncProtocol.readSyncMessage(d, reply, doc, 'server')
    if (encoding.length(reply) > 1) ws.send(encoding.toUint8Array(reply))
    if (kind === syncProtocol.messageYjsSyncStep2) {
      step2s++
      waiters.splice(0).forEach((f) => f())
    }
  })
  doc.on('update', (u: Uint8Array, origin: unknown) => {
    if (origin !== 'server') send((e) => syncProtocol.writeUpdate(e, u))
  })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  const roundTrip = async () => {
    const before = step2s
    const answered = new Promise<void>((resolve) => waiters.push(resolve))
    send((e) => syncProtocol.writeSyncStep1(e, doc))
    while (step2s === before) await answered
  }
  await roundTrip()
  return { ws, doc, roundTrip, close: () => { ws.close(); doc.destroy() } }
}

describe('WebSocket rights: every principal on a case of team T', () => {
  it.each(COLUMNS.map((col) => ({ col, expected: WS_MATRIX.get('open')?.[col] })))('open /ws/:id as $col → $expected', async ({ col, expected }) => {
    const w = await world(col)
    const { url, headers } = await socketCredential(col, w)
    expect(await upgradeStatus(url, headers)).toBe(expected === 'ok' ? 101 : expected)
  }, 30_000)

  it.each(COLUMNS.map((col) => ({ col, expected: WS_MATRIX.get('write')?.[col] })))('write on /ws/:id as $col → $expected', async ({ col, expected }) => {
    const w = await world(col)
    const { url, headers } = await socketCredential(col, w)
    if (typeof expected === 'number') {
      expect(await upgradeStatus(url, headers)).toBe(expected)
      return
    }
    const observer = await yPeer(wsUrl(w.caseId), { authorization: `Bearer ${TEST_ORG_KEY}` })
    const peer = await yPeer(url, headers)
    try {
      const marker = `geschreven door ${col}`
      addItem(peer.doc, { kind: 'problem', text: marker, pos: { x: 0, y: 0 }, author: { name: col, org: '', role: DOC_ROLE[col] as Role } })
      await peer.roundTrip()
      const onServer = await server.rooms.withDoc(w.caseId, (doc) => listItems(doc).map((i) => i.text))
      if (expected === 'ok') {
        expect(onServer).toContain(marker)
        await vi.waitFor(() => expect(listItems(observer.doc).map((i) => i.text)).toContain(marker), { timeout: 20_000 })
      } else {
        // Dropped: never applied, never relayed (the observer's own round trip comes after any relay), socket still open.
        expect(onServer).not.toContain(marker)
        await observer.roundTrip()
        expect(listItems(observer.doc).map((i) => i.text)).not.toContain(marker)
        expect(peer.ws.readyState).toBe(WebSocket.OPEN)
      }
    } finally {
      peer.close()
      observer.close()
    }
  }, 30_000)

  it('refuses an organisation key or an API token in the URL (400) and takes an API token as Bearer', async () => {
    const w = await world('professional')
    const token = newToken('apiToken')
    const now = Date.now()
    await server.storage.accounts.createApiToken({ accountId: acc.professional.id, tokenHash: hashToken(token), label: 'ws', createdAt: now, expiresAt: now + 3600_000 })
    // A key is known as one once verified (without a key derivation per guess): verify both first.
    for (const key of [TEST_ORG_KEY, COORDINATOR_KEY]) expect((await api(base, 'GET', '/api/cases', { auth: key })).status).toBe(200)
    expect(await upgradeStatus(wsUrl(w.caseId, TEST_ORG_KEY))).toBe(400)
    expect(await upgradeStatus(wsUrl(w.caseId, COORDINATOR_KEY))).toBe(400)
    expect(await upgradeStatus(wsUrl(w.caseId, token))).toBe(400)
    expect(await upgradeStatus(wsUrl(w.caseId), { authorization: `Bearer ${token}` })).toBe(101)
    // The other team's professional's token: 404 as for a case that does not exist.
    const other = newToken('apiToken')
    await server.storage.accounts.createApiToken({ accountId: acc.otherTeam.id, tokenHash: hashToken(other), label: 'ws', createdAt: now, expiresAt: now + 3600_000 })
    expect(await upgradeStatus(wsUrl(w.caseId), { authorization: `Bearer ${other}` })).toBe(404)
  }, 30_000)
})
