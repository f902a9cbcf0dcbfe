/**
 * The side column's 'Gesprekken' tab: the meeting going on (start, 'Gesprek afronden', what
 * changed since the last meeting and which actions are due), the next meeting's date, the
 * meetings held (with who took part and their snapshot), snapshots saved in between, and — apart,
 * collapsed — the automatic snapshots, a safety net that never counts as a meeting. Per snapshot:
 * view, compare with now, restore (professionals, confirmed). Professionals run meetings; everyone
 * on the case reads.
 */
import { useCallback, useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react'
import type { Awareness } from 'y-protocols/awareness'
import { MAX_TITLE_CHARS } from '../../shared/limits.ts'
import { isCalendarDay, NEXT_MEETING_DAYS } from '../../shared/api.ts'
import { api, type ListedSnapshot, type Meeting } from '../api.ts'
import { fill, formatDate, useI18n, type MessageKey, type T } from '../i18n.ts'
import { defaultSnapshotLabel, formatDateTime, summaryLine } from '../planText.ts'
import { navigate } from '../router.ts'
import { errorMessage } from '../access.ts'
import { meetingEnded, meetingTime, startMeeting } from './MeetingBar.tsx'
import { MeetingChanges } from './MeetingChanges.tsx'
import { refreshMeetings, updateMeetings, useMeetings } from './MeetingData.ts'
import { dayFromToday, MeetingEndDialog } from './MeetingEndDialog.tsx'
import type { AuditListed } from '../../shared/api.ts'
import './MeetingStyles.css'

/** A failed call in words of the chosen language (see access.ts: the server's code, never its message). */
export function errorText(err: unknown, t: T): string {
  return errorMessage(err, t)
}

export function SnapshotPanel(props: { caseId: string; token: string | null; canSave: boolean; savedBy: string; awareness?: Awareness | null }) {
  const { caseId, token, canSave, savedBy, awareness = null } = props
  const { t, locale } = useI18n()
  const id = useId()
  const meetings = useMeetings(caseId, token)
  const [list, setList] = useState<ListedSnapshot[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  // A key, not words: the notice follows a change of language.
  const [notice, setNotice] = useState<MessageKey | null>(null)
  const [label, setLabel] = useState(() => defaultSnapshotLabel(Date.now(), locale))
  const [busy, setBusy] = useState(false)
  const [restoring, setRestoring] = useState<ListedSnapshot | null>(null)
  const [ending, setEnding] = useState(false)

  const load = useCallback(() => {
    api.snapshots(caseId, token).then((l) => { setList(l); setError(null) }, (e: unknown) => setError(errorText(e, t)))
  }, [caseId, token, t])
  // Again whenever a meeting ended (here, in the header, or on another screen).
  const endedKey = meetings.data?.meetings.filter((m) => m.endedAt !== null).map((m) => m.id).join(',') ?? ''
  useEffect(load, [load, endedKey])

  const current = meetings.data?.current ?? null
  const held = useMemo(() => (meetings.data?.meetings ?? []).filter((m) => m.endedAt !== null), [meetings.data])
  const byId = useMemo(() => new Map((list ?? []).map((s) => [s.id, s])), [list])
  const saved = (list ?? []).filter((s) => s.kind === 'saved')
  const autos = (list ?? []).filter((s) => s.kind === 'auto')

  const run = async (what: () => Promise<void>) => {
    setBusy(true)
    setError(null)
    setNotice(null)
    try {
      await what()
    } catch (err) {
      setError(errorText(err, t))
    } finally {
      setBusy(false)
    }
  }

  const save = (e: FormEvent) => {
    e.preventDefault()
    void run(async () => {
      await api.saveSnapshot(caseId, label.trim(), savedBy, token)
      setNotice('snapshotSaved')
      setLabel(defaultSnapshotLabel(Date.now(), locale))
      load()
    })
  }

  const restore = (s: ListedSnapshot) => {
    setRestoring(null)
    void run(async () => {
      // Nothing is lost: the plan as it is now is kept as a snapshot first.
      await api.saveSnapshot(caseId, `${t('restoreBackupLabel')} ${formatDateTime(Date.now(), locale)}`, savedBy, token)
      await api.restore(caseId, s.id, token)
      setNotice('restoreDone')
      load()
    })
  }

  const go = (to: string) => (e: React.MouseEvent) => {
    e.preventDefault()
    navigate(to)
  }

  const actions = (s: ListedSnapshot) => (
    <span className="snapshot-actions">
      <a className="button-link" href={`/cases/${caseId}/snapshots/${s.id}`} onClick={go(`/cases/${caseId}/snapshots/${s.id}`)} data-testid="snapshot-view">
        {t('snapshotView')}
      </a>
      <a className="button-link" href={`/cases/${caseId}/compare?from=${s.id}&to=live`} onClick={go(`/cases/${caseId}/compare?from=${s.id}&to=live`)} data-testid="snapshot-compare">
        {t('snapshotCompare')}
      </a>
      {canSave && (
        <button type="button" onClick={() => setRestoring(s)} data-testid="snapshot-restore">{t('snapshotRestore')}</button>
      )}
    </span>
  )

  return (
    <section className="snapshot-panel meetings-panel" aria-labelledby={`${id}-title`} data-testid="snapshot-panel">
      <h2 id={`${id}-title`}>{t('meetingsTitle')}</h2>
      <p className="help">{t(canSave ? 'meetingsExplain' : 'meetingsExplainRead')}</p>

      {current ? (
        <div className="meeting-now" data-testid="meeting-now">
          <p className="meeting-live" data-testid="meeting-now-since">
            <span className="meeting-dot" aria-hidden="true" />
            {fill(t('meetingBusySince'), { time: meetingTime(locale, current.startedAt) })}
          </p>
          {current.startedBy.name && <p className="help">{fill(t('meetingStartedBy'), { name: current.startedBy.name })}</p>}
          {canSave && (
            <div className="meeting-actions">
              <button type="button" className="primary" onClick={() => setEnding(true)} data-testid="meeting-now-end">{t('meetingEnd')}</button>
            </div>
          )}
          <details className="meeting-changes-inline" open>
            <summary>{t('meetingWhatChanged')}</summary>
            <MeetingChanges caseId={caseId} token={token} headingLevel={3} reloadKey={current.id} />
          </details>
        </div>
      ) : (
        <div className="meeting-now idle" data-testid="meeting-idle">
          {meetings.data && <NextMeetingLine next={meetings.data.nextMeeting} today={meetings.data.today} />}
          {canSave && meetings.data && (
            <>
              <div className="meeting-actions">
                <button
                  type="button" className="primary" disabled={busy} data-testid="meeting-now-start"
                  onClick={() => void run(async () => { await startMeeting(caseId, savedBy, token); setNotice('meetingStarted') })}
                >{t('meetingStart')}</button>
              </div>
              <NextMeetingForm
                caseId={caseId} token={token} value={meetings.data.nextMeeting}
                onSaved={(d) => { updateMeetings(caseId, (x) => ({ ...x, nextMeeting: d })); setNotice('meetingNextSaved') }}
                onError={(err) => setError(errorText(err, t))}
              />
            </>
          )}
        </div>
      )}

      {notice && <p className="ok" role="status" data-testid="snapshot-notice">{t(notice)}</p>}
      {error && <p className="error" role="alert" data-testid="snapshot-error">{error}</p>}

      <section aria-labelledby={`${id}-held`} data-testid="meeting-list-section">
        <h3 id={`${id}-held`}>{t('meetingHeld')}</h3>
        {meetings.data === null ? (
          <p>{t('loading')}</p>
        ) : held.length === 0 ? (
          <p className="empty" data-testid="meetings-empty">{t('meetingNone')}</p>
        ) : (
          <ol className="snapshot-list meeting-list" data-testid="meeting-list">
            {held.map((m) => {
              const s = m.snapshotId ? byId.get(m.snapshotId) : undefined
              return (
                <li key={m.id} data-testid="meeting-item" data-meeting-id={m.id}>
                  <strong className="snapshot-label">{meetingWhen(m, locale, t)}</strong>
                  {s && labelSaysMore(s) && <span className="snapshot-label">{s.label}</span>}
                  <span className="meeting-who" data-testid="meeting-item-who">
                    {fill(t('meetingWith'), { names: m.participants.length ? m.participants.map((p) => p.name).join(', ') : t('meetingNobody') })}
                  </span>
                  {m.note && <span className="meeting-note muted">{m.note}</span>}
                  {s && <span className="snapshot-summary muted">{summaryLine(s.summary, locale)}</span>}
                  {s && actions(s)}
                </li>
              )
            })}
          </ol>
        )}
      </section>

      <section aria-labelledby={`${id}-saved`}>
        <h3 id={`${id}-saved`}>{t('meetingSaved')}</h3>
        {canSave && (
          <form className="snapshot-save" onSubmit={save}>
            <p className="help">{t('meetingSavedExplain')}</p>
            <label>
              {t('snapshotLabel')}
              <input data-testid="snapshot-label" maxLength={MAX_TITLE_CHARS} value={label} onChange={(e) => setLabel(e.target.value)} />
            </label>
            <button type="submit" disabled={busy} data-testid="snapshot-save">{t('snapshotSave')}</button>
          </form>
        )}
        {list === null ? (
          !error && <p>{t('loading')}</p>
        ) : saved.length === 0 ? (
          <p className="empty" data-testid="snapshots-empty">{t('snapshotsEmpty')}</p>
        ) : (
          <ol className="snapshot-list" data-testid="snapshot-list">
            {saved.map((s) => (
              <li key={s.id} data-testid="snapshot-item" data-snapshot-id={s.id}>
                <strong className="snapshot-label" data-testid="snapshot-item-label">{s.label}</strong>
                <span className="muted">
                  {formatDateTime(s.createdAt, locale)} · {`${t('snapshotBy')} ${s.savedBy.name || t(`role_${s.savedBy.role === 'system' ? 'professional' : s.savedBy.role}`)}`}
                </span>
                <span className="snapshot-summary" data-testid="snapshot-summary">{summaryLine(s.summary, locale)}</span>
                {actions(s)}
              </li>
            ))}
          </ol>
        )}
      </section>

      {autos.length > 0 && (
        <details className="auto-snapshots" data-testid="auto-snapshots">
          <summary>{fill(t('meetingAuto'), { n: autos.length })}</summary>
          <p className="help">{t('meetingAutoExplain')}</p>
          <ol className="snapshot-list">
            {autos.map((s) => (
              <li key={s.id} data-testid="auto-snapshot-item" data-snapshot-id={s.id}>
                <strong className="snapshot-label">{formatDateTime(s.createdAt, locale)}</strong>
                <span className="snapshot-summary muted">{summaryLine(s.summary, locale)}</span>
                {actions(s)}
              </li>
            ))}
          </ol>
        </details>
      )}

      {canSave && <AuditLogSection caseId={caseId} token={token} />}

      {restoring && <RestoreDialog snapshot={restoring} onCancel={() => setRestoring(null)} onConfirm={() => restore(restoring)} />}
      {ending && current && (
        <MeetingEndDialog
          caseId={caseId} token={token} meeting={current} awareness={awareness} endedBy={savedBy}
          onCancel={() => setEnding(false)}
          onEnded={(m) => { setEnding(false); setNotice('meetingEnded'); meetingEnded(caseId, m) }}
        />
      )}
    </section>
  )
}

/** An automatic snapshot's label, and the default label of a meeting's, only repeat the date. */
export function labelSaysMore(meta: { kind: ListedSnapshot['kind']; label: string }): boolean {
  if (meta.kind === 'auto') return false
  return meta.kind === 'saved' || !/^(Gesprek|Meeting) \d/.test(meta.label)
}

/** '28-11-2026 10:02 tot 11:15' (the end's date only when it is another day). */
function meetingWhen(m: Meeting, locale: 'nl' | 'en', t: T): string {
  const start = formatDateTime(m.startedAt, locale)
  if (m.endedAt === null || m.endedAt - m.startedAt < 60_000) return start
  const end = formatDateTime(m.endedAt, locale)
  const sameDay = start.slice(0, 10) === end.slice(0, 10)
  return fill(t('meetingFromTo'), { start, end: sameDay ? end.slice(11) : end })
}

function NextMeetingLine({ next, today }: { next: string | null; today: string }) {
  const { t, locale } = useI18n()
  if (!next) return <p className="help" data-testid="meeting-next-line">{t('meetingNextNotSet')}</p>
  const late = next < today
  return (
    <p className={late ? 'meeting-next late' : 'meeting-next'} data-testid="meeting-next-line" data-late={late ? 'true' : 'false'}>
      {fill(t(late ? 'meetingNextOverdue' : 'meetingNextOn'), { date: formatDate(locale, next) })}
    </p>
  )
}

/** The next meeting's date, set apart from ending a meeting (suggested: two weeks from today). */
function NextMeetingForm(props: { caseId: string; token: string | null; value: string | null; onSaved: (d: string | null) => void; onError: (e: unknown) => void }) {
  const { caseId, token, value, onSaved, onError } = props
  const { t } = useI18n()
  const id = useId()
  const [day, setDay] = useState(value ?? dayFromToday(NEXT_MEETING_DAYS))
  useEffect(() => { if (value) setDay(value) }, [value])
  const [busy, setBusy] = useState(false)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (day !== '' && !isCalendarDay(day)) return
    setBusy(true)
    try {
      const r = await api.setNextMeeting(caseId, day || null, token)
      onSaved(r.nextMeeting)
      void refreshMeetings(caseId)
    } catch (err) {
      onError(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <form className="meeting-next-form" onSubmit={submit} data-testid="meeting-next-form">
      <label>
        {t('meetingNext')}
        <input type="date" value={day} onChange={(e) => setDay(e.target.value)} data-testid="meeting-next-input" aria-describedby={`${id}-help`} />
      </label>
      <button type="submit" disabled={busy} data-testid="meeting-next-save">{t('meetingNextSave')}</button>
      <p className="help" id={`${id}-help`}>{t('meetingNextHelp')}</p>
    </form>
  )
}

function RestoreDialog({ snapshot, onCancel, onConfirm }: { snapshot: ListedSnapshot; onCancel: () => void; onConfirm: () => void }) {
  const { t, locale } = useI18n()
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    ref.current?.showModal()
  }, [])
  return (
    <dialog ref={ref} className="dialog" onClose={onCancel} aria-labelledby="restore-title" data-testid="restore-dialog">
      <h2 id="restore-title">{t('restoreTitle')}</h2>
      <p><strong>{snapshot.label}</strong> <span className="muted">({formatDateTime(snapshot.createdAt, locale)})</span></p>
      <p>{t('restoreExplain')}</p>
      <div className="dialog-buttons">
        <button type="button" onClick={onCancel} data-testid="restore-cancel">{t('cancel')}</button>
        <button type="button" className="primary" onClick={onConfirm} data-testid="restore-confirm">{t('restoreConfirm')}</button>
      </div>
    </dialog>
  )
}

/** The log's cells: a little air, aligned at the top. */
const AUDIT_CELL = { padding: '0.2em 0.5em', verticalAlign: 'top' } as const

/** An audit action code in plain words ('invite.create.resident' → 'Uitnodiging gemaakt'); unknown codes as they are. */
function auditActionText(action: string, t: T): string {
  const key = `au_act_${action.split('.').slice(0, 2).join('_')}` as MessageKey
  // A key that does not exist gives undefined: the code itself is shown.
  return (t(key) as string | undefined) || action
}

/**
 * 'Logboek': the case's processing log for professionals (GET /api/cases/:id/audit), collapsed;
 * loaded when opened, older lines on request. Who is a reference (never a name), no case content.
 */
function AuditLogSection({ caseId, token }: { caseId: string; token: string | null }) {
  const { t, locale } = useI18n()
  const id = useId()
  const [rows, setRows] = useState<AuditListed[] | null>(null)
  const [next, setNext] = useState<number | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const load = async (before: number | null) => {
    setBusy(true)
    try {
      const page = await api.audit(caseId, before, token)
      setRows((old) => (before === null ? page.entries : [...(old ?? []), ...page.entries]))
      setNext(page.nextBefore)
      setError(null)
    } catch (err) {
      setError(errorText(err, t))
    } finally {
      setBusy(false)
    }
  }
  const roleText = (role: string) => (role === 'professional' || role === 'resident' || role === 'coordinator' ? t(`role_${role}`) : role)
  return (
    <details className="audit-log" data-testid="audit-log" onToggle={(e) => { if ((e.currentTarget as HTMLDetailsElement).open) void load(null) }}>
      <summary>{t('au_title')}</summary>
      <p className="help" id={`${id}-explain`}>{t('au_explain')}</p>
      {error && <p className="error" role="alert">{error}</p>}
      {rows === null && !error && <p className="muted" role="status">{t('au_loading')}</p>}
      {rows !== null && rows.length === 0 && <p className="muted">{t('au_empty')}</p>}
      {rows !== null && rows.length > 0 && (
        // Five columns in a narrow side column: the table scrolls sideways, and can be reached by keyboard to do so.
        <div className="audit-scroll" role="region" aria-label={t('au_caption')} tabIndex={0} style={{ overflowX: 'auto', maxWidth: '100%' }}>
        <table className="audit-table" data-testid="audit-table" aria-describedby={`${id}-explain`} style={{ fontSize: '0.85em', borderCollapse: 'collapse' }}>
          <caption className="visually-hidden">{t('au_caption')}</caption>
          <thead>
            <tr>
              <th scope="col" style={{ ...AUDIT_CELL, textAlign: 'start' }}>{t('au_colTime')}</th>
              <th scope="col" style={{ ...AUDIT_CELL, textAlign: 'start' }}>{t('au_colWho')}</th>
              <th scope="col" style={{ ...AUDIT_CELL, textAlign: 'start' }}>{t('au_colRole')}</th>
              <th scope="col" style={{ ...AUDIT_CELL, textAlign: 'start' }}>{t('au_colAction')}</th>
              <th scope="col" style={{ ...AUDIT_CELL, textAlign: 'start' }}>{t('au_colGround')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={`${r.at}-${i}`} data-testid="audit-row" data-action={r.action}>
                <td style={{ ...AUDIT_CELL, whiteSpace: 'nowrap' }}><time dateTime={r.at}>{formatDateTime(r.at, locale)}</time></td>
                <td style={AUDIT_CELL}><code>{r.actor}</code></td>
                <td style={AUDIT_CELL}>{roleText(r.role)}</td>
                <td style={AUDIT_CELL}>{auditActionText(r.action, t)}</td>
                <td style={AUDIT_CELL}>{t(`au_ground_${r.ground}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      )}
      {next !== null && (
        <button type="button" disabled={busy} onClick={() => void load(next)} data-testid="audit-more">{t('au_more')}</button>
      )}
    </details>
  )
}
