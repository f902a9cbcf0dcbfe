/**
 * The coordinators' review (/review): per case the last meeting, open and overdue actions, cases
 * without a meeting for N weeks; and the signals for organisation and policy across cases.
 */
import { useState } from 'react'
import { api, type Review } from '../api.ts'
import { fill, useI18n } from '../i18n.ts'
import { formatDateTime, formatDue } from '../planText.ts'
import { navigate } from '../router.ts'
import { stringsFor } from '../board/strings.ts'
import { LocaleSwitch } from '../components/LocaleSwitch.tsx'
import { useLoad } from '../views/caseData.ts'

const WEEK_CHOICES = [1, 2, 3, 4, 6, 8, 12, 26]

function Link({ to, children, testid }: { to: string; children: React.ReactNode; testid?: string }) {
  return <a href={to} onClick={(e) => { e.preventDefault(); navigate(to) }} data-testid={testid}>{children}</a>
}

export function ReviewPage() {
  const { t, locale } = useI18n()
  const [weeks, setWeeks] = useState(4)
  const data = useLoad(() => api.review(weeks), [weeks])
  return (
    <div className="page">
      <header className="topbar">
        <a href="/" className="back" onClick={(e) => { e.preventDefault(); navigate('/') }}>← {t('backToCases')}</a>
        <h1 className="brand">{t('appName')}</h1>
        <span className="spacer" />
        <LocaleSwitch />
        <button type="button" onClick={() => api.logout().finally(() => navigate('/'))}>{t('logout')}</button>
      </header>
      <main className="review-main">
        <h2 data-testid="review-title">{t('reviewTitle')}</h2>
        <p className="help">{t('reviewExplain')}</p>
        <label className="weeks-choice">
          {t('reviewWeeks')}
          <select value={weeks} onChange={(e) => setWeeks(Number(e.target.value))} data-testid="review-weeks">
            {WEEK_CHOICES.map((w) => <option key={w} value={w}>{w} {t('weeks')}</option>)}
          </select>
        </label>
        {data.state === 'loading' && <p>{t('loading')}</p>}
        {data.state === 'error' && <p className="error" role="alert" data-testid="review-error">{data.message}</p>}
        {data.state === 'ok' && <ReviewTables review={data.value} locale={locale} />}
      </main>
    </div>
  )
}

function ReviewTables({ review, locale }: { review: Review; locale: 'nl' | 'en' }) {
  const { t } = useI18n()
  const s = stringsFor(locale)
  return (
    <>
      {review.cases.length === 0 ? (
        <p className="empty">{t('reviewNoCases')}</p>
      ) : (
        <table className="review-table" data-testid="review-table">
          <thead>
            <tr>
              <th scope="col">{t('reviewCase')}</th>
              <th scope="col">{t('reviewLastMeeting')}</th>
              <th scope="col" className="num">{t('reviewOpen')}</th>
              <th scope="col" className="num">{t('reviewOverdue')}</th>
              <th scope="col">{t('reviewActions')}</th>
            </tr>
          </thead>
          <tbody>
            {review.cases.map((c) => (
              <tr key={c.id} data-testid="review-case" data-case-id={c.id}>
                <td>
                  <strong data-testid="review-case-title">{c.title}</strong>
                  <div className="row-links">
                    <Link to={`/cases/${c.id}`} testid="review-open-board">{t('reviewOpenBoard')}</Link>
                    {c.lastMeeting && (
                      <Link to={`/cases/${c.id}/compare?to=live`} testid="review-what-changed">{t('reviewWhatChanged')}</Link>
                    )}
                  </div>
                </td>
                <td>
                  {c.lastMeeting ? formatDateTime(c.lastMeeting, locale) : <span className="muted">{t('reviewNoMeeting')}</span>}
                  {c.stale && <div className="stale" data-testid="review-stale">{fill(t('reviewStale'), { n: review.staleAfterWeeks })}</div>}
                </td>
                <td className="num" data-testid="review-open-count">{c.openActions.length}</td>
                <td className={`num${c.overdueCount > 0 ? ' overdue' : ''}`} data-testid="review-overdue-count">{c.overdueCount}</td>
                <td>
                  {c.openActions.length === 0 ? (
                    <span className="muted">{t('reviewNoActions')}</span>
                  ) : (
                    <ul className="review-actions">
                      {c.openActions.map((a) => (
                        <li key={a.id} className={a.overdue ? 'overdue' : undefined} data-testid="review-action" data-overdue={a.overdue ? 'true' : 'false'}>
                          <span>{a.text.trim() || '—'}</span>
                          <span className="muted">
                            {' — '}{[a.owner, a.ownerOrg].filter(Boolean).join(', ') || '?'}
                            {a.due && <>, {formatDue(a.due, locale)}</>}
                            {a.status === 'in_progress' && <>, {s.status.in_progress}</>}
                          </span>
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <section className="signals" data-testid="signals">
        <h2>{t('signalsTitle')}</h2>
        <p className="help">{t('signalsExplain')}</p>
        {review.signals.length === 0 ? (
          <p className="empty">{t('signalsEmpty')}</p>
        ) : (
          <table className="review-table">
            <thead>
              <tr>
                <th scope="col">{t('reviewCase')}</th>
                <th scope="col">{t('signalType')}</th>
                <th scope="col">{t('signalDomain')}</th>
                <th scope="col">{t('signalText')}</th>
                <th scope="col">{t('signalRule')}</th>
                <th scope="col">{t('signalMotivation')}</th>
              </tr>
            </thead>
            <tbody>
              {review.signals.map((x) => (
                <tr key={`${x.caseId}-${x.itemId}-${x.type}`} data-testid="signal-row">
                  <td><Link to={`/cases/${x.caseId}`}>{x.caseTitle}</Link></td>
                  <td>{t(x.type === 'signal' ? 'signalType_signal' : 'signalType_deviation')}</td>
                  <td>{x.domain ?? '—'}</td>
                  <td>{x.text.trim() || '—'}</td>
                  <td>{x.rule || '—'}</td>
                  <td>{x.motivation || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  )
}
