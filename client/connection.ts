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

export function useCaseConnection(caseId: string, token: string | null): CaseConnection | null {
  const [conn, setConn] = useState<CaseConnection | null>(null)

  useEffect(() => {
    const doc = new Y.Doc()
    const params: Record<string, string> = { [SCHEMA_VERSION_PARAM]: String(SCHEMA_VERSION) }
    if (token) params[TOKEN_PARAM] = token
    const provider = new WebsocketProvider(wsBaseUrl(location), caseId, doc, {
      params, disableBc: true, shouldReconnect,
    })
    let current: CaseConnection = { doc, provider, state: 'connecting', synced: false, fatalCode: null }
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

    let status: ConnectionState = 'connecting'
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
