/**
 * Compose the server: storage, access, rooms, the HTTP API, static client and the WebSocket
 * endpoint on one HTTP server. `startServer` is what main.ts and the tests call.
 */
import http from 'node:http'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ApiError } from '../shared/apiErrors.ts'
import { CaseDamagedError } from './loadCase.ts'
import { AccessResolver, COORDINATOR_KEY_SETTING, ORG_KEY_SETTING } from './auth/access.ts'
import { Accounts, sealAccountSecrets } from './auth/accounts.ts'
import { hashKey, newSecret } from './auth/secrets.ts'
import { CredentialLimiter, DEFAULT_LIMITS, type LimiterOptions } from './auth/rateLimit.ts'
import { isLoopback, type Settings } from './config.ts'
import { createApi } from './http/api.ts'
import { HttpError, sendError, sendJson } from './http/respond.ts'
import { createStaticHandler, SECURITY_HEADERS } from './http/static.ts'
import { createLogger, type Logger } from './log.ts'
import { RoomManager, type RoomManagerOptions } from './rooms.ts'
import { openSqliteStorage } from './storage/sqlite.ts'
import { openPgStorage } from './storage/pg/pgStorage.ts'
import { recordRetentionPolicy, startRetention } from './retention.ts'
import type { Storage } from './storage/storage.ts'
import { createWsEndpoint } from './wsServer.ts'
import { Metrics, metricsAllowed } from './metrics.ts'
import { Relay } from './relay/relay.ts'
import { CaseRelay } from './relay/caseRelay.ts'
import { saveAutoSnapshot } from './snapshots.ts'
import { codeOf, DOC_LOG_SOURCE, isStorageFault, isUniqueViolation } from './storage/health.ts'
import { SHUTDOWN_GRACE_MS, STORE_RETRY_MAX_MS } from './constants.ts'
import { caseRef } from './log.ts'
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
  shutdownGraceMs?: number
  /** The credential limiter's budgets (tests that must not see a refill mid-test); default DEFAULT_LIMITS. */
  limits?: LimiterOptions
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
  const { masterKey, masterKeyPrevious, keyDir, retentionDays, retentionWarnDays } = settings.erasure
  const sealing = { masterKey, masterKeyPrevious, keyDir, log }
  const storage: Storage = settings.databaseUrl ? await openPgStorage(settings.databaseUrl, settings.dataDir, sealing) : openSqliteStorage(settings.dataDir, sealing)
  try {
    const sealed = await sealAccountSecrets(storage)
    if (sealed > 0) log.info({ accounts: sealed }, 'sealed the authenticator secrets of accounts with the current master key')
  } catch (err) {
    await storage.close()
    throw err
  }
  const generatedKeys = {
    professional: await ensureKey(storage, ORG_KEY_SETTING, settings.orgKey),
    coordinator: await ensureKey(storage, COORDINATOR_KEY_SETTING, settings.coordinatorKey),
  }
  await storage.purgeExpired(Date.now())
  await recordRetentionPolicy(storage, retentionDays === null ? null : { days: retentionDays, warnDays: retentionWarnDays })

  const limiter = new CredentialLimiter(opts.limits ?? DEFAULT_LIMITS, settings.trustProxy)
  const access = new AccessResolver(storage, limiter)
  // /metrics (metrics.ts); the sources are read at each scrape.
  const metrics = new Metrics({ connections: () => ws.clients(), openCases: () => rooms.size })
  metrics.instrumentDocLog(storage.docLog)
  // REDIS_URL: relay updates, awareness, erasure and credential ends between instances (relay/).
  let relay: Relay | null = null
  let peers: CaseRelay | null = null
  if (settings.redisUrl) {
    const hooks = metrics.enableRelay()
    relay = new Relay(settings.redisUrl, log, { onLag: hooks.lag, onStatus: hooks.status, onRecovered: () => void peers?.catchUp() })
    peers = new CaseRelay({ relay, docLog: storage.docLog, log, erase: (caseId) => rooms.erase(caseId, true), vanishedKeys: () => storage.vanishedKeys() })
    const link = peers
    access.onEnded = (kind, id, reason) => link.credentialEnded(kind, id, reason)
    void peers.listenForControl(access.live)
  }
  const accounts = new Accounts(storage, limiter, { passwordN: settings.passwordScryptN, requireMfa: settings.requireMfa })
  if ((await storage.accounts.listAccounts()).length === 0) {
    log.warn('There are no personal accounts yet. Create the first administrator: npm run user -- add <username> --name "<name>" --role admin (README, "Accounts").')
  }
  const rooms = new RoomManager(storage, log, {
    ...opts.rooms,
    peers: peers ?? undefined,
    // When a changed case leaves memory (its last participant left), keep the state as it was —
    // as a safety net: at most one an hour of activity, never identical to the previous one, pruned.
    onEvict: async (room) => {
      if (!room.changedSinceSnapshot) return
      try {
        await saveAutoSnapshot(storage, room.caseId, room.doc, `Automatisch opgeslagen ${formatNL(Date.now())}`)
        room.changedSinceSnapshot = false
      } catch (err) {
        log.error({ case: caseRef(room.caseId), code: codeOf(err) }, 'saving the automatic snapshot failed')
      }
    },
  })
  const api = createApi({ settings, storage: metrics.timed(storage), rooms, access, accounts, log, version: packageVersion() })
  const serveStatic = createStaticHandler(settings.clientDir)
  const ws = createWsEndpoint({ storage, rooms, access, log, publicUrl: settings.publicUrl, onUpdate: () => metrics.updates.inc() })

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
      // 503 while storage fails (what failed and how many updates wait in memory; no content).
      // The relay's state when there is one: Redis down alone is no 503 (this instance still serves).
      const report = storage.health.report()
      const relayState = relay ? { relay: relay.status } : {}
      sendJson(res, report.ok ? 200 : 503, report.ok ? { ok: true, ...relayState } : { ...report, ...relayState })
      return
    }
    if (pathname === '/metrics') {
      if (!metricsAllowed(req, settings.metricsToken)) {
        sendError(res, 404, ApiError.notFound, 'Not found.')
        return
      }
      metrics.text().then(({ contentType, body }) => {
        res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' })
        res.end(body)
      }, () => sendError(res, 500, ApiError.internal, 'Metrics are unavailable.'))
      return
    }
    if (pathname === '/api' || pathname.startsWith('/api/')) {
      api.handle(req, res, url).catch((err: unknown) => {
        if (err instanceof HttpError) {
          sendError(res, err.status, err.code, err.message)
        } else if (isStorageFault(err)) {
          if (storage.health.failed('database', err)) log.error({ code: codeOf(err) }, 'a database write failed')
          sendError(res, 503, ApiError.storageUnavailable, 'De server kan nu niets opslaan. Probeer het over een paar minuten opnieuw; er is niets verloren gegaan.')
        } else if (isUniqueViolation(err)) {
          sendError(res, 409, ApiError.conflict, 'Dit bestaat al. Vernieuw de pagina en probeer het opnieuw.')
        } else if (err instanceof CaseDamagedError) {
          sendError(res, 500, ApiError.caseDamaged, 'De opgeslagen gegevens van deze casus zijn beschadigd. Vraag de beheerder om hulp.')
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

  // While storage fails, keep trying what waits in memory, without waiting for another request.
  let retrying = false
  const retry = setInterval(() => {
    if (storage.health.ok || retrying) return
    retrying = true
    void (async () => {
      const writes = await storage.retryPending() && await probeDatabase(storage)
      // Rooms clear a document-log failure when their retry succeeds; when no room holds anything
      // unsaved any more (say, its case was erased), a successful write to the same database tells.
      if (writes && storage.health.report().unsavedUpdates === 0) storage.health.succeeded(DOC_LOG_SOURCE)
    })().finally(() => { retrying = false })
  }, STORE_RETRY_MAX_MS)
  retry.unref()
  // RETENTION_DAYS: erase cases without activity, now and hourly (retention.ts).
  const retention = retentionDays === null ? null : startRetention({ storage, rooms, log })

  let closing: Promise<void> | null = null
  return {
    url, port, storage, rooms, log, generatedKeys,
    close() {
      // 1. stop accepting; 2. let the clients finish (what they sent is processed); 3. store every
      // room; 4. close the database. Bounded by SHUTDOWN_GRACE_MS (+ the last commit).
      closing ??= (async () => {
        clearInterval(retry)
        await retention?.stop()
        const deadline = Date.now() + (opts.shutdownGraceMs ?? SHUTDOWN_GRACE_MS)
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
        server.closeIdleConnections()
        await ws.drain(deadline)
        const stored = await rooms.shutdown(deadline)
        if (!stored) log.error('some cases could not be stored at shutdown')
        server.closeAllConnections()
        await stopped
        relay?.close()
        metrics.close()
        await storage.close()
      })()
      return closing
    },
  }
}

/** Store a key's hash: from the setting, or generated on the first start (returned to print once). */
async function ensureKey(storage: Storage, setting: string, fromSettings: string | null): Promise<string | null> {
  if (fromSettings) {
    await storage.setSetting(setting, await hashKey(fromSettings))
    return null
  }
  if (await storage.getSetting(setting)) return null
  const key = newSecret(24)
  await storage.setSetting(setting, await hashKey(key))
  return key
}

/** A write that touches nothing, to learn whether the database takes writes again. */
async function probeDatabase(storage: Storage): Promise<boolean> {
  try {
    const v = await storage.getSetting('health_probe')
    await storage.setSetting('health_probe', v === '1' ? '0' : '1')
    storage.health.succeeded('database')
    return true
  } catch (err) {
    storage.health.failed('database', err)
    return false
  }
}
