/**
 * 'Toegang': professionals of another team given access to this one case (need-to-know: the case's
 * own team sees it already). Added by user name, removed with one button; a removed colleague's
 * open board closes (the server ends their sockets).
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react'
import { accountApi, type CaseMember } from '../accountApi.ts'
import { ApiFailure } from '../api.ts'
import { errorMessage } from '../access.ts'
import { fill, useI18n } from '../i18n.ts'
import '../pages/accounts.css'

export function CaseMembers({ caseId }: { caseId: string }) {
  const { t } = useI18n()
  const [members, setMembers] = useState<CaseMember[] | null>(null)
  const [username, setUsername] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const reload = useCallback(async () => {
    try {
      setMembers(await accountApi.members(caseId))
    } catch (e) {
      setError(errorMessage(e, t))
    }
  }, [caseId, t])
  useEffect(() => { void reload() }, [reload])
  const add = async (e: FormEvent) => {
    e.preventDefault()
    if (busy || !username.trim()) return
    setBusy(true)
    setError(null)
    setDone(null)
    try {
      const list = await accountApi.addMember(caseId, username.trim())
      setMembers(list)
      const added = list.find((m) => m.username === username.trim().toLowerCase())
      setDone(fill(t('ac_memberAdded'), { name: added?.displayName ?? username.trim() }))
      setUsername('')
    } catch (err) {
      // 400: no active professional with that user name (the server says no more than that).
      setError(err instanceof ApiFailure && err.status === 400 ? t('ac_memberUnknown') : errorMessage(err, t))
    } finally {
      setBusy(false)
    }
  }
  const remove = async (m: CaseMember) => {
    setError(null)
    setDone(null)
    try {
      await accountApi.removeMember(caseId, m.accountId)
      setDone(fill(t('ac_memberRemoved'), { name: m.displayName }))
      await reload()
    } catch (err) {
      setError(errorMessage(err, t))
    }
  }
  return (
    <section aria-labelledby="members-title" className="form" data-testid="case-members">
      <h3 id="members-title">{t('ac_membersTitle')}</h3>
      <p className="muted">{t('ac_membersExplain')}</p>
      <p role="status" className={done ? 'ok' : 'visually-hidden'} data-testid="members-done">{done ?? ''}</p>
      {members === null ? <p className="muted">{t('loading')}</p> : members.length === 0 ? (
        <p className="empty">{t('ac_membersNone')}</p>
      ) : (
        <ul className="snapshot-list" data-testid="member-list">
          {members.map((m) => (
            <li key={m.accountId} data-testid="member-row">
              <span>
                <strong>{m.displayName}</strong> ({m.username}){m.team && <> · {fill(t('ac_caseTeam'), { team: m.team.name })}</>}
              </span>
              <div className="snapshot-actions">
                <button type="button" onClick={() => void remove(m)} aria-label={fill(t('ac_memberRemoveLabel'), { name: m.displayName })}
                  data-testid="member-remove">{t('ac_memberRemove')}</button>
              </div>
            </li>
          ))}
        </ul>
      )}
      <form className="copy-row inline-form" onSubmit={add}>
        <label>
          {t('ac_memberUsername')}
          <input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" spellCheck={false}
            autoCapitalize="none" data-testid="member-username" />
        </label>
        <button type="submit" disabled={busy} data-testid="member-add">{t('ac_memberAdd')}</button>
      </form>
      {error && <p role="alert" className="error">{error}</p>}
    </section>
  )
}
