/**
 * 'Presenteren': one participant presents, the others follow the presenter's view.
 *
 * The presenter publishes the page bounds of their viewport in awareness as the field
 * `presenting: { x, y, w, h, since }` (rounded, at most PUBLISH_INTERVAL_MS apart — well under the
 * server's awareness rate and size limits), and null when they stop. Only one presents: the one who
 * started last (largest `since`, then client id); an earlier presenter sees that and stops.
 * A follower fits the presenter's bounds into its own viewport and stops following as soon as its
 * camera moves in any other way (wheel, pinch, zoom buttons, keys); 'Volg weer' follows again.
 */
import { useCallback, useEffect, useRef, useState } from 'react'
import { react, type Editor } from 'tldraw'
import type { Awareness } from 'y-protocols/awareness'
import { readPresence } from '../../../shared/awareness.ts'
import { exactCamera } from './camera.ts'

export const PUBLISH_INTERVAL_MS = 250

export interface PresentingField {
  x: number
  y: number
  w: number
  h: number
  since: number
}

export interface Presenter {
  clientId: number
  name: string
  bounds: PresentingField
}

const MAX_COORD = 1e7

/** Read a remote `presenting` field defensively (anything else is ignored). */
export function readPresenting(state: unknown): PresentingField | null {
  if (typeof state !== 'object' || state === null) return null
  const p = (state as { presenting?: unknown }).presenting as Partial<PresentingField> | null | undefined
  if (!p || typeof p !== 'object') return null
  const nums = [p.x, p.y, p.w, p.h, p.since]
  if (!nums.every((n) => typeof n === 'number' && Number.isFinite(n) && Math.abs(n) < (n === p.since ? Number.MAX_SAFE_INTEGER : MAX_COORD))) return null
  if ((p.w as number) <= 0 || (p.h as number) <= 0) return null
  return { x: p.x!, y: p.y!, w: p.w!, h: p.h!, since: p.since! }
}

/** Who presents now: the latest start wins (ties: the larger client id). */
export function currentPresenter(states: Map<number, unknown>): Presenter | null {
  let best: Presenter | null = null
  for (const [clientId, state] of states) {
    const bounds = readPresenting(state)
    if (!bounds) continue
    if (!best || bounds.since > best.bounds.since || (bounds.since === best.bounds.since && clientId > best.clientId)) {
      best = { clientId, name: readPresence(state)?.user.name ?? '', bounds }
    }
  }
  return best
}

function viewField(editor: Editor, since: number): PresentingField {
  const b = editor.getViewportPageBounds()
  return { x: Math.round(b.x), y: Math.round(b.y), w: Math.max(1, Math.round(b.w)), h: Math.max(1, Math.round(b.h)), since }
}

/** 'x,y,w,h': a presented view, as a string to compare. */
export function viewKey(f: Pick<PresentingField, 'x' | 'y' | 'w' | 'h'>): string {
  return `${f.x},${f.y},${f.w},${f.h}`
}

export interface PresentingApi {
  /** This screen presents. */
  presenting: boolean
  /** What we publish while presenting: 'x,y,w,h' of our viewport (page units). */
  published: string
  /** Someone else presents (null: nobody, or we do). */
  presenter: Presenter | null
  /** We follow that presenter's view. */
  following: boolean
  start(): void
  stop(): void
  follow(): void
  unfollow(): void
}

export function usePresenting(editor: Editor | null, awareness: Awareness, onPresentingChange?: (on: boolean) => void): PresentingApi {
  const [presenting, setPresenting] = useState(false)
  const [presenter, setPresenter] = useState<Presenter | null>(null)
  const [following, setFollowing] = useState(true)
  const [published, setPublished] = useState('')
  const sinceRef = useRef(0)
  const onChangeRef = useRef(onPresentingChange)
  onChangeRef.current = onPresentingChange

  // Tell the page (it hides its side column while we present).
  const first = useRef(true)
  useEffect(() => {
    if (first.current && !presenting) { first.current = false; return }
    first.current = false
    onChangeRef.current?.(presenting)
  }, [presenting])

  // Watch awareness: who presents; an earlier presenter of ours gives way to a later one.
  useEffect(() => {
    const update = () => {
      const all = currentPresenter(awareness.getStates())
      if (all && all.clientId !== awareness.clientID) {
        if (sinceRef.current) {
          sinceRef.current = 0
          awareness.setLocalStateField('presenting', null)
          setPresenting(false)
        }
        setPresenter((prev) => {
          // A new presentation (or presenter): follow it.
          if (!prev || prev.clientId !== all.clientId || prev.bounds.since !== all.bounds.since) setFollowing(true)
          return all
        })
      } else {
        setPresenter(null)
      }
    }
    awareness.on('change', update)
    update()
    return () => awareness.off('change', update)
  }, [awareness])

  // Presenter: publish the viewport, throttled.
  useEffect(() => {
    if (!editor || !presenting) return
    let last = 0
    let timer: ReturnType<typeof setTimeout> | null = null
    const publish = () => {
      timer = null
      last = Date.now()
      const f = viewField(editor, sinceRef.current)
      awareness.setLocalStateField('presenting', f)
      setPublished(viewKey(f))
    }
    const stopWatching = react('kt presenter viewport', () => {
      editor.getViewportPageBounds()
      if (timer) return
      const wait = PUBLISH_INTERVAL_MS - (Date.now() - last)
      if (wait <= 0) publish()
      else timer = setTimeout(publish, wait)
    })
    return () => {
      stopWatching()
      if (timer) clearTimeout(timer)
    }
  }, [editor, presenting, awareness])

  // Follower: apply the presenter's view; any other camera move means "I look around myself".
  const bounds = presenter?.bounds
  useEffect(() => {
    if (!editor || !bounds || !following) return
    let expected = { x: NaN, y: NaN, z: NaN }
    let applying = false
    const apply = () => {
      const cam = exactCamera(editor, bounds)
      if (!cam) return
      expected = cam
      applying = true
      try {
        editor.setCamera(cam)
      } finally {
        applying = false
      }
      const c = editor.getCamera()
      expected = { x: c.x, y: c.y, z: c.z }
    }
    apply()
    const stopWatching = react('kt follower camera', () => {
      const c = editor.getCamera()
      if (applying) return
      const moved = Math.abs(c.x - expected.x) > 0.5 || Math.abs(c.y - expected.y) > 0.5 || Math.abs(c.z - expected.z) > 0.001
      if (moved) setFollowing(false)
    })
    // Our own viewport changing size (a side column opening) keeps following: fit again.
    const onResize = () => requestAnimationFrame(apply)
    const ro = new ResizeObserver(onResize)
    ro.observe(editor.getContainer())
    return () => {
      stopWatching()
      ro.disconnect()
    }
  }, [editor, bounds?.x, bounds?.y, bounds?.w, bounds?.h, following]) // eslint-disable-line react-hooks/exhaustive-deps

  const start = useCallback(() => {
    sinceRef.current = Date.now()
    setPresenting(true)
    setPresenter(null)
    if (editor) {
      const f = viewField(editor, sinceRef.current)
      awareness.setLocalStateField('presenting', f)
      setPublished(viewKey(f))
    }
  }, [editor, awareness])
  const stop = useCallback(() => {
    sinceRef.current = 0
    setPresenting(false)
    awareness.setLocalStateField('presenting', null)
  }, [awareness])
  // Leaving the board ends our presentation.
  useEffect(() => () => {
    if (sinceRef.current && awareness.getLocalState() !== null) awareness.setLocalStateField('presenting', null)
  }, [awareness])

  return {
    presenting,
    published,
    presenter,
    following,
    start,
    stop,
    follow: useCallback(() => setFollowing(true), []),
    unfollow: useCallback(() => setFollowing(false), []),
  }
}
