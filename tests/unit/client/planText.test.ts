import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { addItem, addLink, deleteItem, initCaseDoc, listDomains, setGoal, setItemText, updateItem, updatePlan } from '../../../shared/doc.ts'
import { derivePlan } from '../../../shared/derivePlan.ts'
import { diffPlans } from '../../../shared/diffPlans.ts'
import {
  defaultSnapshotLabel, diffLines, domainLabel, formatDateTime, groupPlanForPrint, highlightsFromDiff, summaryLine,
} from '../../../client/planText.ts'
import { matchRoute } from '../../../client/router.ts'
import { exportFileName } from '../../../client/components/ExportImage.tsx'
import { MESSAGES } from '../../../client/i18n.ts'

const pro = { name: 'Sanne', org: 'Sociaal wijkteam', role: 'professional' as const }
const resident = { name: 'Jan', org: '', role: 'resident' as const }

function caseDoc(template = 'integrale-intake') {
  const doc = new Y.Doc()
  initCaseDoc(doc, template, 1_000)
  const dom = (key: string) => listDomains(doc).find((d) => d.key === key)!.id
  return { doc, dom }
}

describe('the printable plan', () => {
  it('groups items per life domain in the resident’s words, stress factors first, empty cards left out', () => {
    const { doc, dom } = caseDoc()
    setGoal(doc, 'Werk en geen schulden')
    updatePlan(doc, { route: 'parallel', ladderNow: 2, ladderGoal: 5 })
    const money = dom('income_debts')
    addItem(doc, { kind: 'problem', text: 'Brieven blijven liggen', domainId: money, pos: { x: 0, y: 0 }, author: pro }, 1)
    addItem(doc, { kind: 'problem', text: 'Schulden', domainId: money, pos: { x: 0, y: 0 }, author: pro, stress: true }, 2)
    addItem(doc, { kind: 'strength', text: 'Buurvrouw helpt', domainId: money, pos: { x: 0, y: 0 }, author: resident }, 3)
    addItem(doc, { kind: 'wish', text: 'Weer werken', domainId: dom('work'), pos: { x: 0, y: 0 }, author: resident }, 4)
    addItem(doc, { kind: 'problem', text: '', domainId: dom('housing'), pos: { x: 0, y: 0 }, author: pro }, 5)
    addItem(doc, { kind: 'note', text: 'Los briefje', pos: { x: 0, y: 0 }, author: pro }, 6)
    const a = addItem(doc, { kind: 'action', text: 'Schuldhulp aanvragen', domainId: money, pos: { x: 0, y: 0 }, author: pro }, 7)
    updateItem(doc, a, { owner: 'Sanne', due: '2099-01-01' })

    const p = groupPlanForPrint(derivePlan(doc), 'nl')
    expect(p.goal).toBe('Werk en geen schulden')
    expect(p.route).toBe('parallel')
    // Only domains with something written in them, in template order; loose items last.
    expect(p.domains.map((d) => d.label)).toEqual(['Werk & dagbesteding', 'Inkomen & schulden', 'Overige punten'])
    const m = p.domains[1]!
    expect(m.problems.map((i) => [i.text, i.stress])).toEqual([['Schulden', true], ['Brieven blijven liggen', false]])
    expect(m.strengths).toEqual([expect.objectContaining({ text: 'Buurvrouw helpt', byResident: true })])
    expect(m.wishes).toEqual([])
    expect(p.domains[2]!.notes.map((i) => i.text)).toEqual(['Los briefje'])
    // Actions are a table of their own, not items of a domain list.
    expect(p.actions.map((x) => [x.text, x.owner, x.due, x.status])).toEqual([['Schuldhulp aanvragen', 'Sanne', '2099-01-01', 'open']])
  })

  it('uses the plain (B1) domain names of the ZRM for residents, and English when asked', () => {
    const { doc, dom } = caseDoc('zrm')
    addItem(doc, { kind: 'problem', text: 'Rood staan', domainId: dom('finances'), pos: { x: 0, y: 0 }, author: pro })
    const plan = derivePlan(doc)
    expect(groupPlanForPrint(plan, 'nl').domains[0]!.label).toBe('Geldzaken')
    expect(groupPlanForPrint(plan, 'en').domains[0]!.label).toBe('Finances')
    expect(domainLabel([plan], dom('finances'), 'nl')).toBe('Financiën')
    expect(domainLabel([plan], null, 'nl')).toBe('Geen leefgebied')
  })
})

describe('the comparison', () => {
  function twoPlans() {
    const { doc, dom } = caseDoc()
    const p1 = addItem(doc, { kind: 'problem', text: 'Schulden', domainId: dom('income_debts'), pos: { x: 0, y: 0 }, author: pro }, 1)
    const gone = addItem(doc, { kind: 'wish', text: 'Verhuizen', domainId: dom('housing'), pos: { x: 0, y: 0 }, author: resident }, 2)
    const act = addItem(doc, { kind: 'action', text: 'Bellen', pos: { x: 0, y: 0 }, author: pro }, 3)
    updateItem(doc, act, { owner: 'Sanne', due: '2026-01-10' })
    const before = derivePlan(doc)
    setItemText(doc, p1, 'Schulden bij de energieleverancier')
    updateItem(doc, p1, { domainId: dom('housing'), stress: true })
    updateItem(doc, act, { status: 'done' })
    deleteItem(doc, gone, pro)
    const late = addItem(doc, { kind: 'action', text: 'Formulier inleveren', pos: { x: 0, y: 0 }, author: pro }, 4)
    updateItem(doc, late, { owner: 'Jan', due: '2026-01-05' })
    addLink(doc, p1, late, 'blocks')
    setGoal(doc, 'Rust in mijn hoofd')
    updatePlan(doc, { route: 'care_first', ladderNow: 3 })
    const after = derivePlan(doc)
    return { before, after, ids: { p1, gone, act, late } }
  }

  it('lists what was added, removed and changed — fields before → after, domain names, links, done and late actions', () => {
    const { before, after, ids } = twoPlans()
    const diff = diffPlans(before, after, '2026-02-01')
    const lines = diffLines(diff, { before, after }, 'nl')
    const bySection = (s: string) => lines.filter((l) => l.section === s)

    expect(bySection('added').map((l) => [l.itemId, l.title, l.details])).toEqual([
      [ids.late, 'Afspraak — “Formulier inleveren” (Geen leefgebied)', ['wie: Jan, wanneer: 5 jan 2026']],
    ])
    expect(bySection('removed').map((l) => l.title)).toEqual(['Wens — “Verhuizen” (Wonen)'])
    const changed = bySection('changed')
    const p1 = changed.find((l) => l.itemId === ids.p1)!
    expect(p1.title).toBe('Knelpunt — “Schulden bij de energieleverancier” (Wonen)')
    expect(p1.details).toEqual([
      'tekst: “Schulden” → “Schulden bij de energieleverancier”',
      'leefgebied: Inkomen & schulden → Wonen',
      'stressfactor: nee → ja',
    ])
    expect(changed.find((l) => l.itemId === ids.act)!.details).toEqual(['status: open → klaar'])
    expect(bySection('links').map((l) => l.title)).toEqual(['+ “Schulden bij de energieleverancier” blokkeert “Formulier inleveren”'])
    expect(bySection('completed').map((l) => l.itemId)).toEqual([ids.act])
    expect(bySection('overdue').map((l) => l.itemId)).toEqual([ids.late])
    expect(bySection('plan').map((l) => [l.title, ...l.details])).toEqual([
      ['Stip op de horizon', '(leeg) → “Rust in mijn hoofd”'],
      ['Route', '(geen) → zorg eerst'],
      ['Participatieladder nu', '(geen) → 3 activiteiten'],
    ])
    expect(highlightsFromDiff(diff)).toEqual({ [ids.late]: 'added', [ids.p1]: 'changed', [ids.act]: 'changed' })
  })

  it('speaks English when asked', () => {
    const { before, after } = twoPlans()
    const lines = diffLines(diffPlans(before, after, '2026-02-01'), { before, after }, 'en')
    expect(lines.find((l) => l.section === 'removed')!.title).toBe('Wish — “Verhuizen” (Housing)')
  })
})

describe('snapshot words', () => {
  it('summarises a snapshot in one line', () => {
    expect(summaryLine({ items: 5, openActions: 2, overdueActions: 1, changes: null }, 'nl')).toBe('5 punten · 2 open afspraken · 1 te laat · eerste momentopname')
    expect(summaryLine({ items: 1, openActions: 1, overdueActions: 0, changes: { count: 3 } }, 'nl')).toBe('1 punt · 1 open afspraak · 3 veranderingen sinds de vorige')
    expect(summaryLine({ items: 0, openActions: 0, overdueActions: 0, changes: { count: 0 } }, 'en')).toBe('0 items · 0 open actions · nothing changed since the previous one')
  })

  it('labels and dates in Dutch time, the same in every browser', () => {
    const at = Date.UTC(2026, 10, 28, 15, 40) // 16:40 in Amsterdam (winter time)
    expect(formatDateTime(at, 'nl')).toBe('28-11-2026 16:40')
    expect(formatDateTime(Date.UTC(2026, 6, 1, 7, 5), 'nl')).toBe('01-07-2026 09:05') // summer time
    expect(defaultSnapshotLabel(at, 'nl')).toBe('Intake 28-11-2026 16:40')
  })

  it('names exported images without characters file systems refuse', () => {
    expect(exportFileName('Familie: de "Vries"/Jansen', '2026-11-28', 'png')).toBe('Familie de Vries Jansen 2026-11-28.png')
    expect(exportFileName('   ', '2026-11-28', 'svg')).toBe('bord 2026-11-28.svg')
  })
})

describe('the routes of snapshots, comparison and print', () => {
  const id = 'czT4xj9oJ5fT_ZgauJCc3A'
  it('matches them with their query and refuses odd ids', () => {
    expect(matchRoute(`/cases/${id}/snapshots/abc_DEF-1`)).toEqual({ name: 'snapshot', caseId: id, snapshotId: 'abc_DEF-1' })
    expect(matchRoute(`/cases/${id}/compare`, '?from=s1&to=live')).toEqual({ name: 'compare', caseId: id, from: 's1', to: 'live' })
    expect(matchRoute(`/cases/${id}/compare`, '?from=s1&to=s2')).toEqual({ name: 'compare', caseId: id, from: 's1', to: 's2' })
    expect(matchRoute(`/cases/${id}/compare`, '')).toEqual({ name: 'compare', caseId: id, from: null, to: 'live' })
    expect(matchRoute(`/cases/${id}/compare`, '?from=../x&to=<b>')).toEqual({ name: 'compare', caseId: id, from: null, to: 'live' })
    expect(matchRoute(`/cases/${id}/print`, '')).toEqual({ name: 'print', caseId: id, snapshotId: null })
    expect(matchRoute(`/cases/${id}/print`, '?snapshot=s1')).toEqual({ name: 'print', caseId: id, snapshotId: 's1' })
    expect(matchRoute(`/cases/${id}/snapshots/../../x`)).toEqual({ name: 'notFound' })
    expect(matchRoute('/review')).toEqual({ name: 'review' })
  })
})

describe('the new words', () => {
  it('exist in both languages', () => {
    for (const k of Object.keys(MESSAGES.nl) as (keyof typeof MESSAGES.nl)[]) expect(MESSAGES.en[k], k).toBeTruthy()
  })
})
