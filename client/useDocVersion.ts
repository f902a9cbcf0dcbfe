/**
 * Re-render when the case document changes: a counter that moves on every transaction (local or
 * remote), for the views that read the doc directly (the plan view, the board's bar, toolbar and
 * inspector). The plan view's text fields keep their own state (BoundText), so a re-render of the
 * list around them never touches the caret.
 */
import { useEffect, useState } from 'react'
import type * as Y from 'yjs'

export function useDocVersion(doc: Y.Doc): number {
  const [v, setV] = useState(0)
  useEffect(() => {
    const on = () => setV((n) => n + 1)
    doc.on('afterTransaction', on)
    return () => doc.off('afterTransaction', on)
  }, [doc])
  return v
}
