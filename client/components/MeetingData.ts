/**
 * The case's meetings as every part of the page sees them (the header's 'Gesprek bezig sinds …',
 * the Gesprekken tab): one shared copy per case, fetched from GET /api/cases/:id/meetings.
 *
 * Why polling and not the document: meetings live on the server beside snapshots, not in the
 * plan's document (its meta stays untouched). A meeting starts or ends a few times a day, so the
 * list is fetched every POLL_MS while the page is visible, again at once when the window gets the
 * focus back or becomes visible, and right after this screen starts or ends one.
 */
import { useEffect, useState } from 'react'
import { api, type MeetingsOverview } from '../api.ts'

export const POLL_MS = 15_000

interface Entry {
  token: string | null
  data: MeetingsOverview | null
  error: unknown
  listeners: Set<() => void>
  timer: ReturnType<typeof setInterval> | null
  inFlight: Promise<void> | null
}

const entries = new Map<string, Entry>()

function entryOf(caseId: string, token: string | null): Entry {
  let e = entries.get(caseId)
  if (!e) {
    e = { token, data: null, error: null, listeners: new Set(), timer: null, inFlight: null }
    entries.set(caseId, e)
  }
  e.token = token
  return e
}

/** Fetch the case's meetings now and tell every part of the page. */
export function refreshMeetings(caseId: string): Promise<void> {
  const e = entries.get(caseId)
  if (!e) return Promise.resolve()
  if (e.inFlight) return e.inFlight
  e.inFlight = api.meetings(caseId, e.token)
    .then((data) => { e.data = data; e.error = null }, (err: unknown) => { e.error = err })
    .finally(() => {
      e.inFlight = null
      for (const l of e.listeners) l()
    })
  return e.inFlight
}

/** Put a meeting this screen just started or ended into the shared copy at once. */
export function updateMeetings(caseId: string, change: (d: MeetingsOverview) => MeetingsOverview): void {
  const e = entries.get(caseId)
  if (!e?.data) return
  e.data = change(e.data)
  for (const l of e.listeners) l()
}

/** The case's meetings, kept fresh while mounted. */
export function useMeetings(caseId: string, token: string | null): { data: MeetingsOverview | null; error: unknown; refresh: () => Promise<void> } {
  const [, setTick] = useState(0)
  const e = entryOf(caseId, token)
  useEffect(() => {
    const entry = entryOf(caseId, token)
    const listener = () => setTick((n) => n + 1)
    entry.listeners.add(listener)
    if (entry.listeners.size === 1) {
      void refreshMeetings(caseId)
      entry.timer = setInterval(() => {
        if (document.visibilityState === 'visible') void refreshMeetings(caseId)
      }, POLL_MS)
    }
    const onFocus = () => { if (document.visibilityState === 'visible') void refreshMeetings(caseId) }
    window.addEventListener('focus', onFocus)
    document.addEventListener('visibilitychange', onFocus)
    return () => {
      window.removeEventListener('focus', onFocus)
      document.removeEventListener('visibilitychange', onFocus)
      entry.listeners.delete(listener)
      if (entry.listeners.size === 0) {
        if (entry.timer) clearInterval(entry.timer)
        entries.delete(caseId)
      }
    }
  }, [caseId, token])
  return { data: e.data, error: e.error, refresh: () => refreshMeetings(caseId) }
}
