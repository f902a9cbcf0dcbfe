/**
 * derivePlan: the plan as plain JSON, read from a case document. Used for the API, snapshots,
 * diffs, exports and the accessible plan view. Pure: no I/O, no canvas.
 */
import type * as Y from 'yjs'
import { compareFlow, listDomains, listItems, listLinks, readMeta, readPlanFields } from './doc.ts'
import type { ActionFieldName, Author, ItemFields, ItemKind, LadderRung, LinkKind, Route } from './schema.ts'

export interface PlanItem {
  id: string
  kind: ItemKind
  text: string
  domainId: string | null
  author: Author
  /** True when the resident added it (the resident's own words). */
  byResident: boolean
  /** The professional who wrote down the resident's words on a shared screen (absent in plans saved before it existed). */
  recordedBy?: Author | null
  createdAt: number
  stress: boolean
  signal: boolean
}

export interface PlanAction extends PlanItem, Pick<ItemFields, ActionFieldName> {
  kind: 'action'
}

export interface PlanDomain {
  id: string
  key: string
  label: string
  order: number
  score: number | null
  items: (PlanItem | PlanAction)[]
}

export interface PlanLink {
  id: string
  from: string
  to: string
  kind: LinkKind
}

export interface Plan {
  schemaVersion: number
  templateId: string
  goal: string
  route: Route | null
  ladderNow: LadderRung | null
  ladderGoal: LadderRung | null
  domains: PlanDomain[]
  /** Items not placed in any life domain. */
  unassigned: (PlanItem | PlanAction)[]
  /** Links whose both ends exist. */
  links: PlanLink[]
  /** All agreed actions, by due date (undated last). */
  actions: PlanAction[]
}

export function derivePlan(doc: Y.Doc): Plan {
  const meta = readMeta(doc)
  const planFields = readPlanFields(doc)
  const domains = listDomains(doc)
  const domainIds = new Set(domains.map((d) => d.id))
  // Deleted items are not part of the plan; the order is the board's flow order.
  const items = listItems(doc).sort(compareFlow)

  const byDomain = new Map<string, (PlanItem | PlanAction)[]>()
  const unassigned: (PlanItem | PlanAction)[] = []
  const actions: PlanAction[] = []
  const itemIds = new Set<string>()
  for (const it of items) {
    itemIds.add(it.id)
    const base: PlanItem = {
      id: it.id,
      kind: it.kind,
      text: it.text,
      domainId: it.domainId && domainIds.has(it.domainId) ? it.domainId : null,
      author: it.author,
      byResident: it.author.role === 'resident',
      recordedBy: it.recordedBy,
      createdAt: it.createdAt,
      stress: it.stress,
      signal: it.signal,
    }
    let entry: PlanItem | PlanAction = base
    if (it.kind === 'action') {
      const action: PlanAction = {
        ...base,
        kind: 'action',
        owner: it.owner,
        ownerOrg: it.ownerOrg,
        due: it.due,
        status: it.status,
        deviation: it.deviation,
        deviationRule: it.deviationRule,
        deviationMotivation: it.deviationMotivation,
      }
      actions.push(action)
      entry = action
    }
    if (entry.domainId) {
      const list = byDomain.get(entry.domainId) ?? []
      list.push(entry)
      byDomain.set(entry.domainId, list)
    } else {
      unassigned.push(entry)
    }
  }
  actions.sort((a, b) => (a.due || '9999') .localeCompare(b.due || '9999') || a.createdAt - b.createdAt)

  return {
    schemaVersion: meta.schemaVersion,
    templateId: meta.templateId,
    goal: planFields.goal,
    route: planFields.route,
    ladderNow: planFields.ladderNow,
    ladderGoal: planFields.ladderGoal,
    domains: domains.map((d) => ({
      id: d.id, key: d.key, label: d.label, order: d.order, score: d.score, items: byDomain.get(d.id) ?? [],
    })),
    unassigned,
    links: listLinks(doc)
      .filter((l) => itemIds.has(l.from) && itemIds.has(l.to))
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((l) => ({ id: l.id, from: l.from, to: l.to, kind: l.kind })),
    actions,
  }
}

/** An open action whose due date lies before `today` (YYYY-MM-DD). */
export function isOverdue(a: PlanAction, today: string): boolean {
  return (a.status === 'open' || a.status === 'in_progress') && a.due !== '' && a.due < today
}
