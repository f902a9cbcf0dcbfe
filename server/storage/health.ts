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

/** Network errors of a database connection (PostgreSQL unreachable, connection cut). */
const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'])

/**
 * SQLite and PostgreSQL errors that mean "storage unavailable", not "bad request". PostgreSQL's
 * SQLSTATE classes: 08 connection exception, 53 insufficient resources (disk full, out of
 * memory, too many connections), 57P admin/crash shutdown, 58 system error (I/O); and a pool or
 * connection that gave up (pg's own errors carry no code: 'PG_CONNECTION').
 */
export function isStorageFault(err: unknown): boolean {
  const code = codeOf(err)
  return /^SQLITE_(FULL|IOERR|BUSY|LOCKED|READONLY|CANTOPEN|CORRUPT|NOTADB|PROTOCOL|NOMEM)/.test(code) ||
    code === 'WORKER_STOPPED' || code === 'ENOSPC' || code === 'EIO' ||
    /^(08|53|57P|58)[0-9A-Z]{2,3}$/.test(code) || CONNECTION_ERRORS.has(code) || code === 'PG_CONNECTION'
}

/**
 * A write refused because the row exists already (unique key): two requests creating the same
 * thing at once (a user name, a team). The loser is told so (409), as when it had come second.
 */
export function isUniqueViolation(err: unknown): boolean {
  const code = codeOf(err)
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
}

export function codeOf(err: unknown): string {
  const c = (err as { code?: unknown } | null)?.code
  if (typeof c === 'string') return c
  // The pg client's own connection failures have no code, only a message.
  const m = (err as { message?: unknown } | null)?.message
  if (typeof m === 'string' && /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end)/.test(m)) return 'PG_CONNECTION'
  return 'ERROR'
}
