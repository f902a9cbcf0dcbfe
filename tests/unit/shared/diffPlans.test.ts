import { describe, expect, it } from 'vitest'
import type { Plan, PlanAction, PlanItem } from '../../../shared/derivePlan.ts'
import { diffPlans, todayInNL } from '../../../shared/diffPlans.ts'

const author = { name: 'Sanne', org: 'Sociaal wijkteam', role: 'professional' as const }

function item(id: string, over: Partial<PlanItem> = {}): PlanItem {
  return { id, kind: 'problem', text: id, domainId: 'd1', author, byResident: false, createdAt: 0, stress: false, signal: false, ...over }
}
function action(id: string, over: Partial<PlanAction> = {}): PlanAction {
  return {
    ...item(id), kind: 'action', owner: '', ownerOrg: '', due: '', status: 'open', deviation: false,
    deviationRule: '', deviationMotivation: '', ...over,
  } as PlanAction
}
function plan(items: (PlanItem | PlanAction)[], over: Partial<Plan> = {}): Plan {
  const inDomain = (d: string) => items.filter((i) => i.domainId === d)
  return {
    schemaVersion: 1, templateId: 'zrm', goal: '', route: null, ladderNow: null, ladderGoal: null,
    domains: [
      { id: 'd1', key: 'finances', label: 'Financiën', order: 0, score: 2, items: inDomain('d1') },
      { id: 'd2', key: 'housing', label: 'Huisvesting', order: 1, score: null, items: inDomain('d2') },
    ],
    unassigned: items.filter((i) => i.domainId === null),
    links: [],
    actions: items.filter((i): i is PlanAction => i.kind === 'action'),
    ...over,
  }
}

describe('diffPlans', () => {
  it('finds nothing between equal plans', () => {
    const p = plan([item('a'), action('b')])
    const d = diffPlans(p, structuredClone(p), '2026-11-28')
    expect(d.count).toBe(0)
    expect(d.items).toEqual({ added: [], removed: [], changed: [] })
  })

  it('reports added and removed items', () => {
    const d = diffPlans(plan([item('a'), item('b')]), plan([item('b'), item('c')]), '2026-11-28')
    expect(d.items.added.map((i) => i.id)).toEqual(['c'])
    expect(d.items.removed.map((i) => i.id)).toEqual(['a'])
    expect(d.count).toBe(2)
  })

  it('reports which fields of an item changed: text, domain, status, owner, due date, markers', () => {
    const before = plan([item('a'), action('x', { owner: 'Ahmed', due: '2026-12-01' })])
    const after = plan([
      item('a', { text: 'anders', domainId: 'd2', stress: true, signal: true }),
      action('x', { owner: 'Petra', ownerOrg: 'UWV', due: '2026-12-15', status: 'in_progress', deviation: true, deviationRule: 'r' }),
    ])
    const d = diffPlans(before, after, '2026-11-28')
    const byId = Object.fromEntries(d.items.changed.map((c) => [c.id, c.fields]))
    expect(byId.a).toEqual(['text', 'domainId', 'stress', 'signal'])
    expect(byId.x).toEqual(['status', 'owner', 'ownerOrg', 'due', 'deviation', 'deviationRule'])
  })

  it('lists actions completed since, and those overdue in the later plan', () => {
    const before = plan([action('done-now', { due: '2026-11-01' }), action('late', { due: '2026-11-20' }), action('future', { due: '2026-12-20' })])
    const after = plan([
      action('done-now', { due: '2026-11-01', status: 'done' }),
      action('late', { due: '2026-11-20' }),
      action('future', { due: '2026-12-20' }),
      action('new-done', { status: 'done' }),
    ])
    const d = diffPlans(before, after, '2026-11-28')
    expect(d.completed.map((a) => a.id)).toEqual(['done-now', 'new-done'])
    expect(d.overdue.map((a) => a.id)).toEqual(['late'])
  })

  it('reports links added, removed and changed', () => {
    const a = plan([item('p'), item('q'), item('r')], {
      links: [{ id: 'l1', from: 'p', to: 'q', kind: 'reinforces' }, { id: 'l2', from: 'q', to: 'r', kind: 'causes' }],
    })
    const b = plan([item('p'), item('q'), item('r')], {
      links: [{ id: 'l1', from: 'p', to: 'q', kind: 'blocks' }, { id: 'l3', from: 'p', to: 'r', kind: 'helps' }],
    })
    const d = diffPlans(a, b, '2026-11-28')
    expect(d.links.added.map((l) => l.id)).toEqual(['l3'])
    expect(d.links.removed.map((l) => l.id)).toEqual(['l2'])
    expect(d.links.changed).toEqual([{ id: 'l1', before: a.links[0], after: b.links[0] }])
  })

  it('reports goal, route, ladder and score changes', () => {
    const a = plan([], { goal: '', route: 'care_first', ladderNow: 1, ladderGoal: 4 })
    const b = plan([], { goal: 'Werk', route: 'parallel', ladderNow: 2, ladderGoal: 4 })
    b.domains[0]!.score = 3
    const d = diffPlans(a, b, '2026-11-28')
    expect(d.goal).toEqual({ before: '', after: 'Werk' })
    expect(d.route).toEqual({ before: 'care_first', after: 'parallel' })
    expect(d.ladderNow).toEqual({ before: 1, after: 2 })
    expect(d.ladderGoal).toBeNull()
    expect(d.scores).toEqual([{ domainId: 'd1', label: 'Financiën', before: 2, after: 3 }])
    expect(d.count).toBe(4)
  })

  it('knows the Dutch date', () => {
    expect(todayInNL(new Date('2026-11-28T23:30:00Z'))).toBe('2026-11-29')
  })
})
