/**
 * The Keukentafel document schema: how one case (one resident's plan) is laid out in a Y.Doc.
 *
 * The Y.Doc *is* the plan. The tldraw canvas is a projection of it. The layout and the allowed
 * values are defined here; each entity's fields are declared once, as a zod schema in
 * ./entities/, and the field types below derive from them. docs/document-schema.md is generated
 * from (and tested against) those schemas.
 *
 *   meta     Y.Map    schemaVersion, templateId, createdAt
 *   plan     Y.Map    goal (Y.Text, 'stip op de horizon'), route, ladderNow, ladderGoal
 *   domains  Y.Map    domainId -> Y.Map (life domain 'leefgebied': label, order, pos, size, score)
 *   items    Y.Map    itemId   -> Y.Map (problem / wish / strength / action / note)
 *   links    Y.Map    linkId   -> Y.Map (from, to, kind)
 *   canvas   Y.Map    tldraw record id -> plain JSON record (free drawing that is no plan item)
 *
 * Positions are stored as ONE key `pos` holding {x, y} (and `size` holding {w, h}), never as
 * separate x / y keys: consecutive overwrites of one key by one client merge into a single
 * tombstone, while alternating writes to two keys leave history that cannot merge.
 */
import type { z } from 'zod'
import { MAX_CANVAS_COORDINATE, MAX_SHAPE_EXTENT } from './limits.ts'
import type {
  actionFieldsSchema, authorSchema, domainSchema, itemSchema, linkSchema, metaSchema, planSchema, sizeSchema, vecSchema,
} from './entities/index.ts'

/** Bump when the layout changes incompatibly; clients built for an older version are refused. */
export const SCHEMA_VERSION = 1

export const TOP_LEVEL = {
  meta: 'meta',
  plan: 'plan',
  domains: 'domains',
  items: 'items',
  links: 'links',
  canvas: 'canvas',
} as const
export type TopLevelName = (typeof TOP_LEVEL)[keyof typeof TOP_LEVEL]
export const TOP_LEVEL_NAMES: readonly string[] = Object.values(TOP_LEVEL)

export const ITEM_KINDS = ['problem', 'wish', 'strength', 'action', 'note'] as const
export type ItemKind = (typeof ITEM_KINDS)[number]

export const LINK_KINDS = ['reinforces', 'causes', 'helps', 'blocks'] as const
export type LinkKind = (typeof LINK_KINDS)[number]

export const ACTION_STATUSES = ['open', 'in_progress', 'done', 'cancelled'] as const
export type ActionStatus = (typeof ACTION_STATUSES)[number]

/** 'werk eerst', 'zorg eerst', 'tegelijk'. */
export const ROUTES = ['work_first', 'care_first', 'parallel'] as const
export type Route = (typeof ROUTES)[number]

/** Participatieladder: 1 geïsoleerd … 6 betaald werk. */
export const LADDER_RUNGS = [1, 2, 3, 4, 5, 6] as const
export type LadderRung = (typeof LADDER_RUNGS)[number]

/** Zelfredzaamheid-Matrix scale: 1 acute problematiek … 5 volledig zelfredzaam. */
export const SCORE_MIN = 1
export const SCORE_MAX = 5

export const ROLES = ['professional', 'resident', 'coordinator'] as const
export type Role = (typeof ROLES)[number]

// The field types below are derived from the entity schemas in ./entities/ (one definition each).

export type Vec = z.infer<typeof vecSchema>
export type Size = z.infer<typeof sizeSchema>

/** Who added an item. Stored as a plain object on the item; never changes after creation. */
export type Author = z.infer<typeof authorSchema>

/**
 * An item as readers return it (`text` is a Y.Text in the document, a string here). Readers fill
 * the action fields with defaults, so they are always present.
 */
export type ItemFields = Required<z.infer<typeof itemSchema>>

/** The fields only actions ('afspraken') use. */
export type ActionFieldName = keyof z.infer<typeof actionFieldsSchema>

export type DomainFields = z.infer<typeof domainSchema>

export type LinkFields = z.infer<typeof linkSchema>

export type PlanFields = z.infer<typeof planSchema>

export type MetaFields = z.infer<typeof metaSchema>

/** Default geometry, in canvas units. */
export const ITEM_SIZE: Size = { w: 220, h: 120 }
export const RESIDENT_SIZE: Size = { w: 300, h: 200 }

export function isItemKind(v: unknown): v is ItemKind {
  return typeof v === 'string' && (ITEM_KINDS as readonly string[]).includes(v)
}
export function isLinkKind(v: unknown): v is LinkKind {
  return typeof v === 'string' && (LINK_KINDS as readonly string[]).includes(v)
}
export function isActionStatus(v: unknown): v is ActionStatus {
  return typeof v === 'string' && (ACTION_STATUSES as readonly string[]).includes(v)
}
export function isRoute(v: unknown): v is Route {
  return typeof v === 'string' && (ROUTES as readonly string[]).includes(v)
}
export function isLadderRung(v: unknown): v is LadderRung {
  return typeof v === 'number' && (LADDER_RUNGS as readonly number[]).includes(v)
}
export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v)
}
/** Same rule as the entities' `vecSchema` (kept free of zod for cheap checks in UI code). */
export function isVec(v: unknown): v is Vec {
  return (
    typeof v === 'object' && v !== null &&
    isCoordinate((v as Vec).x) && isCoordinate((v as Vec).y)
  )
}
/** Same rule as the entities' `sizeSchema`. */
export function isSize(v: unknown): v is Size {
  return (
    typeof v === 'object' && v !== null &&
    isExtent((v as Size).w) && isExtent((v as Size).h)
  )
}
function isCoordinate(n: unknown): boolean {
  return typeof n === 'number' && n >= -MAX_CANVAS_COORDINATE && n <= MAX_CANVAS_COORDINATE
}
function isExtent(n: unknown): boolean {
  return typeof n === 'number' && n > 0 && n <= MAX_SHAPE_EXTENT
}
export { isIsoDate } from './entities/fields.ts'
