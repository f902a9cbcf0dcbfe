import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { addItem, addLink, initCaseDoc, parts, readItem, readPlanFields, updateItem } from '../../../shared/doc.ts'
import { checkEntity, itemSchema, validateDocument } from '../../../shared/entities/index.ts'
import { MAX_ITEM_TEXT_CHARS } from '../../../shared/limits.ts'
import { TEMPLATES } from '../../../shared/templates.ts'

const author = { name: 'Sanne', org: 'Sociaal wijkteam', role: 'professional' as const }

function newCase(): Y.Doc {
  const doc = new Y.Doc()
  initCaseDoc(doc, 'integrale-intake', 1000)
  return doc
}

function itemMap(fields: Record<string, unknown>): Y.Map<unknown> {
  const doc = new Y.Doc()
  const m = new Y.Map<unknown>()
  for (const [k, v] of Object.entries(fields)) m.set(k, v)
  doc.getMap('items').set(String(fields.id ?? 'x'), m)
  return m
}

const validItem = () => ({
  id: 'item1', kind: 'problem', text: new Y.Text('Huurachterstand'), domainId: null, pos: { x: 10, y: 20 },
  size: { w: 220, h: 120 }, createdAt: 1000, author, stress: false, signal: false,
})

describe('validateDocument', () => {
  it('finds nothing wrong in a case made by the shared writers', () => {
    const doc = newCase()
    const a = addItem(doc, { kind: 'action', text: 'Bellen', pos: { x: 0, y: 0 }, author })
    const b = addItem(doc, { kind: 'wish', text: 'Werk', pos: { x: 300, y: 0 }, author })
    updateItem(doc, a, { owner: 'Ahmed', due: '2026-12-12', status: 'done' })
    addLink(doc, a, b, 'helps')
    parts(doc).canvas.set('shape:free1', {
      id: 'shape:free1', typeName: 'shape', type: 'draw', x: 1, y: 2, parentId: 'page:page', index: 'a1', props: {},
    })
    expect(validateDocument(doc)).toEqual([])
  })

  it('finds nothing wrong in a case of every template', () => {
    for (const t of TEMPLATES) {
      const doc = new Y.Doc()
      initCaseDoc(doc, t.id)
      expect(validateDocument(doc), t.id).toEqual([])
    }
  })

  it('names every broken entity by kind, id and field, never by content', () => {
    const doc = newCase()
    const p = parts(doc)
    const secret = 'Geheime inhoud van de casus'
    doc.transact(() => {
      const m = new Y.Map<unknown>()
      m.set('id', 'bad1')
      m.set('kind', 'problem')
      m.set('text', secret) // a plain string where a Y.Text belongs
      p.items.set('bad1', m)
      p.links.set('l1', new Y.Map()) // empty link
      p.canvas.set('shape:c1', { id: 'shape:other', typeName: 'shape', type: 'draw', x: 0, y: 0, parentId: 'page:page', index: 'a1', props: {} })
      p.meta.set('schemaVersion', 2)
      doc.getMap('extra').set('x', secret)
    })
    const problems = validateDocument(doc)
    expect(problems).toEqual(expect.arrayContaining([
      'top level: a type outside the schema',
      'item bad1.text: must be a Y.Text',
      expect.stringMatching(/^link l1\.id: /),
      'canvasRecord shape:c1.id: differs from its key',
      expect.stringMatching(/^meta\.schemaVersion: too big/),
    ]))
    expect(problems.join('\n')).not.toContain('Geheime')
  })

  it('reports an unknown field without echoing its name', () => {
    const m = itemMap({ ...validItem(), 'Jan de Vries': 1 })
    expect(checkEntity('item', 'item1', m)).toBe('item item1: unknown field')
  })
})

describe('checkEntity', () => {
  it('accepts a whole, valid item', () => {
    expect(checkEntity('item', 'item1', itemMap(validItem()))).toBeNull()
  })

  it.each([
    ['a missing field', { stress: undefined }, /stress: expected boolean/],
    ['a wrong type', { stress: 'yes' }, /stress: expected boolean/],
    ['too long a text', { text: new Y.Text('x'.repeat(MAX_ITEM_TEXT_CHARS + 1)) }, /text: too big/],
    ['a bad enum', { kind: 'cat' }, /kind: not an allowed value/],
    ['an id that differs from its key', { id: 'other' }, /id: differs from its key/],
    ['a position out of bounds', { pos: { x: 1e9, y: 0 } }, /pos\.x: too big/],
    ['a zero size', { size: { w: 0, h: 10 } }, /size\.w: too small/],
    ['a shared type where JSON belongs', { pos: new Y.Map() }, /pos: must be plain JSON/],
    ['an impossible due date', { due: '2026-02-30' }, /due: /],
  ])('refuses an item with %s', (_what, change, problem) => {
    const fields: Record<string, unknown> = { ...validItem(), ...change }
    for (const k of Object.keys(fields)) if (fields[k] === undefined) delete fields[k]
    const m = itemMap({ ...fields, id: fields.id })
    // The key stays 'item1' whatever the id field says.
    expect(checkEntity('item', 'item1', m)).toMatch(problem)
  })

  it('refuses plain JSON where an entity must be a Y.Map', () => {
    expect(checkEntity('item', 'item1', { ...validItem(), text: 'x' })).toBe('item item1: must be a Y.Map')
  })

  it('refuses a link from an item to itself', () => {
    const doc = new Y.Doc()
    const m = new Y.Map<unknown>()
    doc.getMap('links').set('l1', m)
    for (const [k, v] of Object.entries({ id: 'l1', from: 'a', to: 'a', kind: 'helps' })) m.set(k, v)
    expect(checkEntity('link', 'l1', m)).toMatch(/to: a link joins two different items/)
  })

  it('refuses canvas records that are entities, assets, or too large', () => {
    const rec = (over: Record<string, unknown>) => ({ id: 'shape:a', typeName: 'shape', type: 'draw', x: 0, y: 0, parentId: 'page:page', index: 'a1', props: {}, ...over })
    expect(checkEntity('canvasRecord', 'shape:a', rec({}))).toBeNull()
    expect(checkEntity('canvasRecord', 'shape:a', rec({ type: 'kt-item' }))).toMatch(/type/)
    expect(checkEntity('canvasRecord', 'shape:a', rec({ type: 'image' }))).toMatch(/type/)
    expect(checkEntity('canvasRecord', 'shape:a', rec({ typeName: 'asset' }))).toMatch(/not an allowed value/)
    expect(checkEntity('canvasRecord', 'shape:a', rec({ props: { big: 'x'.repeat(70_000) } }))).toBe('canvasRecord shape:a: too large')
  })
})

describe('the tolerant readers', () => {
  it('read a field that does not fit its schema as its default, and the rest as stored', () => {
    const m = itemMap({ ...validItem(), pos: { x: 'left', y: 0 }, size: { w: -1, h: 5 }, status: 'later', author: { name: 'Sanne', org: 7, role: 'king' } })
    expect(readItem(m)).toMatchObject({
      id: 'item1', kind: 'problem', text: 'Huurachterstand', pos: { x: 0, y: 0 }, size: { w: 220, h: 120 },
      status: 'open', author: { name: 'Sanne', org: '', role: 'professional' },
    })
  })

  it('skip an item without a valid id or kind', () => {
    expect(readItem(itemMap({ ...validItem(), kind: 'cat' }))).toBeNull()
  })

  it('read a goal longer than its limit cut to the limit', () => {
    const doc = newCase()
    const goal = parts(doc).plan.get('goal') as Y.Text
    goal.insert(0, 'x'.repeat(3000))
    expect(readPlanFields(doc).goal).toHaveLength(2000)
  })
})

describe('the item schema', () => {
  it('has the fields the item type of the rest of the code uses', () => {
    expect(Object.keys(itemSchema.shape).sort()).toEqual([
      'author', 'createdAt', 'deletedAt', 'deletedBy', 'deviation', 'deviationMotivation', 'deviationRule', 'domainId', 'due',
      'id', 'kind', 'order', 'owner', 'ownerOrg', 'pos', 'recordedBy', 'signal', 'size', 'status', 'stress', 'text',
    ])
  })
})
