/**
 * In-place text editing. Each change is written through setItemText, which applies the smallest
 * edit to the item's Y.Text, so two people typing in the same card merge instead of overwrite.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react'
import { stopEventPropagation } from 'tldraw'
import { setItemText } from '../../../shared/doc.ts'
import { MAX_ITEM_TEXT_CHARS } from '../../../shared/limits.ts'
import { useBoard, writeUi } from '../context.ts'

/** Where a caret at `pos` in `prev` belongs in `next` (edits before it shift it). */
export function moveCaret(prev: string, next: string, pos: number): number {
  let start = 0
  const min = Math.min(prev.length, next.length)
  while (start < min && prev[start] === next[start]) start++
  if (pos <= start) return pos
  return Math.max(start, Math.min(next.length, pos + next.length - prev.length))
}

export function ItemTextEditor({ id, text, onDone }: { id: string; text: string; onDone: () => void }) {
  const ctx = useBoard()
  const [draft, setDraft] = useState(text)
  const ref = useRef<HTMLTextAreaElement>(null)
  const caret = useRef<[number, number] | null>(null)

  // Someone else changed the text while we edit: take it over, keep our caret in place.
  useEffect(() => {
    if (text === draft) return
    const el = ref.current
    if (el) caret.current = [moveCaret(draft, text, el.selectionStart), moveCaret(draft, text, el.selectionEnd)]
    setDraft(text)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text])
  useLayoutEffect(() => {
    const el = ref.current
    if (el && caret.current) {
      el.setSelectionRange(caret.current[0], caret.current[1])
      caret.current = null
    }
  }, [draft])
  useEffect(() => {
    const el = ref.current
    if (!el) return
    el.focus()
    el.setSelectionRange(el.value.length, el.value.length)
  }, [])

  return (
    <textarea
      ref={ref}
      className="kt-card-textarea"
      data-testid="kt-item-textarea"
      aria-label={ctx.strings.textLabel}
      value={draft}
      maxLength={MAX_ITEM_TEXT_CHARS}
      onChange={(e) => {
        const next = e.currentTarget.value
        setDraft(next)
        writeUi(ctx, (doc) => setItemText(doc, id, next))
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape' || (e.key === 'Enter' && (e.metaKey || e.ctrlKey))) {
          e.preventDefault()
          onDone()
        }
        e.stopPropagation()
      }}
      onPointerDown={stopEventPropagation}
      onPointerMove={stopEventPropagation}
      onPointerUp={stopEventPropagation}
      onWheel={stopEventPropagation}
    />
  )
}
