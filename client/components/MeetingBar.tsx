/**
 * The meeting in the board page's header, for everyone on the case: 'Gesprek bezig sinds 10:02'
 * (or the next meeting's date) and, for professionals who can write, 'Gesprek starten' /
 * 'Gesprek afronden'. Starting one opens what changed since the last meeting and which actions
 * are due (the Gesprekken tab shows the same to everyone while the meeting goes on). The status sits in a polite live region, so a screen reader hears a
 * meeting start or end (the list is polled: see MeetingData.ts).
 */
import { useEffect, useId, useRef, useState } from 'react'
import type { Awareness } from 'y-protocols/awareness'
import type { Meeting, MeetingsOverview } from '../../shared/api.ts'
import { api } from '../api.ts'
import { errorMessage } from '../access.ts'
import { fill, formatDate, formatDateTime, intlLocale, TIME_ZONE, useI18n, type Locale, type MessageKey } from '../i18n.ts'
import { MeetingChanges } from './MeetingChanges.tsx'
import { refreshMeetings, updateMeetings, useMeetings } from './MeetingData.ts'
import { MeetingEndDialog } from './MeetingEndDialog.tsx'
import './MeetingStyles.css'

/** '10:02' today, '28 nov 2026 10:02' on another day (Dutch time). */
export function meetingTime(locale: Locale, at: number, now = Date.now()): string {
  const day = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE }).format(new Date(ms))
  if (day(at) !== day(now)) return formatDateTime(locale, at)
  return new Intl.DateTimeFormat(intlLocale(locale), { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit' }).format(new Date(at))
}

/** Start a meeting and put it into the page's shared copy at once. */
export async function startMeeting(caseId: string, startedBy: string, token: string | null): Promise<Meeting> {
  const meeting = await api.startMeeting(caseId, startedBy, token)
  updateMeetings(caseId, (d) => ({ ...d, current: meeting, meetings: d.meetings.some((m) => m.id === meeting.id) ? d.meetings : [meeting, ...d.meetings] }))
  return meeting
}

/** Put an ended meeting into the shared copy, then fetch the list again. */
export function meetingEnded(caseId: string, meeting: Meeting): void {
  updateMeetings(caseId, (d): MeetingsOverview => ({ ...d, current: null, meetings: d.meetings.map((m) => (m.id === meeting.id ? meeting : m)) }))
  void refreshMeetings(caseId)
}

export function MeetingBar(props: { caseId: string; token: string | null; awareness: Awareness | null; myName: string; canRun: boolean }) {
  const { caseId, token, awareness, myName, canRun } = props
  const { t, locale } = useI18n()
  const { data } = useMeetings(caseId, token)
  const [ending, setEnding] = useState(false)
  const [showChanges, setShowChanges] = useState(false)
  const [notice, setNotice] = useState<MessageKey | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const current = data?.current ?? null

  const start = async () => {
    setBusy(true)
    setError(null)
    try {
      await startMeeting(caseId, myName, token)
      setNotice('meetingStarted')
      setShowChanges(true)
    } catch (err) {
      setError(errorMessage(err, t))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="meeting-bar" data-testid="meeting-bar">
      <span className="meeting-status" aria-live="polite" data-testid="meeting-status">
        {current ? (
          <span className="meeting-live" data-testid="meeting-busy" data-meeting-id={current.id}>
            <span className="meeting-dot" aria-hidden="true" />
            {fill(t('meetingBusySince'), { time: meetingTime(locale, current.startedAt) })}
          </span>
        ) : data?.nextMeeting ? (
          <NextMeeting next={data.nextMeeting} today={data.today} locale={locale} />
        ) : null}
        {notice && <span className="visually-hidden">{t(notice)}</span>}
      </span>
      {canRun && !current && data && (
        <button type="button" className="primary" disabled={busy} onClick={start} data-testid="meeting-start">{t('meetingStart')}</button>
      )}
      {canRun && current && (
        <button type="button" className="primary" onClick={() => setEnding(true)} data-testid="meeting-end">{t('meetingEnd')}</button>
      )}
      {error && <span className="error" role="alert">{error}</span>}
      {ending && current && (
        <MeetingEndDialog
          caseId={caseId} token={token} meeting={current} awareness={awareness} endedBy={myName}
          onCancel={() => setEnding(false)}
          onEnded={(m) => { setEnding(false); setNotice('meetingEnded'); meetingEnded(caseId, m) }}
        />
      )}
      {showChanges && <MeetingChangesDialog caseId={caseId} token={token} onClose={() => setShowChanges(false)} />}
    </div>
  )
}

function NextMeeting({ next, today, locale }: { next: string; today: string; locale: Locale }) {
  const { t } = useI18n()
  const late = next < today
  return (
    <span className={late ? 'meeting-next late' : 'meeting-next'} data-testid="meeting-next" data-late={late ? 'true' : 'false'}>
      {fill(t(late ? 'meetingNextOverdue' : 'meetingNextOn'), { date: formatDate(locale, next, 'medium') })}
    </span>
  )
}

/** What changed since the last meeting and what is due, in a dialog. */
export function MeetingChangesDialog({ caseId, token, onClose }: { caseId: string; token: string | null; onClose: () => void }) {
  const { t } = useI18n()
  const id = useId()
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    ref.current?.showModal()
  }, [])
  return (
    <dialog ref={ref} className="dialog meeting-dialog wide" onClose={onClose} aria-labelledby={`${id}-title`} data-testid="meeting-changes-dialog">
      <h2 id={`${id}-title`}>{t('meetingWhatChanged')}</h2>
      <MeetingChanges caseId={caseId} token={token} headingLevel={3} />
      <div className="dialog-buttons">
        <button type="button" className="primary" onClick={onClose} data-testid="meeting-changes-close">{t('close')}</button>
      </div>
    </dialog>
  )
}
