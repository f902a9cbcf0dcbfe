/**
 * Presence: what each participant shares through y-protocols awareness (never stored).
 * Lasting data goes through the document; passing data — name, colour, cursor, selection —
 * only through here.
 */
import type { Role } from './schema.ts'
import { MAX_PERSON_NAME_CHARS, MAX_SHORT_FIELD_CHARS } from './limits.ts'

export interface PresenceUser {
  name: string
  org: string
  role: Role
  color: string
}

export interface PresenceState {
  user: PresenceUser
  /** Canvas (page) coordinates of the pointer, or null when off the canvas. */
  cursor: { x: number; y: number } | null
  /** Ids of selected entities. */
  selection: string[]
  /** Cards this participant is dragging right now (page coordinates), or null. */
  drag: DragState | null
}

/**
 * A drag in progress, streamed through awareness while the pointer moves (at most every
 * DRAG_STREAM_INTERVAL_MS, together with the cursor) so others see the cards move; the document
 * is written once, at the drop.
 */
export interface DragState {
  /** The dragged cards' entity ids and their top-left corners. */
  items: { id: string; x: number; y: number }[]
  /** The life domain under the (first) card's centre, where it would go if dropped now. */
  domain: string | null
}

/** At most this many dragged cards are streamed (a larger selection shows its first ones). */
export const MAX_DRAG_ITEMS = 20
/** While cards are dragged, cursor and card positions go out at most this often: 25 a second, within the server's awareness budget (30/s). */
export const DRAG_STREAM_INTERVAL_MS = 40
const ENTITY_ID = /^[A-Za-z0-9_~-]{1,64}$/

/** Read a remote drag defensively: anything malformed is no drag. */
export function readDrag(v: unknown): DragState | null {
  if (typeof v !== 'object' || v === null) return null
  const raw = (v as { items?: unknown }).items
  if (!Array.isArray(raw)) return null
  const items: DragState['items'] = []
  for (const it of raw.slice(0, MAX_DRAG_ITEMS)) {
    const { id, x, y } = (it ?? {}) as { id?: unknown; x?: unknown; y?: unknown }
    if (typeof id === 'string' && ENTITY_ID.test(id) && Number.isFinite(x) && Number.isFinite(y)) items.push({ id, x: x as number, y: y as number })
  }
  if (items.length === 0) return null
  const d = (v as { domain?: unknown }).domain
  return { items, domain: typeof d === 'string' && ENTITY_ID.test(d) ? d : null }
}

export const PRESENCE_COLORS = [
  '#d1495b', '#2e86ab', '#3b8b3b', '#8e44ad', '#e07a1f', '#00798c', '#b5179e', '#6d597a',
] as const

export function colorFor(seed: string): string {
  let h = 0
  for (let i = 0; i < seed.length; i++) h = (h * 31 + seed.charCodeAt(i)) | 0
  return PRESENCE_COLORS[Math.abs(h) % PRESENCE_COLORS.length] as string
}

/** Read a remote presence state defensively: anything else in awareness is ignored. */
export function readPresence(v: unknown): PresenceState | null {
  if (typeof v !== 'object' || v === null) return null
  const u = (v as { user?: unknown }).user as Partial<PresenceUser> | undefined
  if (!u || typeof u.name !== 'string' || typeof u.color !== 'string') return null
  const c = (v as { cursor?: unknown }).cursor as { x?: unknown; y?: unknown } | null | undefined
  const sel = (v as { selection?: unknown }).selection
  return {
    user: {
      name: u.name.slice(0, MAX_PERSON_NAME_CHARS),
      org: typeof u.org === 'string' ? u.org.slice(0, MAX_SHORT_FIELD_CHARS) : '',
      role: u.role === 'resident' || u.role === 'coordinator' ? u.role : 'professional',
      color: /^#[0-9a-fA-F]{6}$/.test(u.color) ? u.color : '#666666',
    },
    cursor: c && Number.isFinite(c.x) && Number.isFinite(c.y) ? { x: c.x as number, y: c.y as number } : null,
    selection: Array.isArray(sel) ? sel.filter((s): s is string => typeof s === 'string').slice(0, 200) : [],
    drag: readDrag((v as { drag?: unknown }).drag),
  }
}
