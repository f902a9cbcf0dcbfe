import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { DocGuard, type GuardVerdict } from '../../../server/docGuard.ts'
import { SERVER_ORIGIN, stampAuthorship } from '../../../server/stampAuthor.ts'
import {
  addItem, addLink, deleteItem, initCaseDoc, listDeletedItems, purgeItem, restoreItem, listDomains, listItems, parts, setGoal, setItemText, updateDomain,
  updateItem, updatePlan,
} from '../../../shared/doc.ts'
import { MAX_ITEM_TEXT_CHARS } from '../../../shared/limits.ts'
import type { Role } from '../../../shared/schema.ts'

const author = { name: 'Sanne', org: 'Sociaal wijkteam', role: 'professional' as const }

/** A room in miniature: the live document, its guard, and clients that send their changes to it. */
function room() {
  const live = new Y.Doc()
  initCaseDoc(live, 'integrale-intake', 1000)
  const conns = new Set<object>()
  const guard = new DocGuard(live, (origin) => conns.has(origin as object))

  function client(role: Role = 'professional') {
    const doc = new Y.Doc()
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(live))
    const conn = {}
    conns.add(conn)
    return { doc, conn, role }
  }
  type Client = ReturnType<typeof client>

  /** What `change` wrote on the client, as one update. */
  function updateOf(c: Client, change: (doc: Y.Doc) => void): Uint8Array {
    const before = Y.encodeStateVector(c.doc)
    change(c.doc)
    // A diff against the state vector: the new structs and the (whole) delete set.
    return Y.encodeStateAsUpdate(c.doc, before)
  }

  /** The room's order of things: check, then apply to the live document with the connection as origin. */
  function deliver(c: Client, update: Uint8Array): GuardVerdict {
    const verdict = guard.check(update, c.role)
    if (verdict.ok) Y.applyUpdate(live, update, c.conn)
    return verdict
  }

  function send(c: Client, change: (doc: Y.Doc) => void): GuardVerdict {
    return deliver(c, updateOf(c, change))
  }

  function catchUp(c: Client): void {
    Y.applyUpdate(c.doc, Y.encodeStateAsUpdate(live, Y.encodeStateVector(c.doc)))
  }

  return { live, guard, client, send, deliver, updateOf, catchUp }
}

const refused = (reason: RegExp) => ({ ok: false, pending: false, reason: expect.stringMatching(reason) })

/** Set raw fields on a new entity map in one collection, bypassing the shared writers. */
function rawEntity(doc: Y.Doc, collection: string, key: string, fields: Record<string, unknown>): void {
  doc.transact(() => {
    const m = new Y.Map<unknown>()
    doc.getMap(collection).set(key, m)
    for (const [k, v] of Object.entries(fields)) m.set(k, v)
  })
}

const itemFields = (id: string) => ({
  id, kind: 'problem', text: new Y.Text('Huur'), domainId: null, pos: { x: 0, y: 0 }, size: { w: 220, h: 120 },
  createdAt: 1000, author, stress: false, signal: false,
})
const domainFields = (id: string) => ({ id, key: 'work', label: 'Werk', order: 1, pos: { x: 0, y: 0 }, size: { w: 520, h: 380 }, score: null })
const linkFields = (id: string, from: string, to: string) => ({ id, from, to, kind: 'helps' })
const canvasRecord = (id: string) => ({ id, typeName: 'shape', type: 'geo', x: 5, y: 5, parentId: 'page:page', index: 'a1', props: {} })

describe('the DocGuard lets valid changes through', () => {
  it('adding, typing, moving, linking and deleting items', () => {
    const r = room()
    const c = r.client()
    let a = '', b = ''
    expect(r.send(c, (d) => { a = addItem(d, { kind: 'problem', text: 'Huurachterstand', pos: { x: 0, y: 0 }, author }) })).toMatchObject({ ok: true })
    expect(r.send(c, (d) => { b = addItem(d, { kind: 'action', pos: { x: 300, y: 0 }, author }) })).toMatchObject({ ok: true })
    expect(r.send(c, (d) => setItemText(d, a, 'Huurachterstand van drie maanden'))).toMatchObject({ ok: true })
    expect(r.send(c, (d) => updateItem(d, a, { pos: { x: 40, y: 80 }, stress: true }))).toMatchObject({ ok: true })
    expect(r.send(c, (d) => updateItem(d, b, { owner: 'Ahmed', due: '2026-12-01', status: 'in_progress' }))).toMatchObject({ ok: true })
    expect(r.send(c, (d) => addLink(d, a, b, 'helps'))).toMatchObject({ ok: true })
    expect(r.send(c, (d) => setGoal(d, 'Weer werk'))).toMatchObject({ ok: true })
    expect(r.send(c, (d) => updatePlan(d, { route: 'parallel', ladderNow: 2 }))).toMatchObject({ ok: true })
    expect(r.send(c, (d) => updateDomain(d, listDomains(d)[0]!.id, { score: 3, pos: { x: 9, y: 9 } }))).toMatchObject({ ok: true })
    expect(r.send(c, (d) => parts(d).canvas.set('shape:geo1', canvasRecord('shape:geo1')))).toMatchObject({ ok: true })
    expect(r.send(c, (d) => deleteItem(d, a, author))).toMatchObject({ ok: true })
    expect(r.send(c, (d) => parts(d).canvas.delete('shape:geo1'))).toMatchObject({ ok: true })
    expect(listItems(r.live).map((i) => i.id)).toEqual([b])
  })

  it('concurrent edits of the same text from two participants', () => {
    const r = room()
    const a = r.client()
    let id = ''
    r.send(a, (d) => { id = addItem(d, { kind: 'wish', text: 'Werk vinden', pos: { x: 0, y: 0 }, author }) })
    const b = r.client()
    const ua = r.updateOf(a, (d) => setItemText(d, id, 'Graag werk vinden'))
    const ub = r.updateOf(b, (d) => setItemText(d, id, 'Werk vinden in de zorg'))
    expect(r.deliver(a, ua)).toMatchObject({ ok: true })
    expect(r.deliver(b, ub)).toMatchObject({ ok: true })
    expect(listItems(r.live)[0]!.text).toBe('Graag werk vinden in de zorg')
  })

  it('a client edit on top of a server change (changes by the server are mirrored)', () => {
    const r = room()
    const c = r.client()
    let id = ''
    // The client claims to be a coordinator; the server stamps the role it authorised.
    r.send(c, (d) => { id = addItem(d, { kind: 'note', text: 'Notitie', pos: { x: 0, y: 0 }, author: { ...author, role: 'coordinator' } }) })
    stampAuthorship(r.live, [id], 'professional')
    // A server change the next client edit builds on: the client types right after it.
    r.live.transact(() => setItemText(r.live, id, 'Notitie van het team'), SERVER_ORIGIN)
    r.catchUp(c)
    expect(r.send(c, (d) => setItemText(d, id, 'Notitie van het team, bijgewerkt'))).toMatchObject({ ok: true })
    expect(r.send(c, (d) => updateItem(d, id, { stress: true }))).toMatchObject({ ok: true })
    expect(listItems(r.live)[0]).toMatchObject({ text: 'Notitie van het team, bijgewerkt', stress: true, author: { role: 'professional' } })
  })
})

describe('the DocGuard checks a change to an existing entity field by field', () => {
  it('so an item stored before these rules, with a field out of bounds, can still be edited elsewhere', () => {
    const r = room()
    let id = ''
    r.live.transact(() => {
      id = addItem(r.live, { kind: 'note', pos: { x: 0, y: 0 }, author })
      parts(r.live).items.get(id)!.set('size', { w: 0, h: 0 }) // as an older server let through
    }, SERVER_ORIGIN)
    const c = r.client()
    expect(r.send(c, (d) => setItemText(d, id, 'Nog steeds te bewerken'))).toMatchObject({ ok: true })
    expect(r.send(c, (d) => updateItem(d, id, { size: { w: 200, h: 100 } }))).toMatchObject({ ok: true })
  })

  it('and refuses a shared type hidden inside an item text', () => {
    const r = room()
    const c = r.client()
    let id = ''
    r.send(c, (d) => { id = addItem(d, { kind: 'note', text: 'Tekst', pos: { x: 0, y: 0 }, author }) })
    expect(r.send(r.client(), (d) => (parts(d).items.get(id)!.get('text') as Y.Text).insertEmbed(2, new Y.Map() as never)))
      .toEqual(refused(/text: holds more than text/))
  })
})

describe('the DocGuard refuses', () => {
  const collections = {
    item: { collection: 'items', fields: itemFields },
    domain: { collection: 'domains', fields: domainFields },
    link: { collection: 'links', fields: (id: string) => linkFields(id, 'itemA', 'itemB') },
  }
  const breakages: [string, (f: Record<string, unknown>) => void, RegExp][] = [
    ['a missing field', (f) => { delete f.pos }, /pos: expected object|id: |pos/],
    ['a wrong type', (f) => { f.id = 42 }, /id: expected string/],
    ['a bad enum', (f) => { f.kind = 'cat'; f.score = 9 }, /not an allowed value|too big/],
    ['an id that differs from its key', (f) => { f.id = 'someOtherId' }, /id: differs from its key/],
    ['a shared type where JSON belongs', (f) => { f.id = new Y.Map() }, /must be plain JSON/],
  ]
  for (const [kind, { collection, fields }] of Object.entries(collections)) {
    for (const [what, breakIt, reason] of breakages) {
      if (kind === 'link' && what === 'a missing field') continue // links have no pos; covered below
      it(`a new ${kind} with ${what}, and recovers for the next valid update`, () => {
        const r = room()
        const c = r.client()
        const f: Record<string, unknown> = fields('e1')
        breakIt(f)
        const before = Y.encodeStateAsUpdate(r.live)
        expect(r.send(c, (d) => rawEntity(d, collection, 'e1', f))).toEqual(refused(reason))
        expect(Y.encodeStateAsUpdate(r.live)).toEqual(before)
        const next = r.client()
        expect(r.send(next, (d) => { addItem(d, { kind: 'note', pos: { x: 1, y: 1 }, author }) })).toMatchObject({ ok: true })
      })
    }
  }

  it('a link without its kind', () => {
    const r = room()
    const f: Record<string, unknown> = linkFields('l1', 'itemA', 'itemB')
    delete f.kind
    expect(r.send(r.client(), (d) => rawEntity(d, 'links', 'l1', f))).toEqual(refused(/link l1\.kind: /))
  })

  it('too long an item text', () => {
    const r = room()
    const c = r.client()
    let id = ''
    r.send(c, (d) => { id = addItem(d, { kind: 'note', pos: { x: 0, y: 0 }, author }) })
    // Two inserts each below the cheap pre-check's limit, together over the field's limit.
    const half = 'x'.repeat(MAX_ITEM_TEXT_CHARS / 2 + 1)
    expect(r.send(c, (d) => {
      const t = parts(d).items.get(id)!.get('text') as Y.Text
      d.transact(() => { t.insert(0, half); t.insert(0, half) })
    })).toEqual(refused(/text: too big/))
  })

  it('plain JSON where an entity must be a Y.Map, and a Y.Map where a canvas record must be JSON', () => {
    const r = room()
    expect(r.send(r.client(), (d) => parts(d).items.set('i1', itemFields('i1') as never))).toEqual(refused(/must be a Y\.Map/))
    expect(r.send(r.client(), (d) => parts(d).canvas.set('shape:x', new Y.Map()))).toEqual(refused(/must be plain JSON/))
    expect(r.send(r.client(), (d) => parts(d).canvas.set('shape:x', { ...canvasRecord('shape:x'), x: 'far' }))).toEqual(refused(/canvasRecord shape:x\.x: expected number/))
  })

  it('a change to meta (server-owned), such as schemaVersion 2', () => {
    const r = room()
    expect(r.send(r.client(), (d) => parts(d).meta.set('schemaVersion', 2))).toEqual(refused(/meta is written by the server only/))
    expect(r.send(r.client(), (d) => parts(d).meta.set('note', 'x'))).toEqual(refused(/meta/))
    expect(parts(r.live).meta.get('schemaVersion')).toBe(1)
  })

  it.each([
    ['author', { ...author, name: 'Iemand anders' }],
    ['kind', 'action'],
    ['createdAt', 5],
    ['id', 'anotherId'],
  ])('a change of %s on an existing item', (field, value) => {
    const r = room()
    const c = r.client()
    let id = ''
    r.send(c, (d) => { id = addItem(d, { kind: 'problem', pos: { x: 0, y: 0 }, author }) })
    expect(r.send(r.client(), (d) => parts(d).items.get(id)!.set(field, value))).toEqual(refused(new RegExp(`item ${id}\\.${field}: cannot change after creation`)))
  })

  it('deleting a required field of an item that stays', () => {
    const r = room()
    const c = r.client()
    let id = ''
    r.send(c, (d) => { id = addItem(d, { kind: 'problem', pos: { x: 0, y: 0 }, author }) })
    expect(r.send(r.client(), (d) => parts(d).items.get(id)!.delete('stress'))).toEqual(refused(/stress: expected boolean/))
  })

  it('replacing the goal text instead of editing it, and a route outside the list', () => {
    const r = room()
    expect(r.send(r.client(), (d) => parts(d).plan.set('goal', new Y.Text('Nieuw')))).toEqual(refused(/plan\.goal: replaced/))
    expect(r.send(r.client(), (d) => parts(d).plan.set('route', 'anywhere'))).toEqual(refused(/plan\.route: not an allowed value/))
    expect(r.send(r.client(), (d) => parts(d).plan.set('extra', 1))).toEqual(refused(/plan: unknown field/))
  })

  it('a top-level type outside the schema', () => {
    const r = room()
    expect(r.send(r.client(), (d) => d.getMap('secrets').set('a', 1))).toEqual(refused(/outside the case schema/))
    expect(r.send(r.client(), (d) => d.getArray('items2').insert(0, [1]))).toEqual(refused(/outside the case schema/))
  })

  it('nothing of a refused update reaches the live document', () => {
    const r = room()
    const before = Y.encodeStateAsUpdate(r.live)
    const c = r.client()
    expect(r.send(c, (d) => {
      addItem(d, { kind: 'note', pos: { x: 0, y: 0 }, author })
      parts(d).meta.set('schemaVersion', 2)
    }).ok).toBe(false)
    expect(Y.encodeStateAsUpdate(r.live)).toEqual(before)
  })
})

describe('the DocGuard reports pending', () => {
  it('for an update that builds on changes the server never got, and recovers after it', () => {
    const r = room()
    const c = r.client()
    let id = ''
    const first = r.updateOf(c, (d) => { id = addItem(d, { kind: 'note', text: 'Eerst', pos: { x: 0, y: 0 }, author }) })
    const second = r.updateOf(c, (d) => setItemText(d, id, 'Eerst en dan'))
    expect(r.guard.check(second)).toEqual({ ok: false, pending: true })
    // Nothing of it stays in the shadow: the missing part, then the rest, are checked as usual.
    expect(r.deliver(c, first)).toMatchObject({ ok: true })
    expect(r.deliver(c, second)).toMatchObject({ ok: true })
    expect(listItems(r.live)[0]!.text).toBe('Eerst en dan')
  })

  it('for an edit on content that came from another participant but never reached the server', () => {
    const r = room()
    const a = r.client()
    const b = r.client()
    let id = ''
    const fromA = r.updateOf(a, (d) => { id = addItem(d, { kind: 'note', text: 'Van A', pos: { x: 0, y: 0 }, author }) })
    Y.applyUpdate(b.doc, fromA) // directly, not through the server
    expect(r.guard.check(r.updateOf(b, (d) => setItemText(d, id, 'Van A en B')))).toEqual({ ok: false, pending: true })
    expect(r.guard.check(r.updateOf(b, (d) => deleteItem(d, id, author)))).toEqual({ ok: false, pending: true })
    expect(r.deliver(a, fromA)).toMatchObject({ ok: true })
    expect(listItems(r.live)[0]!.text).toBe('Van A')
  })
})

describe('rights inside the document: deleting', () => {
  const resident = { name: 'Anna', org: '', role: 'resident' as const }
  function setup() {
    const r = room()
    const pro = r.client('professional')
    const res = r.client('resident')
    let proItem = ''
    let resItem = ''
    expect(r.send(pro, (d) => { proItem = addItem(d, { kind: 'action', text: 'Schuldhulp bellen', author }) })).toMatchObject({ ok: true })
    r.catchUp(res)
    expect(r.send(res, (d) => { resItem = addItem(d, { kind: 'wish', text: 'Rust', author: resident }) })).toMatchObject({ ok: true })
    r.catchUp(pro)
    return { r, pro, res, proItem, resItem }
  }
  const forbidden = { ok: false, pending: false, forbidden: true, reason: expect.stringMatching(/may not delete/) }

  it("a resident can neither mark deleted nor remove a professional's item", () => {
    const { r, res, proItem } = setup()
    expect(r.send(res, (d) => deleteItem(d, proItem, resident))).toEqual(forbidden)
    const fresh = r.client('resident') // the refused connection is closed; a new one starts from the server's state
    expect(r.send(fresh, (d) => purgeItem(d, proItem))).toEqual(forbidden)
    expect(listItems(r.live).map((i) => i.id)).toContain(proItem)
  })

  it('a resident deletes their own item; anyone restores any item; a professional deletes anything', () => {
    const { r, pro, res, proItem, resItem } = setup()
    expect(r.send(res, (d) => deleteItem(d, resItem, resident))).toMatchObject({ ok: true })
    r.catchUp(pro)
    expect(r.send(pro, (d) => restoreItem(d, resItem))).toMatchObject({ ok: true })
    expect(r.send(pro, (d) => deleteItem(d, proItem, author))).toMatchObject({ ok: true })
    r.catchUp(res)
    expect(listDeletedItems(r.live).map((i) => i.id)).toEqual([proItem])
    expect(r.send(res, (d) => restoreItem(d, proItem))).toMatchObject({ ok: true })
    expect(listDeletedItems(r.live)).toEqual([])
    r.catchUp(pro)
    expect(r.send(pro, (d) => purgeItem(d, resItem))).toMatchObject({ ok: true })
  })

  it('a deletion mark must name the role of the one who deletes', () => {
    const { r, pro, proItem } = setup()
    expect(r.send(pro, (d) => deleteItem(d, proItem, resident))).toMatchObject({ ok: false, forbidden: true, reason: expect.stringMatching(/deletedBy/) })
  })
})

describe('authorship of new items is stamped by the server', () => {
  const resident = { name: 'Anna', org: '', role: 'resident' as const }
  it("records the resident's words on a professional's screen with who held the keyboard, and nothing else can be forged", () => {
    const r = room()
    const pro = r.client('professional')
    const res = r.client('resident')
    let spoken = ''
    let own = ''
    let posing = ''
    let forged = ''
    r.send(pro, (d) => { spoken = addItem(d, { kind: 'wish', text: 'Weer werken', author: resident, recordedBy: author }) })
    r.send(pro, (d) => { own = addItem(d, { kind: 'problem', text: 'Huur', author, recordedBy: resident }) })
    r.send(pro, (d) => { posing = addItem(d, { kind: 'problem', text: 'x', author: { ...author, role: 'coordinator' } }) })
    r.send(res, (d) => { forged = addItem(d, { kind: 'action', text: 'y', author, recordedBy: author }) })
    stampAuthorship(r.live, [spoken, own, posing], 'professional')
    stampAuthorship(r.live, [forged], 'resident')
    const byId = new Map(listItems(r.live).map((i) => [i.id, i]))
    expect(byId.get(spoken)).toMatchObject({ author: resident, recordedBy: author })
    expect(byId.get(own)).toMatchObject({ author, recordedBy: null })
    expect(byId.get(posing)).toMatchObject({ author, recordedBy: null })
    expect(byId.get(forged)).toMatchObject({ author: { ...author, role: 'resident' }, recordedBy: null })
  })

  it('recordedBy cannot change once the item exists', () => {
    const r = room()
    const pro = r.client('professional')
    let id = ''
    r.send(pro, (d) => { id = addItem(d, { kind: 'wish', text: 'Weer werken', author: resident, recordedBy: author }) })
    expect(r.send(pro, (d) => parts(d).items.get(id)!.set('recordedBy', null))).toEqual(refused(/recordedBy: cannot change/))
  })
})

describe("rights inside the document: a resident's edits", () => {
  const resident = { name: 'Anna', org: '', role: 'resident' as const }
  function setup() {
    const r = room()
    const pro = r.client('professional')
    let proItem = ''
    let proItem2 = ''
    expect(r.send(pro, (d) => {
      proItem = addItem(d, { kind: 'action', text: 'Schuldhulp bellen', author })
      proItem2 = addItem(d, { kind: 'problem', text: 'Huur', author })
      addLink(d, proItem2, proItem, 'helps')
      parts(d).canvas.set('shape:geo1', canvasRecord('shape:geo1'))
    })).toMatchObject({ ok: true })
    return { r, pro, proItem, proItem2, res: () => r.client('resident') }
  }
  const forbidden = (what: RegExp) => ({ ok: false, pending: false, forbidden: true, reason: expect.stringMatching(what) })

  it("may not change a professional's item in any field, nor a link, a life domain or a drawing", () => {
    const { r, proItem, proItem2, res } = setup()
    const d0 = listDomains(r.live)[0]!.id
    const link = [...parts(r.live).links.keys()][0]!
    const attempts: [string, (d: Y.Doc) => void, RegExp][] = [
      ['text', (d) => setItemText(d, proItem, 'Niet nodig'), /may not change what others added/],
      ['status', (d) => updateItem(d, proItem, { status: 'done' }), /may not change what others added/],
      ['domain', (d) => updateItem(d, proItem, { domainId: d0 }), /may not change what others added/],
      ['stress', (d) => updateItem(d, proItem2, { stress: true }), /may not change what others added/],
      ['link kind', (d) => parts(d).links.get(link)!.set('kind', 'blocks'), /only professionals/],
      ['link removal', (d) => parts(d).links.delete(link), /only professionals/],
      ['domain score', (d) => updateDomain(d, d0, { score: 2 }), /only professionals/],
      ['drawing', (d) => parts(d).canvas.set('shape:geo2', canvasRecord('shape:geo2')), /only professionals/],
    ]
    for (const [what, change, reason] of attempts) expect(r.send(res(), change), what).toEqual(forbidden(reason))
    expect(listItems(r.live).find((i) => i.id === proItem)).toMatchObject({ text: 'Schuldhulp bellen', status: 'open', domainId: null })
  })

  it('may add items and links, edit and delete their own, edit the plan, and restore anything', () => {
    const { r, pro, proItem, proItem2, res } = setup()
    const c = res()
    let own = ''
    expect(r.send(c, (d) => { own = addItem(d, { kind: 'wish', text: 'Rust', author: resident }) })).toMatchObject({ ok: true })
    stampAuthorship(r.live, [own], 'resident')
    r.catchUp(c)
    expect(r.send(c, (d) => setItemText(d, own, 'Rust in mijn hoofd'))).toMatchObject({ ok: true })
    expect(r.send(c, (d) => updateItem(d, own, { domainId: listDomains(d)[1]!.id, stress: true }))).toMatchObject({ ok: true })
    expect(r.send(c, (d) => addLink(d, proItem2, own, 'blocks'))).toMatchObject({ ok: true })
    expect(r.send(c, (d) => setGoal(d, 'Weer werken'))).toMatchObject({ ok: true })
    expect(r.send(c, (d) => updatePlan(d, { route: 'care_first', ladderNow: 2 }))).toMatchObject({ ok: true })
    r.catchUp(pro)
    expect(r.send(pro, (d) => deleteItem(d, proItem, author))).toMatchObject({ ok: true })
    r.catchUp(c)
    expect(r.send(c, (d) => restoreItem(d, proItem))).toMatchObject({ ok: true })
    expect(listItems(r.live).map((i) => i.id).sort()).toEqual([proItem, proItem2, own].sort())
  })
})
