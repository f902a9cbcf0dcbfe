/**
 * Make an invite link for one role on this case, and copy it; see the case's invites (never their
 * links: the server keeps only a hash) and revoke one, after a confirmation; and give colleagues of
 * another team access (CaseMembers).
 */
import { useCallback, useEffect, useRef, useState } from 'react'
import type { Role } from '../../shared/schema.ts'
import { api, type InviteListed } from '../api.ts'
import { errorMessage } from '../access.ts'
import { countText, fill, formatDateTime, useI18n, type MessageKey } from '../i18n.ts'
import { CopyField } from './CopyField.tsx'
import { CaseMembers } from './CaseMembers.tsx'

export function InviteDialog({ caseId, onClose }: { caseId: string; onClose: () => void }) {
  const { t, locale } = useI18n()
  const ref = useRef<HTMLDialogElement>(null)
  const [role, setRole] = useState<Role>('resident')
  const [days, setDays] = useState(14)
  const [url, setUrl] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [invites, setInvites] = useState<InviteListed[] | null>(null)
  useEffect(() => {
    ref.current?.showModal()
  }, [])
  const reload = useCallback(async () => {
    try {
      setInvites(await api.invites(caseId))
    } catch (e) {
      setError(errorMessage(e, t))
    }
  }, [caseId, t])
  useEffect(() => { void reload() }, [reload])
  const create = async () => {
    setError(null)
    try {
      setUrl((await api.invite(caseId, role, days * 24)).url)
      void reload()
    } catch (e) {
      setError(errorMessage(e, t))
    }
  }
  return (
    <dialog ref={ref} className="dialog" onClose={onClose} aria-labelledby="invite-title">
      <h2 id="invite-title">{t('inviteTitle')}</h2>
      <div className="form">
        <label>
          {t('inviteRole')}
          <select value={role} data-testid="invite-role" onChange={(e) => { setRole(e.target.value as Role); setUrl(null) }}>
            <option value="resident">{t('role_resident')}</option>
            <option value="professional">{t('role_professional')}</option>
            <option value="coordinator">{t('role_coordinator')}</option>
          </select>
        </label>
        <label>
          {t('inviteExpiry')}
          <select value={days} onChange={(e) => { setDays(Number(e.target.value)); setUrl(null) }}>
            {[1, 7, 14, 30, 90].map((d) => <option key={d} value={d}>{countText(locale, 'days', d)}</option>)}
          </select>
        </label>
        <button type="button" className="primary" onClick={create} data-testid="invite-create">{t('inviteCreate')}</button>
        {error && <p role="alert" className="error">{error}</p>}
        {url && (
          <>
            <p className="muted">{t('inviteExplain')}</p>
            <CopyField key={url} value={url} label={t('inviteTitle')} testId="invite" />
          </>
        )}
      </div>
      <InviteList caseId={caseId} invites={invites} onChanged={reload} onError={setError} />
      <CaseMembers caseId={caseId} />
      <button type="button" onClick={() => ref.current?.close()}>{t('close')}</button>
    </dialog>
  )
}

/** The case's invites, newest first; a valid one can be revoked ('Intrekken', asked once more). */
function InviteList({ caseId, invites, onChanged, onError }: {
  caseId: string
  invites: InviteListed[] | null
  onChanged: () => Promise<void>
  onError: (message: string | null) => void
}) {
  const { t, locale } = useI18n()
  const [asking, setAsking] = useState<string | null>(null)
  const [done, setDone] = useState(false)
  const heading = useRef<HTMLHeadingElement>(null)
  const revoke = async (id: string) => {
    onError(null)
    try {
      await api.revokeInvite(caseId, id)
      setAsking(null)
      setDone(true)
      await onChanged()
      heading.current?.focus()
    } catch (e) {
      setAsking(null)
      onError(errorMessage(e, t))
    }
  }
  const roleName = (r: Role) => t(`role_${r}` as MessageKey)
  return (
    <section aria-labelledby="invite-list-title" className="form">
      <h3 id="invite-list-title" ref={heading} tabIndex={-1}>{t('inv_listTitle')}</h3>
      <p role="status" className={done ? 'ok' : 'visually-hidden'}>{done ? t('inv_revokedDone') : ''}</p>
      {invites === null ? <p className="muted">{t('loading')}</p> : invites.length === 0 ? (
        <p className="empty">{t('inv_none')}</p>
      ) : (
        <ul className="snapshot-list" data-testid="invite-list">
          {invites.map((i) => (
            <li key={i.id} data-testid="invite-row" data-status={i.status}>
              <span>
                <strong>{fill(t('inv_asRole'), { role: roleName(i.role) })}</strong>
                {' · '}{fill(t('inv_created'), { date: formatDateTime(locale, i.createdAt) })} {i.byYou ? t('inv_byYou') : t('inv_byOther')}
              </span>
              <span className={i.status === 'active' ? 'muted' : 'error'}>
                {i.status === 'revoked' ? fill(t('inv_revokedAt'), { date: formatDateTime(locale, i.revokedAt ?? i.expiresAt) })
                  : i.status === 'expired' ? fill(t('inv_expiredAt'), { date: formatDateTime(locale, i.expiresAt) })
                  : fill(t('inv_validUntil'), { date: formatDateTime(locale, i.expiresAt) })}
              </span>
              {i.status === 'active' && (asking === i.id ? (
                <ConfirmRevoke onYes={() => void revoke(i.id)} onNo={() => setAsking(null)} />
              ) : (
                <div className="snapshot-actions">
                  <button type="button" data-testid="invite-revoke" onClick={() => { setDone(false); setAsking(i.id) }}
                    aria-label={fill(t('inv_revokeLabel'), { role: roleName(i.role), date: formatDateTime(locale, i.createdAt) })}>
                    {t('inv_revoke')}
                  </button>
                </div>
              ))}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

/** Asked once more, in place; focus starts on 'No', Escape answers 'No' (and keeps the dialog open). */
function ConfirmRevoke({ onYes, onNo }: { onYes: () => void; onNo: () => void }) {
  const { t } = useI18n()
  const no = useRef<HTMLButtonElement>(null)
  useEffect(() => { no.current?.focus() }, [])
  return (
    <div role="alertdialog" aria-labelledby="invite-revoke-text" data-testid="invite-revoke-confirm"
      onKeyDown={(e) => { if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); onNo() } }}>
      <p id="invite-revoke-text">{t('inv_revokeConfirm')}</p>
      <div className="snapshot-actions">
        <button type="button" data-testid="invite-revoke-yes" onClick={onYes}>{t('inv_revokeYes')}</button>
        <button type="button" ref={no} data-testid="invite-revoke-no" onClick={onNo}>{t('inv_revokeNo')}</button>
      </div>
    </div>
  )
}
