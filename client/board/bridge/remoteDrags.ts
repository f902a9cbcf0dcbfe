/**
 * Others' drags, as this screen shows them: the dragged cards' positions arrive through awareness
 * (shared/awareness.ts DragState, about 25 times a second) and are interpolated here, so a ghost
 * of the card glides at display rate instead of jumping from sample to sample. Pure logic with an
 * injectable clock (tests); ui/RemoteDrags.tsx draws the frames.
 *
 * When a drag ends the ghost stays where it was dropped until the card itself moves there (the
 * document's write may arrive a moment after the awareness update) or `lingerMs` has passed.
 */
import type { Awareness } from 'y-protocols/awareness'
import { DRAG_STREAM_INTERVAL_MS, readPresence } from '../../../shared/awareness.ts'

export interface GhostFrame {
  clientId: number
  name: string
  color: string
  /** The life domain the card would go to if dropped now. */
  domain: string | null
  items: { id: string; x: number; y: number }[]
  /** The drag ended; the ghost waits for the card to arrive. */
  ended: boolean
}

interface Track {
  from: { x: number; y: number }
  to: { x: number; y: number }
  t0: number
}

interface Drag {
  name: string
  color: string
  domain: string | null
  tracks: Map<string, Track>
  endedAt: number | null
  /** Where each card was (on this screen) when its drag started: it has arrived once that changes. */
  startedAt: Map<string, string | null>
}

export interface RemoteDragTracker {
  /** The ghosts to draw at `now` (interpolated); drops ended ones whose card arrived or that lingered long enough. */
  frame(now: number): GhostFrame[]
  /** Whether anything is to be drawn (an animation loop runs only then). */
  active(): boolean
  /** Called when a drag starts or ends (not on every position). */
  onChange(fn: () => void): () => void
  dispose(): void
}

export interface TrackerOptions {
  now?: () => number
  /** How long one step of interpolation lasts: the interval at which positions are sent. */
  stepMs?: number
  lingerMs?: number
  /** Where the card is shown now on this screen, as a comparable key (null: not on the board). */
  placeOf?: (itemId: string) => string | null
}

export function createRemoteDragTracker(awareness: Awareness, opts: TrackerOptions = {}): RemoteDragTracker {
  const now = opts.now ?? (() => performance.now())
  const stepMs = opts.stepMs ?? DRAG_STREAM_INTERVAL_MS
  const lingerMs = opts.lingerMs ?? 800
  const placeOf = opts.placeOf ?? (() => null)
  const drags = new Map<number, Drag>()
  const listeners = new Set<() => void>()
  const changed = () => { for (const l of listeners) l() }

  const at = (t: Track, time: number) => {
    const k = stepMs <= 0 ? 1 : Math.min(1, Math.max(0, (time - t.t0) / stepMs))
    return { x: t.from.x + (t.to.x - t.from.x) * k, y: t.from.y + (t.to.y - t.from.y) * k }
  }

  const update = () => {
    const t = now()
    let structural = false
    const seen = new Set<number>()
    for (const [clientId, state] of awareness.getStates()) {
      if (clientId === awareness.clientID) continue
      const p = readPresence(state)
      if (!p?.drag) continue
      seen.add(clientId)
      let d = drags.get(clientId)
      if (!d || d.endedAt !== null) {
        d = { name: p.user.name, color: p.user.color, domain: null, tracks: new Map(), endedAt: null, startedAt: new Map() }
        drags.set(clientId, d)
        structural = true
      }
      d.domain = p.drag.domain
      const ids = new Set<string>()
      for (const it of p.drag.items) {
        ids.add(it.id)
        const tr = d.tracks.get(it.id)
        if (!tr) {
          d.tracks.set(it.id, { from: { x: it.x, y: it.y }, to: { x: it.x, y: it.y }, t0: t })
          d.startedAt.set(it.id, placeOf(it.id))
          structural = true
        } else if (tr.to.x !== it.x || tr.to.y !== it.y) {
          tr.from = at(tr, t)
          tr.to = { x: it.x, y: it.y }
          tr.t0 = t
        }
      }
      for (const id of [...d.tracks.keys()]) if (!ids.has(id)) { d.tracks.delete(id); structural = true }
    }
    for (const [clientId, d] of drags) {
      if (seen.has(clientId) || d.endedAt !== null) continue
      // Gone from awareness (left) or drag over: the ghost finishes its last step and waits.
      d.endedAt = t
      structural = true
    }
    if (structural) changed()
  }
  awareness.on('change', update)
  update()

  return {
    frame(time) {
      const out: GhostFrame[] = []
      let dropped = false
      for (const [clientId, d] of drags) {
        if (d.endedAt !== null) {
          const arrived = [...d.startedAt].every(([id, place]) => placeOf(id) !== place)
          if (arrived || time - d.endedAt >= lingerMs) {
            drags.delete(clientId)
            dropped = true
            continue
          }
        }
        out.push({
          clientId, name: d.name, color: d.color, domain: d.domain, ended: d.endedAt !== null,
          items: [...d.tracks].map(([id, tr]) => ({ id, ...at(tr, time) })),
        })
      }
      if (dropped) changed()
      return out
    },
    active: () => drags.size > 0,
    onChange(fn) {
      listeners.add(fn)
      return () => { listeners.delete(fn) }
    },
    dispose() {
      awareness.off('change', update)
      drags.clear()
      listeners.clear()
    },
  }
}
