/**
 * A worker thread that folds document logs (foldLog.js) for the PostgreSQL document log, so a
 * large case is never re-encoded on the server's event loop (the SQLite log folds in its own
 * worker, docLogWorker.js). Stateless: it gets plain bytes (already opened) and answers with the
 * state; it never sees a key.
 *
 *   { id, op: 'fold', stored: { state, updates } }  -> { id, ok: true, state } or { id, ok: false, code, message }
 *   { id, op: 'unseen', state, updates }            -> the same
 */
import { parentPort } from 'node:worker_threads'
import { foldLog, withUnseenRows } from './foldLog.js'

if (!parentPort) throw new Error('foldWorker must run as a worker thread')
const port = parentPort

port.on('message', (/** @type {any} */ msg) => {
  try {
    const state = msg.op === 'fold' ? foldLog(msg.stored) : withUnseenRows(msg.state, msg.updates)
    port.postMessage({ id: msg.id, ok: true, state })
  } catch (err) {
    const e = /** @type {{ code?: unknown, message?: unknown }} */ (err)
    port.postMessage({ id: msg.id, ok: false, code: typeof e?.code === 'string' ? e.code : 'ERROR', message: typeof e?.message === 'string' ? e.message : String(err) })
  }
})
