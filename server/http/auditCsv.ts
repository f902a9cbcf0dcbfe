/**
 * The processing log ('Logboek Dataverwerkingen') of a period as CSV, for the data-protection
 * officer (GET /api/audit.csv): one row per entry, oldest first, in the same Excel-friendly form
 * as the review (reviewCsv.ts). Who acted is the audit reference ('account:<id>', 'invite:…',
 * 'service:org-key') and, for accounts, their user name: never case content, which the log
 * does not hold.
 */
import type { AccountRecord } from '../storage/accountStore.ts'
import type { AuditExportRow } from '../storage/storage.ts'
import { CSV_BOM, csvField, dateTimeNL } from './reviewCsv.ts'

const HEADER = ['Tijd', 'Wie', 'Gebruikersnaam', 'Rol', 'Handeling', 'Casus-id', 'Grondslag']

export function auditCsv(rows: AuditExportRow[], accounts: AccountRecord[]): string {
  const names = new Map(accounts.map((a) => [a.id, a.username]))
  const lines = [HEADER]
  for (const r of rows) {
    const m = /^account:([0-9a-f]{32})/.exec(r.actor)
    lines.push([dateTimeNL(new Date(r.at).toISOString()), r.actor, m ? (names.get(m[1] as string) ?? '') : '', r.role, r.action, r.caseId ?? '', r.ground])
  }
  return CSV_BOM + lines.map((l) => l.map(csvField).join(';')).join('\r\n') + '\r\n'
}
