/** The plan on paper for the resident (B1): /cases/:id/print[?snapshot=<sid>]. */
import { useEffect } from 'react'
import { api } from '../api.ts'
import { useI18n } from '../i18n.ts'
import { formatLongDate } from '../planText.ts'
import { navigate } from '../router.ts'
import { LocaleSwitch } from '../components/LocaleSwitch.tsx'
import { PlanDocument } from '../views/PlanDocument.tsx'
import { useLoad } from '../views/caseData.ts'
import { loadInviteToken } from '../identity.ts'

export function PrintPage({ caseId, snapshotId }: { caseId: string; snapshotId: string | null }) {
  const { t, locale } = useI18n()
  const data = useLoad(() => api.plan(caseId, snapshotId, loadInviteToken(caseId)), [caseId, snapshotId])
  const title = data.state === 'ok' ? data.value.case.title : ''
  useEffect(() => {
    if (title) document.title = `${t('printTitle')} — ${title}`
  }, [title, t])
  return (
    <div className="print-page">
      <header className="topbar no-print">
        <a href={`/cases/${caseId}`} className="back" onClick={(e) => { e.preventDefault(); navigate(`/cases/${caseId}`) }}>← {t('backToBoard')}</a>
        <span className="spacer" />
        <LocaleSwitch />
        <button type="button" className="primary" onClick={() => window.print()} data-testid="print-do" disabled={data.state !== 'ok'}>{t('printDo')}</button>
      </header>
      {data.state === 'loading' && <p className="centered">{t('loading')}</p>}
      {data.state === 'error' && <p className="centered error" role="alert" data-testid="print-error">{data.message}</p>}
      {data.state === 'ok' && (
        <main className="print-sheet" data-testid="print-sheet">
          <h1 data-testid="print-title">{t('printTitle')}: {data.value.case.title}</h1>
          <p className="print-meta">
            {data.value.snapshot
              ? <>{t('printSnapshot')} <span data-testid="print-date">{formatLongDate(data.value.snapshot.createdAt, locale)}</span></>
              : <>{t('printDate')}: <span data-testid="print-date">{formatLongDate(data.value.exportedAt, locale)}</span></>}
          </p>
          <PlanDocument plan={data.value.plan} />
        </main>
      )}
    </div>
  )
}
