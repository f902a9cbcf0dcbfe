/**
 * A snapshot, read-only: /cases/:id/snapshots/:sid — its board and its plan as text; the banner
 * says whether it ended a meeting (and who took part), was saved by hand or automatically.
 */
import { useEffect, useMemo, useState } from 'react'
import type * as Y from 'yjs'
import { Awareness } from 'y-protocols/awareness'
import { colorFor, type PresenceUser } from '../../shared/awareness.ts'
import { api } from '../api.ts'
import { Board } from '../board/Board.tsx'
import { fill, useI18n, type MessageKey } from '../i18n.ts'
import type { SnapshotKind } from '../../shared/api.ts'
import { loadIdentity } from '../identity.ts'
import { formatDateTime } from '../planText.ts'
import { navigate } from '../router.ts'
import { LocaleSwitch } from '../components/LocaleSwitch.tsx'
import { PlanDocument } from '../views/PlanDocument.tsx'
import { labelSaysMore } from '../components/SnapshotPanel.tsx'
import { loadSnapshotDoc, useCaseAccess, useLoad } from '../views/caseData.ts'

/** The banner per kind of snapshot: the end of a meeting, saved by hand, or automatic. */
const BANNER: Record<SnapshotKind, MessageKey> = { meeting: 'meetingBanner', saved: 'snapshotBanner', auto: 'meetingAutoBanner' }

export function SnapshotPage({ caseId, snapshotId, licenseKey }: { caseId: string; snapshotId: string; licenseKey?: string }) {
  const { t, locale } = useI18n()
  const { token, access } = useCaseAccess(caseId)
  const data = useLoad(async () => {
    const [snap, doc, meetings] = await Promise.all([
      api.snapshot(caseId, snapshotId, token),
      loadSnapshotDoc(caseId, snapshotId, token),
      // Who took part, when this snapshot ended a meeting (the view works without it).
      api.meetings(caseId, token).catch(() => null),
    ])
    const meeting = snap.meta.meetingId ? meetings?.meetings.find((m) => m.id === snap.meta.meetingId) ?? null : null
    return { ...snap, doc, meeting }
  }, [caseId, snapshotId, token])
  const doc = data.state === 'ok' ? data.value.doc : null
  useEffect(() => () => doc?.destroy(), [doc])
  const title = access.state === 'ok' ? access.value.title : ''

  return (
    <div className="board-page">
      <header className="topbar">
        <a href={`/cases/${caseId}`} className="back" onClick={(e) => { e.preventDefault(); navigate(`/cases/${caseId}`) }}>← {t('backToBoard')}</a>
        <h1 className="case-title">{title}</h1>
        <span className="spacer" />
        {data.state === 'ok' && (
          <>
            <a className="button-link" href={`/cases/${caseId}/compare?from=${snapshotId}&to=live`}
              onClick={(e) => { e.preventDefault(); navigate(`/cases/${caseId}/compare?from=${snapshotId}&to=live`) }}
              data-testid="snapshot-page-compare">{t('snapshotCompare')}</a>
            <a className="button-link" href={`/cases/${caseId}/print?snapshot=${snapshotId}`} target="_blank" rel="noopener" data-testid="print-link">{t('printButton')}</a>
          </>
        )}
        <LocaleSwitch />
      </header>
      <main className="snapshot-main">
      {data.state === 'loading' && <p className="centered">{t('loading')}</p>}
      {data.state === 'error' && <p className="centered error" role="alert" data-testid="snapshot-page-error">{data.message}</p>}
      {data.state === 'ok' && (
        <>
          <p className="view-banner" role="status" data-testid="snapshot-banner">
            <strong>{fill(t(BANNER[data.value.meta.kind] ?? 'snapshotBanner'), { date: formatDateTime(data.value.meta.createdAt, locale) })}</strong>
            {labelSaysMore(data.value.meta) && <span className="muted"> · {data.value.meta.label}</span>}
            {data.value.meeting && data.value.meeting.participants.length > 0 && (
              <span className="muted" data-testid="snapshot-participants">
                {' · '}{fill(t('meetingWith'), { names: data.value.meeting.participants.map((p) => p.name).join(', ') })}
              </span>
            )}
          </p>
          <div className="board-layout">
            <div className="board-area">
              <ReadOnlyBoard doc={data.value.doc} licenseKey={licenseKey} />
            </div>
            <aside className="side-column plan-text" aria-label={t('planAsText')} data-testid="snapshot-plan">
              <h2>{t('planAsText')}</h2>
              <PlanDocument plan={data.value.plan} headingLevel={3} forResident={false} />
            </aside>
          </div>
        </>
      )}
      </main>
    </div>
  )
}

/** The ordinary board, read-only, on a document of its own (no provider, local awareness only). */
export function ReadOnlyBoard(props: { doc: Y.Doc; licenseKey?: string; highlights?: Record<string, 'added' | 'changed'> }) {
  const { locale } = useI18n()
  const [awareness] = useState(() => new Awareness(props.doc))
  useEffect(() => () => awareness.destroy(), [awareness])
  const me: PresenceUser = useMemo(() => {
    const id = loadIdentity()
    const name = id?.name ?? ''
    return { name, org: id?.org ?? '', role: 'coordinator', color: colorFor(`${name}|view`) }
  }, [])
  return <Board doc={props.doc} awareness={awareness} me={me} readOnly locale={locale} licenseKey={props.licenseKey} highlights={props.highlights} />
}
