/**
 * Typed read/write helpers for a case document. Every write runs inside one transaction, so a
 * change reaches other participants (and the update log) as one update. Writes validate their
 * input and throw a DocInputError on values the schema does not allow.
 */
import * as Y from 'yjs'
import { newId, isEntityId } from './ids.ts'
import { applyTextChange } from './text.ts'
import {
  MAX_ITEM_TEXT_CHARS, MAX_LONG_FIELD_CHARS, MAX_PERSON_NAME_CHARS, MAX_SHORT_FIELD_CHARS,
} from './limits.ts'
import {
  ITEM_SIZE, SCHEMA_VERSION, SCORE_MAX, SCORE_MIN, TOP_LEVEL,
  isActionStatus, isIsoDate, isItemKind, isLadderRung, isLinkKind, isRole, isRoute, isSize, isVec,
  type ActionStatus, type Author, type DomainFields, type ItemFields, type ItemKind, type LadderRung,
  type LinkFields, type LinkKind, type MetaFields, type PlanFields, type Route, type Size, type Vec,
} from './schema.ts'
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
  const v = m.get('schemaVersion')
  return {
    schemaVersion: typeof v === 'number' ? v : 0,
    templateId: str(m.get('templateId')),
    createdAt: num(m.get('createdAt'), 0),
  }
}

// ---------- reading (tolerant: a value that does not fit the schema reads as its default) ----------

export function readItem(m: Y.Map<unknown>): ItemFields | null {
  const id = m.get('id')
  const kind = m.get('kind')
  if (!isEntityId(id) || !isItemKind(kind)) return null
  const author = m.get('author') as Partial<Author> | undefined
  const status = m.get('status')
  const domainId = m.get('domainId')
  return {
    id,
    kind,
    text: textOf(m.get('text')),
    domainId: isEntityId(domainId) ? domainId : null,
    pos: isVec(m.get('pos')) ? (m.get('pos') as Vec) : { x: 0, y: 0 },
    size: isSize(m.get('size')) ? (m.get('size') as Size) : { ...ITEM_SIZE },
    createdAt: num(m.get('createdAt'), 0),
    author: {
      name: str(author?.name),
      org: str(author?.org),
      role: isRole(author?.role) ? author.role : 'professional',
    },
    stress: m.get('stress') === true,
    signal: m.get('signal') === true,
    owner: str(m.get('owner')),
    ownerOrg: str(m.get('ownerOrg')),
    due: isIsoDate(m.get('due')) ? (m.get('due') as string) : '',
    status: isActionStatus(status) ? status : 'open',
    deviation: m.get('deviation') === true,
    deviationRule: str(m.get('deviationRule')),
    deviationMotivation: str(m.get('deviationMotivation')),
  }
}

export function readDomain(m: Y.Map<unknown>): DomainFields | null {
  const id = m.get('id')
  if (!isEntityId(id)) return null
  const score = m.get('score')
  return {
    id,
    key: str(m.get('key')),
    label: str(m.get('label')),
    order: num(m.get('order'), 0),
    pos: isVec(m.get('pos')) ? (m.get('pos') as Vec) : { x: 0, y: 0 },
    size: isSize(m.get('size')) ? (m.get('size') as Size) : { ...DOMAIN_SIZE },
    score: typeof score === 'number' && Number.isInteger(score) && score >= SCORE_MIN && score <= SCORE_MAX ? score : null,
  }
}

export function readLink(m: Y.Map<unknown>): LinkFields | null {
  const id = m.get('id')
  const from = m.get('from')
  const to = m.get('to')
  const kind = m.get('kind')
  if (!isEntityId(id) || !isEntityId(from) || !isEntityId(to)) return null
  return { id, from, to, kind: isLinkKind(kind) ? kind : 'reinforces' }
}

export function readPlanFields(doc: Y.Doc): PlanFields {
  const p = parts(doc).plan
  const route = p.get('route')
  const now = p.get('ladderNow')
  const goal = p.get('ladderGoal')
  return {
    goal: textOf(p.get('goal')),
    route: isRoute(route) ? route : null,
    ladderNow: isLadderRung(now) ? now : null,
    ladderGoal: isLadderRung(goal) ? goal : null,
  }
}

export function listItems(doc: Y.Doc): ItemFields[] {
  return collect(parts(doc).items, readItem)
}
export function listDomains(doc: Y.Doc): DomainFields[] {
  return collect(parts(doc).domains, readDomain).sort((a, b) => a.order - b.order)
}
export function listLinks(doc: Y.Doc): LinkFields[] {
  return collect(parts(doc).links, readLink)
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
  pos: Vec
  size?: Size
  author: Author
  stress?: boolean
  signal?: boolean
}

export function addItem(doc: Y.Doc, input: NewItem, now = Date.now()): string {
  const id = input.id ?? newId()
  if (!isEntityId(id)) throw new DocInputError('invalid item id')
  if (!isItemKind(input.kind)) throw new DocInputError(`invalid item kind: ${String(input.kind)}`)
  if (!isVec(input.pos)) throw new DocInputError('invalid position')
  checkAuthor(input.author)
  const text = input.text ?? ''
  checkLength('text', text, MAX_ITEM_TEXT_CHARS)
  const p = parts(doc)
  doc.transact(() => {
    if (p.items.has(id)) throw new DocInputError(`item ${id} exists already`)
    const m = new Y.Map<unknown>()
    m.set('id', id)
    m.set('kind', input.kind)
    m.set('text', new Y.Text(text))
    m.set('domainId', input.domainId ?? null)
    m.set('pos', { x: input.pos.x, y: input.pos.y })
    m.set('size', input.size && isSize(input.size) ? { ...input.size } : { ...ITEM_SIZE })
    m.set('createdAt', now)
    m.set('author', { name: input.author.name, org: input.author.org, role: input.author.role })
    m.set('stress', input.stress === true)
    m.set('signal', input.signal === true)
    if (input.kind === 'action') {
      m.set('owner', '')
      m.set('ownerOrg', '')
      m.set('due', '')
      m.set('status', 'open')
      m.set('deviation', false)
      m.set('deviationRule', '')
      m.set('deviationMotivation', '')
    }
    p.items.set(id, m)
  })
  return id
}

/** Fields of an item that can change after creation (text goes through setItemText). */
export interface ItemPatch {
  kind?: ItemKind
  domainId?: string | null
  pos?: Vec
  size?: Size
  stress?: boolean
  signal?: boolean
  owner?: string
  ownerOrg?: string
  due?: string
  status?: ActionStatus
  deviation?: boolean
  deviationRule?: string
  deviationMotivation?: string
}

export function updateItem(doc: Y.Doc, id: string, patch: ItemPatch): void {
  checkItemPatch(patch)
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
  checkLength('text', text, MAX_ITEM_TEXT_CHARS)
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

/** Delete an item and every link that touches it. */
export function deleteItem(doc: Y.Doc, id: string): void {
  const p = parts(doc)
  doc.transact(() => {
    p.items.delete(id)
    for (const [linkId, l] of p.links) {
      if (l.get('from') === id || l.get('to') === id) p.links.delete(linkId)
    }
  })
}

export function addLink(doc: Y.Doc, from: string, to: string, kind: LinkKind, id = newId()): string {
  if (!isEntityId(id) || !isEntityId(from) || !isEntityId(to)) throw new DocInputError('invalid link id')
  if (from === to) throw new DocInputError('a link needs two different items')
  if (!isLinkKind(kind)) throw new DocInputError(`invalid link kind: ${String(kind)}`)
  const p = parts(doc)
  if (!p.items.has(from) || !p.items.has(to)) throw new DocInputError('a link joins two existing items')
  doc.transact(() => {
    const m = new Y.Map<unknown>()
    m.set('id', id)
    m.set('from', from)
    m.set('to', to)
    m.set('kind', kind)
    p.links.set(id, m)
  })
  return id
}

export function setLinkKind(doc: Y.Doc, id: string, kind: LinkKind): void {
  if (!isLinkKind(kind)) throw new DocInputError(`invalid link kind: ${String(kind)}`)
  const m = parts(doc).links.get(id)
  if (!m) throw new DocInputError(`no link ${id}`)
  doc.transact(() => m.set('kind', kind))
}

export function deleteLink(doc: Y.Doc, id: string): void {
  doc.transact(() => parts(doc).links.delete(id))
}

export interface PlanPatch {
  route?: Route | null
  ladderNow?: LadderRung | null
  ladderGoal?: LadderRung | null
}

export function updatePlan(doc: Y.Doc, patch: PlanPatch): void {
  if (patch.route !== undefined && patch.route !== null && !isRoute(patch.route)) throw new DocInputError('invalid route')
  for (const k of ['ladderNow', 'ladderGoal'] as const) {
    const v = patch[k]
    if (v !== undefined && v !== null && !isLadderRung(v)) throw new DocInputError(`invalid ${k}`)
  }
  const p = parts(doc).plan
  doc.transact(() => {
    for (const [k, v] of Object.entries(patch)) if (v !== undefined && p.get(k) !== v) p.set(k, v)
  })
}

export function setGoal(doc: Y.Doc, text: string): void {
  checkLength('goal', text, MAX_LONG_FIELD_CHARS)
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

export interface DomainPatch {
  label?: string
  pos?: Vec
  size?: Size
  score?: number | null
}

export function updateDomain(doc: Y.Doc, id: string, patch: DomainPatch): void {
  if (patch.label !== undefined) checkLength('label', patch.label, MAX_SHORT_FIELD_CHARS)
  if (patch.pos !== undefined && !isVec(patch.pos)) throw new DocInputError('invalid position')
  if (patch.size !== undefined && !isSize(patch.size)) throw new DocInputError('invalid size')
  if (patch.score !== undefined && patch.score !== null &&
      !(Number.isInteger(patch.score) && patch.score >= SCORE_MIN && patch.score <= SCORE_MAX)) {
    throw new DocInputError(`score must be ${SCORE_MIN}–${SCORE_MAX}`)
  }
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

function checkItemPatch(patch: ItemPatch): void {
  if (patch.kind !== undefined && !isItemKind(patch.kind)) throw new DocInputError('invalid item kind')
  if (patch.domainId !== undefined && patch.domainId !== null && !isEntityId(patch.domainId)) throw new DocInputError('invalid domain id')
  if (patch.pos !== undefined && !isVec(patch.pos)) throw new DocInputError('invalid position')
  if (patch.size !== undefined && !isSize(patch.size)) throw new DocInputError('invalid size')
  if (patch.status !== undefined && !isActionStatus(patch.status)) throw new DocInputError('invalid status')
  if (patch.due !== undefined && patch.due !== '' && !isIsoDate(patch.due)) throw new DocInputError('due must be a date (YYYY-MM-DD)')
  for (const k of ['stress', 'signal', 'deviation'] as const) {
    if (patch[k] !== undefined && typeof patch[k] !== 'boolean') throw new DocInputError(`${k} must be true or false`)
  }
  if (patch.owner !== undefined) checkLength('owner', patch.owner, MAX_PERSON_NAME_CHARS)
  if (patch.ownerOrg !== undefined) checkLength('ownerOrg', patch.ownerOrg, MAX_SHORT_FIELD_CHARS)
  if (patch.deviationRule !== undefined) checkLength('deviationRule', patch.deviationRule, MAX_LONG_FIELD_CHARS)
  if (patch.deviationMotivation !== undefined) checkLength('deviationMotivation', patch.deviationMotivation, MAX_LONG_FIELD_CHARS)
}

function checkAuthor(a: Author): void {
  if (!a || typeof a.name !== 'string' || typeof a.org !== 'string' || !isRole(a.role)) {
    throw new DocInputError('an item needs an author (name, organisation, role)')
  }
  checkLength('author name', a.name, MAX_PERSON_NAME_CHARS)
  checkLength('author organisation', a.org, MAX_SHORT_FIELD_CHARS)
}

function checkLength(field: string, v: unknown, max: number): void {
  if (typeof v !== 'string') throw new DocInputError(`${field} must be text`)
  if (v.length > max) throw new DocInputError(`${field} is longer than ${max} characters`)
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

function textOf(v: unknown): string {
  if (v instanceof Y.Text) return v.toString()
  return typeof v === 'string' ? v : ''
}
function str(v: unknown): string {
  return typeof v === 'string' ? v : ''
}
function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback
}
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a === 'object' && typeof b === 'object' && a && b) return JSON.stringify(a) === JSON.stringify(b)
  return false
}
