/**
 * The review as CSV (GET /api/review.csv), made for Excel as Dutch offices use it: UTF-8 with a
 * byte order mark (so Excel reads é and ë right), `;` between fields, every field in double quotes,
 * CRLF line ends. One row per case ('casus') with its counts and meeting dates, then one row per
 * open action ('actie') of that case. It carries what the review page shows and no more: case
 * title, meetings, open actions with their owner, organisation, due date and status.
 *
 * A field that starts with = + - @ or a tab/carriage return gets a leading apostrophe, so a
 * spreadsheet never runs text typed on the board as a formula ('CSV injection').
 */
import type { ReviewCase } from '../../shared/api.ts'

export type CsvLang = 'nl' | 'en'

const WORDS = {
  nl: {
    header: ['Soort', 'Casus-id', 'Casus', 'Laatste gesprek', 'Volgend gesprek', 'Volgend gesprek te laat',
      'Geen gesprek in {n} weken', 'Open acties', 'Acties te laat', 'Actie', 'Wie', 'Organisatie', 'Deadline', 'Status', 'Actie te laat'],
    case: 'casus', action: 'actie', yes: 'ja', no: 'nee',
    status: { open: 'open', in_progress: 'bezig' } as Record<string, string>,
  },
  en: {
    header: ['Type', 'Case id', 'Case', 'Last meeting', 'Next meeting', 'Next meeting overdue',
      'No meeting in {n} weeks', 'Open actions', 'Overdue actions', 'Action', 'Who', 'Organisation', 'Due', 'Status', 'Action overdue'],
    case: 'case', action: 'action', yes: 'yes', no: 'no',
    status: { open: 'open', in_progress: 'in progress' } as Record<string, string>,
  },
}

/** Byte order mark: Excel reads the file as UTF-8 only with it. */
export const CSV_BOM = '\uFEFF'

export function reviewCsv(rows: ReviewCase[], staleAfterWeeks: number, lang: CsvLang): string {
  const w = WORDS[lang]
  const yn = (b: boolean) => (b ? w.yes : w.no)
  const lines: string[][] = [w.header.map((h) => h.replace('{n}', String(staleAfterWeeks)))]
  for (const c of rows) {
    lines.push([
      w.case, c.id, c.title, c.lastMeeting ? dateTimeNL(c.lastMeeting) : '', c.nextMeeting ?? '', yn(c.nextMeetingOverdue),
      yn(c.stale), String(c.openActions.length), String(c.overdueCount), '', '', '', '', '', '',
    ])
    for (const a of c.openActions) {
      lines.push([
        w.action, c.id, c.title, '', '', '', '', '', '',
        a.text.trim(), a.owner, a.ownerOrg, a.due, w.status[a.status] ?? a.status, yn(a.overdue),
      ])
    }
  }
  return CSV_BOM + lines.map((l) => l.map(csvField).join(';')).join('\r\n') + '\r\n'
}

/** One field: quoted, inner quotes doubled, a formula-looking start defused. */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return `"${safe.replace(/"/g, '""')}"`
}

/** '2026-11-30 14:05' in Dutch time: sorts as text and Excel reads it as a date. */
export function dateTimeNL(iso: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(iso))
  const p = (t: string) => parts.find((x) => x.type === t)?.value ?? ''
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}`
}
