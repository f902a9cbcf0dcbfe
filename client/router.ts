/** A tiny history-API router: the app has a handful of routes and needs no dependency for them. */
import { useEffect, useState } from 'react'

export type Route =
  | { name: 'home' }
  | { name: 'board'; caseId: string }
  | { name: 'join' }
  | { name: 'review' }
  | { name: 'notFound' }

const CASE_ID = '([A-Za-z0-9_-]{22})'

export function matchRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { name: 'home' }
  if (pathname === '/join') return { name: 'join' }
  if (pathname === '/review') return { name: 'review' }
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
  const [route, setRoute] = useState(() => matchRoute(location.pathname))
  useEffect(() => {
    const update = () => setRoute(matchRoute(location.pathname))
    listeners.add(update)
    window.addEventListener('popstate', update)
    return () => {
      listeners.delete(update)
      window.removeEventListener('popstate', update)
    }
  }, [])
  return route
}
