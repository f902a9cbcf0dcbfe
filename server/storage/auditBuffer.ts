/**
 * The audit entries waiting to be written, for both backends: `audit()` never throws and never
 * waits. Entries of one turn of the event loop are written together right after it (one
 * transaction, one fsync); when the database cannot take them they stay here, in order, for the
 * next retry. Past MAX_AUDIT_BACKLOG the oldest are dropped, and an `audit.dropped.<n>` row says
 * so when writing works again.
 */
import type { AuditEntry } from './storage.ts'

/** Audit entries kept in memory while the database cannot take them. */
export const MAX_AUDIT_BACKLOG = 10_000

export class AuditBuffer {
  private backlog: AuditEntry[] = []
  private dropped = 0
  private scheduled = false

  /** `flush` writes what `take()` gives; it is called after the turn in which entries arrived. */
  constructor(private readonly flush: () => void) {}

  push(e: AuditEntry): void {
    if (this.backlog.length >= MAX_AUDIT_BACKLOG) {
      this.backlog.shift()
      this.dropped++
    }
    this.backlog.push(e)
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      this.flush()
    })
  }

  /** Everything waiting, oldest first, with a row for the entries dropped meanwhile; the buffer is then empty. */
  take(): AuditEntry[] {
    const rows = this.backlog
    if (this.dropped > 0) rows.push({ at: Date.now(), actor: 'server', role: 'anonymous', action: `audit.dropped.${this.dropped}`, caseId: null, ground: 'security' })
    this.backlog = []
    this.dropped = 0
    return rows
  }

  /** A batch that could not be written goes back before anything logged since. */
  putBack(rows: AuditEntry[]): void {
    this.backlog = [...rows, ...this.backlog].slice(-MAX_AUDIT_BACKLOG)
  }

  get size(): number {
    return this.backlog.length
  }
}
