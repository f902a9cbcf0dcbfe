/** Small numeric helpers for the bench: percentiles of a sample and fixed-width formatting. */

export interface Distribution {
  count: number
  p50: number
  p95: number
  p99: number
  max: number
}

/** Nearest-rank percentiles of `samples` (milliseconds); all zeros for an empty sample. */
export function distribution(samples: number[]): Distribution {
  if (samples.length === 0) return { count: 0, p50: 0, p95: 0, p99: 0, max: 0 }
  const sorted = Float64Array.from(samples).sort()
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1] as number }
}

export function ms(v: number): string {
  return v >= 100 ? `${v.toFixed(0)} ms` : `${v.toFixed(1)} ms`
}

export function ratio(ours: number, reference: number): string {
  if (reference <= 0) return ours <= 0 ? '—' : '∞'
  return `${(ours / reference).toFixed(2)}×`
}

/** One row of a table, columns padded to the given widths (first column left, the rest right). */
export function row(cells: string[], widths: number[]): string {
  return '  ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')
}
