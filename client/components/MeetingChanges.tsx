/**
 * What the start of a meeting shows: what changed since the last meeting (its snapshot against
 * the plan now, in plain words, grouped like the comparison page) and which agreed actions are
 * due — open or in progress, due today or earlier. From GET /api/cases/:id/meetings/changes.
 */
import { useId, useMemo } from 'react'
import type { MeetingChanges as Changes } from '../../shared/api.ts'
import { api } from '../api.ts'
import { countText, fill, formatDate, useI18n, type MessageKey } from '../i18n.ts'
import { diffLines, type DiffSection } from '../planText.ts'
import { navigate } from '../router.ts'
import { useLoad } from '../views/caseData.ts'
import './MeetingStyles.css'

/** 'overdue' is left out: the due actions are listed on their own, below. */
const SECTIONS: DiffSection[] = ['added', 'changed', 'removed', 'links', 'completed', 'plan']

export function MeetingChanges(props: { caseId: string; token: string | null; headingLevel?: 2 | 3; reloadKey?: unknown }) {
  const { caseId, token, headingLevel = 3, reloadKey } = props
  const { t } = useI18n()
  const data = useLoad(() => api.meetingChanges(caseId, token), [caseId, token, reloadKey])
  if (data.state === 'loading') return <p>{t('loading')}</p>
  if (data.state === 'error') return <p className="error" role="alert">{data.message}</p>
  return <ChangesView caseId={caseId} changes={data.value} headingLevel={headingLevel} />
}

function ChangesView({ caseId, changes, headingLevel }: { caseId: string; changes: Changes; headingLevel: 2 | 3 }) {
  const { t, locale } = useI18n()
  const H = `h${headingLevel}` as const
  const Sub = `h${headingLevel + 1}` as 'h3' | 'h4'
  const lines = useMemo(
    () => (changes.diff ? diffLines(changes.diff, { before: changes.before, after: changes.after }, locale).filter((l) => l.section !== 'overdue') : []),
    [changes, locale],
  )
  const since = changes.since
  const id = useId()
  return (
    <div className="meeting-changes" data-testid="meeting-changes">
      <section aria-labelledby={since ? `${id}-since` : undefined}>
        {since?.endedAt && <H id={`${id}-since`}>{fill(t('meetingSinceTitle'), { date: formatDate(locale, since.endedAt) })}</H>}
        {!since || !changes.diff ? (
          <p className="help" data-testid="meeting-first">{t('meetingFirst')}</p>
        ) : lines.length === 0 ? (
          <p data-testid="meeting-nothing-changed">{t('meetingNothingChanged')}</p>
        ) : (
          <>
            <p className="meeting-count" data-testid="meeting-change-count">{countText(locale, 'changes', lines.length)}</p>
            {SECTIONS.map((section) => {
              const rows = lines.filter((l) => l.section === section)
              if (rows.length === 0) return null
              return (
                <div key={section} className={`meeting-diff diff-${section}`} data-testid={`meeting-diff-${section}`}>
                  <Sub>{t(`diff_${section}` as MessageKey)} <span className="muted">({rows.length})</span></Sub>
                  <ul>
                    {rows.map((l, i) => (
                      <li key={`${l.itemId ?? ''}-${i}`} data-testid="meeting-diff-line" data-item-id={l.itemId}>
                        {l.title}
                        {l.details.length > 0 && <span className="muted"> — {l.details.join('; ')}</span>}
                      </li>
                    ))}
                  </ul>
                </div>
              )
            })}
            {since.snapshotId && (
              <a
                className="button-link" href={`/cases/${caseId}/compare?from=${since.snapshotId}&to=live`}
                onClick={(e) => { e.preventDefault(); navigate(`/cases/${caseId}/compare?from=${since.snapshotId}&to=live`) }}
                data-testid="meeting-compare-all"
              >{t('meetingCompareAll')}</a>
            )}
          </>
        )}
      </section>
      <section aria-labelledby={`${id}-due`} data-testid="meeting-due">
        <H id={`${id}-due`}>{t('meetingDueTitle')}</H>
        {changes.due.length === 0 ? (
          <p className="help">{t('meetingDueNone')}</p>
        ) : (
          <ul className="meeting-due-list">
            {changes.due.map((a) => {
              const late = a.due < changes.today
              return (
                <li key={a.id} className={late ? 'late' : undefined} data-testid="meeting-due-action" data-late={late ? 'true' : 'false'}>
                  <strong>{a.text.trim() || '—'}</strong>
                  <span className="muted">
                    {[a.owner, a.ownerOrg].filter(Boolean).join(', ')}
                    {(a.owner || a.ownerOrg) ? ' · ' : ''}
                    {formatDate(locale, a.due, 'medium')}
                  </span>
                  <span className="meeting-due-flag">{late ? t('meetingDueLate') : t('meetingDueToday')}</span>
                </li>
              )
            })}
          </ul>
        )}
      </section>
    </div>
  )
}
