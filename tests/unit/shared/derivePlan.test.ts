import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { addItem, addLink, initCaseDoc, listDomains, parts, setGoal, updateItem, updatePlan } from '../../../shared/doc.ts'
import { derivePlan, isOverdue, type PlanAction } from '../../../shared/derivePlan.ts'

const pro = { name: 'Sanne', org: 'Sociaal wijkteam', role: 'professional' as const }
const resident = { name: 'Jan', org: '', role: 'resident' as const }

describe('derivePlan', () => {
  it('groups items under their life domain, with authorship, and lists actions by due date', () => {
    const doc = new Y.Doc()
    initCaseDoc(doc, 'integrale-intake', 0)
    const [work, income] = listDomains(doc)
    let t = 1
    const debt = addItem(doc, { kind: 'problem', text: 'Schulden', pos: { x: 0, y: 0 }, domainId: income!.id, author: pro, stress: true }, t++)
    const wish = addItem(doc, { kind: 'wish', text: 'Werken in de zorg', pos: { x: 0, y: 0 }, domainId: work!.id, author: resident }, t++)
    const late = addItem(doc, { kind: 'action', text: 'Aanmelden schuldhulp', pos: { x: 0, y: 0 }, domainId: income!.id, author: pro }, t++)
    updateItem(doc, late, { owner: 'Sanne', ownerOrg: 'Sociaal wijkteam', due: '2026-11-01', status: 'open' })
    const soon = addItem(doc, { kind: 'action', text: 'Gesprek UWV', pos: { x: 0, y: 0 }, author: pro }, t++)
    updateItem(doc, soon, { due: '2026-12-15', deviation: true, deviationRule: 'Arbeidsverplichting', deviationMotivation: 'Eerst rust' })
    const undated = addItem(doc, { kind: 'action', text: 'Zonder datum', pos: { x: 0, y: 0 }, author: pro }, t++)
    addLink(doc, debt, wish, 'blocks', 'link1')
    setGoal(doc, 'Betaald werk zonder schulden')
    updatePlan(doc, { route: 'parallel', ladderNow: 2, ladderGoal: 6 })

    const plan = derivePlan(doc)
    expect(plan.goal).toBe('Betaald werk zonder schulden')
    expect(plan.route).toBe('parallel')
    expect([plan.ladderNow, plan.ladderGoal]).toEqual([2, 6])
    const incomeDomain = plan.domains.find((d) => d.id === income!.id)!
    expect(incomeDomain.items.map((i) => i.text)).toEqual(['Schulden', 'Aanmelden schuldhulp'])
    expect(incomeDomain.items[0]!.stress).toBe(true)
    const workDomain = plan.domains.find((d) => d.id === work!.id)!
    expect(workDomain.items[0]).toMatchObject({ text: 'Werken in de zorg', byResident: true, author: resident })
    expect(plan.unassigned.map((i) => i.id)).toEqual([soon, undated])
    expect(plan.actions.map((a) => a.text)).toEqual(['Aanmelden schuldhulp', 'Gesprek UWV', 'Zonder datum'])
    expect(plan.actions[1]).toMatchObject({ deviation: true, deviationRule: 'Arbeidsverplichting' })
    expect(plan.links).toEqual([{ id: 'link1', from: debt, to: wish, kind: 'blocks' }])
    expect(isOverdue(plan.actions[0] as PlanAction, '2026-11-28')).toBe(true)
    expect(isOverdue(plan.actions[1] as PlanAction, '2026-11-28')).toBe(false)
    // Plain JSON: survives a round trip unchanged.
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan)
  })

  it('drops links whose end is gone and treats items of a missing domain as unassigned', () => {
    const doc = new Y.Doc()
    initCaseDoc(doc, 'positieve-gezondheid', 0)
    const a = addItem(doc, { kind: 'strength', pos: { x: 0, y: 0 }, domainId: 'gone', author: pro })
    const b = addItem(doc, { kind: 'note', pos: { x: 0, y: 0 }, author: pro })
    addLink(doc, a, b, 'helps')
    parts(doc).items.delete(b) // deleted without the helper: the link dangles
    const plan = derivePlan(doc)
    expect(plan.links).toEqual([])
    expect(plan.unassigned.map((i) => i.id)).toEqual([a])
    expect(plan.domains).toHaveLength(6)
  })
})
