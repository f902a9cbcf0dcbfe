/**
 * Test helpers: a real server on a random port with a temporary DATA_DIR, a small API client, and
 * real y-websocket clients (WebsocketProvider over `ws`).
 */
import fs from 'node:fs'
import { afterAll, beforeAll } from 'vitest'
import os from 'node:os'
import path from 'node:path'
import * as Y from 'yjs'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import { pino } from 'pino'
import { startServer, type RunningServer } from '../../server/app.ts'
import { readSettings } from '../../server/config.ts'
import type { LimiterOptions } from '../../server/auth/rateLimit.ts'
import type { RoomManagerOptions } from '../../server/rooms.ts'
import { SCHEMA_VERSION } from '../../shared/schema.ts'
import { testDatabaseUrl } from './postgres.ts'

export const TEST_ORG_KEY = 'test-org-key-0123456789'

/** The team test servers start with: cases made with `createCase` belong to it, test accounts are in it. */
export const TEST_TEAM = 'Sociaal wijkteam'

export interface TestServer extends RunningServer {
  dataDir: string
  /** The id of TEST_TEAM. */
  teamId: string
  stop(): Promise<void>
}

export function tempDir(prefix = 'kt-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix))
}

export async function startTestServer(opts: { dataDir?: string; rooms?: RoomManagerOptions; env?: Record<string, string>; limits?: LimiterOptions } = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? tempDir()
  // KT_TEST_STORAGE=postgres: the same tests on PostgreSQL storage, a database per DATA_DIR.
  const databaseUrl = await testDatabaseUrl(dataDir)
  const settings = readSettings(
    // The lowest password cost the settings allow: tests sign in often.
    { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ORG_KEY: TEST_ORG_KEY, LOG_LEVEL: 'silent', PASSWORD_SCRYPT_N: '16384', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}), ...opts.env },
    { clientDir: path.resolve(process.env.KT_CLIENT_DIR ?? 'dist/client') },
  )
  const server = await startServer(settings, { logger: pino({ level: 'silent' }), rooms: opts.rooms, limits: opts.limits })
  // Two instances of one installation may start at once: the one that loses the race finds the team.
  const accounts = server.storage.accounts
  const team = await accounts.findTeamByName(TEST_TEAM)
    ?? await accounts.createTeam(TEST_TEAM, Date.now()).catch(async (err: unknown) => {
      const made = await accounts.findTeamByName(TEST_TEAM)
      if (!made) throw err
      return made
    })
  return Object.assign(server, { dataDir, teamId: team.id, stop: () => server.close() })
}

export interface ApiResult<T = any> {
  status: number
  body: T
  headers: Headers
}

export async function api<T = any>(
  base: string,
  method: string,
  pathname: string,
  opts: { body?: unknown; rawBody?: string; auth?: string | null; cookie?: string; contentType?: string; origin?: string | null } = {},
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = {}
  const auth = opts.auth === undefined ? TEST_ORG_KEY : opts.auth
  if (auth) headers.authorization = `Bearer ${auth}`
  if (opts.cookie) headers.cookie = opts.cookie
  // With a cookie, act as a browser on the server's own page (it sends Origin); `origin` overrides.
  const origin = opts.origin === undefined ? (opts.cookie ? new URL(base).origin : null) : opts.origin
  if (origin) headers.origin = origin
  let body: string | undefined
  if (opts.rawBody !== undefined) body = opts.rawBody
  else if (opts.body !== undefined) body = JSON.stringify(opts.body)
  if (body !== undefined) headers['content-type'] = opts.contentType ?? 'application/json'
  const res = await fetch(base + pathname, { method, headers, body })
  const text = await res.text()
  let parsed: unknown = text
  try {
    parsed = text ? JSON.parse(text) : null
  } catch { /* not JSON */ }
  return { status: res.status, body: parsed as T, headers: res.headers }
}

/** A case made by the service key (a script), in `teamId` when given (tests pass TestServer.teamId to let test accounts see it). */
export async function createCase(base: string, title = 'Casus test', template = 'integrale-intake', teamId?: string): Promise<string> {
  const r = await api<{ id: string }>(base, 'POST', '/api/cases', { body: { title, template, teamId } })
  if (r.status !== 201) throw new Error(`create case failed: ${r.status} ${JSON.stringify(r.body)}`)
  return r.body.id
}

export async function invite(base: string, caseId: string, role: string, expiresInHours?: number): Promise<string> {
  const r = await api<{ token: string }>(base, 'POST', `/api/cases/${caseId}/invites`, { body: { role, expiresInHours } })
  if (r.status !== 201) throw new Error(`invite failed: ${r.status} ${JSON.stringify(r.body)}`)
  return r.body.token
}

export interface TestClient {
  doc: Y.Doc
  provider: WebsocketProvider
  closes: { code: number; reason: string }[]
  destroy(): void
}

/**
 * A real y-websocket client, authenticated as the contract says: an invite token in the URL's
 * `token` parameter; an organisation key or API token in an Authorization header (never in a URL).
 */
export function connect(server: { url: string }, caseId: string, token: string | null, opts: { schema?: string | null } = {}): TestClient {
  const doc = new Y.Doc()
  const { params, headers } = wsCredential(token)
  const schema = opts.schema === undefined ? String(SCHEMA_VERSION) : opts.schema
  if (schema !== null) params.schema = schema
  const provider = new WebsocketProvider(server.url.replace('http', 'ws') + '/ws', caseId, doc, {
    WebSocketPolyfill: (headers ? withHeaders(headers) : WebSocket) as unknown as typeof globalThis.WebSocket,
    params,
    disableBc: true,
    maxBackoffTime: 200,
  })
  const closes: { code: number; reason: string }[] = []
  provider.on('connection-close', (ev: CloseEvent | null) => {
    if (ev) closes.push({ code: ev.code, reason: ev.reason })
  })
  return {
    doc, provider, closes,
    destroy() {
      provider.destroy()
      doc.destroy()
    },
  }
}

/**
 * Register a server for the whole test file (started before, stopped after) and a `client()` that
 * is destroyed with it.
 */
export function useServer(opts: Parameters<typeof startTestServer>[0] = {}) {
  let server: TestServer | null = null
  const clients: TestClient[] = []
  beforeAll(async () => {
    server = await startTestServer(opts)
  })
  afterAll(async () => {
    for (const c of clients) c.destroy()
    await server?.stop()
  })
  return {
    get server(): TestServer {
      if (!server) throw new Error('server not started yet')
      return server
    },
    client(caseId: string, token: string | null = TEST_ORG_KEY, o?: { schema?: string | null }): TestClient {
      const c = connect(this.server, caseId, token, o)
      clients.push(c)
      return c
    },
  }
}

/** A `ws` WebSocket class that sends these headers with the upgrade (what y-websocket constructs). */
export function withHeaders(headers: Record<string, string>): typeof WebSocket {
  return class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers })
    }
  } as typeof WebSocket
}

export async function synced(c: TestClient): Promise<void> {
  if (c.provider.synced) return
  await new Promise<void>((resolve) => {
    const on = (s: boolean) => {
      if (s) {
        c.provider.off('sync', on)
        resolve()
      }
    }
    c.provider.on('sync', on)
  })
}

/** Encoded full state: identical bytes mean identical documents. */
export function stateOf(doc: Y.Doc): Buffer {
  return Buffer.from(Y.encodeStateAsUpdate(doc))
}

/** Open a raw WebSocket (no y-websocket) to send hand-made frames. Resolves once open. */
/**
 * How a WebSocket client presents a credential: an invite token (prefixed, or 43 characters from
 * before prefixes) in the URL's `token` parameter; anything else (an organisation key, an API
 * token) as an Authorization header, since the server refuses those in a URL.
 */
export function wsCredential(token: string | null): { params: Record<string, string>; headers: Record<string, string> | undefined } {
  const inUrl = token !== null && (token.startsWith('kti_') || /^[A-Za-z0-9_-]{43}$/.test(token))
  return {
    params: token && inUrl ? { token } : {},
    headers: token && !inUrl ? { authorization: `Bearer ${token}` } : undefined,
  }
}

export function rawSocket(server: { url: string }, caseId: string, token: string): Promise<WebSocket> {
  const { params, headers } = wsCredential(token)
  const query = params.token ? `?token=${encodeURIComponent(params.token)}` : ''
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws/${caseId}${query}`, { headers })
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })
}

export function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })))
}

/** Try a WebSocket upgrade and report the HTTP status of a refusal (or 101 when accepted). */
export function upgradeStatus(url: string, headers: Record<string, string> = {}, localAddress?: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers, localAddress })
    ws.once('open', () => {
      ws.close()
      resolve(101)
    })
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0)
      res.resume()
    })
    ws.once('error', () => { /* reported through unexpected-response */ })
  })
}
