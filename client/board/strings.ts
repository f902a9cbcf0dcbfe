/**
 * The board's words as one typed view of the app's dictionary (client/i18n.ts): the words live
 * there, once per language; this file only arranges them the way board code reads them
 * (`ctx.strings.kind.problem`). tldraw's own menus use tldraw's translations.
 */
import type { ActionStatus, ItemKind, LinkKind, Route } from '../../shared/schema.ts'
import { MESSAGES, type Locale } from '../i18n.ts'

export type BoardLocale = Locale

export interface BoardStrings {
  kind: Record<ItemKind, string>
  add: Record<ItemKind, string>
  addTitle: Record<ItemKind, string>
  link: Record<LinkKind, string>
  status: Record<ActionStatus, string>
  route: Record<Route, string>
  toolbarLabel: string
  resident: string
  goal: string
  noGoal: string
  routeLabel: string
  ladder: string
  ladderNow: string
  ladderGoal: string
  ladderRung: Record<number, string>
  stress: string
  stressLong: string
  signal: string
  deviation: string
  byResident: string
  who: string
  due: string
  noText: string
  editHint: string
  score: string
  noScore: string
  inspector: string
  inspectorLink: string
  kindLabel: string
  owner: string
  ownerOrg: string
  statusLabel: string
  deviationRule: string
  deviationMotivation: string
  delete: string
  deleteLink: string
  linkKind: string
  readOnly: string
  textLabel: string
  done: string
  error: string
  /** Marks on cards in the comparison view. */
  highlight: { added: string; changed: string }
}

const KINDS: readonly ItemKind[] = ['problem', 'wish', 'strength', 'action', 'note']
const LINKS: readonly LinkKind[] = ['reinforces', 'causes', 'helps', 'blocks']
const STATUSES: readonly ActionStatus[] = ['open', 'in_progress', 'done', 'cancelled']
const ROUTES: readonly Route[] = ['work_first', 'care_first', 'parallel']

function each<K extends string>(keys: readonly K[], word: (k: K) => string): Record<K, string> {
  return Object.fromEntries(keys.map((k) => [k, word(k)])) as Record<K, string>
}

function build(locale: Locale): BoardStrings {
  const m = MESSAGES[locale]
  return {
    kind: each(KINDS, (k) => m[`kind_${k}`]),
    add: each(KINDS, (k) => m[`kindAdd_${k}`]),
    addTitle: each(KINDS, (k) => m[`kindAddTitle_${k}`]),
    link: each(LINKS, (k) => m[`link_${k}`]),
    status: each(STATUSES, (k) => m[`status_${k}`]),
    route: each(ROUTES, (k) => m[`routeShort_${k}`]),
    toolbarLabel: m.boardToolbarLabel,
    resident: m.resident,
    goal: m.goal,
    noGoal: m.noGoal,
    routeLabel: m.route,
    ladder: m.ladder,
    ladderNow: m.ladderNowShort,
    ladderGoal: m.ladderGoalShort,
    ladderRung: { 1: m.ladderShort1, 2: m.ladderShort2, 3: m.ladderShort3, 4: m.ladderShort4, 5: m.ladderShort5, 6: m.ladderShort6 },
    stress: m.stress,
    stressLong: m.stressLong,
    signal: m.signal,
    deviation: m.deviation,
    byResident: m.byResident,
    who: m.who,
    due: m.when,
    noText: m.cardNoText,
    editHint: m.cardEditHint,
    score: m.score,
    noScore: m.noScore,
    inspector: m.inspectorCard,
    inspectorLink: m.inspectorLink,
    kindLabel: m.kindLabel,
    owner: m.owner,
    ownerOrg: m.ownerOrg,
    statusLabel: m.status,
    deviationRule: m.deviationRule,
    deviationMotivation: m.deviationMotivation,
    delete: m.deleteCard,
    deleteLink: m.deleteLink,
    linkKind: m.linkKind,
    readOnly: m.viewOnly,
    textLabel: m.cardTextLabel,
    done: m.done,
    error: m.saveFailed,
    highlight: { added: m.highlight_added, changed: m.highlight_changed },
  }
}

export const BOARD_STRINGS: Record<BoardLocale, BoardStrings> = { nl: build('nl'), en: build('en') }

export function stringsFor(locale: BoardLocale): BoardStrings {
  return BOARD_STRINGS[locale] ?? BOARD_STRINGS.nl
}
