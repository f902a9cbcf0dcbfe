/**
 * One live connection per open case: a Y.Doc synced through y-websocket, with its state for the
 * UI. When the server closes with a final code (shared/closeCodes.ts) the provider stops
 * reconnecting and the page explains why.
 */
import { useEffect, useState } from 'react'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { CloseCode, isFatalCloseCode } from '../shared/closeCodes.ts'
import { SCHEMA_VERSION } from '../shared/schema.ts'
import { SCHEMA_VERSION_PARAM, TOKEN_PARAM } from '../shared/protocol.ts'
import { MARK_DOC_ARRIVED, markOnce } from './perfMarks.ts'

export type ConnectionState = 'connecting' | 'connected' | 'disconnected'

export interface CaseConnection {
  doc: Y.Doc
  provider: WebsocketProvider
  state: ConnectionState
  synced: boolean
  /** The final close code, once the server refused us for good. */
  fatalCode: number | null
}

export function wsBaseUrl(loc: { protocol: string; host: string }): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/ws`
}

/** Whether reconnecting after this close makes sense: not after a final code (shared/closeCodes.ts). */
export function shouldReconnect(ev: { code: number }): boolean {
  return !isFatalCloseCode(ev.code)
}

/**
 * What the badge shows: the provider's state, except that a browser that knows it has no network
 * is 'disconnected' (offline), not endlessly 'connecting' nor still 'connected' on a socket that
 * has not noticed yet.
 */
export function visibleState(state: ConnectionState, online: boolean): ConnectionState {
  return online ? state : 'disconnected'
}

/** A refused upgrade (HTTP 401/403/404) has no close code in the browser: map it to ours. */
export function closeCodeForHttpStatus(status: number): number | null {
  if (status === 401) return CloseCode.Unauthorized
  if (status === 403) return CloseCode.Forbidden
  if (status === 404) return CloseCode.CaseNotFound
  return null
}

function openProvider(caseId: string, doc: Y.Doc, token: string | null, socket?: typeof WebSocket): WebsocketProvider {
  const params: Record<string, string> = { [SCHEMA_VERSION_PARAM]: String(SCHEMA_VERSION) }
  if (token) params[TOKEN_PARAM] = token
  return new WebsocketProvider(wsBaseUrl(location), caseId, doc, { params, disableBc: true, shouldReconnect, WebSocketPolyfill: socket })
}

/**
 * A WebSocket that holds what it sends until `gate` settles: the connection is made and the
 * server opens the case's room, but the document (the server's answer to our first sync message)
 * is asked for only then. Sockets made after that send at once.
 */
function socketSendingAfter(gate: Promise<unknown>): typeof WebSocket {
  let open = false
  const waiting = new Set<GatedSocket>()
  gate.finally(() => {
    open = true
    for (const ws of waiting) ws.release()
    waiting.clear()
  }).catch(() => { /* settled either way */ })
  type Data = Parameters<WebSocket['send']>[0]
  class GatedSocket extends WebSocket {
    private held: Data[] = []
    override send(data: Data): void {
      if (open) return super.send(data)
      this.held.push(data)
      waiting.add(this)
    }
    release(): void {
      const held = this.held
      this.held = []
      // A socket closed meanwhile drops them: the provider starts over on a new one.
      if (this.readyState === WebSocket.OPEN) for (const d of held) super.send(d)
    }
  }
  return GatedSocket
}

/** A connection opened before the case's page was there, with what happened to it so far. */
interface EarlyConnection {
  doc: Y.Doc
  provider: WebsocketProvider
  status: ConnectionState
  synced: boolean
  /** The server's final close code, if it refused us already. */
  closedCode: number | null
  /** Stop recording (the page's hook listens from now on). */
  release(): void
}

const early = new Map<string, EarlyConnection>()
/** An early connection no page took by then is closed (the page showed an access problem, say). */
const EARLY_UNUSED_MS = 30_000

/**
 * Open a case's connection (cookies, no token) before its page's code is there: on a case's
 * address the entry starts it (client/casePrefetch.ts) side by side with the board's chunk, so
 * connecting and the server opening the case's room happen while that loads. The document itself
 * is asked for once `ready` settles (the board's code has run): it then arrives in one message,
 * and the page is not left waiting behind that code's evaluation with the document in hand. The
 * page's useCaseConnection takes the connection over, once.
 */
export function openEarlyConnection(caseId: string, ready: Promise<unknown>): void {
  if (early.has(caseId)) return
  const doc = new Y.Doc()
  const provider = openProvider(caseId, doc, null, socketSendingAfter(ready))
  const e: EarlyConnection = {
    doc, provider, status: 'connecting', synced: false, closedCode: null,
    release() {
      clearTimeout(timer)
      provider.off('status', onStatus)
      provider.off('sync', onSync)
      provider.off('closed', onClosed)
    },
  }
  function onStatus(ev: { status: ConnectionState }) { e.status = ev.status }
  function onSync(isSynced: boolean) {
    if (!isSynced) return
    markOnce(MARK_DOC_ARRIVED)
    e.synced = true
  }
  function onClosed(ev: { code: number }) { e.closedCode = ev.code }
  provider.on('status', onStatus)
  provider.on('sync', onSync)
  provider.on('closed', onClosed)
  const timer = setTimeout(() => dropEarlyConnection(caseId), EARLY_UNUSED_MS)
  early.set(caseId, e)
}

/** Close an early connection nobody will take (the page found no access). */
export function dropEarlyConnection(caseId: string): void {
  const e = early.get(caseId)
  if (!e) return
  early.delete(caseId)
  e.release()
  e.provider.destroy()
  e.doc.destroy()
}

function takeEarlyConnection(caseId: string, token: string | null): EarlyConnection | null {
  const e = early.get(caseId)
  if (!e) return null
  // Opened with cookies only: a page that connects with a token starts its own.
  if (token) {
    dropEarlyConnection(caseId)
    return null
  }
  early.delete(caseId)
  e.release()
  return e
}

export function useCaseConnection(caseId: string, token: string | null): CaseConnection | null {
  const [conn, setConn] = useState<CaseConnection | null>(null)

  useEffect(() => {
    const taken = takeEarlyConnection(caseId, token)
    const doc = taken?.doc ?? new Y.Doc()
    const provider = taken?.provider ?? openProvider(caseId, doc, token)
    let current: CaseConnection = {
      doc, provider, state: taken ? visibleState(taken.status, navigator.onLine) : 'connecting', synced: taken?.synced ?? false, fatalCode: null,
    }
    const update = (patch: Partial<CaseConnection>) => {
      current = { ...current, ...patch }
      setConn(current)
    }
    setConn(current)
    const stop = (code: number) => {
      provider.shouldConnect = false
      provider.disconnect()
      update({ fatalCode: code, state: 'disconnected' })
    }

    let status: ConnectionState = taken?.status ?? 'connecting'
    let failures = 0
    const show = () => {
      if (current.fatalCode === null) update({ state: visibleState(status, navigator.onLine) })
    }
    provider.on('status', (ev) => {
      status = ev.status
      show()
      if (status === 'connected') failures = 0
    })
    // Back online: connect at once instead of waiting for the next backoff step, and replace a
    // socket that lived through the outage (it may be dead without knowing; a resync is cheap).
    let wasOffline = false
    const onOffline = () => {
      wasOffline = true
      show()
    }
    const onOnline = () => {
      if (current.fatalCode === null && (wasOffline || status !== 'connected')) {
        provider.disconnect()
        provider.connect()
      }
      wasOffline = false
      show()
    }
    window.addEventListener('online', onOnline)
    window.addEventListener('offline', onOffline)
    provider.on('sync', (isSynced: boolean) => {
      if (isSynced) {
        markOnce(MARK_DOC_ARRIVED)
        update({ synced: true })
      }
    })
    provider.on('closed', (ev: { code: number }) => stop(ev.code))
    // After a few failed attempts, ask the API whether we still have access; stop if not.
    provider.on('connection-error', () => {
      if (++failures !== 3) return
      fetch(`/api/cases/${caseId}`, { headers: token ? { authorization: `Bearer ${token}` } : {} })
        .then((r) => {
          const code = closeCodeForHttpStatus(r.status)
          if (code !== null) stop(code)
        })
        .catch(() => { /* still offline: keep trying */ })
    })
    if (taken?.closedCode != null) stop(taken.closedCode)
    return () => {
      window.removeEventListener('online', onOnline)
      window.removeEventListener('offline', onOffline)
      provider.destroy()
      doc.destroy()
      setConn(null)
    }
  }, [caseId, token])

  return conn
}
