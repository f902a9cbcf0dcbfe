/**
 * 'Gesprek afronden': who took part (everyone present on a screen is ticked; names of people at
 * the table without a screen of their own — often the resident at a shared screen — can be added),
 * an optional note and the next meeting's date (suggested: two weeks from today, the research's
 * intensive follow-up). Ending saves the meeting's snapshot on the server.
 */
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react'
import type { Awareness } from 'y-protocols/awareness'
import { MAX_MEETING_NOTE_CHARS, NEXT_MEETING_DAYS, type Meeting, type MeetingParticipant } from '../../shared/api.ts'
import { todayInNL } from '../../shared/diffPlans.ts'
import { MAX_PERSON_NAME_CHARS } from '../../shared/limits.ts'
import type { Role } from '../../shared/schema.ts'
import { api } from '../api.ts'
import { errorMessage } from '../access.ts'
import { formatDateTime, useI18n } from '../i18n.ts'
import { refreshMeetings } from './MeetingData.ts'
import { presentPeople } from './PresenceList.tsx'
import './MeetingStyles.css'

const DAY_MS = 24 * 3600_000

interface Choice extends MeetingParticipant {
  key: string
  checked: boolean
  self: boolean
}

/** The people present now, each once (the same name and organisation in two tabs counts once). */
export function presentParticipants(awareness: Awareness | null): { name: string; org: string; role: Role; self: boolean }[] {
  if (!awareness) return []
  const seen = new Set<string>()
  const out: { name: string; org: string; role: Role; self: boolean }[] = []
  for (const p of presentPeople(awareness.getStates(), awareness.clientID)) {
    const name = p.user.name.trim()
    if (!name) continue
    const key = `${name.toLocaleLowerCase()}\n${p.user.org.trim().toLocaleLowerCase()}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push({ name, org: p.user.org.trim(), role: p.user.role, self: p.self })
  }
  return out
}

/** The day `days` after today in the Netherlands (YYYY-MM-DD). */
export function dayFromToday(days: number, now = Date.now()): string {
  return todayInNL(new Date(now + days * DAY_MS))
}

export function MeetingEndDialog(props: {
  caseId: string
  token: string | null
  meeting: Meeting
  awareness: Awareness | null
  /** The name of the person ending it. */
  endedBy: string
  onCancel: () => void
  onEnded: (meeting: Meeting) => void
}) {
  const { caseId, token, meeting, awareness, endedBy, onCancel, onEnded } = props
  const { t, locale } = useI18n()
  const id = useId()
  const ref = useRef<HTMLDialogElement>(null)
  const initial = useMemo(() => presentParticipants(awareness).map((p): Choice => ({ ...p, key: `a-${p.name}-${p.org}`, checked: true })), [awareness])
  const [choices, setChoices] = useState<Choice[]>(initial)
  const [extra, setExtra] = useState('')
  const [note, setNote] = useState('')
  const [next, setNext] = useState(() => dayFromToday(NEXT_MEETING_DAYS))
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    ref.current?.showModal()
  }, [])

  const add = () => {
    const name = extra.trim()
    if (!name) return
    setChoices((list) => [...list, { name, org: '', role: null, key: `x-${Date.now()}-${name}`, checked: true, self: false }])
    setExtra('')
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const result = await api.endMeeting(caseId, meeting.id, {
        participants: choices.filter((c) => c.checked).map(({ name, org, role }) => ({ name, org, role })),
        note: note.trim(),
        nextMeeting: next || null,
        label: `${t('meetingLabel')} ${formatDateTime(locale, Date.now())}`,
        endedBy,
      }, token)
      onEnded(result.meeting)
    } catch (err) {
      setError(errorMessage(err, t))
      setBusy(false)
      // Someone else may have ended it meanwhile: show the page what is so now.
      void refreshMeetings(caseId)
    }
  }

  return (
    <dialog ref={ref} className="dialog meeting-dialog" onClose={onCancel} aria-labelledby={`${id}-title`} data-testid="meeting-end-dialog">
      <form className="form" onSubmit={submit}>
        <h2 id={`${id}-title`}>{t('meetingEnd')}</h2>
        <p className="help">{t('meetingEndExplain')}</p>
        <fieldset data-testid="meeting-participants">
          <legend>{t('meetingWho')}</legend>
          <p className="help">{t('meetingWhoHelp')}</p>
          {choices.map((c) => (
            <label key={c.key} className="choice">
              <input
                type="checkbox" checked={c.checked} data-testid="meeting-participant"
                onChange={(e) => setChoices((list) => list.map((x) => (x.key === c.key ? { ...x, checked: e.target.checked } : x)))}
              />
              <span>
                {c.name}{c.self ? ` (${t('you')})` : ''}
                {(c.org || c.role) && <span className="muted"> · {[c.org, c.role ? t(`role_${c.role}`) : ''].filter(Boolean).join(' · ')}</span>}
              </span>
            </label>
          ))}
          <div className="meeting-add-name">
            <label>
              {t('meetingAddNameLabel')}
              <input
                value={extra} maxLength={MAX_PERSON_NAME_CHARS} data-testid="meeting-add-name"
                onChange={(e) => setExtra(e.target.value)}
                onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); add() } }}
              />
            </label>
            <button type="button" onClick={add} data-testid="meeting-add-name-button">{t('meetingAddName')}</button>
          </div>
        </fieldset>
        <label>
          {t('meetingNote')}
          <textarea rows={3} maxLength={MAX_MEETING_NOTE_CHARS} value={note} onChange={(e) => setNote(e.target.value)} data-testid="meeting-note" />
        </label>
        <label>
          {t('meetingNext')}
          <input type="date" value={next} min={todayInNL()} onChange={(e) => setNext(e.target.value)} data-testid="meeting-next-date" aria-describedby={`${id}-next-help`} />
        </label>
        <p className="help" id={`${id}-next-help`}>{t('meetingNextHelp')}</p>
        {error && <p className="error" role="alert" data-testid="meeting-end-error">{error}</p>}
        <div className="dialog-buttons">
          <button type="button" onClick={onCancel} data-testid="meeting-end-cancel">{t('cancel')}</button>
          <button type="submit" className="primary" disabled={busy} data-testid="meeting-end-confirm">{t('meetingEndConfirm')}</button>
        </div>
      </form>
    </dialog>
  )
}
