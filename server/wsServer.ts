/**
 * The WebSocket endpoint `/ws/<caseId>`: authorise in the upgrade handler (before the socket is
 * accepted), then hand frames to the case's room. A bad frame closes only its own connection.
 */
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { CloseCode } from '../shared/closeCodes.ts'
import { MAX_WS_MESSAGE_BYTES } from '../shared/limits.ts'
import { SCHEMA_VERSION } from '../shared/schema.ts'
import { SCHEMA_VERSION_PARAM, TOKEN_PARAM } from '../shared/protocol.ts'
import { WS_PING_INTERVAL_MS } from './constants.ts'
import { canReadCase, canWrite, type Access, type AccessResolver } from './auth/access.ts'
import { BadMessageError, type Conn, type Room } from './room.ts'
import type { RoomManager } from './rooms.ts'
import type { Storage } from './storage/storage.ts'
import { caseRef, type Logger } from './log.ts'
import { isCaseId } from './ids.ts'

const WS_PATH = /^\/ws\/([^/?#]+)$/

export interface WsDeps {
  storage: Storage
  rooms: RoomManager
  access: AccessResolver
  log: Logger
}

export function createWsEndpoint(deps: WsDeps) {
  const { storage, rooms, access: resolver, log } = deps
  // ws enforces a hard limit slightly above ours, so frames between the two get our named code.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE_BYTES + 64 * 1024, perMessageDeflate: false })
  let nextConnId = 1
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
    const url = new URL(req.url ?? '/', 'http://localhost')
    const m = WS_PATH.exec(url.pathname)
    if (!m) return refuse(socket, 404, 'not_found', 'No WebSocket endpoint here.')
    let caseId: string
    try {
      caseId = decodeURIComponent(m[1] as string)
    } catch {
      return refuse(socket, 400, 'bad_request', 'Invalid case id.')
    }
    if (!isCaseId(caseId)) return refuse(socket, 400, 'bad_request', 'Invalid case id.')
    if (!sameOrigin(req)) return refuse(socket, 403, 'forbidden', 'Cross-site WebSocket connections are not allowed.')

    const token = url.searchParams.get(TOKEN_PARAM)
    let who: Access | null
    try {
      who = resolver.resolve(req.headers, token)
    } catch (err) {
      log.error({ err: String(err) }, 'resolving access failed')
      return refuse(socket, 500, 'internal_error', 'Internal error.')
    }
    if (!who) return refuse(socket, 401, 'unauthorized', 'No valid access for this case.')
    if (!canReadCase(who, caseId)) return refuse(socket, 403, 'forbidden', 'This access is not valid for this case.')
    if (!storage.getCase(caseId)) return refuse(socket, 404, 'not_found', 'This case does not exist.')

    const schemaParam = url.searchParams.get(SCHEMA_VERSION_PARAM)
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, caseId, who, schemaParam))
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
    storage.audit({ at: Date.now(), actor: who.actor, role: who.role, action: 'case.connect', caseId })

    const conn: Conn = {
      id: nextConnId++,
      canWrite: canWrite(who),
      role: who.role,
      send(message) {
        if (ws.readyState === ws.OPEN) ws.send(message, (err) => { if (err) ws.terminate() })
      },
      close(code, reason) {
        if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason)
      },
    }
    let room: Room | null = null
    let closed = false
    const joined = rooms.join(caseId, conn).then((r) => {
      room = r
      if (closed) rooms.leave(r, conn)
      return r
    })
    joined.catch((err) => {
      clog.error({ err: String(err) }, 'loading the case failed')
      conn.close(CloseCode.ServerError, 'could not load the case')
    })

    ws.on('message', (data, isBinary) => {
      if (!isBinary) {
        conn.close(CloseCode.BadMessage, 'text frames are not part of the protocol')
        return
      }
      const bytes = toBytes(data)
      // Frames are handled in arrival order, after the room has loaded.
      joined.then((r) => {
        if (closed) return
        try {
          r.receive(conn, bytes)
        } catch (err) {
          if (err instanceof BadMessageError) {
            clog.warn({ code: err.code, reason: err.message }, 'refused a message; closing this connection')
            conn.close(err.code, err.message)
          } else {
            clog.error({ err: String(err) }, 'handling a message failed')
            conn.close(CloseCode.ServerError, 'internal error')
          }
        }
      }, () => {})
    })

    ws.on('close', () => {
      closed = true
      if (room) rooms.leave(room, conn)
    })
  }

  function close(): void {
    clearInterval(ping)
    for (const ws of wss.clients) ws.terminate()
    wss.close()
  }

  return { handleUpgrade, close, clients: () => wss.clients.size }
}

function refuse(socket: Duplex, status: number, error: string, message: string): void {
  const body = JSON.stringify({ error, message })
  const reason = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' }[status] ?? 'Error'
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  )
  socket.destroy()
}

/** A browser's Origin must match the Host it connects to (scripts send no Origin). */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin
  if (!origin) return true
  try {
    return new URL(origin).host === req.headers.host
  } catch {
    return false
  }
}

function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data))
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}
