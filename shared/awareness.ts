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
  }
}
