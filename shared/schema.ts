/**
 * The Keukentafel document schema: how one case (one resident's plan) is laid out in a Y.Doc.
 *
 * The Y.Doc *is* the plan. The tldraw canvas is a projection of it. Everything another program
 * needs to read or write a case is defined here and written down in docs/document-schema.md.
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

export interface Vec {
  x: number
  y: number
}
export interface Size {
  w: number
  h: number
}

/** Who added an item. Stored as a plain object on the item; never changes after creation. */
export interface Author {
  name: string
  org: string
  role: Role
}

/** Field names inside an item's Y.Map. `text` is a Y.Text; every other value is plain JSON. */
export interface ItemFields {
  id: string
  kind: ItemKind
  /** Y.Text in the document; a string in the derived plan. */
  text: string
  domainId: string | null
  pos: Vec
  size: Size
  createdAt: number
  author: Author
  /** A stress factor (e.g. debts): to be tackled first. */
  stress: boolean
  /** A rule or procedure that blocks help ('signaal'). */
  signal: boolean
  // Action ('afspraak') fields; empty for other kinds.
  owner: string
  ownerOrg: string
  /** ISO date YYYY-MM-DD, or '' when no date was agreed. */
  due: string
  status: ActionStatus
  /** 'Gemotiveerd afwijken': this action departs from a rule, with the motivation written down. */
  deviation: boolean
  deviationRule: string
  deviationMotivation: string
}

/** The fields only actions ('afspraken') use. */
export type ActionFieldName = 'owner' | 'ownerOrg' | 'due' | 'status' | 'deviation' | 'deviationRule' | 'deviationMotivation'

export interface DomainFields {
  id: string
  /** Key of the domain within its template, e.g. 'income_debts'. */
  key: string
  label: string
  order: number
  pos: Vec
  size: Size
  /** 1–5 on templates with a scale (Zelfredzaamheid-Matrix), else null. */
  score: number | null
}

export interface LinkFields {
  id: string
  from: string
  to: string
  kind: LinkKind
}

export interface PlanFields {
  goal: string
  route: Route | null
  ladderNow: LadderRung | null
  ladderGoal: LadderRung | null
}

export interface MetaFields {
  schemaVersion: number
  templateId: string
  createdAt: number
}

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
export function isVec(v: unknown): v is Vec {
  return (
    typeof v === 'object' && v !== null &&
    Number.isFinite((v as Vec).x) && Number.isFinite((v as Vec).y)
  )
}
export function isSize(v: unknown): v is Size {
  return (
    typeof v === 'object' && v !== null &&
    Number.isFinite((v as Size).w) && Number.isFinite((v as Size).h) &&
    (v as Size).w > 0 && (v as Size).h > 0
  )
}
/** YYYY-MM-DD that is a real calendar date. */
export function isIsoDate(v: unknown): v is string {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false
  const d = new Date(`${v}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v
}
