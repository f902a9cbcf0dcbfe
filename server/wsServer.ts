/**
 * The WebSocket endpoint `/ws/<caseId>`: authorise in the upgrade handler (before the socket is
 * accepted), then hand frames to the case's room.
 *
 * Rules at this boundary:
 * - Nothing a request says can throw out of the upgrade handler: a malformed target, a failing
 *   lookup or storage answers with an HTTP status and the process keeps serving.
 * - A frame the room refuses closes only its own connection; once the server has decided to close
 *   a connection for what it sent, nothing more from it is applied.
 * - Each socket is registered under the session or invite it was authorised with
 *   (auth/liveCredentials.ts): logout, revocation and expiry close it with 4401.
 * - At shutdown (`drain`), new upgrades get 503, every connection is asked to close, and what the
 *   clients sent before they saw that request is still processed, in order.
 */
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { CloseCode } from '../shared/closeCodes.ts'
import { MAX_WS_MESSAGE_BYTES } from '../shared/limits.ts'
import { SCHEMA_VERSION } from '../shared/schema.ts'
import { SCHEMA_VERSION_PARAM, TOKEN_PARAM } from '../shared/protocol.ts'
import { WS_PING_INTERVAL_MS } from './constants.ts'
import { MAX_BUFFERED_BYTES } from './budgets.ts'
import { canWrite, CredentialInUrl, isService, type Access, type AccessResolver } from './auth/access.ts'
import { mayReadCase } from './http/apiKit.ts'
import type { Role } from '../shared/schema.ts'
import { TooManyAttempts } from './auth/rateLimit.ts'
import { CaseDamagedError } from './loadCase.ts'
import { BadMessageError, type Conn, type Room } from './room.ts'
import type { RoomManager } from './rooms.ts'
import type { Storage } from './storage/storage.ts'
import { codeOf, isStorageFault } from './storage/health.ts'
import { caseRef, type Logger } from './log.ts'
import { isCaseId } from './ids.ts'
import { upgradeOriginAllowed } from './http/origin.ts'

const WS_PATH = /^\/ws\/([^/?#]+)$/

export interface WsDeps {
  storage: Storage
  rooms: RoomManager
  access: AccessResolver
  log: Logger
  /** PUBLIC_URL: the server's own origin for the Origin check (else the request's Host). */
  publicUrl?: string | null
  /** Called for each document update accepted from a client (the updates/s metric). */
  onUpdate?: () => void
}

export function createWsEndpoint(deps: WsDeps) {
  const { storage, rooms, access: resolver, log } = deps
  // ws enforces a hard limit slightly above ours, so frames between the two get our named code.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE_BYTES + 64 * 1024, perMessageDeflate: false })
  let nextConnId = 1
  let draining = false
  const alive = new WeakMap<WebSocket, boolean>()

  const ping = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate()
        continue
      }
      alive.set(ws, false)
      ws.ping()
    }
  }, WS_PING_INTERVAL_MS)
  ping.unref()

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => { /* a peer that vanished mid-handshake: nothing to do */ })
    upgrade(req, socket, head).catch((err: unknown) => {
      log.error({ err: err instanceof Error ? err.message : String(err) }, 'upgrade failed')
      refuse(socket, 500, 'internal_error', 'Internal error.')
    })
  }

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    if (draining) return refuse(socket, 503, 'shutting_down', 'The server is restarting; try again in a moment.')
    const target = parseTarget(req.url)
    if (!target) return refuse(socket, 400, 'bad_request', 'Invalid request target.')
    if (!req.headers.host) return refuse(socket, 400, 'bad_request', 'A Host header is required.')
    const m = WS_PATH.exec(target.pathname)
    if (!m) return refuse(socket, 404, 'not_found', 'No WebSocket endpoint here.')
    let caseId: string
    try {
      caseId = decodeURIComponent(m[1] as string)
    } catch {
      return refuse(socket, 400, 'bad_request', 'Invalid case id.')
    }
    if (!isCaseId(caseId)) return refuse(socket, 400, 'bad_request', 'Invalid case id.')
    if (!upgradeOriginAllowed(req.headers, deps.publicUrl ?? null, target.searchParams.get(TOKEN_PARAM) !== null)) {
      return refuse(socket, 403, 'cross_site', 'Cross-site WebSocket connections are not allowed.')
    }

    const token = target.searchParams.get(TOKEN_PARAM)
    let who: Access | null
    try {
      // The case's own case session cookie counts too (auth/caseSession.ts).
      who = await resolver.resolve(req, token, Date.now(), caseId)
      if (who && isService(who) && !await storage.getCase(caseId)) return refuse(socket, 404, 'not_found', 'This case does not exist.')
    } catch (err) {
      if (err instanceof CredentialInUrl) return refuse(socket, 400, 'bad_request', err.message)
      if (err instanceof TooManyAttempts) return refuse(socket, 429, 'too_many_requests', err.message, { 'Retry-After': String(err.retryAfterS) })
      if (isStorageFault(err)) return refuse(socket, 503, 'storage_unavailable', 'Storage is unavailable; try again later.')
      throw err
    }
    if (!who) return refuse(socket, 401, 'unauthorized', 'No valid access for this case.')
    // No right on this case: the same answer as for a case that does not exist (no probing of ids).
    if (!await mayReadCase(storage, who, caseId)) return refuse(socket, 404, 'not_found', 'This case does not exist.')
    if (draining) return refuse(socket, 503, 'shutting_down', 'The server is restarting; try again in a moment.')
    if (socket.destroyed) return

    const schemaParam = target.searchParams.get(SCHEMA_VERSION_PARAM)
    const access = who
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, caseId, access, schemaParam))
  }

  function accept(ws: WebSocket, caseId: string, who: Access, schemaParam: string | null): void {
    const clog = log.child({ case: caseRef(caseId), role: who.role })
    alive.set(ws, true)
    ws.on('pong', () => alive.set(ws, true))
    ws.on('error', (err) => clog.warn({ err: err.message }, 'websocket error'))

    // A client built for another schema version is told to reload (generic y-websocket clients
    // that send no version are served).
    if (schemaParam !== null && schemaParam !== String(SCHEMA_VERSION)) {
      ws.close(CloseCode.ClientOutdated, `client schema ${schemaParam.slice(0, 8)}, server ${SCHEMA_VERSION}: reload the page`)
      return
    }
    storage.audit({ at: Date.now(), actor: who.actor, role: who.role, action: 'case.open', caseId })

    /** Set once the server decided to close this connection for what it sent. */
    let refused = false
    let closed = false
    const conn: Conn = {
      id: nextConnId++,
      canWrite: canWrite(who),
      role: who.role as Role,
      get bufferedBytes() {
        return ws.bufferedAmount
      },
      send(message) {
        if (ws.readyState !== ws.OPEN) return
        // A peer that reads nothing would hold unbounded memory: drop it; it resyncs on reconnect.
        if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
          ws.terminate()
          return
        }
        ws.send(message, (err) => { if (err) ws.terminate() })
      },
      close(code, reason) {
        if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason)
      },
      // Writes are audited per connection: at the first accepted write, then at most once per
      // EDIT_AUDIT_INTERVAL_MS while it keeps writing (who changed the case when, not every keystroke).
      wrote() {
        deps.onUpdate?.()
        const now = Date.now()
        if (now - lastEditAudit < EDIT_AUDIT_INTERVAL_MS) return
        lastEditAudit = now
        storage.audit({ at: now, actor: who.actor, role: who.role, action: 'case.edit', caseId })
      },
    }
    let lastEditAudit = -Infinity
    const refuseConn = (code: number, reason: string) => {
      refused = true
      conn.close(code, reason)
    }
    // Ending the credential ends this socket; a credential ended since the upgrade's check counts.
    const forget = who.credential ? resolver.live.register(who.credential, refuseConn) : null
    // Frames that arrive meanwhile wait behind the check and the room's load, like any load.
    const checked = resolver.isCurrent(who).catch(() => true /* storage failing: the upgrade's check stands */)

    let room: Room | null = null
    /** Frames queued behind the room's load (handled in order before any later frame). */
    let waiting = 0
    const joined = checked.then((current) => {
      if (!current) refuseConn(CloseCode.Unauthorized, 'this access is no longer valid')
      return rooms.join(caseId, conn)
    }).then((r) => {
      room = r
      if (closed) rooms.leave(r, conn)
      return r
    })
    joined.catch((err: unknown) => {
      if (err instanceof CaseDamagedError) {
        clog.error('the case cannot be loaded: its stored data is damaged beyond repair')
        refuseConn(CloseCode.CaseDamaged, 'the stored data of this case is damaged')
      } else {
        clog.error({ code: codeOf(err) }, 'loading the case failed')
        refuseConn(CloseCode.ServerError, 'could not load the case')
      }
    })

    ws.on('message', (data, isBinary) => {
      if (refused) return
      if (!isBinary) {
        refuseConn(CloseCode.BadMessage, 'text frames are not part of the protocol')
        return
      }
      const bytes = toBytes(data)
      // Frames are handled in arrival order: at once when the room is loaded and nothing waits,
      // else queued behind the load.
      if (room && waiting === 0) return handle(room, bytes)
      waiting++
      joined.then((r) => {
        waiting--
        handle(r, bytes)
      }, () => { waiting-- })
    })

    function handle(r: Room, bytes: Uint8Array): void {
      if (refused || closed) return
      try {
        r.receive(conn, bytes)
      } catch (err) {
        if (err instanceof BadMessageError) {
          clog.warn({ code: err.code, reason: err.message }, 'refused a message; closing this connection')
          refuseConn(err.code, err.message)
        } else {
          clog.error({ err: err instanceof Error ? err.message : String(err) }, 'handling a message failed')
          refuseConn(CloseCode.ServerError, 'internal error')
        }
      }
    }

    ws.on('close', () => {
      forget?.()
      // Frames already queued behind the room's load still run first (same promise chain).
      joined.then(() => {
        closed = true
        if (room) rooms.leave(room, conn)
      }, () => { closed = true })
    })
  }

  /**
   * Stop taking connections and let the open ones finish: ask each to close ('shutting down'),
   * process what they sent until their close arrives, and cut the rest at `deadline`.
   */
  async function drain(deadline: number): Promise<void> {
    draining = true
    clearInterval(ping)
    resolver.live.stop()
    const open = [...wss.clients]
    const done = Promise.all(open.map((ws) => new Promise<void>((resolve) => {
      if (ws.readyState === ws.CLOSED) return resolve()
      ws.once('close', () => resolve())
      ws.close(CloseCode.ShuttingDown, 'server shutting down')
    })))
    await Promise.race([done, new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())).unref())])
    for (const ws of wss.clients) ws.terminate()
    // Let the 'close' handlers (queued behind any frame still being handled) run.
    await new Promise((r) => setImmediate(r))
    wss.close()
  }

  function close(): void {
    draining = true
    clearInterval(ping)
    resolver.live.stop()
    for (const ws of wss.clients) ws.terminate()
    wss.close()
  }

  return { handleUpgrade, drain, close, clients: () => wss.clients.size }
}

/** How often an open connection that keeps writing gets another 'case.edit' audit row. */
const EDIT_AUDIT_INTERVAL_MS = 15 * 60_000

/** The request target as a URL, or null when it is not a usable origin-form path. */
function parseTarget(raw: string | undefined): URL | null {
  if (!raw || raw[0] !== '/' || raw.startsWith('//')) return null
  try {
    return new URL(raw, 'http://localhost')
  } catch {
    return null
  }
}

function refuse(socket: Duplex, status: number, error: string, message: string, headers: Record<string, string> = {}): void {
  if (socket.destroyed) return
  const body = JSON.stringify({ error, message })
  const reason = {
    400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests',
    500: 'Internal Server Error', 503: 'Service Unavailable',
  }[status] ?? 'Error'
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\n${extra}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  )
  socket.destroy()
}

function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data))
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}
