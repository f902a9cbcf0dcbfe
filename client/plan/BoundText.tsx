/**
 * A text field bound to one Y.Text of the document (an item's text, the plan's goal). Local
 * typing becomes minimal edits (so two people typing in the same field merge); a remote edit
 * updates the field while keeping the local caret where it was relative to the text around it.
 * A controlled input fed from the document would lose the caret on every remote change.
 */
import { useEffect, useRef, useState, type TextareaHTMLAttributes } from 'react'
import * as Y from 'yjs'

interface Props extends Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'onChange'> {
  /** The map holding the Y.Text under `field` (the item's map, or the plan map). */
  map: Y.Map<unknown> | null
  field: string
  /** Write the whole new value (the writer turns it into minimal edits). Throws when refused. */
  write: (value: string) => void
  testId?: string
}

export function BoundText({ map, field, write, testId, ...rest }: Props) {
  const ref = useRef<HTMLTextAreaElement>(null)
  const [value, setValue] = useState(() => readText(map, field))
  useEffect(() => {
    if (!map) return
    let text: Y.Text | null = null
    const onText = (e: Y.YTextEvent) => {
      if (e.transaction.local) return
      const next = (e.target as Y.Text).toString()
      const el = ref.current
      // Write the new text and the shifted selection into the element at once, in the same task:
      // React then finds the element already holding its new value and leaves the caret alone.
      if (el && el.value !== next) {
        const focused = document.activeElement === el
        const start = shift(el.selectionStart, e.delta)
        const end = shift(el.selectionEnd, e.delta)
        const dir = el.selectionDirection
        el.value = next
        if (focused) el.setSelectionRange(start, end, dir ?? undefined)
      }
      setValue(next)
    }
    const attach = () => {
      text?.unobserve(onText)
      const v = map.get(field)
      text = v instanceof Y.Text ? v : null
      text?.observe(onText)
      setValue(readText(map, field))
    }
    const onMap = (e: Y.YMapEvent<unknown>) => {
      if (e.keysChanged.has(field)) attach()
    }
    attach()
    map.observe(onMap)
    return () => {
      map.unobserve(onMap)
      text?.unobserve(onText)
    }
  }, [map, field])
  return (
    <textarea
      {...rest} ref={ref} data-testid={testId} value={value}
      onChange={(e) => {
        const next = e.target.value
        setValue(next)
        try {
          write(next)
        } catch {
          // Refused (too long, or gone): show what the document holds.
          setValue(readText(map, field))
        }
      }}
    />
  )
}

function readText(map: Y.Map<unknown> | null, field: string): string {
  const v = map?.get(field)
  return v instanceof Y.Text ? v.toString() : typeof v === 'string' ? v : ''
}

/** Where a caret at `pos` (in the old text) ends up after a remote text delta. */
export function shift(pos: number, delta: { insert?: unknown; delete?: number; retain?: number }[]): number {
  let oldIndex = 0
  let result = pos
  for (const op of delta) {
    if (oldIndex > pos) break
    if (op.retain) {
      oldIndex += op.retain
    } else if (typeof op.insert === 'string') {
      // Text typed exactly at the caret goes after it (the local typist keeps their place).
      if (oldIndex < pos) result += op.insert.length
    } else if (op.delete) {
      result -= Math.min(op.delete, Math.max(0, pos - oldIndex))
      oldIndex += op.delete
    }
  }
  return Math.max(0, result)
}
