/**
 * In-place text editing. Each change is written through setItemText, which applies the smallest
 * edit to the item's Y.Text, so two people typing in the same card merge instead of overwrite.
 * Editing starts (double-click, Enter, a new card) with the keyboard focus in the text; Escape ends
 * it and gives the focus back to the canvas with the card still selected.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react'
import { stopEventPropagation, useEditor } from 'tldraw'
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
  const editor = useEditor()
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
  const frames = useRef<number | null>(null)
  // Until the user acts in the box, the caret stays at the end: the gesture that opened it (a
  // double-click's second click) must not select a word, or the first key typed would replace it.
  const untouched = useRef(true)
  // Take the focus, and take it again on the next frame: the gesture that started editing
  // (the second click of a double-click, the Enter key) ends on the canvas, which focuses itself.
  useEffect(() => {
    const el = ref.current
    if (!el) return
    const take = () => {
      if (document.activeElement === el || !el.isConnected) return
      el.focus({ preventScroll: true })
      el.setSelectionRange(el.value.length, el.value.length)
    }
    take()
    const frame = requestAnimationFrame(() => {
      take()
      frames.current = requestAnimationFrame(take)
    })
    return () => {
      cancelAnimationFrame(frame)
      if (frames.current) cancelAnimationFrame(frames.current)
    }
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
      onSelect={(e) => {
        const el = e.currentTarget
        if (untouched.current && el.selectionStart !== el.selectionEnd) el.setSelectionRange(el.value.length, el.value.length)
      }}
      onKeyDown={(e) => {
        untouched.current = false
        if (e.key === 'Escape' || (e.key === 'Enter' && (e.metaKey || e.ctrlKey))) {
          e.preventDefault()
          onDone()
          editor.getContainer().focus()
        }
        e.stopPropagation()
      }}
      onPointerDown={(e) => { untouched.current = false; stopEventPropagation(e) }}
      onPointerMove={stopEventPropagation}
      onPointerUp={stopEventPropagation}
      onWheel={stopEventPropagation}
    />
  )
}
