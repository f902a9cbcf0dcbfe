/**
 * What changed between two snapshots, or a snapshot and now: /cases/:id/compare?from=<sid>&to=<sid|live>.
 * A readable list of changes and the board of the later state with new and changed cards ringed.
 */
import { useEffect, useMemo, useState } from 'react'
import { LIVE } from '../../shared/snapshotApi.ts'
import { api, type SnapshotMeta } from '../api.ts'
import { countText, useI18n, type MessageKey } from '../i18n.ts'
import { diffLines, formatDateTime, highlightsFromDiff, type DiffSection } from '../planText.ts'
import { navigate } from '../router.ts'
import { LocaleSwitch } from '../components/LocaleSwitch.tsx'
import { loadLiveDocOnce, loadSnapshotDoc, useCaseAccess, useLoad } from '../views/caseData.ts'
import { ReadOnlyBoard } from './SnapshotPage.tsx'

const SECTIONS: DiffSection[] = ['added', 'removed', 'changed', 'links', 'completed', 'overdue', 'plan']

export function compareHref(caseId: string, from: string, to: string): string {
  return `/cases/${caseId}/compare?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`
}

export function ComparePage({ caseId, from, to, licenseKey }: { caseId: string; from: string | null; to: string; licenseKey?: string }) {
  const { t, locale } = useI18n()
  const { token, access } = useCaseAccess(caseId)
  const snapshots = useLoad(() => api.snapshots(caseId, token), [caseId, token])
  const list = snapshots.state === 'ok' ? snapshots.value : []
  // Without ?from: the latest snapshot against now.
  const fromRef = from ?? list[0]?.id ?? null
  const title = access.state === 'ok' ? access.value.title : ''

  return (
    <div className="page compare-page">
      <header className="topbar">
        <a href={`/cases/${caseId}`} className="back" onClick={(e) => { e.preventDefault(); navigate(`/cases/${caseId}`) }}>← {t('backToBoard')}</a>
        <h1 className="case-title" data-testid="case-title">{title}</h1>
        <span className="spacer" />
        <LocaleSwitch />
      </header>
      <main className="compare-main">
        <h2>{t('compareTitle')}</h2>
        {snapshots.state === 'loading' && <p>{t('loading')}</p>}
        {snapshots.state === 'error' && <p className="error" role="alert" data-testid="compare-error">{snapshots.message}</p>}
        {snapshots.state === 'ok' && (fromRef === null ? (
          <p className="empty" data-testid="compare-no-snapshots">{t('compareNoSnapshots')}</p>
        ) : (
          <>
            <Picker caseId={caseId} list={list} from={fromRef} to={to} />
            <Comparison key={`${fromRef}|${to}`} caseId={caseId} token={token} from={fromRef} to={to} list={list} licenseKey={licenseKey} locale={locale} />
          </>
        ))}
      </main>
    </div>
  )
}

function Picker({ caseId, list, from, to }: { caseId: string; list: SnapshotMeta[]; from: string; to: string }) {
  const { t, locale } = useI18n()
  const [a, setA] = useState(from)
  const [b, setB] = useState(to)
  useEffect(() => { setA(from); setB(to) }, [from, to])
  const option = (s: SnapshotMeta) => {
    const when = formatDateTime(s.createdAt, locale)
    return <option key={s.id} value={s.id}>{s.label.includes(when) ? s.label : `${s.label} (${when})`}</option>
  }
  return (
    <form className="compare-picker" onSubmit={(e) => { e.preventDefault(); navigate(compareHref(caseId, a, b)) }}>
      <label>
        {t('compareFrom')}
        <select value={a} onChange={(e) => setA(e.target.value)} data-testid="compare-from">{list.map(option)}</select>
      </label>
      <label>
        {t('compareTo')}
        <select value={b} onChange={(e) => setB(e.target.value)} data-testid="compare-to">
          <option value={LIVE}>{t('compareNow')}</option>
          {list.map(option)}
        </select>
      </label>
      <button type="submit" className="primary" data-testid="compare-go">{t('compareShow')}</button>
    </form>
  )
}

function Comparison(props: { caseId: string; token: string | null; from: string; to: string; list: SnapshotMeta[]; licenseKey?: string; locale: 'nl' | 'en' }) {
  const { caseId, token, from, to, licenseKey, locale } = props
  const { t } = useI18n()
  const data = useLoad(async () => {
    const [d, before, after, doc] = await Promise.all([
      api.diff(caseId, from, to, token),
      api.plan(caseId, from, token),
      api.plan(caseId, to === LIVE ? null : to, token),
      to === LIVE ? loadLiveDocOnce(caseId, token) : loadSnapshotDoc(caseId, to, token),
    ])
    return { diff: d.diff, before: before.plan, after: after.plan, doc }
  }, [caseId, from, to, token])
  const doc = data.state === 'ok' ? data.value.doc : null
  useEffect(() => () => doc?.destroy(), [doc])
  const lines = useMemo(
    () => (data.state === 'ok' ? diffLines(data.value.diff, { before: data.value.before, after: data.value.after }, locale) : []),
    [data, locale],
  )
  const highlights = useMemo(() => (data.state === 'ok' ? highlightsFromDiff(data.value.diff) : {}), [data])

  if (data.state === 'loading') return <p>{t('loading')}</p>
  if (data.state === 'error') return <p className="error" role="alert" data-testid="compare-error">{data.message}</p>
  const { diff } = data.value
  return (
    <div className="compare-body">
      <section className="compare-list" data-testid="compare-list" aria-live="polite">
        <p className="compare-count" data-testid="compare-count">
          {diff.count === 0 ? t('compareNothing') : countText(locale, 'changes', diff.count)}
        </p>
        {SECTIONS.map((section) => {
          const rows = lines.filter((l) => l.section === section)
          if (rows.length === 0) return null
          return (
            <section key={section} className={`diff-section diff-${section}`} data-testid={`diff-${section}`}>
              <h3>{t(`diff_${section}` as MessageKey)} <span className="muted">({rows.length})</span></h3>
              <ul>
                {rows.map((l, i) => (
                  <li key={`${l.itemId ?? ''}-${i}`} data-testid="diff-line" data-item-id={l.itemId}>
                    <span className="diff-title">{l.title}</span>
                    {l.details.length > 0 && (
                      <ul className="diff-details">
                        {l.details.map((d, j) => <li key={j}>{d}</li>)}
                      </ul>
                    )}
                  </li>
                ))}
              </ul>
            </section>
          )
        })}
      </section>
      <section className="compare-board">
        <p className="help">{t('compareBoardNote')}</p>
        <div className="compare-board-area" data-testid="compare-board">
          <ReadOnlyBoard key={to} doc={data.value.doc} licenseKey={licenseKey} highlights={highlights} />
        </div>
      </section>
    </div>
  )
}
