/** Make an invite link for one role on this case, and copy it. */
import { useEffect, useRef, useState } from 'react'
import type { Role } from '../../shared/schema.ts'
import { api } from '../api.ts'
import { errorMessage } from '../access.ts'
import { countText, useI18n } from '../i18n.ts'

export function InviteDialog({ caseId, onClose }: { caseId: string; onClose: () => void }) {
  const { t, locale } = useI18n()
  const ref = useRef<HTMLDialogElement>(null)
  const [role, setRole] = useState<Role>('resident')
  const [days, setDays] = useState(14)
  const [url, setUrl] = useState<string | null>(null)
  const [copied, setCopied] = useState<boolean | 'failed'>(false)
  const urlRef = useRef<HTMLInputElement>(null)
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
      setError(errorMessage(e, t))
    }
  }
  const copy = async () => {
    if (!url) return
    try {
      // The clipboard API needs a secure context (https or localhost); elsewhere use the selection.
      if (navigator.clipboard && window.isSecureContext) await navigator.clipboard.writeText(url)
      else {
        urlRef.current?.select()
        if (!document.execCommand('copy')) throw new Error('copy refused')
      }
      setCopied(true)
    } catch {
      urlRef.current?.select()
      setCopied('failed')
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
            <div className="copy-row">
              <input ref={urlRef} readOnly value={url} data-testid="invite-url" aria-label={t('inviteTitle')} onFocus={(e) => e.target.select()} />
              <button type="button" onClick={copy} data-testid="invite-copy">{copied === true ? t('inviteCopied') : t('inviteCopy')}</button>
            </div>
            {copied === 'failed' && <p role="alert" className="error">{t('copyFailed')}</p>}
          </>
        )}
      </div>
      <button type="button" onClick={() => ref.current?.close()}>{t('close')}</button>
    </dialog>
  )
}
