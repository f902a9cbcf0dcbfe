/**
 * The document log on PostgreSQL (case_updates, case_state), with group commit: appends that
 * arrive within APPEND_WINDOW_MS of the first go into one transaction (one round trip, one WAL
 * flush). Rows are sealed with the case's key (caseKeys.ts) and carry the checksum of the stored
 * bytes, as on SQLite (docLogWorker.js).
 *
 * Several instances may append to one case at once. `seq` is a bigserial, so a row can commit
 * after one with a higher seq; compaction (fold state + log, delete the rows folded) and replace
 * therefore take the case's advisory lock exclusively, and appends take it shared: a compaction
 * waits for appends under way and sees them, and later appends wait for it.
 */
import { StorageError, type CompactResult, type DocLog, type StoredBlob, type StoredLog } from '../docLog.ts'
import type { CaseKeys } from '../caseKeys.ts'
import { blobChecksum } from '../caseContent.ts'
import { isSealedBlob } from '../sealFormat.js'
import { FoldThread } from '../foldThread.ts'
import { codeOf } from '../health.ts'
import { inTransaction, type Pool, type Queryable } from './pool.ts'

/** How long the first of a group of appends waits for others (the same bound as on SQLite). */
const APPEND_WINDOW_MS = 50
/** The advisory-lock class of case document logs (the case id's hash is the object). */
const LOG_LOCK_CLASS = 0x4b54

const UPDATE_COLUMN = 'case_updates.data'
const STATE_COLUMN = 'case_state.state'

interface Append { caseId: string; data: Uint8Array; at: number; resolve(): void; reject(err: Error): void }

export class PgDocLog implements DocLog {
  private queue: Append[] = []
  private timer: NodeJS.Timeout | null = null
  /** Commits run one after another, in the order the appends arrived. */
  private chain: Promise<void> = Promise.resolve()
  private closed = false
  /** Folding runs in a worker thread: a large case is never re-encoded on the event loop. */
  private folds = new FoldThread()

  constructor(private pool: Pool, private keys: CaseKeys) {}

  append(caseId: string, update: Uint8Array, at: number): Promise<void> {
    if (this.closed) return Promise.reject(new StorageError('CLOSED', 'the document log is closed'))
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ caseId, data: update, at, resolve, reject })
      if (this.queue.length === 1) this.timer = setTimeout(() => void this.flush(), APPEND_WINDOW_MS)
    })
  }

  /** Commit what is queued (after the commits before it); resolves when all of it is done. */
  private flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const batch = this.queue
    this.queue = []
    if (batch.length > 0) this.chain = this.chain.then(() => this.commit(batch))
    return this.chain
  }

  private async commit(batch: Append[]): Promise<void> {
    try {
      await inTransaction(this.pool, async (c) => {
        const rows = batch.flatMap((a) => {
          const stored = this.seal(a.caseId, UPDATE_COLUMN, a.data)
          // Without its key nothing of a case is written in plain text: it was erased.
          return stored ? [{ caseId: a.caseId, stored, at: a.at }] : []
        })
        if (rows.length === 0) return
        const cases = [...new Set(rows.map((r) => r.caseId))].sort()
        await c.query(`SELECT pg_advisory_xact_lock_shared(${LOG_LOCK_CLASS}, hashtext(id)) FROM unnest($1::text[]) AS id ORDER BY id`, [cases])
        await c.query(`INSERT INTO case_updates (case_id, data, created_at, sum)
          SELECT u.case_id, u.data, u.at, u.sum FROM unnest($1::text[], $2::bytea[], $3::bigint[], $4::text[]) WITH ORDINALITY AS u(case_id, data, at, sum, n)
          WHERE EXISTS (SELECT 1 FROM cases WHERE id = u.case_id) ORDER BY u.n`,
        [rows.map((r) => r.caseId), rows.map((r) => r.stored), rows.map((r) => r.at), rows.map((r) => blobChecksum(r.stored))])
        // The case list's "last changed", in the same commit.
        await c.query(`UPDATE cases SET updated_at = v.at FROM (SELECT id, max(at) AS at FROM unnest($1::text[], $2::bigint[]) AS u(id, at) GROUP BY id) v
          WHERE cases.id = v.id AND cases.updated_at < v.at`, [rows.map((r) => r.caseId), rows.map((r) => r.at)])
      })
      for (const a of batch) a.resolve()
    } catch (err) {
      const e = storageError(err)
      for (const a of batch) a.reject(e)
    }
  }

  async load(caseId: string): Promise<StoredLog> {
    await this.flush()
    try {
      return await inTransaction(this.pool, (c) => this.read(c, caseId), 'REPEATABLE READ')
    } catch (err) {
      throw storageError(err)
    }
  }

  private async read(c: Queryable, caseId: string): Promise<StoredLog> {
    const st = (await c.query<{ state: Buffer; upto_seq: number; sum: string | null }>('SELECT state, upto_seq, sum FROM case_state WHERE case_id = $1', [caseId])).rows[0]
    const from = st ? st.upto_seq : 0
    const rows = (await c.query<{ seq: number; data: Buffer; sum: string | null }>('SELECT seq, data, sum FROM case_updates WHERE case_id = $1 AND seq > $2 ORDER BY seq', [caseId, from])).rows
    return {
      state: st ? this.unseal(caseId, STATE_COLUMN, st.state, st.sum) : null,
      updates: rows.map((r) => ({ seq: r.seq, ...this.unseal(caseId, UPDATE_COLUMN, r.data, r.sum) })),
      lastSeq: rows.length ? (rows[rows.length - 1] as { seq: number }).seq : from,
    }
  }

  async compact(caseId: string): Promise<CompactResult> {
    await this.flush()
    try {
      return await this.exclusive(caseId, async (c) => {
        const stored = await this.read(c, caseId)
        if (stored.updates.length === 0) return { bytes: stored.state ? stored.state.data.byteLength : 0, rows: 0 }
        const state = await this.folds.fold(stored)
        await this.write(c, caseId, state, stored.lastSeq)
        return { bytes: state.byteLength, rows: stored.updates.length }
      })
    } catch (err) {
      throw storageError(err)
    }
  }

  /**
   * The rebuilt state with the intact rows stored after the current state folded in: rows another
   * instance appended that this room has not received yet are kept (foldLog.js).
   */
  async replace(caseId: string, rebuilt: Uint8Array): Promise<void> {
    await this.flush()
    try {
      await this.exclusive(caseId, async (c) => {
        const stored = await this.read(c, caseId)
        await this.write(c, caseId, await this.folds.withUnseenRows(rebuilt, stored.updates), stored.lastSeq)
      })
    } catch (err) {
      throw storageError(err)
    }
  }

  async count(caseId: string): Promise<number> {
    await this.flush()
    try {
      return Number((await this.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM case_updates WHERE case_id = $1', [caseId])).rows[0]?.n ?? 0)
    } catch (err) {
      throw storageError(err)
    }
  }

  async close(): Promise<void> {
    this.closed = true
    await this.flush()
    await this.folds.close()
  }

  /** Run `fn` in a transaction that holds the case's log lock exclusively (no append commits meanwhile). */
  private exclusive<T>(caseId: string, fn: (c: Queryable) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, async (c) => {
      await c.query(`SELECT pg_advisory_xact_lock(${LOG_LOCK_CLASS}, hashtext($1))`, [caseId])
      return fn(c)
    })
  }

  /** The state row covering every update up to `uptoSeq`, and those rows gone. */
  private async write(c: Queryable, caseId: string, state: Uint8Array, uptoSeq: number): Promise<void> {
    const stored = this.seal(caseId, STATE_COLUMN, state)
    if (!stored) throw new StorageError('NO_KEY', 'the key of this case is missing')
    await c.query(`INSERT INTO case_state (case_id, state, upto_seq, sum) SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM cases WHERE id = $1)
      ON CONFLICT (case_id) DO UPDATE SET state = excluded.state, upto_seq = excluded.upto_seq, sum = excluded.sum`, [caseId, stored, uptoSeq, blobChecksum(stored)])
    await c.query('DELETE FROM case_updates WHERE case_id = $1 AND seq <= $2', [caseId, uptoSeq])
  }

  private seal(caseId: string, column: string, plain: Uint8Array): Buffer | null {
    return this.keys.get(caseId) ? this.keys.sealBlob(caseId, column, plain) : null
  }

  /** A stored blob as read: intact (checksum over the stored bytes) and opened; legacy plaintext as is. */
  private unseal(caseId: string, column: string, stored: Buffer, sum: string | null): StoredBlob {
    const bytes = new Uint8Array(stored)
    if (sum !== null && sum !== blobChecksum(bytes)) return { data: bytes, ok: false }
    if (!isSealedBlob(bytes)) return { data: bytes, ok: true }
    try {
      return { data: this.keys.openBlob(caseId, column, bytes), ok: true }
    } catch {
      return { data: bytes, ok: false }
    }
  }
}

/** A database error as the rooms and health see it: a StorageError with the engine's code. */
export function storageError(err: unknown): Error {
  if (err instanceof StorageError) return err
  const message = (err as { message?: unknown } | null)?.message
  return new StorageError(codeOf(err), typeof message === 'string' ? message : String(err))
}
