import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  addItem, addLink, deleteItem, DocInputError, listDeletedItems, moveItem, itemsInDomain, purgeItem, restoreItem, canDeleteItem, domainAt, initCaseDoc, listDomains, listItems, listLinks, parts,
  readMeta, readPlanFields, setGoal, setItemText, updateDomain, updateItem, updatePlan,
} from '../../../shared/doc.ts'
import { SCHEMA_VERSION } from '../../../shared/schema.ts'

const author = { name: 'Sanne', org: 'Sociaal wijkteam', role: 'professional' as const }

function newCase(template = 'integrale-intake'): Y.Doc {
  const doc = new Y.Doc()
  initCaseDoc(doc, template, 1000)
  return doc
}

describe('a new case document', () => {
  it('holds the schema version, the template and its domains laid out without overlap', () => {
    const doc = newCase('zrm')
    expect(readMeta(doc)).toEqual({ schemaVersion: SCHEMA_VERSION, templateId: 'zrm', createdAt: 1000 })
    const domains = listDomains(doc)
    expect(domains).toHaveLength(13)
    expect(domains[0]!.label).toBe('Financiën')
    for (const a of domains) {
      for (const b of domains) {
        if (a === b) continue
        const apart = a.pos.x + a.size.w <= b.pos.x || b.pos.x + b.size.w <= a.pos.x || a.pos.y + a.size.h <= b.pos.y || b.pos.y + b.size.h <= a.pos.y
        expect(apart, `${a.label} overlaps ${b.label}`).toBe(true)
      }
      // The resident sits at the origin: no domain covers it.
      expect(domainAt(doc, { x: 0, y: 0 })).toBeNull()
    }
  })

  it('refuses an unknown template', () => {
    expect(() => initCaseDoc(new Y.Doc(), 'nope')).toThrow(DocInputError)
  })
})

describe('items', () => {
  it('are added with their author, and an item dropped in a domain region belongs to it', () => {
    const doc = newCase()
    const d = listDomains(doc)[1]!
    const inside = { x: d.pos.x + 10, y: d.pos.y + 10 }
    const id = addItem(doc, { kind: 'problem', text: 'Huurachterstand', pos: inside, domainId: domainAt(doc, inside), author })
    const [item] = listItems(doc)
    expect(item).toMatchObject({ id, kind: 'problem', text: 'Huurachterstand', domainId: d.id, author, stress: false })
  })

  it('give actions their fields, validated', () => {
    const doc = newCase()
    const id = addItem(doc, { kind: 'action', pos: { x: 0, y: 0 }, author })
    updateItem(doc, id, { owner: 'Ahmed', ownerOrg: 'UWV', due: '2026-12-12', status: 'in_progress', deviation: true, deviationRule: 'Zoekperiode 4 weken', deviationMotivation: 'Eerst schulden regelen' })
    expect(listItems(doc)[0]).toMatchObject({ owner: 'Ahmed', due: '2026-12-12', status: 'in_progress', deviation: true })
    expect(() => updateItem(doc, id, { due: '2026-02-30' })).toThrow(DocInputError)
    expect(() => updateItem(doc, id, { status: 'later' as never })).toThrow(DocInputError)
    expect(() => updateItem(doc, id, { owner: 'x'.repeat(500) })).toThrow(DocInputError)
    expect(() => addItem(doc, { kind: 'cat' as never, pos: { x: 0, y: 0 }, author })).toThrow(DocInputError)
    expect(() => addItem(doc, { kind: 'note', pos: { x: NaN, y: 0 }, author })).toThrow(DocInputError)
  })

  it('store positions in one key, so repeated moves by one client do not grow the document', () => {
    const doc = newCase()
    const id = addItem(doc, { kind: 'note', pos: { x: 0, y: 0 }, author })
    const before = Y.encodeStateAsUpdate(doc).byteLength
    for (let i = 0; i < 1000; i++) updateItem(doc, id, { pos: { x: i, y: i * 2 } })
    const after = Y.encodeStateAsUpdate(doc).byteLength
    expect(parts(doc).items.get(id)!.get('pos')).toEqual({ x: 999, y: 1998 })
    expect(after - before).toBeLessThan(200)
  })

  it('merge concurrent typing in the same text instead of overwriting it', () => {
    const a = newCase()
    const b = new Y.Doc()
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
    const id = addItem(a, { kind: 'wish', text: 'Werk vinden', pos: { x: 0, y: 0 }, author })
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
    setItemText(a, id, 'Graag werk vinden')
    setItemText(b, id, 'Werk vinden in de zorg')
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b))
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
    expect(listItems(a)[0]!.text).toBe('Graag werk vinden in de zorg')
    expect(listItems(b)[0]!.text).toBe('Graag werk vinden in de zorg')
  })

  it('take their links with them when deleted', () => {
    const doc = newCase()
    const p = addItem(doc, { kind: 'problem', pos: { x: 0, y: 0 }, author })
    const w = addItem(doc, { kind: 'wish', pos: { x: 0, y: 0 }, author })
    const s = addItem(doc, { kind: 'strength', pos: { x: 0, y: 0 }, author })
    addLink(doc, p, w, 'blocks')
    addLink(doc, s, w, 'helps')
    deleteItem(doc, p, author, 5)
    expect(listLinks(doc).map((l) => l.kind)).toEqual(['helps'])
    expect(listDeletedItems(doc).map((i) => [i.id, i.deletedAt, i.deletedBy?.name])).toEqual([[p, 5, author.name]])
    restoreItem(doc, p)
    expect(listLinks(doc).map((l) => l.kind).sort()).toEqual(['blocks', 'helps'])
    expect(listDeletedItems(doc)).toEqual([])
    purgeItem(doc, p)
    expect(listLinks(doc).map((l) => l.kind)).toEqual(['helps'])
    expect(parts(doc).links.size).toBe(1)
    expect(() => addLink(doc, s, s, 'helps')).toThrow(DocInputError)
    expect(() => addLink(doc, s, 'missing', 'helps')).toThrow(DocInputError)
  })
})

describe('the plan fields', () => {
  it('hold goal, route and ladder, validated', () => {
    const doc = newCase()
    setGoal(doc, 'Over een jaar werk en geen schulden')
    updatePlan(doc, { route: 'parallel', ladderNow: 2, ladderGoal: 5 })
    expect(readPlanFields(doc)).toEqual({ goal: 'Over een jaar werk en geen schulden', route: 'parallel', ladderNow: 2, ladderGoal: 5 })
    expect(() => updatePlan(doc, { ladderNow: 7 as never })).toThrow(DocInputError)
    expect(() => updatePlan(doc, { route: 'whatever' as never })).toThrow(DocInputError)
  })

  it('scores ZRM domains from 1 to 5 only', () => {
    const doc = newCase('zrm')
    const d = listDomains(doc)[0]!
    updateDomain(doc, d.id, { score: 2 })
    expect(listDomains(doc)[0]!.score).toBe(2)
    expect(() => updateDomain(doc, d.id, { score: 6 })).toThrow(DocInputError)
    expect(() => updateDomain(doc, d.id, { score: 2.5 })).toThrow(DocInputError)
  })
})

describe('reading a document written by someone else', () => {
  it('skips entries that do not fit the schema instead of failing', () => {
    const doc = newCase()
    const items = parts(doc).items
    const bad = new Y.Map<unknown>()
    bad.set('id', 'x')
    bad.set('kind', 'unicorn')
    items.set('x', bad)
    items.set('y', 'not a map' as never)
    addItem(doc, { kind: 'note', pos: { x: 0, y: 0 }, author })
    expect(listItems(doc).map((i) => i.kind)).toEqual(['note'])
  })
})

describe('the flow of cards in a domain', () => {
  it('keeps cards in the order they were added, and moveItem puts one before another or at the end', () => {
    const doc = newCase()
    const [d1, d2] = listDomains(doc).map((d) => d.id)
    const a = addItem(doc, { kind: 'problem', text: 'a', domainId: d1!, author }, 10)
    const b = addItem(doc, { kind: 'problem', text: 'b', domainId: d1!, author }, 10)
    const c = addItem(doc, { kind: 'problem', text: 'c', domainId: d1!, author }, 11)
    expect(itemsInDomain(doc, d1!).map((i) => i.text)).toEqual(['a', 'b', 'c'])
    moveItem(doc, c, d1!, a)
    expect(itemsInDomain(doc, d1!).map((i) => i.text)).toEqual(['c', 'a', 'b'])
    moveItem(doc, c, d1!, b)
    expect(itemsInDomain(doc, d1!).map((i) => i.text)).toEqual(['a', 'c', 'b'])
    moveItem(doc, a, d2!)
    expect(itemsInDomain(doc, d1!).map((i) => i.text)).toEqual(['c', 'b'])
    expect(itemsInDomain(doc, d2!).map((i) => i.text)).toEqual(['a'])
    moveItem(doc, b, d2!, a)
    expect(itemsInDomain(doc, d2!).map((i) => i.text)).toEqual(['b', 'a'])
  })

  it('deleted cards leave the flow and come back in place', () => {
    const doc = newCase()
    const d1 = listDomains(doc)[0]!.id
    const ids = ['a', 'b', 'c'].map((t, n) => addItem(doc, { kind: 'wish', text: t, domainId: d1, author }, n + 1))
    deleteItem(doc, ids[1]!, author, 100)
    expect(itemsInDomain(doc, d1).map((i) => i.text)).toEqual(['a', 'c'])
    restoreItem(doc, ids[1]!)
    expect(itemsInDomain(doc, d1).map((i) => i.text)).toEqual(['a', 'b', 'c'])
  })
})

describe('who may delete', () => {
  it('a resident only what a resident added; a professional everything; a coordinator nothing', () => {
    const byResident = { author: { name: 'Anna', org: '', role: 'resident' as const } }
    const byPro = { author }
    expect(canDeleteItem('resident', byResident)).toBe(true)
    expect(canDeleteItem('resident', byPro)).toBe(false)
    expect(canDeleteItem('professional', byResident)).toBe(true)
    expect(canDeleteItem('professional', byPro)).toBe(true)
    expect(canDeleteItem('coordinator', byPro)).toBe(false)
  })
})
