/**
 * A text input/textarea that keeps its own draft while the user types and writes every change
 * through `onCommit`; a change from elsewhere replaces the draft. (A plain controlled input would
 * lose the caret, because the value comes back through the document a moment later.)
 */
import { useEffect, useState } from 'react'

interface Props {
  value: string
  onCommit: (v: string) => void
  multiline?: boolean
  maxLength: number
  disabled?: boolean
  id: string
  testId: string
}

export function DraftField({ value, onCommit, multiline, maxLength, disabled, id, testId }: Props) {
  const [draft, setDraft] = useState(value)
  useEffect(() => setDraft(value), [value])
  const common = {
    id,
    'data-testid': testId,
    value: draft,
    maxLength,
    disabled,
    onChange: (e: { currentTarget: { value: string } }) => {
      const v = e.currentTarget.value
      setDraft(v)
      onCommit(v)
    },
    onKeyDown: (e: { stopPropagation(): void }) => e.stopPropagation(),
  }
  return multiline ? <textarea rows={3} {...common} /> : <input type="text" {...common} />
}
