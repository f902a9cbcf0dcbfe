/**
 * 'Logboek exporteren', the data-protection officer's start page: a period (from / to, calendar
 * days in the Netherlands) and a download link for the processing log of that period as CSV. The
 * log holds who did what and when (as codes), never case content.
 */
import { useState } from 'react'
import { accountApi } from '../accountApi.ts'
import { useI18n } from '../i18n.ts'
import { todayInNL } from '../../shared/diffPlans.ts'
import './accounts.css'

/** The first day of this day's month (YYYY-MM-DD). */
function monthStart(day: string): string {
  return `${day.slice(0, 8)}01`
}

export function AuditExport() {
  const { t } = useI18n()
  const today = todayInNL()
  const [from, setFrom] = useState(monthStart(today))
  const [to, setTo] = useState(today)
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(from) && /^\d{4}-\d{2}-\d{2}$/.test(to)
  const ordered = valid && from <= to
  return (
    <main className="narrow" data-testid="audit-export">
      <h2>{t('ac_auditTitle')}</h2>
      <p>{t('ac_auditExplain')}</p>
      <div className="card form">
        <label>
          {t('ac_auditFrom')}
          <input type="date" required value={from} max={today} onChange={(e) => setFrom(e.target.value)} data-testid="audit-from" />
        </label>
        <label>
          {t('ac_auditTo')}
          <input type="date" required value={to} max={today} onChange={(e) => setTo(e.target.value)} data-testid="audit-to" />
        </label>
        {valid && !ordered && <p role="alert" className="error">{t('ac_auditBadPeriod')}</p>}
        {ordered && (
          <p><a className="button-link primary-link" href={accountApi.auditCsvUrl(from, to)} download data-testid="audit-download">{t('ac_auditDownload')}</a></p>
        )}
      </div>
    </main>
  )
}
