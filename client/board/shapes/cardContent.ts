/**
 * What a card shows, as plain data: the one description both the card on the canvas and the text
 * measurer use (../layout/measure*.ts), so a card is always exactly as tall as its content —
 * badges, action fields, byline and link lines included — and never clips its text.
 * Also the card's accessible name ('Knelpunt: Schulden … — door Fatima (Sociaal wijkteam)').
 */
import { isLadderRung, isRoute, type ItemKind } from '../../../shared/schema.ts'
import { fill, translator, type Locale } from '../../i18n.ts'
import { stringsFor } from '../strings.ts'
import type { ItemShapeProps } from './defs.ts'

export interface CardContent {
  kind: ItemKind
  stress: boolean
  /** 'Knelpunt', 'Afspraak', … */
  head: string
  /** An action's status ('open', 'klaar'), else null. */
  status: { key: string; label: string } | null
  badges: { key: 'stress' | 'signal' | 'deviation'; label: string }[]
  text: string
  /** Shown (in italics) when there is no text yet. */
  placeholder: string
  /** An action's who / when, one line each; `overdue` marks a date that has passed. */
  fields: { key: 'owner' | 'due'; label: string; overdue?: boolean }[]
  /** 'door Sanne (Sociaal wijkteam)' or 'Van de inwoner · Jan'. */
  byline: string
  byResident: boolean
  /** 'opgeschreven door Sanne (Sociaal wijkteam)' when a professional wrote the resident's words down. */
  recordedBy: string | null
  /** 'versterkt → Slaapproblemen', '← versterkt door Schulden'; at most MAX_LINK_LINES, then '+ 2 meer'. */
  links: string[]
}

export interface ResidentContent {
  title: string
  goalLabel: string
  goal: string
  placeholder: string
  facts: { key: string; label: string; value: string }[]
}

export const MAX_LINK_LINES = 3
const OTHER_MAX_CHARS = 36

export function formatDue(due: string, locale: Locale): string {
  if (!due) return ''
  const d = new Date(`${due}T00:00:00`)
  if (Number.isNaN(d.getTime())) return due
  return d.toLocaleDateString(locale === 'nl' ? 'nl-NL' : 'en-GB', { day: 'numeric', month: 'short', year: 'numeric' })
}

export function isOverdue(due: string, status: string, today = new Date().toISOString().slice(0, 10)): boolean {
  return !!due && due < today && (status === 'open' || status === 'in_progress')
}

/** 'Sanne (Sociaal wijkteam)', 'Sanne', or '' */
export function personName(name: string, org: string): string {
  if (!name) return org
  return org ? `${name} (${org})` : name
}

/** The first line of a card's text, shortened, to name it in another card's link line. */
export function shortText(text: string, fallback: string, max = OTHER_MAX_CHARS): string {
  const line = text.trim().split('\n')[0]!.trim()
  if (!line) return fallback
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line
}

export function cardContent(p: ItemShapeProps, locale: Locale, opts: { readOnly?: boolean; today?: string } = {}): CardContent {
  const s = stringsFor(locale)
  const t = translator(locale)
  const badges: CardContent['badges'] = []
  if (p.stress) badges.push({ key: 'stress', label: s.stressLong })
  if (p.signal) badges.push({ key: 'signal', label: s.signal })
  if (p.kind === 'action' && p.deviation) badges.push({ key: 'deviation', label: s.deviation })
  const fields: CardContent['fields'] = []
  if (p.kind === 'action') {
    const who = [p.owner, p.ownerOrg].filter(Boolean).join(' · ')
    if (who) fields.push({ key: 'owner', label: `${s.who}: ${who}` })
    if (p.due) fields.push({ key: 'due', label: `${s.due}: ${formatDue(p.due, locale)}`, overdue: isOverdue(p.due, p.status, opts.today) })
  }
  const byResident = p.authorRole === 'resident'
  const byline = byResident
    ? `${t('layoutByResident')}${p.authorName ? ` · ${p.authorName}` : ''}`
    : p.authorName || p.authorOrg ? fill(t('layoutBy'), { name: personName(p.authorName, p.authorOrg) }) : ''
  const recorder = p.recordedBy ? personName(p.recordedBy.name, p.recordedBy.org) : ''
  const recordedBy = recorder ? fill(t('layoutRecordedBy'), { name: recorder }) : null
  // The kind first, so a long text is what gets cut off: 'versterkt → Slaapproblemen',
  // '← veroorzaakt door Huurachterstand'.
  const all = p.links.map((l) => (l.dir === 'out' ? `${s.link[l.kind]} → ${l.other}` : `← ${t(`layoutLinkIn_${l.kind}`)} ${l.other}`))
  const links = all.length > MAX_LINK_LINES
    ? [...all.slice(0, MAX_LINK_LINES - 1), fill(t('layoutMoreLinks'), { n: all.length - MAX_LINK_LINES + 1 })]
    : all
  return {
    kind: p.kind,
    stress: p.stress,
    head: s.kind[p.kind],
    status: p.kind === 'action' ? { key: p.status, label: s.status[p.status] } : null,
    badges,
    text: p.text,
    placeholder: opts.readOnly ? '' : s.noText,
    fields,
    byline,
    byResident,
    recordedBy,
    links,
  }
}

/** The card's accessible name: kind, text, who wrote it (and who wrote it down), badges, status. */
export function cardAriaLabel(p: ItemShapeProps, locale: Locale): string {
  const c = cardContent(p, locale, { readOnly: true })
  const t = translator(locale)
  const parts = [`${c.head}: ${c.text.trim() ? c.text.trim() : t('layoutNoText')}`]
  const who = [c.byline, c.recordedBy].filter(Boolean).join(', ')
  let out = parts.join('')
  if (who) out += ` — ${who}`
  const extra = [c.status?.label, ...c.badges.map((b) => b.label), ...c.fields.map((f) => f.label)].filter(Boolean)
  if (extra.length) out += `. ${extra.join(', ')}`
  if (c.links.length) out += `. ${t('layoutCardLinks')}: ${c.links.join('; ')}`
  return out
}

/** What the resident card shows: the whole goal, the route and the ladder now → goal. */
export function residentContent(
  p: { goal: string; route: string | null; ladderNow: number | null; ladderGoal: number | null }, locale: Locale,
): ResidentContent {
  const s = stringsFor(locale)
  const rung = (n: number | null) => (isLadderRung(n) ? `${n} · ${s.ladderRung[n]}` : '–')
  return {
    title: s.resident,
    goalLabel: s.goal,
    goal: p.goal,
    placeholder: s.noGoal,
    facts: [
      { key: 'route', label: s.routeLabel, value: isRoute(p.route) ? s.route[p.route] : '–' },
      { key: 'ladder', label: s.ladder, value: `${s.ladderNow} ${rung(p.ladderNow)} → ${s.ladderGoal} ${rung(p.ladderGoal)}` },
    ],
  }
}
