/**
 * On the board page of an archived (closed) case: 'Gearchiveerd' with the date, and for a
 * professional 'Heropenen'. An archived case still opens and works as before; it only leaves the
 * default case list and the review.
 */
import { useState } from 'react'
import { api } from '../api.ts'
import { errorMessage } from '../access.ts'
import { fill, formatDate, useI18n } from '../i18n.ts'
import '../pages/caseList.css'

export function ArchivedBanner({ caseId, title, archivedAt, canReopen, token }: { caseId: string; title: string; archivedAt: string | null; canReopen: boolean; token: string | null }) {
  const { t, locale } = useI18n()
  const [at, setAt] = useState(archivedAt)
  const [error, setError] = useState<string | null>(null)
  const [reopened, setReopened] = useState(false)
  if (!at) {
    return reopened ? <p role="status" className="note" data-testid="reopened-note">{fill(t('cm_reopenedDone'), { title })}</p> : null
  }
  const reopen = async () => {
    setError(null)
    try {
      setAt((await api.reopenCase(caseId, token)).archivedAt)
      setReopened(true)
    } catch (err) {
      setError(errorMessage(err, t))
    }
  }
  return (
    <div className="note archived-banner" role="status" data-testid="archived-banner">
      <strong>{t('cm_archivedBanner')}</strong>
      <span>{fill(t('cm_archivedBannerText'), { date: formatDate(locale, at, 'medium') })}</span>
      {canReopen && <button type="button" onClick={() => void reopen()} data-testid="archived-reopen">{t('cm_reopen')}</button>}
      {error && <span role="alert" className="error">{error}</span>}
    </div>
  )
}
