/** A tiny history-API router: the app has a handful of routes and needs no dependency for them. */
import { useEffect, useState } from 'react'

export type Route =
  | { name: 'home' }
  | { name: 'board'; caseId: string }
  | { name: 'join' }
  | { name: 'review' }
  | { name: 'activate' }
  | { name: 'account' }
  | { name: 'snapshot'; caseId: string; snapshotId: string }
  | { name: 'compare'; caseId: string; from: string | null; to: string }
  | { name: 'print'; caseId: string; snapshotId: string | null }
  | { name: 'notFound' }

const CASE_ID = '([A-Za-z0-9_-]{22})'
const SNAPSHOT_ID = /^[A-Za-z0-9_-]{1,64}$/

/** A snapshot id from the address, or null when it does not look like one. */
function sid(v: string | null): string | null {
  return v !== null && SNAPSHOT_ID.test(v) ? v : null
}

export function matchRoute(pathname: string, search = ''): Route {
  const q = new URLSearchParams(search)
  const snap = new RegExp(`^/cases/${CASE_ID}/snapshots/([A-Za-z0-9_-]{1,64})/?$`).exec(pathname)
  if (snap) return { name: 'snapshot', caseId: snap[1] as string, snapshotId: snap[2] as string }
  const cmp = new RegExp(`^/cases/${CASE_ID}/compare/?$`).exec(pathname)
  if (cmp) return { name: 'compare', caseId: cmp[1] as string, from: sid(q.get('from')), to: sid(q.get('to')) ?? 'live' }
  const print = new RegExp(`^/cases/${CASE_ID}/print/?$`).exec(pathname)
  if (print) return { name: 'print', caseId: print[1] as string, snapshotId: sid(q.get('snapshot')) }
  if (pathname === '/' || pathname === '') return { name: 'home' }
  if (pathname === '/join') return { name: 'join' }
  if (pathname === '/review') return { name: 'review' }
  if (pathname === '/activate') return { name: 'activate' }
  if (pathname === '/account') return { name: 'account' }
  const m = new RegExp(`^/cases/${CASE_ID}/?$`).exec(pathname)
  if (m) return { name: 'board', caseId: m[1] as string }
  return { name: 'notFound' }
}

const listeners = new Set<() => void>()

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) history.replaceState(null, '', to)
  else history.pushState(null, '', to)
  for (const l of listeners) l()
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => matchRoute(location.pathname, location.search))
  useEffect(() => {
    const update = () => setRoute(matchRoute(location.pathname, location.search))
    listeners.add(update)
    window.addEventListener('popstate', update)
    return () => {
      listeners.delete(update)
      window.removeEventListener('popstate', update)
    }
  }, [])
  return route
}
