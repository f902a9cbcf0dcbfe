/** Re-render when the document changes (for the few views that read the doc directly). */
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
