/**
 * The coordinators' review (/review): per case the last meeting (meetings only, never automatic
 * snapshots), the next meeting (cases whose next meeting is overdue first), open and overdue
 * actions, cases without a meeting for N weeks; and the signals for organisation and policy.
 * Archived cases are not in the case table; 'Exporteren (CSV)' downloads that table for Excel.
 * When the cases seen belong to more than one team, 'Welk team' narrows the review (and its CSV) to one.
 */
import { useState } from 'react'
import { api, type Review } from '../api.ts'
import { countText, fill, formatDate, useI18n } from '../i18n.ts'
import { formatDateTime, formatDue } from '../planText.ts'
import { navigate } from '../router.ts'
import { stringsFor } from '../board/strings.ts'
import { LocaleSwitch } from '../components/LocaleSwitch.tsx'
import { AccountBar } from '../components/AccountBar.tsx'
import { teamsOf, TeamSelect } from './HomePage.tsx'
import { useLoad } from '../views/caseData.ts'
import { meetingTime } from '../components/MeetingBar.tsx'
import '../components/MeetingStyles.css'

const WEEK_CHOICES = [1, 2, 3, 4, 6, 8, 12, 26]

function Link({ to, children, testid }: { to: string; children: React.ReactNode; testid?: string }) {
  return <a href={to} onClick={(e) => { e.preventDefault(); navigate(to) }} data-testid={testid}>{children}</a>
}

export function ReviewPage() {
  const { t, locale } = useI18n()
  const [weeks, setWeeks] = useState(4)
  const [team, setTeam] = useState('')
  const data = useLoad(() => api.review(weeks, team || null), [weeks, team])
  // The teams come from the case list (a review case does not name its team).
  const cases = useLoad(() => api.cases(), [])
  const me = useLoad(() => api.me(), [])
  const teams = cases.state === 'ok' ? teamsOf(cases.value) : []
  return (
    <div className="page">
      <header className="topbar">
        <a href="/" className="back" onClick={(e) => { e.preventDefault(); navigate('/') }}>← {t('backToCases')}</a>
        <h1 className="brand">{t('appName')}</h1>
        <span className="spacer" />
        <LocaleSwitch />
        <AccountBar account={me.state === 'ok' ? me.value.account : null} />
      </header>
      <main className="review-main">
        <h2 data-testid="review-title">{t('reviewTitle')}</h2>
        <p className="help">{t('reviewExplain')}</p>
        <label className="weeks-choice">
          {t('reviewWeeks')}
          <select value={weeks} onChange={(e) => setWeeks(Number(e.target.value))} data-testid="review-weeks">
            {WEEK_CHOICES.map((w) => <option key={w} value={w}>{countText(locale, 'weeks', w)}</option>)}
          </select>
        </label>
        {teams.length > 1 && <div className="weeks-choice"><TeamSelect teams={teams} value={team} onChange={setTeam} /></div>}
        <p className="review-export">
          <a className="button-link" href={api.reviewCsvUrl(weeks, locale, team || null)} download data-testid="review-csv"
            aria-describedby="review-csv-help">{t('cm_exportCsv')}</a>
          {' '}<span id="review-csv-help" className="muted">{t('cm_exportCsvHelp')} {t('cm_reviewArchivedNote')}</span>
        </p>
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
  const lateMeetings = review.cases.filter((c) => c.nextMeetingOverdue)
  return (
    <>
      {lateMeetings.length > 0 && (
        <section aria-labelledby="review-next-overdue-title" data-testid="review-next-overdue">
          <h2 id="review-next-overdue-title">{t('reviewNextOverdueTitle')}</h2>
          <p className="help">{t('reviewNextOverdueExplain')}</p>
          <ul className="review-overdue-meetings">
            {lateMeetings.map((c) => (
              <li key={c.id} data-testid="review-next-overdue-case" data-case-id={c.id}>
                <Link to={`/cases/${c.id}`}>{c.title}</Link> — {formatDate(locale, c.nextMeeting as string, 'medium')}
              </li>
            ))}
          </ul>
        </section>
      )}
      {review.cases.length === 0 ? (
        <p className="empty">{t('reviewNoCases')}</p>
      ) : (
        <table className="review-table" data-testid="review-table">
          <thead>
            <tr>
              <th scope="col">{t('reviewCase')}</th>
              <th scope="col">{t('reviewLastMeeting')}</th>
              <th scope="col">{t('reviewNextMeeting')}</th>
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
                    {c.compareFrom && (
                      <Link to={`/cases/${c.id}/compare?from=${c.compareFrom}&to=live`} testid="review-what-changed">{t('reviewWhatChanged')}</Link>
                    )}
                  </div>
                </td>
                <td data-label={t('reviewLastMeeting')}>
                  {c.lastMeeting ? formatDateTime(c.lastMeeting, locale) : <span className="muted">{t('reviewNoMeeting')}</span>}
                  {c.stale && <div className="stale" data-testid="review-stale">{fill(t('reviewStale'), { n: countText(locale, 'weeks', review.staleAfterWeeks) })}</div>}
                  {c.meetingSince && <div className="review-busy" data-testid="review-meeting-busy">{fill(t('reviewMeetingBusy'), { time: meetingTime(locale, Date.parse(c.meetingSince)) })}</div>}
                </td>
                <td data-label={t('reviewNextMeeting')} data-testid="review-next" data-overdue={c.nextMeetingOverdue ? 'true' : 'false'} className={c.nextMeetingOverdue ? 'review-next late' : 'review-next'}>
                  {c.nextMeeting ? formatDate(locale, c.nextMeeting, 'medium') : <span className="muted">{t('reviewNextNone')}</span>}
                  {c.nextMeetingOverdue && <> — {t('reviewNextLate')}</>}
                </td>
                <td data-label={t('reviewOpen')} className="num" data-testid="review-open-count">{c.openActions.length}</td>
                <td data-label={t('reviewOverdue')} className={`num${c.overdueCount > 0 ? ' overdue' : ''}`} data-testid="review-overdue-count">{c.overdueCount}</td>
                <td data-label={t('reviewActions')}>
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
                  <td data-label={t('signalType')}>{t(x.type === 'signal' ? 'signalType_signal' : 'signalType_deviation')}</td>
                  <td data-label={t('signalDomain')}>{x.domain ?? '—'}</td>
                  <td data-label={t('signalText')}>{x.text.trim() || '—'}</td>
                  <td data-label={t('signalRule')}>{x.rule || '—'}</td>
                  <td data-label={t('signalMotivation')}>{x.motivation || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  )
}
