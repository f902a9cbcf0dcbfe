/**
 * Pure helpers that turn a plan, a snapshot summary or a plan diff into readable text: the
 * comparison list, the board highlights, the resident's printable plan. No React, no I/O.
 */
import type { Plan, PlanAction, PlanItem } from '../shared/derivePlan.ts'
import type { ComparedItemField, PlanDiff } from '../shared/diffPlans.ts'
import { getTemplate } from '../shared/templates.ts'
import type { LinkKind } from '../shared/schema.ts'
import { stringsFor } from './board/strings.ts'
import type { Locale } from './i18n.ts'

type AnyItem = PlanItem | PlanAction

const WORDS = {
  nl: {
    yes: 'ja', no: 'nee', empty: '(leeg)', none: '(geen)', noDomain: 'Geen leefgebied', noText: '(zonder tekst)',
    items: (n: number) => `${n} ${n === 1 ? 'punt' : 'punten'}`,
    open: (n: number) => `${n} open ${n === 1 ? 'afspraak' : 'afspraken'}`,
    overdue: (n: number) => `${n} te laat`,
    changes: (n: number) => n === 0 ? 'niets veranderd sinds de vorige' : `${n} ${n === 1 ? 'verandering' : 'veranderingen'} sinds de vorige`,
    first: 'eerste momentopname',
    field: {
      text: 'tekst', kind: 'soort', domainId: 'leefgebied', status: 'status', owner: 'wie', ownerOrg: 'organisatie',
      due: 'wanneer', stress: 'stressfactor', signal: 'signaal', deviation: 'gemotiveerd afwijken',
      deviationRule: 'welke regel', deviationMotivation: 'motivering',
    } satisfies Record<ComparedItemField, string>,
    goal: 'Stip op de horizon', route: 'Route', ladderNow: 'Participatieladder nu', ladderGoal: 'Participatieladder doel',
    score: (label: string) => `Score ${label}`,
    link: (a: string, kind: string, b: string) => `${a} ${kind} ${b}`,
    whoWhen: (who: string, when: string) => [who && `wie: ${who}`, when && `wanneer: ${when}`].filter(Boolean).join(', '),
    other: 'Overige punten',
    intake: 'Intake',
  },
  en: {
    yes: 'yes', no: 'no', empty: '(empty)', none: '(none)', noDomain: 'No life domain', noText: '(no text)',
    items: (n: number) => `${n} ${n === 1 ? 'item' : 'items'}`,
    open: (n: number) => `${n} open ${n === 1 ? 'action' : 'actions'}`,
    overdue: (n: number) => `${n} overdue`,
    changes: (n: number) => n === 0 ? 'nothing changed since the previous one' : `${n} ${n === 1 ? 'change' : 'changes'} since the previous one`,
    first: 'first snapshot',
    field: {
      text: 'text', kind: 'kind', domainId: 'life domain', status: 'status', owner: 'who', ownerOrg: 'organisation',
      due: 'when', stress: 'stress factor', signal: 'signal', deviation: 'reasoned deviation',
      deviationRule: 'which rule', deviationMotivation: 'motivation',
    } satisfies Record<ComparedItemField, string>,
    goal: 'Long-term goal', route: 'Route', ladderNow: 'Participation ladder now', ladderGoal: 'Participation ladder goal',
    score: (label: string) => `Score ${label}`,
    link: (a: string, kind: string, b: string) => `${a} ${kind} ${b}`,
    whoWhen: (who: string, when: string) => [who && `who: ${who}`, when && `when: ${when}`].filter(Boolean).join(', '),
    other: 'Other items',
    intake: 'Intake',
  },
}

const TZ = 'Europe/Amsterdam'

/** 28-11-2026 16:40 (nl) or 28/11/2026 16:40 (en), in Dutch time, the same in every browser. */
export function formatDateTime(at: number | string, locale: Locale): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: TZ, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(at))
  const v = (type: string) => parts.find((x) => x.type === type)?.value ?? ''
  const sep = locale === 'nl' ? '-' : '/'
  return `${v('day')}${sep}${v('month')}${sep}${v('year')} ${v('hour')}:${v('minute')}`
}

/** 28 november 2026 (nl) or 28 November 2026 (en). */
export function formatLongDate(at: number | string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', { timeZone: TZ, day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(at))
}

/** An agreed date (YYYY-MM-DD) as people write it: 3 mrt 2026. */
export function formatDue(due: string, locale: Locale): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(due)) return due
  const [y, m, d] = due.split('-').map(Number) as [number, number, number]
  return new Intl.DateTimeFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' })
    .format(new Date(Date.UTC(y, m - 1, d)))
}

/** The label a new snapshot gets unless the professional changes it: 'Intake 28-11-2026 16:40'. */
export function defaultSnapshotLabel(now: number, locale: Locale): string {
  return `${WORDS[locale].intake} ${formatDateTime(now, locale)}`
}

/** A snapshot's one-line summary. */
export function summaryLine(
  s: { items: number; openActions: number; overdueActions: number; changes: { count: number } | null },
  locale: Locale,
): string {
  const w = WORDS[locale]
  const parts = [w.items(s.items), w.open(s.openActions)]
  if (s.overdueActions > 0) parts.push(w.overdue(s.overdueActions))
  parts.push(s.changes ? w.changes(s.changes.count) : w.first)
  return parts.join(' · ')
}

/**
 * A life domain's name in the UI language. `plain` gives the resident's words (B1) where the
 * template has them (Mijn ZRM).
 */
export function domainLabel(plans: Plan[], domainId: string | null, locale: Locale, plain = false): string {
  if (!domainId) return WORDS[locale].noDomain
  for (const plan of plans) {
    const d = plan.domains.find((x) => x.id === domainId)
    if (!d) continue
    const td = getTemplate(plan.templateId)?.domains.find((x) => x.key === d.key)
    if (locale === 'en') return td?.en ?? d.label
    return (plain ? td?.plainNl : undefined) ?? d.label
  }
  return WORDS[locale].noDomain
}

/** Items that are new ('added') or different ('changed') in the later plan, for the board's rings. */
export function highlightsFromDiff(diff: PlanDiff): Record<string, 'added' | 'changed'> {
  const out: Record<string, 'added' | 'changed'> = {}
  for (const c of diff.items.changed) out[c.id] = 'changed'
  for (const a of diff.items.added) out[a.id] = 'added'
  return out
}

export type DiffSection = 'added' | 'removed' | 'changed' | 'links' | 'completed' | 'overdue' | 'plan'

export interface DiffLine {
  section: DiffSection
  /** The item it is about, when it is about one. */
  itemId?: string
  /** 'Knelpunt — Schulden bij de energieleverancier (Inkomen & schulden)' */
  title: string
  /** 'tekst: "oud" → "nieuw"' and the like. */
  details: string[]
}

/** The diff as readable lines, grouped by section in a fixed order. `plans` resolve names (earlier first). */
export function diffLines(diff: PlanDiff, plans: { before: Plan | null; after: Plan | null }, locale: Locale): DiffLine[] {
  const w = WORDS[locale]
  const s = stringsFor(locale)
  const known = [plans.after, plans.before].filter((p): p is Plan => p !== null)
  const textOf = (t: string) => (t.trim() ? `“${t.trim()}”` : w.noText)
  const dom = (id: string | null) => domainLabel(known, id, locale)
  const title = (it: AnyItem) => `${s.kind[it.kind]} — ${textOf(it.text)} (${dom(it.domainId)})`
  const itemText = (id: string) => {
    for (const p of known) {
      const it = [...p.domains.flatMap((d) => d.items), ...p.unassigned].find((x) => x.id === id)
      if (it) return textOf(it.text)
    }
    return w.noText
  }
  const bool = (v: unknown) => (v ? w.yes : w.no)
  const val = (f: ComparedItemField, v: unknown): string => {
    switch (f) {
      case 'text': return typeof v === 'string' && v.trim() ? `“${v.trim()}”` : w.empty
      case 'kind': return typeof v === 'string' && v in s.kind ? s.kind[v as AnyItem['kind']] : String(v ?? w.none)
      case 'domainId': return dom(typeof v === 'string' ? v : null)
      case 'status': return typeof v === 'string' && v in s.status ? s.status[v as PlanAction['status']] : w.none
      case 'due': return typeof v === 'string' && v ? formatDue(v, locale) : w.none
      case 'stress': case 'signal': case 'deviation': return bool(v)
      default: return typeof v === 'string' && v.trim() ? `“${v.trim()}”` : w.empty
    }
  }
  const field = (it: AnyItem, f: ComparedItemField): unknown => (it as unknown as Record<string, unknown>)[f] ?? null
  const linkLine = (l: { from: string; to: string; kind: LinkKind }) => w.link(itemText(l.from), s.link[l.kind], itemText(l.to))

  const lines: DiffLine[] = []
  for (const it of diff.items.added) lines.push({ section: 'added', itemId: it.id, title: title(it), details: actionDetails(it, locale) })
  for (const it of diff.items.removed) lines.push({ section: 'removed', itemId: it.id, title: title(it), details: [] })
  for (const c of diff.items.changed) {
    lines.push({
      section: 'changed', itemId: c.id, title: title(c.after),
      details: c.fields.map((f) => `${w.field[f]}: ${val(f, field(c.before, f))} → ${val(f, field(c.after, f))}`),
    })
  }
  for (const l of diff.links.added) lines.push({ section: 'links', title: `+ ${linkLine(l)}`, details: [] })
  for (const l of diff.links.removed) lines.push({ section: 'links', title: `− ${linkLine(l)}`, details: [] })
  for (const l of diff.links.changed) lines.push({ section: 'links', title: `${linkLine(l.before)} → ${linkLine(l.after)}`, details: [] })
  for (const a of diff.completed) lines.push({ section: 'completed', itemId: a.id, title: title(a), details: actionDetails(a, locale) })
  for (const a of diff.overdue) lines.push({ section: 'overdue', itemId: a.id, title: title(a), details: actionDetails(a, locale) })
  const route = (r: Plan['route']) => (r ? s.route[r] : w.none)
  const rung = (r: Plan['ladderNow']) => (r ? `${r} ${s.ladderRung[r]}` : w.none)
  if (diff.goal) lines.push({ section: 'plan', title: w.goal, details: [`${val('text', diff.goal.before)} → ${val('text', diff.goal.after)}`] })
  if (diff.route) lines.push({ section: 'plan', title: w.route, details: [`${route(diff.route.before)} → ${route(diff.route.after)}`] })
  if (diff.ladderNow) lines.push({ section: 'plan', title: w.ladderNow, details: [`${rung(diff.ladderNow.before)} → ${rung(diff.ladderNow.after)}`] })
  if (diff.ladderGoal) lines.push({ section: 'plan', title: w.ladderGoal, details: [`${rung(diff.ladderGoal.before)} → ${rung(diff.ladderGoal.after)}`] })
  for (const sc of diff.scores) {
    lines.push({ section: 'plan', title: w.score(dom(sc.domainId)), details: [`${sc.before ?? w.none} → ${sc.after ?? w.none}`] })
  }
  return lines
}

function actionDetails(it: AnyItem, locale: Locale): string[] {
  if (it.kind !== 'action') return []
  const a = it as PlanAction
  const who = [a.owner, a.ownerOrg].filter(Boolean).join(' · ')
  const line = WORDS[locale].whoWhen(who, a.due ? formatDue(a.due, locale) : '')
  return line ? [line] : []
}

export interface PrintItem {
  id: string
  text: string
  stress: boolean
  byResident: boolean
}

export interface PrintDomain {
  id: string
  label: string
  /** 'Wat gaat er moeilijk': problems, stress factors first. */
  problems: PrintItem[]
  /** 'Wat wil ik' */
  wishes: PrintItem[]
  /** 'Wat gaat goed / wie helpt' */
  strengths: PrintItem[]
  notes: PrintItem[]
}

export interface PrintPlan {
  goal: string
  route: Plan['route']
  ladderNow: Plan['ladderNow']
  ladderGoal: Plan['ladderGoal']
  /** Life domains that have at least one problem, wish, strength or note; items without a domain last. */
  domains: PrintDomain[]
  /** All agreed actions, by due date. */
  actions: PlanAction[]
}

/** The plan as the resident reads it on paper: per life domain, in plain words. */
export function groupPlanForPrint(plan: Plan, locale: Locale): PrintPlan {
  const toPrint = (i: AnyItem): PrintItem => ({ id: i.id, text: i.text.trim(), stress: i.stress, byResident: i.byResident })
  // A card nobody wrote on yet says nothing on paper.
  const group = (id: string, label: string, all: AnyItem[]): PrintDomain => {
    const items = all.filter((i) => i.text.trim() !== '')
    return {
    id, label,
    problems: items.filter((i) => i.kind === 'problem')
      .map((i, n) => ({ i, n })).sort((a, b) => Number(b.i.stress) - Number(a.i.stress) || a.n - b.n).map(({ i }) => toPrint(i)),
    wishes: items.filter((i) => i.kind === 'wish').map(toPrint),
    strengths: items.filter((i) => i.kind === 'strength').map(toPrint),
    notes: items.filter((i) => i.kind === 'note').map(toPrint),
    }
  }
  const domains = [...plan.domains].sort((a, b) => a.order - b.order)
    .map((d) => group(d.id, domainLabel([plan], d.id, locale, true), d.items))
  domains.push(group('', WORDS[locale].other, plan.unassigned))
  return {
    goal: plan.goal.trim(),
    route: plan.route,
    ladderNow: plan.ladderNow,
    ladderGoal: plan.ladderGoal,
    domains: domains.filter((d) => d.problems.length + d.wishes.length + d.strengths.length + d.notes.length > 0),
    actions: plan.actions,
  }
}
