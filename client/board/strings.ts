/** The board's own words, in plain language (B1). tldraw's own menus use tldraw's translations. */
import type { ActionStatus, ItemKind, LinkKind, Route } from '../../shared/schema.ts'

export type BoardLocale = 'nl' | 'en'

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

const nl: BoardStrings = {
  kind: { problem: 'Knelpunt', wish: 'Wens', strength: 'Kracht', action: 'Afspraak', note: 'Notitie' },
  add: { problem: '+ Knelpunt', wish: '+ Wens', strength: '+ Kracht', action: '+ Afspraak', note: '+ Notitie' },
  addTitle: {
    problem: 'Knelpunt toevoegen', wish: 'Wens toevoegen', strength: 'Kracht toevoegen',
    action: 'Afspraak toevoegen', note: 'Notitie toevoegen',
  },
  link: { reinforces: 'versterkt', causes: 'veroorzaakt', helps: 'helpt bij', blocks: 'blokkeert' },
  status: { open: 'open', in_progress: 'bezig', done: 'klaar', cancelled: 'vervallen' },
  route: { work_first: 'werk eerst', care_first: 'zorg eerst', parallel: 'tegelijk' },
  toolbarLabel: 'Toevoegen aan het plan',
  resident: 'Inwoner',
  goal: 'Stip op de horizon',
  noGoal: 'Nog geen doel. Vul het in bij het plan.',
  routeLabel: 'Route',
  ladder: 'Participatieladder',
  ladderNow: 'nu',
  ladderGoal: 'doel',
  ladderRung: { 1: 'geïsoleerd', 2: 'sociale contacten', 3: 'activiteiten', 4: 'onbetaald werk', 5: 'betaald werk met hulp', 6: 'betaald werk' },
  stress: 'stressfactor',
  stressLong: 'stressfactor — eerst aanpakken',
  signal: 'signaal',
  deviation: 'gemotiveerd afwijken',
  byResident: 'door inwoner',
  who: 'Wie',
  due: 'Wanneer',
  noText: 'Dubbelklik om te schrijven',
  editHint: 'Klaar? Klik buiten de kaart of druk op Esc.',
  score: 'Score',
  noScore: 'geen score',
  inspector: 'Kaart',
  inspectorLink: 'Verband',
  kindLabel: 'Soort',
  owner: 'Wie doet het',
  ownerOrg: 'Organisatie',
  statusLabel: 'Stand',
  deviationRule: 'Welke regel',
  deviationMotivation: 'Motivering',
  delete: 'Kaart verwijderen',
  deleteLink: 'Verband verwijderen',
  linkKind: 'Soort verband',
  readOnly: 'Alleen bekijken',
  textLabel: 'Tekst van de kaart',
  done: 'Klaar',
  error: 'Dit kon niet worden opgeslagen.',
  highlight: { added: 'nieuw', changed: 'gewijzigd' },
}

const en: BoardStrings = {
  kind: { problem: 'Problem', wish: 'Wish', strength: 'Strength', action: 'Action', note: 'Note' },
  add: { problem: '+ Problem', wish: '+ Wish', strength: '+ Strength', action: '+ Action', note: '+ Note' },
  addTitle: {
    problem: 'Add a problem', wish: 'Add a wish', strength: 'Add a strength',
    action: 'Add an action', note: 'Add a note',
  },
  link: { reinforces: 'reinforces', causes: 'causes', helps: 'helps with', blocks: 'blocks' },
  status: { open: 'open', in_progress: 'in progress', done: 'done', cancelled: 'cancelled' },
  route: { work_first: 'work first', care_first: 'care first', parallel: 'in parallel' },
  toolbarLabel: 'Add to the plan',
  resident: 'Resident',
  goal: 'Long-term goal',
  noGoal: 'No goal yet. Fill it in on the plan.',
  routeLabel: 'Route',
  ladder: 'Participation ladder',
  ladderNow: 'now',
  ladderGoal: 'goal',
  ladderRung: { 1: 'isolated', 2: 'social contacts', 3: 'activities', 4: 'unpaid work', 5: 'paid work with support', 6: 'paid work' },
  stress: 'stress factor',
  stressLong: 'stress factor — tackle first',
  signal: 'signal',
  deviation: 'reasoned deviation',
  byResident: 'by resident',
  who: 'Who',
  due: 'When',
  noText: 'Double-click to write',
  editHint: 'Done? Click outside the card or press Esc.',
  score: 'Score',
  noScore: 'no score',
  inspector: 'Card',
  inspectorLink: 'Link',
  kindLabel: 'Kind',
  owner: 'Who does it',
  ownerOrg: 'Organisation',
  statusLabel: 'Status',
  deviationRule: 'Which rule',
  deviationMotivation: 'Motivation',
  delete: 'Delete card',
  deleteLink: 'Delete link',
  linkKind: 'Kind of link',
  readOnly: 'View only',
  textLabel: 'Text of the card',
  done: 'Done',
  error: 'This could not be saved.',
  highlight: { added: 'new', changed: 'changed' },
}

export const BOARD_STRINGS: Record<BoardLocale, BoardStrings> = { nl, en }

export function stringsFor(locale: BoardLocale): BoardStrings {
  return BOARD_STRINGS[locale] ?? nl
}
