/**
 * diffPlans: what changed between two plans (two snapshots, or a snapshot and now). Pure; used by
 * the server (diff endpoint, snapshot summaries) and the client (readable list, highlights).
 */
import { isOverdue, type Plan, type PlanAction, type PlanItem, type PlanLink } from './derivePlan.ts'

/** Item fields compared for 'changed'. Order is the order they are reported in. */
export const COMPARED_ITEM_FIELDS = [
  'text', 'kind', 'domainId', 'status', 'owner', 'ownerOrg', 'due', 'stress', 'signal',
  'deviation', 'deviationRule', 'deviationMotivation',
] as const
export type ComparedItemField = (typeof COMPARED_ITEM_FIELDS)[number]

type AnyItem = PlanItem | PlanAction

export interface ItemChange {
  id: string
  before: AnyItem
  after: AnyItem
  fields: ComparedItemField[]
}

export interface ValueChange<T> {
  before: T
  after: T
}

export interface PlanDiff {
  items: { added: AnyItem[]; removed: AnyItem[]; changed: ItemChange[] }
  links: { added: PlanLink[]; removed: PlanLink[]; changed: { id: string; before: PlanLink; after: PlanLink }[] }
  /** Actions whose status became 'done' between the two. */
  completed: PlanAction[]
  /** Actions open and past their due date in the later plan (as of `today`). */
  overdue: PlanAction[]
  goal: ValueChange<string> | null
  route: ValueChange<Plan['route']> | null
  ladderNow: ValueChange<Plan['ladderNow']> | null
  ladderGoal: ValueChange<Plan['ladderGoal']> | null
  scores: { domainId: string; label: string; before: number | null; after: number | null }[]
  /** Number of reported changes (added + removed + changed items and links, plan fields, scores). */
  count: number
}

export function allItems(plan: Plan): AnyItem[] {
  return [...plan.domains.flatMap((d) => d.items), ...plan.unassigned]
}

/** Compare plan `a` (earlier) with plan `b` (later). `today` is YYYY-MM-DD for 'overdue'. */
export function diffPlans(a: Plan, b: Plan, today: string): PlanDiff {
  const before = new Map(allItems(a).map((i) => [i.id, i]))
  const after = new Map(allItems(b).map((i) => [i.id, i]))

  const added: AnyItem[] = []
  const changed: ItemChange[] = []
  const completed: PlanAction[] = []
  for (const [id, item] of after) {
    const old = before.get(id)
    if (!old) {
      added.push(item)
      if (item.kind === 'action' && (item as PlanAction).status === 'done') completed.push(item as PlanAction)
      continue
    }
    const fields = COMPARED_ITEM_FIELDS.filter((f) => field(old, f) !== field(item, f))
    if (fields.length) changed.push({ id, before: old, after: item, fields })
    if (item.kind === 'action' && (item as PlanAction).status === 'done' && field(old, 'status') !== 'done') {
      completed.push(item as PlanAction)
    }
  }
  const removed = [...before.values()].filter((i) => !after.has(i.id))

  const linksBefore = new Map(a.links.map((l) => [l.id, l]))
  const linksAfter = new Map(b.links.map((l) => [l.id, l]))
  const linkChanges = {
    added: b.links.filter((l) => !linksBefore.has(l.id)),
    removed: a.links.filter((l) => !linksAfter.has(l.id)),
    changed: b.links
      .filter((l) => {
        const o = linksBefore.get(l.id)
        return o !== undefined && (o.kind !== l.kind || o.from !== l.from || o.to !== l.to)
      })
      .map((l) => ({ id: l.id, before: linksBefore.get(l.id) as PlanLink, after: l })),
  }

  const scoresBefore = new Map(a.domains.map((d) => [d.id, d.score]))
  const scores = b.domains
    .filter((d) => scoresBefore.has(d.id) && scoresBefore.get(d.id) !== d.score)
    .map((d) => ({ domainId: d.id, label: d.label, before: scoresBefore.get(d.id) ?? null, after: d.score }))

  const goal = change(a.goal, b.goal)
  const route = change(a.route, b.route)
  const ladderNow = change(a.ladderNow, b.ladderNow)
  const ladderGoal = change(a.ladderGoal, b.ladderGoal)
  const count = added.length + removed.length + changed.length + linkChanges.added.length + linkChanges.removed.length +
    linkChanges.changed.length + scores.length + [goal, route, ladderNow, ladderGoal].filter(Boolean).length

  return {
    items: { added, removed, changed },
    links: linkChanges,
    completed,
    overdue: b.actions.filter((x) => isOverdue(x, today)),
    goal, route, ladderNow, ladderGoal, scores, count,
  }
}

function field(item: AnyItem, f: ComparedItemField): unknown {
  return (item as unknown as Record<string, unknown>)[f] ?? null
}

function change<T>(before: T, after: T): ValueChange<T> | null {
  return before === after ? null : { before, after }
}

/** Today's date as YYYY-MM-DD in the Netherlands (where the meetings are). */
export function todayInNL(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now)
}
