/**
 * A secret link or token shown once, read-only, with a 'Kopiëren' button: the invite link, an
 * account's activation link, a new API token. The clipboard API needs a secure context (https or
 * localhost); elsewhere the text is selected and copied the old way, or left selected to copy by hand.
 */
import { useRef, useState } from 'react'
import { useI18n } from '../i18n.ts'

export function CopyField({ value, label, testId }: { value: string; label: string; testId: string }) {
  const { t } = useI18n()
  const ref = useRef<HTMLInputElement>(null)
  const [copied, setCopied] = useState<boolean | 'failed'>(false)
  const copy = async () => {
    try {
      if (navigator.clipboard && window.isSecureContext) await navigator.clipboard.writeText(value)
      else {
        ref.current?.select()
        if (!document.execCommand('copy')) throw new Error('copy refused')
      }
      setCopied(true)
    } catch {
      ref.current?.select()
      setCopied('failed')
    }
  }
  return (
    <>
      <div className="copy-row">
        <input ref={ref} readOnly value={value} data-testid={`${testId}-url`} aria-label={label} onFocus={(e) => e.target.select()} />
        <button type="button" onClick={copy} data-testid={`${testId}-copy`}>{copied === true ? t('inviteCopied') : t('inviteCopy')}</button>
      </div>
      {copied === 'failed' && <p role="alert" className="error">{t('copyFailed')}</p>}
    </>
  )
}
