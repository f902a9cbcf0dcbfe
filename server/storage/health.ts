/**
 * Whether storage is working right now, as /healthz reports it. Every write path reports its
 * failures and successes here; storage counts as failing while any source's last write failed.
 */
export interface HealthReport {
  ok: boolean
  /** Sources whose last write failed, with the error code (no content). */
  failing: { source: string; code: string; since: string }[]
  /** Document updates held in memory because they could not be stored yet. */
  unsavedUpdates: number
}

/** The source name under which the document log's failures are reported. */
export const DOC_LOG_SOURCE = 'document log'

export class StorageHealth {
  private failures = new Map<string, { code: string; since: number }>()
  /** Rooms report how many updates they hold unsaved. */
  private unsaved = new Map<string, number>()

  failed(source: string, err: unknown): boolean {
    const first = !this.failures.has(source)
    if (first) this.failures.set(source, { code: codeOf(err), since: Date.now() })
    return first
  }

  succeeded(source: string): boolean {
    return this.failures.delete(source)
  }

  setUnsaved(key: string, n: number): void {
    if (n > 0) this.unsaved.set(key, n)
    else this.unsaved.delete(key)
  }

  get ok(): boolean {
    return this.failures.size === 0
  }

  report(): HealthReport {
    let unsavedUpdates = 0
    for (const n of this.unsaved.values()) unsavedUpdates += n
    return {
      ok: this.ok,
      failing: [...this.failures].map(([source, f]) => ({ source, code: f.code, since: new Date(f.since).toISOString() })),
      unsavedUpdates,
    }
  }
}

/** SQLite (and later PostgreSQL) errors that mean "storage unavailable", not "bad request". */
export function isStorageFault(err: unknown): boolean {
  const code = codeOf(err)
  return /^SQLITE_(FULL|IOERR|BUSY|LOCKED|READONLY|CANTOPEN|CORRUPT|NOTADB|PROTOCOL|NOMEM)/.test(code) ||
    code === 'WORKER_STOPPED' || code === 'ENOSPC' || code === 'EIO'
}

export function codeOf(err: unknown): string {
  const c = (err as { code?: unknown } | null)?.code
  return typeof c === 'string' ? c : 'ERROR'
}
