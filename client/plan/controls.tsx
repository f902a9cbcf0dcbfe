/**
 * Small form controls of the plan view: an input that keeps its draft while typing (the value
 * comes back through the document a moment later), and a delete button that can ask first.
 */
import { useEffect, useRef, useState, type InputHTMLAttributes } from 'react'
import { usePlanView } from './context.ts'

interface DraftInputProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'> {
  value: string
  onCommit(value: string): void
  testId?: string
}

/** An input showing the document's value, keeping the local draft while it has focus. */
export function DraftInput({ value, onCommit, testId, ...rest }: DraftInputProps) {
  const [draft, setDraft] = useState(value)
  const focused = useRef(false)
  useEffect(() => {
    if (!focused.current) setDraft(value)
  }, [value])
  return (
    <input
      {...rest} data-testid={testId} value={draft}
      onFocus={() => { focused.current = true }}
      onBlur={() => { focused.current = false; setDraft(value) }}
      onChange={(e) => {
        const v = e.currentTarget.value
        setDraft(v)
        onCommit(v)
      }}
    />
  )
}

/**
 * 'Verwijderen'. With `confirm`, the first press asks ('Zeker weten? Verwijderen' / 'Annuleren',
 * focus on the first); Escape or Annuleren go back with the focus on the delete button.
 */
export function DeleteControl({ label, confirm, question, onDelete, testId }: {
  label: string; confirm: boolean; question?: string; onDelete(): void; testId?: string
}) {
  const { t } = usePlanView()
  const [asking, setAsking] = useState(false)
  const sure = useRef<HTMLButtonElement>(null)
  const del = useRef<HTMLButtonElement>(null)
  const wasAsking = useRef(false)
  useEffect(() => {
    if (asking) sure.current?.focus()
    else if (wasAsking.current) del.current?.focus()
    wasAsking.current = asking
  }, [asking])
  if (!asking) {
    return (
      <button type="button" ref={del} className="pv-delete" aria-label={label} data-testid={testId}
        onClick={() => (confirm ? setAsking(true) : onDelete())}>
        {t('pv_delete')}
      </button>
    )
  }
  return (
    <span className="pv-confirm" role="group" aria-label={label}
      onKeyDown={(e) => { if (e.key === 'Escape') { e.stopPropagation(); setAsking(false) } }}>
      {question && <span className="pv-confirm-question">{question}</span>}
      <button type="button" ref={sure} className="danger" data-testid={testId && `${testId}-sure`} onClick={onDelete}>
        {t('pv_deleteSure')}
      </button>
      <button type="button" onClick={() => setAsking(false)}>{t('cancel')}</button>
    </span>
  )
}
