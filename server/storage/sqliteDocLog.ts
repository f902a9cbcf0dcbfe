/**
 * The SQLite document log: a thin asynchronous front for docLogWorker.js, which owns the
 * case_updates and case_state tables on its own connection. Requests and answers travel in
 * order over one message port; an append's promise resolves once its batch has committed.
 * The worker seals and opens the rows itself; it gets each case's key (caseKeys.ts) with the first
 * message about that case, and is told to forget it when the case is erased.
 */
import { Worker } from 'node:worker_threads'
import { fileURLToPath } from 'node:url'
import { StorageError, type CompactResult, type DocLog, type StoredLog } from './docLog.ts'
import type { CaseKeys } from './caseKeys.ts'

interface Pending {
  resolve(value: unknown): void
  reject(err: Error): void
}

type Answer =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { code: string; message: string } }
  | { batch: number[]; ok: true }
  | { batch: number[]; ok: false; error: { code: string; message: string } }

/**
 * How long the first of a group of appends waits for others before they cross to the worker and
 * commit together: the bound on how long a relayed update is held only in memory (plus one
 * fsync). At one fsync per update a busy server spends a core in the kernel on fsyncs alone.
 */
const APPEND_POST_WINDOW_MS = 50

const WORKER_FILE = fileURLToPath(new URL('./docLogWorker.js', import.meta.url))

export class SqliteDocLog implements DocLog {
  private worker: Worker
  private nextId = 1
  private pending = new Map<number, Pending>()
  private closed: Promise<void> | null = null
  private dead: Error | null = null
  /** Cases whose key the worker holds. */
  private keyed = new Set<string>()

  constructor(file: string, private readonly keys: CaseKeys) {
    this.worker = new Worker(WORKER_FILE, { workerData: { file } })
    this.worker.on('message', (a: Answer) => this.answer(a))
    // A worker that dies takes no request with it silently: everything waiting fails, and every
    // later request fails at once (the room keeps its updates in memory and retries).
    this.worker.on('error', (err) => this.fail(err))
    this.worker.on('exit', () => this.fail(new Error('document log worker stopped')))
  }

  load(caseId: string): Promise<StoredLog> {
    return this.request<StoredLog>({ op: 'load', caseId, key: this.keyToSend(caseId) })
  }

  /** Drop the case's key in the worker (its erasure); later messages about it carry none. */
  forget(caseId: string): void {
    this.keyed.delete(caseId)
    if (!this.dead) this.request<void>({ op: 'forget', caseId }).catch(() => { /* the worker stopped: its keys are gone too */ })
  }

  /** The case's key when the worker does not hold it yet (sent once; in memory on both sides). */
  private keyToSend(caseId: string): Buffer | undefined {
    if (this.keyed.has(caseId)) return undefined
    const key = this.keys.get(caseId)
    if (!key) return undefined
    this.keyed.add(caseId)
    return key
  }

  append(caseId: string, update: Uint8Array, at: number): Promise<void> {
    if (this.dead) return Promise.reject(new StorageError('WORKER_STOPPED', this.dead.message))
    // Appends cross to the worker together, at most APPEND_POST_WINDOW_MS after the first: posting
    // a message costs about as much as a small update's whole handling. The worker commits each
    // crossing in one transaction (group commit). Participants do not wait: updates are relayed
    // before they are stored (server/room.ts).
    const id = this.nextId++
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      this.appends.push({ id, caseId, data: update, at, key: this.keyToSend(caseId) })
      if (this.appends.length === 1) this.postTimer = setTimeout(this.postAppends, APPEND_POST_WINDOW_MS)
    })
  }

  private appends: { id: number; caseId: string; data: Uint8Array; at: number; key: Buffer | undefined }[] = []

  private postTimer: NodeJS.Timeout | null = null

  private postAppends = (): void => {
    if (this.postTimer) clearTimeout(this.postTimer)
    this.postTimer = null
    const batch = this.appends
    this.appends = []
    if (batch.length > 0 && !this.dead) this.worker.postMessage({ op: 'append', batch })
  }

  compact(caseId: string): Promise<CompactResult> {
    return this.request<CompactResult>({ op: 'compact', caseId, key: this.keyToSend(caseId) })
  }

  replace(caseId: string, state: Uint8Array): Promise<void> {
    return this.request<void>({ op: 'replace', caseId, state, key: this.keyToSend(caseId) })
  }

  count(caseId: string): Promise<number> {
    return this.request<number>({ op: 'count', caseId })
  }

  close(): Promise<void> {
    this.closed ??= this.dead ? Promise.resolve() : this.request<void>({ op: 'close' }).then(
      () => this.worker.terminate().then(() => undefined),
      () => this.worker.terminate().then(() => undefined),
    )
    return this.closed
  }

  private request<T>(msg: Record<string, unknown>): Promise<T> {
    if (this.dead) return Promise.reject(new StorageError('WORKER_STOPPED', this.dead.message))
    // Keep the order: appends made before this request reach the worker first.
    this.postAppends()
    const id = this.nextId++
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      this.worker.postMessage({ ...msg, id })
    })
  }

  private answer(a: Answer): void {
    const ids = 'batch' in a ? a.batch : [a.id]
    for (const id of ids) {
      const p = this.pending.get(id)
      if (!p) continue
      this.pending.delete(id)
      if (a.ok) p.resolve('value' in a ? a.value : undefined)
      else p.reject(new StorageError(a.error.code, a.error.message))
    }
  }

  private fail(err: Error): void {
    this.dead ??= err
    for (const p of this.pending.values()) p.reject(new StorageError('WORKER_STOPPED', err.message))
    this.pending.clear()
  }
}
