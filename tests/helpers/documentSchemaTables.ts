/**
 * The field tables of docs/document-schema.md, rendered from the entity schemas in
 * shared/entities/ (through zod's JSON Schema), so the document cannot drift from the code.
 * tests/unit/docs/documentSchema.test.ts compares them with the committed file; run it with
 * UPDATE_DOCS=1 to rewrite the tables after a schema change.
 */
import { z } from 'zod'
import {
  ENTITY_RULES, canvasBindingSchema, canvasShapeSchema, type EntityKind,
} from '../../shared/entities/index.ts'

interface JsonSchema {
  type?: string
  description?: string
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: unknown
  anyOf?: JsonSchema[]
  enum?: unknown[]
  const?: unknown
  maxLength?: number
  minLength?: number
  pattern?: string
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
}

/** The sections of the document, each an entity table between `<!-- entity:NAME -->` markers. */
export const DOCUMENTED_TABLES: Record<string, { schema: z.ZodType; textFields: readonly string[] }> = {
  ...Object.fromEntries(
    (['meta', 'plan', 'domain', 'item', 'link'] as EntityKind[]).map((k) => [k, { schema: ENTITY_RULES[k].schema, textFields: ENTITY_RULES[k].textFields ?? [] }]),
  ),
  canvasShape: { schema: canvasShapeSchema, textFields: [] },
  canvasBinding: { schema: canvasBindingSchema, textFields: [] },
}

export function renderTable(name: string): string {
  const { schema, textFields } = DOCUMENTED_TABLES[name]!
  const json = z.toJSONSchema(schema, { unrepresentable: 'any' }) as JsonSchema
  const required = new Set(json.required ?? [])
  const rows = Object.entries(json.properties ?? {}).map(([key, prop]) => {
    const text = textFields.includes(key)
    const value = (text ? '`Y.Text`: ' : '') + describeValue(prop, text)
    const note = prop.description ? ` — ${prop.description}` : ''
    return `| \`${key}\` | ${required.has(key) ? 'yes' : 'no'} | ${value}${note} |`
  })
  const more = json.additionalProperties === false ? [] : ['| (others) | no | any further fields of the tldraw record |']
  return ['| key | required | value |', '| --- | --- | --- |', ...rows, ...more].join('\n')
}

/** Replace every generated table in `markdown` with a fresh rendering. */
export function renderDocument(markdown: string): string {
  return markdown.replace(/(<!-- entity:(\w+) -->)[\s\S]*?(<!-- \/entity:\2 -->)/g, (_m, open: string, name: string, close: string) => {
    if (!DOCUMENTED_TABLES[name]) throw new Error(`no schema for the table ${name}`)
    return `${open}\n${renderTable(name)}\n${close}`
  })
}

function describeValue(s: JsonSchema, text = false): string {
  if (s.anyOf) return s.anyOf.map((x) => describeValue(x)).join(' \\| ')
  if (s.const !== undefined) return lit(s.const)
  if (s.enum) return s.enum.map(lit).join(' \\| ')
  switch (s.type) {
    case 'null': return '`null`'
    case 'boolean': return '`true` \\| `false`'
    case 'string': {
      const parts: string[] = [text ? 'text' : 'string']
      if (s.maxLength !== undefined) parts.push(`at most ${fmt(s.maxLength)} characters`)
      if (s.pattern) parts.push(`matching \`${s.pattern.replaceAll('|', '\\|')}\``)
      return parts.join(', ')
    }
    case 'number':
    case 'integer': {
      const low = s.exclusiveMinimum !== undefined ? `> ${fmt(s.exclusiveMinimum)}` : s.minimum !== undefined ? `≥ ${fmt(s.minimum)}` : ''
      const high = s.maximum !== undefined ? `≤ ${fmt(s.maximum)}` : ''
      return [s.type === 'integer' ? 'integer' : 'number', [low, high].filter(Boolean).join(' and ')].filter(Boolean).join(' ')
    }
    case 'object': {
      if (!s.properties) return 'object'
      const inner = Object.entries(s.properties).map(([k, p]) => `\`${k}\`: ${describeValue(p)}`).join('; ')
      return `\`{${Object.keys(s.properties).join(', ')}}\` (${inner})`
    }
    default: return 'any JSON'
  }
}

function lit(v: unknown): string {
  return `\`${JSON.stringify(v)}\``
}

function fmt(n: number): string {
  return Math.abs(n) >= 1_000 ? n.toLocaleString('en-US') : String(n)
}
