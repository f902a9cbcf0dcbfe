/** Loading what the read-only case views need: who I am, the case, a snapshot's or the live document. */
import { useEffect, useState } from 'react'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import type { Me } from '../../shared/api.ts'
import { SCHEMA_VERSION } from '../../shared/schema.ts'
import { SCHEMA_VERSION_PARAM, TOKEN_PARAM } from '../../shared/protocol.ts'
import { api } from '../api.ts'
import { wsBaseUrl } from '../connection.ts'
import { loadInviteToken } from '../identity.ts'
import { useI18n } from '../i18n.ts'
import { errorText } from '../components/SnapshotPanel.tsx'

export type Loaded<T> = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ok'; value: T }

/** Run `load` when its dependencies change; report loading, the value, or a readable error. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const { t } = useI18n()
  const [result, setResult] = useState<Loaded<T>>({ state: 'loading' })
  useEffect(() => {
    let live = true
    setResult({ state: 'loading' })
    load().then(
      (value) => { if (live) setResult({ state: 'ok', value }) },
      (err: unknown) => { if (live) setResult({ state: 'error', message: errorText(err, t) }) },
    )
    return () => { live = false }
  }, deps) // eslint-disable-line react-hooks/exhaustive-deps
  return result
}

export function useCaseAccess(caseId: string): { token: string | null; access: Loaded<{ me: Me; title: string }> } {
  const [token] = useState(() => loadInviteToken(caseId))
  const access = useLoad(async () => {
    const [me, c] = await Promise.all([api.me(token), api.getCase(caseId, token)])
    return { me, title: c.title }
  }, [caseId, token])
  return { token, access }
}

/** A fresh document holding a snapshot's whole state. */
export async function loadSnapshotDoc(caseId: string, sid: string, token: string | null): Promise<Y.Doc> {
  const update = await api.snapshotState(caseId, sid, token)
  const doc = new Y.Doc()
  Y.applyUpdate(doc, update)
  return doc
}

/**
 * A copy of the live document as it is now: connect, sync once, copy, disconnect. The copy does not
 * follow later edits, so it stays in step with a comparison made at the same moment. No presence is
 * announced (the awareness state is cleared before connecting).
 */
export function loadLiveDocOnce(caseId: string, token: string | null, timeoutMs = 20_000): Promise<Y.Doc> {
  return new Promise((resolve, reject) => {
    const remote = new Y.Doc()
    const params: Record<string, string> = { [SCHEMA_VERSION_PARAM]: String(SCHEMA_VERSION) }
    if (token) params[TOKEN_PARAM] = token
    const provider = new WebsocketProvider(wsBaseUrl(location), caseId, remote, { params, disableBc: true, connect: false })
    provider.awareness.setLocalState(null)
    let done = false
    const finish = (err: Error | null) => {
      if (done) return
      done = true
      clearTimeout(timer)
      if (!err) {
        const copy = new Y.Doc()
        Y.applyUpdate(copy, Y.encodeStateAsUpdate(remote))
        resolve(copy)
      } else {
        reject(err)
      }
      provider.destroy()
      remote.destroy()
    }
    const timer = setTimeout(() => finish(new Error('timeout')), timeoutMs)
    provider.on('sync', (synced: boolean) => { if (synced) finish(null) })
    provider.on('closed', () => finish(new Error('closed')))
    provider.connect()
  })
}
