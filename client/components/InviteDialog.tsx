/** Make an invite link for one role on this case, and copy it. */
import { useEffect, useRef, useState } from 'react'
import type { Role } from '../../shared/schema.ts'
import { api } from '../api.ts'
import { useI18n } from '../i18n.ts'

export function InviteDialog({ caseId, onClose }: { caseId: string; onClose: () => void }) {
  const { t } = useI18n()
  const ref = useRef<HTMLDialogElement>(null)
  const [role, setRole] = useState<Role>('resident')
  const [days, setDays] = useState(14)
  const [url, setUrl] = useState<string | null>(null)
  const [copied, setCopied] = useState(false)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    ref.current?.showModal()
  }, [])
  const create = async () => {
    setError(null)
    setCopied(false)
    try {
      setUrl((await api.invite(caseId, role, days * 24)).url)
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    }
  }
  const copy = async () => {
    if (!url) return
    try {
      await navigator.clipboard.writeText(url)
      setCopied(true)
    } catch {
      setCopied(false)
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
            {[1, 7, 14, 30, 90].map((d) => <option key={d} value={d}>{d} {t('days')}</option>)}
          </select>
        </label>
        <button type="button" className="primary" onClick={create} data-testid="invite-create">{t('inviteCreate')}</button>
        {error && <p role="alert" className="error">{error}</p>}
        {url && (
          <>
            <p className="muted">{t('inviteExplain')}</p>
            <div className="copy-row">
              <input readOnly value={url} data-testid="invite-url" onFocus={(e) => e.target.select()} />
              <button type="button" onClick={copy}>{copied ? t('inviteCopied') : t('inviteCopy')}</button>
            </div>
          </>
        )}
      </div>
      <button type="button" onClick={() => ref.current?.close()}>{t('close')}</button>
    </dialog>
  )
}
