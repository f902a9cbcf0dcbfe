/**
 * Performance marks the browser benchmark reads (tests/bench/browserBench.ts): when the case's
 * document first arrived, and when the board first became editable (canvas there, cards placed,
 * the add buttons live). Standard User Timing marks — no globals, nothing sent anywhere. Each is
 * set once per page load.
 */
export const MARK_DOC_ARRIVED = 'kt-doc-arrived'
export const MARK_EDITABLE = 'kt-editable'

export function markOnce(name: string): void {
  if (typeof performance === 'undefined' || typeof performance.mark !== 'function') return
  if (performance.getEntriesByName(name, 'mark').length > 0) return
  performance.mark(name)
}
