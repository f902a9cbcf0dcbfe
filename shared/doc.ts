/**
 * Typed read/write helpers for a case document. Every write runs inside one transaction, so a
 * change reaches other participants (and the update log) as one update. Writes validate their
 * input and throw a DocInputError on values the schema does not allow.
 */
import * as Y from 'yjs'
import type { z } from 'zod'
import { newId } from './ids.ts'
import { applyTextChange } from './text.ts'
import {
  ITEM_SIZE, SCHEMA_VERSION, TOP_LEVEL,
  type Author, type DomainFields, type ItemFields, type ItemKind,
  type LinkFields, type LinkKind, type MetaFields, type PlanFields, type Role, type Size, type Vec,
} from './schema.ts'
import {
  authorSchema, domainSchema, itemSchema, linkSchema, metaSchema, planSchema,
} from './entities/index.ts'
import { DOMAIN_SIZE, getTemplate, layoutDomains } from './templates.ts'

export class DocInputError extends Error {
  override name = 'DocInputError'
}

export interface CaseDocParts {
  meta: Y.Map<unknown>
  plan: Y.Map<unknown>
  domains: Y.Map<Y.Map<unknown>>
  items: Y.Map<Y.Map<unknown>>
  links: Y.Map<Y.Map<unknown>>
  canvas: Y.Map<unknown>
}

export function parts(doc: Y.Doc): CaseDocParts {
  return {
    meta: doc.getMap(TOP_LEVEL.meta),
    plan: doc.getMap(TOP_LEVEL.plan),
    domains: doc.getMap(TOP_LEVEL.domains),
    items: doc.getMap(TOP_LEVEL.items),
    links: doc.getMap(TOP_LEVEL.links),
    canvas: doc.getMap(TOP_LEVEL.canvas),
  }
}

/** Fill a new, empty case document from a template. */
export function initCaseDoc(doc: Y.Doc, templateId: string, now = Date.now()): void {
  const template = getTemplate(templateId)
  if (!template) throw new DocInputError(`unknown template: ${templateId}`)
  const p = parts(doc)
  const positions = layoutDomains(template.domains.length)
  doc.transact(() => {
    p.meta.set('schemaVersion', SCHEMA_VERSION)
    p.meta.set('templateId', template.id)
    p.meta.set('createdAt', now)
    p.plan.set('goal', new Y.Text())
    p.plan.set('route', null)
    p.plan.set('ladderNow', null)
    p.plan.set('ladderGoal', null)
    template.domains.forEach((d, i) => {
      const id = newId()
      const m = new Y.Map<unknown>()
      m.set('id', id)
      m.set('key', d.key)
      m.set('label', d.nl)
      m.set('order', i)
      m.set('pos', positions[i])
      m.set('size', { ...DOMAIN_SIZE })
      m.set('score', null)
      p.domains.set(id, m)
    })
  })
}

export function readMeta(doc: Y.Doc): MetaFields {
  const m = parts(doc).meta
  const f = metaSchema.shape
  return {
    schemaVersion: field(f.schemaVersion, m.get('schemaVersion'), 0),
    templateId: field(f.templateId, m.get('templateId'), ''),
    createdAt: field(f.createdAt, m.get('createdAt'), 0),
  }
}

// ---------- reading (tolerant: a value that does not fit the schema reads as its default) ----------

// Each field is read through its entity schema (shared/entities/); see `field` below.

export function readItem(m: Y.Map<unknown>): ItemFields | null {
  const f = itemSchema.shape
  const id = field(f.id, m.get('id'), null)
  const kind = field(f.kind, m.get('kind'), null)
  if (id === null || kind === null) return null
  const author = m.get('author') as Record<string, unknown> | undefined
  const a = authorSchema.shape
  return {
    id,
    kind,
    text: textField(f.text, m.get('text')),
    domainId: field(f.domainId, m.get('domainId'), null),
    pos: field(f.pos, m.get('pos'), { x: 0, y: 0 }),
    size: field(f.size, m.get('size'), { ...ITEM_SIZE }),
    createdAt: field(f.createdAt, m.get('createdAt'), 0),
    author: {
      name: field(a.name, author?.name, ''),
      org: field(a.org, author?.org, ''),
      role: field(a.role, author?.role, 'professional'),
    },
    stress: field(f.stress, m.get('stress'), false),
    signal: field(f.signal, m.get('signal'), false),
    order: field(f.order, m.get('order'), undefined) ?? field(f.createdAt, m.get('createdAt'), 0),
    recordedBy: readAuthor(m.get('recordedBy')),
    deletedAt: field(f.deletedAt, m.get('deletedAt'), undefined) ?? null,
    deletedBy: readAuthor(m.get('deletedBy')),
    owner: field(f.owner, m.get('owner'), undefined) ?? '',
    ownerOrg: field(f.ownerOrg, m.get('ownerOrg'), undefined) ?? '',
    due: field(f.due, m.get('due'), undefined) ?? '',
    status: field(f.status, m.get('status'), undefined) ?? 'open',
    deviation: field(f.deviation, m.get('deviation'), undefined) ?? false,
    deviationRule: field(f.deviationRule, m.get('deviationRule'), undefined) ?? '',
    deviationMotivation: field(f.deviationMotivation, m.get('deviationMotivation'), undefined) ?? '',
  }
}

/** An author-shaped field (recordedBy, deletedBy), or null when absent or malformed. */
function readAuthor(v: unknown): Author | null {
  const r = authorSchema.safeParse(v)
  return r.success ? r.data : null
}

export function readDomain(m: Y.Map<unknown>): DomainFields | null {
  const f = domainSchema.shape
  const id = field(f.id, m.get('id'), null)
  if (id === null) return null
  return {
    id,
    key: field(f.key, m.get('key'), ''),
    label: field(f.label, m.get('label'), ''),
    order: field(f.order, m.get('order'), 0),
    pos: field(f.pos, m.get('pos'), { x: 0, y: 0 }),
    size: field(f.size, m.get('size'), { ...DOMAIN_SIZE }),
    score: field(f.score, m.get('score'), null),
  }
}

export function readLink(m: Y.Map<unknown>): LinkFields | null {
  const f = linkShape()
  const id = field(f.id, m.get('id'), null)
  const from = field(f.from, m.get('from'), null)
  const to = field(f.to, m.get('to'), null)
  if (id === null || from === null || to === null) return null
  return { id, from, to, kind: field(f.kind, m.get('kind'), 'reinforces') }
}

export function readPlanFields(doc: Y.Doc): PlanFields {
  const p = parts(doc).plan
  const f = planSchema.shape
  return {
    goal: textField(f.goal, p.get('goal')),
    route: field(f.route, p.get('route'), null),
    ladderNow: field(f.ladderNow, p.get('ladderNow'), null),
    ladderGoal: field(f.ladderGoal, p.get('ladderGoal'), null),
  }
}

/** The live items (deleted ones are left out: see listDeletedItems). */
export function listItems(doc: Y.Doc): ItemFields[] {
  return collect(parts(doc).items, readItem).filter((i) => i.deletedAt === null)
}
/** Deleted items ('Verwijderd'), newest deletion first; anyone who can write may restore them. */
export function listDeletedItems(doc: Y.Doc): ItemFields[] {
  return collect(parts(doc).items, readItem)
    .filter((i) => i.deletedAt !== null)
    .sort((a, b) => (b.deletedAt ?? 0) - (a.deletedAt ?? 0) || (a.id < b.id ? -1 : 1))
}
/** Flow order of cards: `order`, then creation time, then id (the same on every client). */
export function compareFlow(a: ItemFields, b: ItemFields): number {
  return a.order - b.order || a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}
/** The live items of one domain (null: those in no domain), in flow order. */
export function itemsInDomain(doc: Y.Doc, domainId: string | null): ItemFields[] {
  return listItems(doc).filter((i) => i.domainId === domainId).sort(compareFlow)
}
/** Whether an item is live (exists and is not deleted). */
export function isLiveItem(doc: Y.Doc, id: string): boolean {
  const m = parts(doc).items.get(id)
  if (!(m instanceof Y.Map)) return false
  const d = m.get('deletedAt')
  return d === undefined || d === null
}
export function listDomains(doc: Y.Doc): DomainFields[] {
  return collect(parts(doc).domains, readDomain).sort((a, b) => a.order - b.order)
}
/** Links whose two ends are live items (a link to a deleted item comes back when it is restored). */
export function listLinks(doc: Y.Doc): LinkFields[] {
  return collect(parts(doc).links, readLink).filter((l) => isLiveItem(doc, l.from) && isLiveItem(doc, l.to))
}

/** The domain whose region contains a canvas point (the topmost by order), or null. */
export function domainAt(doc: Y.Doc, point: Vec): string | null {
  for (const d of listDomains(doc)) {
    if (point.x >= d.pos.x && point.x <= d.pos.x + d.size.w && point.y >= d.pos.y && point.y <= d.pos.y + d.size.h) {
      return d.id
    }
  }
  return null
}

// ---------- writing ----------

export interface NewItem {
  id?: string
  kind: ItemKind
  text?: string
  domainId?: string | null
  /** Only free cards (in no domain) use it; cards in a domain are placed by the board's layout. */
  pos?: Vec
  size?: Size
  author: Author
  /** The professional at the keyboard when `author` is the resident ('Inwoner aan het woord'). */
  recordedBy?: Author | null
  stress?: boolean
  signal?: boolean
  /** Flow position in its domain; default: after the last card there. */
  order?: number
}

export function addItem(doc: Y.Doc, input: NewItem, now = Date.now()): string {
  const id = input.id ?? newId()
  const size = input.size && sizeOk(input.size) ? input.size : ITEM_SIZE
  const author = input.author as Partial<Author> | undefined
  const item = parse(itemSchema, {
    id,
    kind: input.kind,
    text: input.text ?? '',
    domainId: input.domainId ?? null,
    pos: plainVec(input.pos ?? { x: 0, y: 0 }),
    size: { w: size.w, h: size.h },
    createdAt: now,
    author: author && { name: author.name, org: author.org, role: author.role },
    recordedBy: input.recordedBy ? { name: input.recordedBy.name, org: input.recordedBy.org, role: input.recordedBy.role } : null,
    stress: input.stress === true,
    signal: input.signal === true,
    order: input.order ?? nextOrder(doc, input.domainId ?? null, now),
    ...(input.kind === 'action' ? NEW_ACTION_FIELDS : {}),
  }, 'item')
  const p = parts(doc)
  doc.transact(() => {
    if (p.items.has(id)) throw new DocInputError(`item ${id} exists already`)
    const m = new Y.Map<unknown>()
    for (const [k, v] of Object.entries(item)) m.set(k, k === 'text' ? new Y.Text(v as string) : v)
    p.items.set(id, m)
  })
  return id
}

/** An order after every card of the domain (and never before `now`, so newer cards come later). */
function nextOrder(doc: Y.Doc, domainId: string | null, now: number): number {
  // Reads only the two fields it needs (this runs on every add, also in 500-card cases).
  let max = -Infinity
  for (const m of parts(doc).items.values()) {
    if (!(m instanceof Y.Map) || (m.get('domainId') ?? null) !== domainId) continue
    const order = m.get('order') ?? m.get('createdAt')
    if (typeof order === 'number' && order > max) max = order
  }
  return Math.max(now, max === -Infinity ? now : max + 1)
}

const NEW_ACTION_FIELDS = {
  owner: '', ownerOrg: '', due: '', status: 'open', deviation: false, deviationRule: '', deviationMotivation: '',
} as const

/**
 * Fields of an item that can change after creation (text goes through setItemText). `id`,
 * `kind`, `author` and `createdAt` never change: the server refuses such writes.
 */
const itemPatchSchema = itemSchema.pick({
  domainId: true, order: true, pos: true, size: true, stress: true, signal: true,
  owner: true, ownerOrg: true, due: true, status: true, deviation: true, deviationRule: true, deviationMotivation: true,
}).partial()

export type ItemPatch = z.infer<typeof itemPatchSchema>

export function updateItem(doc: Y.Doc, id: string, patch: ItemPatch): void {
  parse(itemPatchSchema, patch, 'item change')
  const m = parts(doc).items.get(id)
  if (!m) throw new DocInputError(`no item ${id}`)
  doc.transact(() => {
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) continue
      const value = k === 'pos' || k === 'size' ? { ...(v as object) } : v
      if (!sameValue(m.get(k), value)) m.set(k, value)
    }
  })
}

export function setItemText(doc: Y.Doc, id: string, text: string): void {
  parse(itemSchema.shape.text, text, 'text')
  const m = parts(doc).items.get(id)
  if (!m) throw new DocInputError(`no item ${id}`)
  doc.transact(() => {
    let t = m.get('text')
    if (!(t instanceof Y.Text)) {
      t = new Y.Text()
      m.set('text', t)
    }
    applyTextChange(t as Y.Text, text)
  })
}

/**
 * Who may delete an item: a resident only what a resident added (their own words); a
 * professional everything; a coordinator nothing. The server enforces the same rule.
 */
export function canDeleteItem(role: Role, item: Pick<ItemFields, 'author'>): boolean {
  if (role === 'professional') return true
  if (role === 'resident') return item.author.role === 'resident'
  return false
}

/**
 * Who may change an item (text, domain, place, marks, action fields): the same rule as deleting —
 * a resident only the resident's own words, a professional everything, a coordinator nothing.
 * Restoring a deleted item is everyone's (who can write). The server enforces it.
 */
export function canEditItem(role: Role, item: Pick<ItemFields, 'author'>): boolean {
  return canDeleteItem(role, item)
}

/**
 * Delete an item ('Verwijderd'): it leaves the plan and the board, its links are hidden, and
 * anyone who can write may restore it (restoreItem) — nothing is lost. purgeItem removes it for good.
 */
export function deleteItem(doc: Y.Doc, id: string, by: Author, now = Date.now()): void {
  const m = parts(doc).items.get(id)
  if (!m) throw new DocInputError(`no item ${id}`)
  const deletedBy = parse(authorSchema, { name: by.name, org: by.org, role: by.role }, 'deleted by')
  doc.transact(() => {
    m.set('deletedAt', now)
    m.set('deletedBy', deletedBy)
  })
}

/** Bring a deleted item back, with its links. */
export function restoreItem(doc: Y.Doc, id: string): void {
  const m = parts(doc).items.get(id)
  if (!m) throw new DocInputError(`no item ${id}`)
  doc.transact(() => {
    if (m.get('deletedAt') !== null && m.get('deletedAt') !== undefined) m.set('deletedAt', null)
    if (m.get('deletedBy') !== null && m.get('deletedBy') !== undefined) m.set('deletedBy', null)
  })
}

/** Remove an item and every link that touches it, for good. */
export function purgeItem(doc: Y.Doc, id: string): void {
  const p = parts(doc)
  doc.transact(() => {
    p.items.delete(id)
    for (const [linkId, l] of p.links) {
      if (l.get('from') === id || l.get('to') === id) p.links.delete(linkId)
    }
  })
}

/**
 * Put a card into a domain (null: no domain), in the flow before `beforeId` (a card of that
 * domain) or at its end. Only this card's `order` changes, so concurrent moves never conflict.
 */
export function moveItem(doc: Y.Doc, id: string, domainId: string | null, beforeId: string | null = null): void {
  const m = parts(doc).items.get(id)
  if (!m) throw new DocInputError(`no item ${id}`)
  const flow = itemsInDomain(doc, domainId).filter((i) => i.id !== id)
  const at = beforeId === null ? -1 : flow.findIndex((i) => i.id === beforeId)
  let order: number
  if (flow.length === 0) order = readItem(m)?.order ?? 0
  else if (at === -1) order = flow[flow.length - 1]!.order + 1
  else if (at === 0) order = flow[0]!.order - 1
  else order = (flow[at - 1]!.order + flow[at]!.order) / 2
  updateItem(doc, id, { domainId, order })
}

export function addLink(doc: Y.Doc, from: string, to: string, kind: LinkKind, id = newId()): string {
  const link = parse(linkSchema, { id, from, to, kind }, 'link')
  const p = parts(doc)
  if (!isLiveItem(doc, from) || !isLiveItem(doc, to)) throw new DocInputError('a link joins two existing items')
  doc.transact(() => {
    const m = new Y.Map<unknown>()
    for (const [k, v] of Object.entries(link)) m.set(k, v)
    p.links.set(id, m)
  })
  return id
}

export function setLinkKind(doc: Y.Doc, id: string, kind: LinkKind): void {
  parse(linkShape().kind, kind, 'link kind')
  const m = parts(doc).links.get(id)
  if (!m) throw new DocInputError(`no link ${id}`)
  doc.transact(() => m.set('kind', kind))
}

export function deleteLink(doc: Y.Doc, id: string): void {
  doc.transact(() => parts(doc).links.delete(id))
}

const planPatchSchema = planSchema.pick({ route: true, ladderNow: true, ladderGoal: true }).partial()
export type PlanPatch = z.infer<typeof planPatchSchema>

export function updatePlan(doc: Y.Doc, patch: PlanPatch): void {
  parse(planPatchSchema, patch, 'plan change')
  const p = parts(doc).plan
  doc.transact(() => {
    for (const [k, v] of Object.entries(patch)) if (v !== undefined && p.get(k) !== v) p.set(k, v)
  })
}

export function setGoal(doc: Y.Doc, text: string): void {
  parse(planSchema.shape.goal, text, 'goal')
  const p = parts(doc).plan
  doc.transact(() => {
    let t = p.get('goal')
    if (!(t instanceof Y.Text)) {
      t = new Y.Text()
      p.set('goal', t)
    }
    applyTextChange(t as Y.Text, text)
  })
}

const domainPatchSchema = domainSchema.pick({ label: true, pos: true, size: true, score: true }).partial()
export type DomainPatch = z.infer<typeof domainPatchSchema>

export function updateDomain(doc: Y.Doc, id: string, patch: DomainPatch): void {
  parse(domainPatchSchema, patch, 'domain change')
  const m = parts(doc).domains.get(id)
  if (!m) throw new DocInputError(`no domain ${id}`)
  doc.transact(() => {
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) continue
      const value = k === 'pos' || k === 'size' ? { ...(v as object) } : v
      if (!sameValue(m.get(k), value)) m.set(k, value)
    }
  })
}

// ---------- helpers ----------

/** Validate a writer's input with its entity schema; a DocInputError names the field, not the value. */
function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(value)
  if (r.success) return r.data
  const issue = r.error.issues[0]!
  const path = issue.path.length ? ` ${issue.path.map(String).join('.')}` : ''
  throw new DocInputError(`invalid ${what}${path}: ${issue.code === 'too_big' ? `longer than ${String((issue as { maximum?: unknown }).maximum)}` : issue.code}`)
}

/** Tolerant reading: a stored value that does not fit the field's schema reads as `fallback`. */
function field<S extends z.ZodType, F>(schema: S, value: unknown, fallback: F): z.infer<S> | F {
  if (value === undefined) return fallback
  const r = schema.safeParse(value)
  return r.success ? r.data : fallback
}

/** A Y.Text field (or a legacy plain string) as a string, cut to the field's limit. */
function textField(schema: z.ZodString, value: unknown): string {
  const s = value instanceof Y.Text ? value.toString() : typeof value === 'string' ? value : ''
  const max = schema.maxLength
  return max !== null && s.length > max ? s.slice(0, max) : s
}

/** The link schema's fields (the schema itself carries the from ≠ to rule). */
function linkShape() {
  return (linkSchema as unknown as { shape: typeof linkSchema.shape }).shape
}

function plainVec(v: Vec | undefined): unknown {
  return v && typeof v === 'object' ? { x: v.x, y: v.y } : v
}

function sizeOk(s: Size): boolean {
  return itemSchema.shape.size.safeParse(s).success
}

function collect<T>(map: Y.Map<Y.Map<unknown>>, read: (m: Y.Map<unknown>) => T | null): T[] {
  const out: T[] = []
  for (const m of map.values()) {
    if (!(m instanceof Y.Map)) continue
    const v = read(m)
    if (v) out.push(v)
  }
  return out
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a === 'object' && typeof b === 'object' && a && b) return JSON.stringify(a) === JSON.stringify(b)
  return false
}
