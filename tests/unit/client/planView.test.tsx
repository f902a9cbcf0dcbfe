// @vitest-environment jsdom
/**
 * The plan view in a real React tree (jsdom) on a real Y.Doc synced with a second, "remote" doc:
 * it shows the document's items per life domain, its actions as a table, its links as sentences
 * and what was deleted; every edit writes to the document (and so reaches the other side); the
 * author of a new item comes from the meeting view ('Inwoner aan het woord'); deleting follows
 * the roles and can be undone; others' changes are announced once, summarised, and one's own never.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { act } from 'react'
import { useReactRoot } from '../../helpers/render.ts'
import * as Y from 'yjs'
import { Awareness } from 'y-protocols/awareness'
import {
  addItem, addLink, deleteItem, initCaseDoc, itemsInDomain, listDeletedItems, listDomains, listItems, listLinks, readItem, parts, setItemText, updateItem,
} from '../../../shared/doc.ts'
import type { Author, Role } from '../../../shared/schema.ts'
import { PlanView } from '../../../client/plan/PlanView.tsx'
import { MeetingViewContext, type MeetingView } from '../../../client/meeting/view.ts'

const SANNE: Author = { name: 'Sanne', org: 'Sociaal wijkteam', role: 'professional' }
const JAN: Author = { name: 'Jan', org: '', role: 'resident' }

function pair(templateId = 'integrale-intake') {
  const local = new Y.Doc()
  const remote = new Y.Doc()
  initCaseDoc(local, templateId, 1)
  Y.applyUpdate(remote, Y.encodeStateAsUpdate(local))
  local.on('update', (u: Uint8Array, origin: unknown) => { if (origin !== 'remote') Y.applyUpdate(remote, u, 'remote') })
  remote.on('update', (u: Uint8Array, origin: unknown) => { if (origin !== 'remote') Y.applyUpdate(local, u, 'remote') })
  return { local, remote }
}

function view(role: Role, opts: Partial<MeetingView> = {}): MeetingView {
  const me = role === 'resident' ? JAN : SANNE
  return {
    residentMode: false, setResidentMode: () => {}, residentSpeaking: false, setResidentSpeaking: () => {},
    me: { name: me.name, org: me.org, role }, ...opts,
  }
}

function setValue(el: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, value: string) {
  const proto = el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype
  Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(el, value)
  el.dispatchEvent(new Event(el instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }))
}

afterEach(() => {
  vi.useRealTimers()
})
const dom = useReactRoot()

function render(doc: Y.Doc, v: MeetingView, extra: { awareness?: Awareness; readOnly?: boolean } = {}) {
  act(() => dom.root.render(
    <MeetingViewContext.Provider value={v}>
      <PlanView doc={doc} awareness={extra.awareness} readOnly={extra.readOnly ?? false} announceQuietMs={2000} />
    </MeetingViewContext.Provider>,
  ))
}

const all = <T extends Element>(sel: string, within: ParentNode = dom.container) => [...within.querySelectorAll<T>(sel)]
const one = <T extends Element>(sel: string, within: ParentNode = dom.container) => {
  const el = within.querySelector<T>(sel)
  if (!el) throw new Error(`no ${sel}`)
  return el
}
const domainSection = (doc: Y.Doc, label: string) => {
  const d = listDomains(doc).find((x) => x.label === label)!
  return one<HTMLElement>(`[data-testid="pv-domain"][data-domain-id="${d.id}"]`)
}
const button = (name: RegExp, within: ParentNode = dom.container) => {
  const b = all<HTMLButtonElement>('button', within).find((x) => name.test(x.getAttribute('aria-label') ?? x.textContent ?? ''))
  if (!b) throw new Error(`no button ${name}`)
  return b
}

describe('the plan view shows the document', () => {
  it('per life domain (h3, in order), actions in a table, links as sentences, items without a domain apart', () => {
    const { local } = pair()
    const [work, income] = listDomains(local)
    const debts = addItem(local, { kind: 'problem', text: 'Schulden', domainId: income!.id, author: SANNE, stress: true })
    const sleep = addItem(local, { kind: 'problem', text: 'Slaapproblemen', domainId: work!.id, author: JAN })
    addItem(local, { kind: 'wish', text: 'Weer werken', domainId: work!.id, author: JAN })
    addItem(local, { kind: 'action', text: 'Schuldhulp aanvragen', domainId: income!.id, author: SANNE })
    addItem(local, { kind: 'note', text: 'Los briefje', domainId: null, pos: { x: 0, y: 0 }, author: SANNE })
    addLink(local, debts, sleep, 'reinforces')
    render(local, view('professional'))

    const h3s = all('section[data-testid="pv-domain"] > h3').map((h) => h.textContent)
    expect(h3s.slice(0, 8)).toEqual(listDomains(local).map((d) => d.label))
    expect(h3s.at(-1)).toBe('Zonder leefgebied')
    expect(all('h2').map((h) => h.textContent)).toEqual(['Doel en route', 'Leefgebieden', 'Afspraken', 'Verbanden', 'Verwijderd'])

    const workSection = domainSection(local, work!.label)
    expect(all<HTMLTextAreaElement>('[data-testid="pv-item-text"]', workSection).map((t) => t.value)).toEqual(['Slaapproblemen', 'Weer werken'])
    expect(one('[data-testid="pv-author"]', workSection).textContent).toBe('Inwoner (Jan)')
    const incomeSection = domainSection(local, income!.label)
    expect(all<HTMLTextAreaElement>('[data-testid="pv-item-text"]', incomeSection).map((t) => t.value)).toEqual(['Schulden'])
    expect(one<HTMLInputElement>('[data-testid="pv-stress"]', incomeSection).checked).toBe(true)
    expect(incomeSection.textContent).toContain('Afspraken hier: Schuldhulp aanvragen')

    const rows = all('[data-testid="pv-action"]')
    expect(rows.length).toBe(1)
    expect(one<HTMLTextAreaElement>('[data-testid="pv-action-text"]', rows[0]).value).toBe('Schuldhulp aanvragen')
    expect(all('table th').map((th) => th.textContent)).toEqual(['Wat', 'Wie', 'Organisatie', 'Wanneer', 'Status', 'Verwijderen'])
    expect(all('[data-testid="pv-link-sentence"]').map((s) => s.textContent)).toEqual(['Schulden versterkt Slaapproblemen'])
    expect(one<HTMLTextAreaElement>('[data-testid="pv-item-text"]', one('[data-testid="pv-domain"][data-domain-id=""]')).value).toBe('Los briefje')
  })

  it('uses the plain labels of the template and the resident question in resident mode', () => {
    const { local } = pair('zrm')
    render(local, view('resident', { residentMode: true }))
    const h3s = all('section[data-testid="pv-domain"] > h3').map((h) => h.textContent)
    expect(h3s).toContain('Zelfzorg')
    expect(h3s).not.toContain('Basale ADL')
    expect(dom.container.textContent).toContain('Wat wilt u over een jaar bereikt hebben?')
    // Only the four add kinds for the resident.
    expect(all<HTMLOptionElement>('[data-testid="pv-add-kind"] option', domainSection(local, 'Financiën')).map((o) => o.value)).toEqual(['problem', 'wish', 'strength', 'action'])
  })
})

describe('edits in the plan view write to the document', () => {
  it('adds to the chosen domain with the author from the meeting view, and edits in place', () => {
    const { local, remote } = pair()
    const housing = listDomains(local).find((d) => d.key === 'housing')!
    render(local, view('professional'))
    const section = domainSection(local, housing.label)
    act(() => setValue(one('[data-testid="pv-add-kind"]', section), 'wish'))
    act(() => setValue(one('[data-testid="pv-add-text"]', section), 'Een rustige woning'))
    act(() => one<HTMLButtonElement>('[data-testid="pv-add-submit"]', section).click())
    const [item] = listItems(remote)
    expect(item).toMatchObject({ kind: 'wish', text: 'Een rustige woning', domainId: housing.id, author: SANNE, recordedBy: null })
    expect(one('[data-testid="pv-notice"]').textContent).toContain('toegevoegd aan Wonen')

    // An empty text is refused with a message; nothing is added.
    act(() => one<HTMLButtonElement>('[data-testid="pv-add-submit"]', section).click())
    expect(listItems(remote).length).toBe(1)
    expect(section.querySelector('[role="alert"]')?.textContent).toBe('Schrijf eerst wat u wilt toevoegen.')

    // Text, domain, stress and signal, right in the list.
    const text = one<HTMLTextAreaElement>('[data-testid="pv-item-text"]', section)
    act(() => setValue(text, 'Een rustige woning dichtbij'))
    const work = listDomains(local).find((d) => d.key === 'work')!
    act(() => one<HTMLInputElement>('[data-testid="pv-stress"]', section).click())
    act(() => one<HTMLInputElement>('[data-testid="pv-signal"]', section).click())
    act(() => setValue(one('[data-testid="pv-item-domain"]', section), work.id))
    expect(listItems(remote)[0]).toMatchObject({ text: 'Een rustige woning dichtbij', domainId: work.id, stress: true, signal: true })
    expect(all('[data-testid="pv-item-text"]', domainSection(local, work.label)).length).toBe(1)
    // A domain select never offers 'no domain' to an item that has one.
    expect(all<HTMLOptionElement>('[data-testid="pv-item-domain"] option').map((o) => o.value)).not.toContain('')
  })

  it("changes a card's place in its domain with 'Omhoog' and 'Omlaag', as dragging does on the board", () => {
    const { local, remote } = pair()
    const d = listDomains(local)[0]!
    const a = addItem(local, { kind: 'problem', text: 'Eerste', domainId: d.id, author: SANNE }, 1000)
    addItem(local, { kind: 'wish', text: 'Wens ertussen', domainId: d.id, author: SANNE }, 1500)
    const b = addItem(local, { kind: 'problem', text: 'Tweede', domainId: d.id, author: SANNE }, 2000)
    const c = addItem(local, { kind: 'problem', text: 'Derde', domainId: d.id, author: SANNE }, 3000)
    render(local, view('professional'))
    const problems = () => itemsInDomain(remote, d.id).filter((i) => i.kind === 'problem').map((i) => i.text)
    // Only where there is a neighbour: the first has no 'Omhoog', the last no 'Omlaag'.
    expect(all('[data-testid="pv-move-up"]').map((x) => x.getAttribute('aria-label'))).toEqual(['Omhoog: Knelpunt: Tweede', 'Omhoog: Knelpunt: Derde'])
    act(() => button(/^Omhoog: Knelpunt: Derde$/).click())
    expect(problems()).toEqual(['Eerste', 'Derde', 'Tweede'])
    act(() => button(/^Omlaag: Knelpunt: Eerste$/).click())
    expect(problems()).toEqual(['Derde', 'Eerste', 'Tweede'])
    expect(all<HTMLTextAreaElement>('[data-testid="pv-item-text"]', domainSection(local, d.label)).map((t) => t.value)).toEqual(['Derde', 'Eerste', 'Tweede', 'Wens ertussen'])
    expect([a, b, c].every((id) => listItems(remote).some((i) => i.id === id))).toBe(true)
  })

  it("records the resident's words, on the professional's account, while 'Inwoner aan het woord' is on", () => {
    const { local, remote } = pair()
    render(local, view('professional', { residentSpeaking: true }))
    const section = domainSection(local, listDomains(local)[0]!.label)
    act(() => setValue(one('[data-testid="pv-add-text"]', section), 'Ik wil weer aan het werk'))
    act(() => one<HTMLButtonElement>('[data-testid="pv-add-submit"]', section).click())
    const [item] = listItems(remote)
    expect(item!.author.role).toBe('resident')
    expect(item!.recordedBy).toEqual(SANNE)
    expect(one('[data-testid="pv-author"]', section).textContent).toBe('Inwoner · opgeschreven door Sanne')
  })

  it('edits actions in the table and adds one only with a chosen domain', () => {
    const { local, remote } = pair()
    render(local, view('professional'))
    const form = one('[data-testid="pv-add-action"]')
    act(() => setValue(one('[data-testid="pv-add-action-text"]', form), 'Budgetcoach regelen'))
    act(() => setValue(one('[data-testid="pv-add-action-owner"]', form), 'Sanne'))
    act(() => one<HTMLButtonElement>('[data-testid="pv-add-action-submit"]', form).click())
    expect(listItems(remote).length).toBe(0)
    expect(form.querySelector('[role="alert"]')?.textContent).toBe('Kies eerst een leefgebied.')
    const income = listDomains(local)[1]!
    act(() => setValue(one('[data-testid="pv-add-action-domain"]', form), income.id))
    act(() => setValue(one('[data-testid="pv-add-action-due"]', form), '2026-12-01'))
    act(() => one<HTMLButtonElement>('[data-testid="pv-add-action-submit"]', form).click())
    expect(listItems(remote)[0]).toMatchObject({ kind: 'action', text: 'Budgetcoach regelen', domainId: income.id, owner: 'Sanne', due: '2026-12-01', status: 'open' })

    const row = one('[data-testid="pv-action"]')
    act(() => setValue(one('[data-testid="pv-action-org"]', row), 'Sociaal wijkteam'))
    act(() => setValue(one('[data-testid="pv-action-due"]', row), '2027-01-15'))
    act(() => setValue(one('[data-testid="pv-action-status"]', row), 'done'))
    expect(listItems(remote)[0]).toMatchObject({ ownerOrg: 'Sociaal wijkteam', due: '2027-01-15', status: 'done' })
    // Every input in the row has a name that says which column it is.
    for (const el of all<HTMLElement>('input, select', row)) {
      const name = el.getAttribute('aria-label') ?? el.closest('label')?.textContent ?? ''
      expect(name, el.outerHTML).not.toBe('')
    }
  })

  it('makes and removes links with the three selects', () => {
    const { local, remote } = pair()
    const d = listDomains(local)
    const a = addItem(local, { kind: 'problem', text: 'Schulden', domainId: d[1]!.id, author: SANNE })
    const b = addItem(local, { kind: 'problem', text: 'Slaapproblemen', domainId: d[4]!.id, author: SANNE })
    render(local, view('professional'))
    const form = one('[data-testid="pv-add-link"]')
    act(() => one<HTMLButtonElement>('[data-testid="pv-link-submit"]', form).click())
    expect(listLinks(remote).length).toBe(0)
    act(() => setValue(one('[data-testid="pv-link-from"]', form), a))
    act(() => setValue(one('[data-testid="pv-link-kind"]', form), 'causes'))
    act(() => setValue(one('[data-testid="pv-link-to"]', form), b))
    act(() => one<HTMLButtonElement>('[data-testid="pv-link-submit"]', form).click())
    expect(listLinks(remote)).toMatchObject([{ from: a, to: b, kind: 'causes' }])
    expect(one('[data-testid="pv-link-sentence"]').textContent).toBe('Schulden veroorzaakt Slaapproblemen')
    act(() => button(/^Verband weghalen: Schulden veroorzaakt Slaapproblemen$/).click())
    expect(listLinks(remote).length).toBe(0)
  })

  it('deletes with undo, asks first for an action, and lets anyone restore from the deleted list', () => {
    const { local, remote } = pair()
    const d = listDomains(local)
    const p = addItem(local, { kind: 'problem', text: 'Schulden', domainId: d[1]!.id, author: SANNE })
    const act1 = addItem(local, { kind: 'action', text: 'Schuldhulp', domainId: d[1]!.id, author: SANNE })
    render(local, view('professional'))

    act(() => button(/^Verwijderen: Knelpunt: Schulden$/).click())
    expect(listDeletedItems(remote).map((i) => i.id)).toEqual([p])
    expect(listDeletedItems(remote)[0]!.deletedBy).toEqual(SANNE)
    expect(document.activeElement?.textContent).toBe('Ongedaan maken')
    act(() => (document.activeElement as HTMLButtonElement).click())
    expect(listItems(remote).map((i) => i.id).sort()).toEqual([p, act1].sort())

    // An action: the first press only asks.
    act(() => button(/^Verwijderen: Afspraak: Schuldhulp$/).click())
    expect(listDeletedItems(remote).length).toBe(0)
    expect(document.activeElement?.textContent).toBe('Zeker weten? Verwijderen')
    act(() => (document.activeElement as HTMLButtonElement).click())
    expect(listDeletedItems(remote).map((i) => i.id)).toEqual([act1])
    const deleted = one('[data-testid="pv-deleted-item"]')
    expect(deleted.textContent).toContain('Afspraak: Schuldhulp')
    expect(deleted.textContent).toContain('verwijderd door Sanne')

    // Someone else deleted it; a resident may still restore it (but not delete it for good).
    render(local, view('resident'))
    expect(all('[data-testid="pv-purge"]').length).toBe(0)
    act(() => one<HTMLButtonElement>('[data-testid="pv-restore"]').click())
    expect(listDeletedItems(remote).length).toBe(0)
  })

  it("lets a professional delete a deleted item for good, after asking once more", () => {
    const { local, remote } = pair()
    const d = listDomains(local)
    const p = addItem(local, { kind: 'problem', text: 'Iets wat niet bewaard mag blijven', domainId: d[0]!.id, author: SANNE })
    const keep = addItem(local, { kind: 'wish', text: 'Rust', domainId: d[0]!.id, author: JAN })
    addLink(local, p, keep, 'blocks')
    render(local, view('professional'))
    act(() => button(/^Verwijderen: Knelpunt: Iets wat niet bewaard mag blijven$/).click())
    act(() => one<HTMLButtonElement>('[data-testid="pv-purge"]').click())
    // The first press only asks; 'Nee' has the focus.
    expect(parts(remote).items.has(p)).toBe(true)
    expect(document.activeElement?.textContent).toBe('Nee')
    act(() => one<HTMLButtonElement>('[data-testid="pv-purge-yes"]').click())
    expect(parts(remote).items.has(p)).toBe(false)
    expect(parts(remote).links.size).toBe(0)
    expect(listItems(remote).map((i) => i.id)).toEqual([keep])
    expect(all('[data-testid="pv-deleted-item"]').length).toBe(0)
  })

  it("offers a resident delete only on the resident's own words, and a coordinator nothing", () => {
    const { local } = pair()
    const d = listDomains(local)
    addItem(local, { kind: 'problem', text: 'Van Sanne', domainId: d[0]!.id, author: SANNE })
    addItem(local, { kind: 'wish', text: 'Van Jan', domainId: d[0]!.id, author: JAN })
    render(local, view('resident'))
    expect(all('[data-testid="pv-delete"]').map((b) => b.getAttribute('aria-label'))).toEqual(['Verwijderen: Wens: Van Jan'])
    // No signal toggle for the resident.
    expect(all('[data-testid="pv-signal"]').length).toBe(0)
    render(local, view('coordinator'), { readOnly: true })
    expect(all('[data-testid="pv-delete"]').length).toBe(0)
    expect(all('[data-testid="pv-add-form"]').length).toBe(0)
    for (const t of all<HTMLTextAreaElement>('textarea')) expect(t.readOnly).toBe(true)
  })
})

describe("a resident is offered no change to what is not theirs (rights inside the document)", () => {
  it("shows others' items and actions as text — no field, domain, move, marks or delete — and their own as fields", () => {
    const { local, remote } = pair()
    const d = listDomains(local)[0]!
    const pro = addItem(local, { kind: 'problem', text: 'Van Sanne', domainId: d.id, author: SANNE, stress: true }, 1000)
    addItem(local, { kind: 'wish', text: 'Van Jan', domainId: d.id, author: JAN }, 2000)
    const action = addItem(local, { kind: 'action', text: 'Schuldhulp aanvragen', domainId: d.id, author: SANNE }, 3000)
    updateItem(local, action, { owner: 'Sanne', due: '2027-01-15', status: 'in_progress' })
    render(local, view('resident'))
    const section = domainSection(local, d.label)
    const proRow = one(`[data-item-id="${pro}"]`, section)
    expect(proRow.getAttribute('data-locked')).toBe('true')
    expect(one('[data-testid="pv-item-text"]', proRow).tagName).toBe('P')
    expect(one('[data-testid="pv-item-text"]', proRow).textContent).toBe('Van Sanne')
    expect(all('textarea, input, select, button', proRow)).toEqual([])
    expect(one('[data-testid="pv-stress-mark"]', proRow).textContent).toBe('Stressfactor — eerst aanpakken')
    expect(one('[data-testid="pv-locked-note"]', proRow).textContent).toBe('Van een ander: u kunt dit lezen, niet veranderen.')
    // Their own: a text field, the domain, stress, delete; and 'Omhoog' past Sanne's item.
    const ownRow = all('[data-testid="pv-item"]', section).find((r) => r.getAttribute('data-item-id') !== pro)!
    expect(one('[data-testid="pv-item-text"]', ownRow).tagName).toBe('TEXTAREA')
    expect(all('[data-testid="pv-item-domain"], [data-testid="pv-stress"], [data-testid="pv-delete"]', ownRow).length).toBe(3)
    // The action table: Sanne's action in words only.
    const row = one(`[data-testid="pv-action"][data-item-id="${action}"]`)
    expect(all('textarea, input, select, button', row)).toEqual([])
    expect(one('[data-testid="pv-action-text"]', row).textContent).toBe('Schuldhulp aanvragen')
    expect(one('[data-testid="pv-action-owner"]', row).textContent).toBe('Sanne')
    expect(one('[data-testid="pv-action-status"]', row).textContent).toBe('bezig')
    expect(one('[data-testid="pv-action-due"]', row).textContent).toContain('2027')
    // A professional gets the fields for the same items.
    render(local, view('professional'))
    expect(all(`[data-item-id="${pro}"] textarea, [data-item-id="${pro}"] select`).length).toBe(2)
    expect(all(`[data-testid="pv-action"][data-item-id="${action}"] input, [data-testid="pv-action"][data-item-id="${action}"] select`).length).toBeGreaterThan(3)
    expect(readItem(parts(remote).items.get(pro)!)!.text).toBe('Van Sanne')
  })

  it("moves the resident's own item past someone else's by writing only their own item", () => {
    const { local, remote } = pair()
    const d = listDomains(local)[0]!
    const own = addItem(local, { kind: 'problem', text: 'Van Jan', domainId: d.id, author: JAN }, 1000)
    const pro = addItem(local, { kind: 'problem', text: 'Van Sanne', domainId: d.id, author: SANNE }, 2000)
    const touched: string[] = []
    parts(remote).items.get(pro)!.observe(() => touched.push(pro))
    render(local, view('resident'))
    act(() => button(/^Omlaag: Knelpunt: Van Jan$/).click())
    expect(itemsInDomain(remote, d.id).map((i) => i.id)).toEqual([pro, own])
    expect(touched).toEqual([])
    // No 'Omhoog'/'Omlaag' on Sanne's item.
    expect(all('[data-testid^="pv-move-"]', one(`[data-item-id="${pro}"]`)).length).toBe(0)
  })

  it('shows the domain scores read-only, and links without kind or remove, but keeps adding a link', () => {
    const { local } = pair('zrm')
    const d = listDomains(local)
    const a = addItem(local, { kind: 'problem', text: 'Schulden', domainId: d[0]!.id, author: SANNE })
    const b = addItem(local, { kind: 'wish', text: 'Rust', domainId: d[1]!.id, author: JAN })
    addLink(local, a, b, 'blocks')
    render(local, view('resident'))
    const scores = all<HTMLSelectElement>('[data-testid="plan-score"]')
    expect(scores.length).toBe(d.length)
    for (const s of scores) expect(s.disabled).toBe(true)
    const link = one('[data-testid="pv-link"]')
    expect(all('select, button', link)).toEqual([])
    expect(all('[data-testid="pv-add-link"]').length).toBe(1)
    render(local, view('professional'))
    for (const s of all<HTMLSelectElement>('[data-testid="plan-score"]')) expect(s.disabled).toBe(false)
    expect(all('select, button', one('[data-testid="pv-link"]')).length).toBe(2)
  })
})

describe('typing in an item while others type', () => {
  it('keeps the caret in place when a remote edit arrives, and merges both', () => {
    const { local, remote } = pair()
    const id = addItem(local, { kind: 'problem', text: 'Schulden', domainId: listDomains(local)[1]!.id, author: SANNE })
    render(local, view('professional'))
    const text = one<HTMLTextAreaElement>('[data-testid="pv-item-text"]')
    text.focus()
    act(() => { setValue(text, 'Schulden bij de bank'); text.setSelectionRange('Schulden bij'.length, 'Schulden bij'.length) })
    act(() => { (parts(remote).items.get(id)!.get('text') as Y.Text).insert(0, 'Grote ') })
    expect(text.value).toBe('Grote Schulden bij de bank')
    expect(text.selectionStart).toBe('Grote Schulden bij'.length)
    expect(document.activeElement).toBe(text)
    expect(listItems(remote)[0]!.text).toBe('Grote Schulden bij de bank')
  })
})

describe('remote changes are announced', () => {
  it('once, summarised per person after a quiet moment, and never one’s own', () => {
    vi.useFakeTimers()
    const { local, remote } = pair()
    const awareness = new Awareness(local)
    awareness.states.set(remote.clientID, { user: { name: 'Fatima', org: 'UWV', role: 'professional', color: '#2e86ab' } })
    const d = listDomains(local)
    const action = addItem(local, { kind: 'action', text: 'Bellen', domainId: d[0]!.id, author: SANNE })
    render(local, view('professional'), { awareness })
    const live = one('[data-testid="pv-live"]')
    expect(live.getAttribute('aria-live')).toBe('polite')

    // Own changes: nothing is announced.
    act(() => { setItemText(local, action, 'Bellen met UWV'); vi.advanceTimersByTime(5000) })
    expect(live.textContent).toBe('')

    // Fatima adds two problems and types in an action, keystroke by keystroke.
    act(() => {
      addItem(remote, { kind: 'problem', text: 'Schulden', domainId: d[1]!.id, author: SANNE })
      vi.advanceTimersByTime(500)
      addItem(remote, { kind: 'problem', text: 'Huur', domainId: d[2]!.id, author: SANNE })
      for (const ch of ' vandaag') {
        const t = parts(remote).items.get(action)!.get('text') as Y.Text
        t.insert(t.length, ch)
        vi.advanceTimersByTime(200)
      }
      updateItem(remote, action, { status: 'in_progress' })
    })
    // Not yet: still typing, nothing per keystroke.
    expect(live.textContent).toBe('')
    act(() => { vi.advanceTimersByTime(2100) })
    expect(live.textContent).toBe('Fatima heeft 2 knelpunten toegevoegd en 1 afspraak gewijzigd.')

    // The board laying out cards (pos, size) is no news.
    act(() => { updateItem(remote, action, { pos: { x: 500, y: 500 } }); vi.advanceTimersByTime(9000) })
    expect(live.textContent).toBe('Fatima heeft 2 knelpunten toegevoegd en 1 afspraak gewijzigd.')

    // The next batch replaces it; someone without a name is 'iemand anders'.
    awareness.states.delete(remote.clientID)
    act(() => { deleteItem(remote, action, SANNE); vi.advanceTimersByTime(2100) })
    expect(live.textContent).toBe('Iemand anders heeft 1 afspraak verwijderd.')
    expect(readItem(parts(local).items.get(action)!)!.deletedAt).not.toBeNull()
  })
})
