/**
 * The entities of a case document, each declared once (a zod schema per entity, in this folder),
 * and the checks that hold a Y.Doc to them. The schemas describe the plain-JSON reading of an
 * entity (a Y.Text field reads as its string); the checks here add what JSON cannot say: which
 * fields are Y.Text, that an entity is a Y.Map (a canvas record: plain JSON), and that an
 * entity's `id` equals its key.
 *
 * Problems name the entity kind, its id (only when it is a well-formed id), the field and the rule
 * broken — never content, so they may be logged and sent in a close frame.
 */
import * as Y from 'yjs'
import type { z } from 'zod'
import { isEntityId } from '../ids.ts'
import { MAX_CANVAS_RECORD_JSON_CHARS } from '../limits.ts'
import { TOP_LEVEL, TOP_LEVEL_NAMES } from '../schema.ts'
import { CANVAS_RECORD_ID_PATTERN, canvasRecordSchema } from './canvasRecord.ts'
import { DOMAIN_IMMUTABLE_FIELDS, DOMAIN_TEXT_FIELDS, domainSchema } from './domain.ts'
import { ITEM_IMMUTABLE_FIELDS, ITEM_TEXT_FIELDS, itemSchema } from './item.ts'
import { LINK_IMMUTABLE_FIELDS, LINK_TEXT_FIELDS, linkSchema } from './link.ts'
import { META_TEXT_FIELDS, metaSchema } from './meta.ts'
import { PLAN_TEXT_FIELDS, planSchema } from './plan.ts'

export * from './canvasRecord.ts'
export * from './domain.ts'
export * from './fields.ts'
export * from './item.ts'
export * from './link.ts'
export * from './meta.ts'
export * from './plan.ts'

export type EntityKind = 'meta' | 'plan' | 'domain' | 'item' | 'link' | 'canvasRecord'

interface EntityRule {
  schema: z.ZodType
  /** Fields held as Y.Text; null: the entity is one plain JSON value, not a Y.Map. */
  textFields: readonly string[] | null
  /** Fields a client may never change once the entity exists ('*': none at all). */
  immutable: readonly string[] | '*'
}

export const ENTITY_RULES: Record<EntityKind, EntityRule> = {
  meta: { schema: metaSchema, textFields: META_TEXT_FIELDS, immutable: '*' },
  plan: { schema: planSchema, textFields: PLAN_TEXT_FIELDS, immutable: [] },
  domain: { schema: domainSchema, textFields: DOMAIN_TEXT_FIELDS, immutable: DOMAIN_IMMUTABLE_FIELDS },
  item: { schema: itemSchema, textFields: ITEM_TEXT_FIELDS, immutable: ITEM_IMMUTABLE_FIELDS },
  link: { schema: linkSchema, textFields: LINK_TEXT_FIELDS, immutable: LINK_IMMUTABLE_FIELDS },
  canvasRecord: { schema: canvasRecordSchema, textFields: null, immutable: [] },
}

/** The top-level maps that hold one entity per key, and the kind of entity they hold. */
export const COLLECTION_KINDS: Readonly<Record<string, EntityKind>> = {
  [TOP_LEVEL.domains]: 'domain',
  [TOP_LEVEL.items]: 'item',
  [TOP_LEVEL.links]: 'link',
  [TOP_LEVEL.canvas]: 'canvasRecord',
}
/** The top-level maps that are themselves one entity. */
export const SINGLETON_KINDS: Readonly<Record<string, EntityKind>> = {
  [TOP_LEVEL.meta]: 'meta',
  [TOP_LEVEL.plan]: 'plan',
}

/** Every problem of one entity as stored under `key` (empty when it conforms). */
export function entityProblems(kind: EntityKind, key: string, value: unknown): string[] {
  const rule = ENTITY_RULES[kind]
  const where = entityLabel(kind, key)
  const problems: string[] = []
  let json: unknown
  if (rule.textFields === null) {
    // A canvas record: one plain JSON value.
    if (value instanceof Y.AbstractType) return [`${where}: must be plain JSON, not a shared type`]
    if (JSON.stringify(value ?? null).length > MAX_CANVAS_RECORD_JSON_CHARS) return [`${where}: too large`]
    json = value
  } else {
    if (!(value instanceof Y.Map)) return [`${where}: must be a Y.Map`]
    json = readYMap(value, rule, where, problems)
  }
  const parsed = rule.schema.safeParse(json)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${where}${issuePath(issue.path, rule)}: ${issueText(issue)}`)
  }
  if (kind !== 'meta' && kind !== 'plan') {
    const idOk = kind === 'canvasRecord' ? CANVAS_RECORD_ID_PATTERN.test(key) : isEntityId(key)
    if (!idOk) problems.push(`${where}: key is no valid id`)
    else if ((json as { id?: unknown } | null)?.id !== key) problems.push(`${where}.id: differs from its key`)
  }
  return problems
}

/** The first problem of one entity, or null when it conforms. */
export function checkEntity(kind: EntityKind, key: string, value: unknown): string | null {
  return entityProblems(kind, key, value)[0] ?? null
}

/**
 * The first problem among some fields of an entity that is a Y.Map, or null. For a change to an
 * entity that exists: only what changed is checked (a few µs instead of the whole entity).
 * Rules that join several fields (a link's two ends) check the whole entity when one of them
 * changed.
 */
export function checkEntityFields(kind: EntityKind, key: string, m: Y.Map<unknown>, fields: Iterable<string>): string | null {
  const rule = ENTITY_RULES[kind]
  const shape = shapeOf(rule)
  if (rule.textFields === null || shape === null) return checkEntity(kind, key, m)
  const where = entityLabel(kind, key)
  for (const field of fields) {
    if (kind === 'link' && (field === 'from' || field === 'to')) return checkEntity(kind, key, m)
    const schema = shape[field] as z.ZodType | undefined
    if (!schema) return `${where}: unknown field`
    const v = m.get(field)
    let json: unknown = v
    if (rule.textFields.includes(field)) {
      if (!(v instanceof Y.Text)) return `${where}.${field}: must be a Y.Text`
      json = v.toString()
      if ((json as string).length !== v.length) return `${where}.${field}: holds more than text`
    } else if (v instanceof Y.AbstractType) {
      return `${where}.${field}: must be plain JSON, not a shared type`
    }
    const parsed = schema.safeParse(json)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      return `${where}${issuePath([field, ...issue.path], rule)}: ${issueText(issue)}`
    }
    if (field === 'id' && json !== key) return `${where}.id: differs from its key`
  }
  return null
}

/** Every problem in the document; empty when the whole document conforms to the schema. */
export function validateDocument(doc: Y.Doc): string[] {
  const problems: string[] = []
  for (const name of doc.share.keys()) {
    if (!TOP_LEVEL_NAMES.includes(name)) problems.push('top level: a type outside the schema')
  }
  for (const name of TOP_LEVEL_NAMES) {
    let map: Y.Map<unknown>
    try {
      map = doc.getMap(name)
    } catch {
      problems.push(`${name}: must be a Y.Map`)
      continue
    }
    if (hasListContent(map)) problems.push(`${name}: holds list content`)
    const single = SINGLETON_KINDS[name]
    if (single) {
      problems.push(...entityProblems(single, '', map))
      continue
    }
    const kind = COLLECTION_KINDS[name]!
    for (const [key, value] of map) problems.push(...entityProblems(kind, key, value))
  }
  return problems
}

/** True when a Y.Map also holds sequence content (a writer treated it as an array or text). */
export function hasListContent(map: { _start: Y.Item | null }): boolean {
  for (let item = map._start; item !== null; item = item.right) if (!item.deleted) return true
  return false
}

export function entityLabel(kind: EntityKind, key: string): string {
  if (kind === 'meta' || kind === 'plan') return kind
  return `${kind} ${isEntityId(key) || CANVAS_RECORD_ID_PATTERN.test(key) ? key : '(invalid id)'}`
}

/** The plain-JSON reading of an entity's Y.Map, noting fields whose Yjs type is wrong. */
function readYMap(m: Y.Map<unknown>, rule: EntityRule, where: string, problems: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const textFields = rule.textFields ?? []
  if (hasListContent(m)) problems.push(`${where}: holds list content`)
  for (const [k, v] of m) {
    const field = knownField(rule, k) ? k : '(unknown field)'
    if (textFields.includes(k)) {
      if (!(v instanceof Y.Text)) {
        problems.push(`${where}.${field}: must be a Y.Text`)
        continue
      }
      const s = v.toString()
      // Embedded objects or shared types count in length but not in the string.
      if (s.length !== v.length) problems.push(`${where}.${field}: holds more than text`)
      out[k] = s
    } else if (v instanceof Y.AbstractType) {
      problems.push(`${where}.${field}: must be plain JSON, not a shared type`)
    } else {
      out[k] = v
    }
  }
  return out
}

function shapeOf(rule: EntityRule): Record<string, unknown> | null {
  return (rule.schema as unknown as { shape?: Record<string, unknown> }).shape ?? null
}

function knownField(rule: EntityRule, key: string): boolean {
  const shape = shapeOf(rule)
  return !!shape && Object.prototype.hasOwnProperty.call(shape, key)
}

/** The field path of an issue; unknown keys (chosen by the writer) are never echoed. */
function issuePath(path: readonly PropertyKey[], rule: EntityRule): string {
  if (path.length === 0) return ''
  const [head, ...rest] = path
  if (typeof head !== 'string' || (rule.textFields !== null && !knownField(rule, head))) return '.(unknown field)'
  // Deeper keys are schema field names, except inside free-form records (canvas props).
  return '.' + [head, ...rest.map((p) => (typeof p === 'number' || /^[A-Za-z]{1,32}$/.test(String(p)) ? String(p) : '…'))].join('.')
}

function issueText(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type': return `expected ${issue.expected}`
    case 'too_big': return `too big (max ${String(issue.maximum)})`
    case 'too_small': return `too small (min ${String(issue.minimum)})`
    case 'invalid_value': return 'not an allowed value'
    case 'invalid_format': return 'wrong format'
    case 'unrecognized_keys': return 'unknown field'
    case 'invalid_union': return 'not an allowed value'
    default: return issue.message.length <= 80 ? issue.message : issue.code
  }
}
