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
      params, disableBc: true, shouldReconnect: (ev: CloseEvent) => !isFatalCloseCode(ev.code),
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

    provider.on('status', ({ status }) => {
      if (current.fatalCode === null) update({ state: status })
      if (status === 'connected') failures = 0
    })
    provider.on('sync', (isSynced: boolean) => {
      if (isSynced) update({ synced: true })
    })
    provider.on('closed', (ev: { code: number }) => stop(ev.code))
    // After a few failed attempts, ask the API whether we still have access; stop if not.
    let failures = 0
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
      provider.destroy()
      doc.destroy()
      setConn(null)
    }
  }, [caseId, token])

  return conn
}
