/**
 * The PostgreSQL document log's folding, off the event loop: one worker thread (foldWorker.js),
 * started on first use and started again after it fails. Errors come back as StorageErrors with
 * the fold's code ('damaged' for data that cannot be folded).
 */
import { Worker } from 'node:worker_threads'
import { fileURLToPath } from 'node:url'
import { StorageError } from './docLog.ts'
import type { FoldBlob } from './foldLog.js'

const WORKER_FILE = fileURLToPath(new URL('./foldWorker.js', import.meta.url))

type Answer = { id: number; ok: true; state: Uint8Array } | { id: number; ok: false; code: string; message: string }
interface Pending { resolve(state: Uint8Array): void; reject(err: Error): void }

/** Just the bytes and their integrity flag cross to the worker (not sequence numbers). */
const blobsOnly = (updates: FoldBlob[]): FoldBlob[] => updates.map(({ data, ok }) => ({ data, ok }))

export class FoldThread {
  private worker: Worker | null = null
  private nextId = 1
  private pending = new Map<number, Pending>()

  /** State + the updates after it, folded into one state (foldLog). */
  fold(stored: { state: FoldBlob | null; updates: FoldBlob[] }): Promise<Uint8Array> {
    return this.request({ op: 'fold', stored: { state: stored.state, updates: blobsOnly(stored.updates) } })
  }

  /** A rebuilt state with the intact rows it may not hold folded in (withUnseenRows). */
  withUnseenRows(state: Uint8Array, updates: FoldBlob[]): Promise<Uint8Array> {
    return this.request({ op: 'unseen', state, updates: blobsOnly(updates) })
  }

  async close(): Promise<void> {
    const w = this.worker
    this.worker = null
    if (w) await w.terminate()
  }

  private request(msg: object): Promise<Uint8Array> {
    const id = this.nextId++
    return new Promise<Uint8Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.start().postMessage({ id, ...msg })
    })
  }

  private start(): Worker {
    if (this.worker) return this.worker
    const w = new Worker(WORKER_FILE)
    // Idle, it keeps no process alive; a request in flight is awaited by its caller anyway.
    w.unref()
    w.on('message', (a: Answer) => {
      const p = this.pending.get(a.id)
      if (!p) return
      this.pending.delete(a.id)
      if (a.ok) p.resolve(a.state)
      else p.reject(new StorageError(a.code, a.message))
    })
    const fail = (err: Error) => {
      if (this.worker !== w) return
      this.worker = null
      for (const p of this.pending.values()) p.reject(new StorageError('WORKER_STOPPED', err.message))
      this.pending.clear()
    }
    w.on('error', fail)
    w.on('exit', () => fail(new Error('the folding worker stopped')))
    this.worker = w
    return w
  }
}
