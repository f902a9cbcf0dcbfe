/**
 * Compose the server: storage, access, rooms, the HTTP API, static client and the WebSocket
 * endpoint on one HTTP server. `startServer` is what main.ts and the tests call.
 */
import http from 'node:http'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ApiError } from '../shared/apiErrors.ts'
import { AccessResolver, COORDINATOR_KEY_SETTING, ORG_KEY_SETTING } from './auth/access.ts'
import { hashKey, newSecret } from './auth/secrets.ts'
import { isLoopback, type Settings } from './config.ts'
import { createApi } from './http/api.ts'
import { HttpError, sendError, sendJson } from './http/respond.ts'
import { createStaticHandler, SECURITY_HEADERS } from './http/static.ts'
import { createLogger, type Logger } from './log.ts'
import { RoomManager, type RoomManagerOptions } from './rooms.ts'
import { openSqliteStorage } from './storage/sqlite.ts'
import type { Storage } from './storage/storage.ts'
import { createWsEndpoint } from './wsServer.ts'
import { saveSnapshot } from './snapshots.ts'
import { formatNL } from './http/snapshotRoutes.ts'

export interface RunningServer {
  url: string
  port: number
  storage: Storage
  rooms: RoomManager
  log: Logger
  /** Keys generated on the very first start (without ORG_KEY / COORDINATOR_KEY); shown once. */
  generatedKeys: { professional: string | null; coordinator: string | null }
  close(): Promise<void>
}

export interface StartOptions {
  logger?: Logger
  rooms?: RoomManagerOptions
}

const here = path.dirname(fileURLToPath(import.meta.url))

export function defaultClientDir(): string {
  // Compiled: dist/server/server/app.js → dist/client. From source (tests): server/ → dist/client.
  for (const candidate of [path.resolve(here, '../../client'), path.resolve(here, '../dist/client')]) {
    if (fs.existsSync(path.join(candidate, 'index.html'))) return candidate
  }
  return path.resolve(here, '../dist/client')
}

export function packageVersion(): string {
  for (const p of [path.resolve(here, '../../../package.json'), path.resolve(here, '../package.json')]) {
    try {
      return (JSON.parse(fs.readFileSync(p, 'utf8')) as { version: string }).version
    } catch { /* try the next */ }
  }
  return '0.0.0'
}

export async function startServer(settings: Settings, opts: StartOptions = {}): Promise<RunningServer> {
  const log = opts.logger ?? createLogger(settings.logLevel)
  const storage = openSqliteStorage(settings.dataDir)
  const generatedKeys = {
    professional: ensureKey(storage, ORG_KEY_SETTING, settings.orgKey),
    coordinator: ensureKey(storage, COORDINATOR_KEY_SETTING, settings.coordinatorKey),
  }
  storage.purgeExpired(Date.now())

  const access = new AccessResolver(storage)
  const rooms = new RoomManager(storage, log, {
    ...opts.rooms,
    // When the last participant leaves a case that changed, keep the state as it was then.
    onLastLeave: (room) => {
      if (!room.changedSinceSnapshot) return
      saveSnapshot(storage, room.caseId, room.doc, `Automatisch opgeslagen ${formatNL(Date.now())}`, { name: '', role: 'system' }, true)
      room.changedSinceSnapshot = false
    },
  })
  const api = createApi({ settings, storage, rooms, access, log, version: packageVersion() })
  const serveStatic = createStaticHandler(settings.clientDir)
  const ws = createWsEndpoint({ storage, rooms, access, log })

  const server = http.createServer((req, res) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v)
    let pathname: string
    let url: URL
    try {
      url = new URL(req.url ?? "/", "http://localhost")
      pathname = url.pathname
    } catch {
      sendError(res, 400, ApiError.badRequest, 'Invalid URL.')
      return
    }
    if (pathname === '/healthz') {
      sendJson(res, 200, { ok: true })
      return
    }
    if (pathname === '/api' || pathname.startsWith('/api/')) {
      api.handle(req, res, url).catch((err: unknown) => {
        if (err instanceof HttpError) {
          sendError(res, err.status, err.code, err.message)
        } else {
          log.error({ err: err instanceof Error ? err.message : String(err), route: pathname.replace(/\/[A-Za-z0-9_-]{22}(?=\/|$)/, '/:id') }, 'request failed')
          sendError(res, 500, ApiError.internal, 'Er ging iets mis op de server. Probeer het opnieuw.')
        }
      })
      return
    }
    serveStatic(req, res)
  })
  server.on('upgrade', ws.handleUpgrade)
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(settings.port, settings.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const addr = server.address()
  const port = typeof addr === 'object' && addr ? addr.port : settings.port
  const hostForUrl = settings.host.includes(':') ? `[${settings.host}]` : settings.host
  const url = `http://${hostForUrl}:${port}`

  if (!settings.tldrawLicenseKey && !isLoopback(settings.host)) {
    log.warn('TLDRAW_LICENSE_KEY is not set: served over HTTPS on a real host, tldraw removes the board after a few seconds. See README, "tldraw licence".')
  }

  let closing: Promise<void> | null = null
  return {
    url, port, storage, rooms, log, generatedKeys,
    close() {
      closing ??= (async () => {
        const stored = await rooms.shutdown()
        if (!stored) log.error('some cases could not be stored at shutdown')
        ws.close()
        await new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeAllConnections()
        })
        storage.close()
      })()
      return closing
    },
  }
}

/** Store a key's hash: from the setting, or generated on the first start (returned to print once). */
function ensureKey(storage: Storage, setting: string, fromSettings: string | null): string | null {
  if (fromSettings) {
    storage.setSetting(setting, hashKey(fromSettings))
    return null
  }
  if (storage.getSetting(setting)) return null
  const key = newSecret(24)
  storage.setSetting(setting, hashKey(key))
  return key
}
