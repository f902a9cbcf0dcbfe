// @ts-check
/**
 * The document log's worker thread: the only code that writes case_updates and case_state.
 * Plain JavaScript so it runs as a worker both from source (tests) and from dist.
 *
 * Why a worker: a durable commit waits for fsync (0.5–3 ms, more under load). On the main thread
 * that wait stalls every case; here it stalls nobody, and updates that arrive while one commit is
 * running are written together in the next one (group commit).
 *
 * Messages in (from sqliteDocLog.ts), each with a numeric `id`; every one is answered in order
 * with { id, ok: true, value } or { id, ok: false, error: { code, message } }:
 *   append  { batch: [{ id, caseId, data, at }] }  queued; everything queued until the worker is
 *                                                  free commits in one transaction, which also
 *                                                  moves each case's `updated_at`
 *   load    { caseId }                          -> { state, updates, lastSeq } (each blob with `ok`:
 *                                                  false when its checksum does not match)
 *   compact { caseId }                          fold state + log into one state row (Yjs, with GC),
 *                                                  -> { bytes, rows } or error code 'damaged'
 *   replace { caseId, state }                   write a state the caller rebuilt from everything
 *                                                  appended so far; drop those log rows
 *   count   { caseId }                          -> number of log rows
 *   close                                       finish queued work, close the database
 */
import { parentPort, workerData } from 'node:worker_threads'
import { createHash } from 'node:crypto'
import Database from 'better-sqlite3'
import * as Y from 'yjs'

if (!parentPort) throw new Error('docLogWorker must run as a worker thread')
const port = parentPort

const db = new Database(workerData.file)
db.pragma('journal_mode = WAL')
db.pragma('synchronous = FULL')
db.pragma('foreign_keys = ON')
db.pragma('busy_timeout = 5000')
db.pragma('secure_delete = ON')

const stmts = {
  // Appends to an erased case are dropped instead of failing the whole batch.
  append: db.prepare('INSERT INTO case_updates (case_id, data, created_at, sum) SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM cases WHERE id = ?)'),
  getState: db.prepare('SELECT state, upto_seq, sum FROM case_state WHERE case_id = ?'),
  getUpdates: db.prepare('SELECT seq, data, sum FROM case_updates WHERE case_id = ? AND seq > ? ORDER BY seq'),
  upsertState: db.prepare('INSERT INTO case_state (case_id, state, upto_seq, sum) SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM cases WHERE id = ?) ON CONFLICT(case_id) DO UPDATE SET state = excluded.state, upto_seq = excluded.upto_seq, sum = excluded.sum'),
  deleteUpto: db.prepare('DELETE FROM case_updates WHERE case_id = ? AND seq <= ?'),
  count: db.prepare('SELECT COUNT(*) AS n FROM case_updates WHERE case_id = ?'),
  maxSeq: db.prepare('SELECT MAX(seq) AS m FROM case_updates WHERE case_id = ?'),
  touch: db.prepare('UPDATE cases SET updated_at = ? WHERE id = ? AND updated_at < ?'),
}

/** @param {Uint8Array} data */
function checksum(data) {
  return createHash('sha256').update(data).digest('base64url').slice(0, 22)
}

/** @param {string | null} sum @param {Uint8Array} data */
function intact(sum, data) {
  // Rows written before checksums existed carry none; they are checked by decoding.
  return sum === null || sum === checksum(data)
}

/** @type {{ id: number, caseId: string, data: Uint8Array, at: number }[]} */
let queue = []
/** @type {NodeJS.Timeout | null} */
let flushTimer = null

const commitBatch = db.transaction((/** @type {typeof queue} */ batch) => {
  /** @type {Map<string, number>} */
  const latest = new Map()
  for (const a of batch) {
    stmts.append.run(a.caseId, Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength), a.at, checksum(a.data), a.caseId)
    latest.set(a.caseId, Math.max(latest.get(a.caseId) ?? 0, a.at))
  }
  // The case list's "last changed", in the same commit (no write of its own).
  for (const [caseId, at] of latest) stmts.touch.run(at, caseId, at)
})

function flush() {
  if (flushTimer) clearTimeout(flushTimer)
  flushTimer = null
  if (queue.length === 0) return
  const batch = queue
  queue = []
  try {
    commitBatch(batch)
    port.postMessage({ batch: batch.map((a) => a.id), ok: true })
  } catch (err) {
    port.postMessage({ batch: batch.map((a) => a.id), ok: false, error: errorOf(err) })
  }
}

/** @param {unknown} err */
function errorOf(err) {
  const e = /** @type {{ code?: string, message?: string }} */ (err)
  return { code: e && e.code ? String(e.code) : 'ERROR', message: e && e.message ? String(e.message) : String(err) }
}

/** @param {string} caseId */
function load(caseId) {
  return db.transaction(() => {
    const st = /** @type {{ state: Buffer, upto_seq: number, sum: string | null } | undefined} */ (stmts.getState.get(caseId))
    const from = st ? st.upto_seq : 0
    const rows = /** @type {{ seq: number, data: Buffer, sum: string | null }[]} */ (stmts.getUpdates.all(caseId, from))
    return {
      state: st ? { data: new Uint8Array(st.state), ok: intact(st.sum, st.state) } : null,
      updates: rows.map((r) => ({ seq: r.seq, data: new Uint8Array(r.data), ok: intact(r.sum, r.data) })),
      lastSeq: rows.length ? rows[rows.length - 1].seq : from,
    }
  })()
}

/** @param {string} caseId */
function compact(caseId) {
  const stored = load(caseId)
  if (stored.updates.length === 0) return { bytes: stored.state ? stored.state.data.byteLength : 0, rows: 0 }
  const doc = new Y.Doc({ gc: true })
  try {
    if (stored.state) {
      if (!stored.state.ok) throw Object.assign(new Error('state checksum mismatch'), { code: 'damaged' })
      Y.applyUpdate(doc, stored.state.data)
    }
    for (const u of stored.updates) {
      if (!u.ok) throw Object.assign(new Error('update checksum mismatch'), { code: 'damaged' })
      Y.applyUpdate(doc, u.data)
    }
    // Something that cannot be integrated is never folded away: leave it to the room's repair.
    if (doc.store.pendingStructs || doc.store.pendingDs) throw Object.assign(new Error('log does not integrate'), { code: 'damaged' })
    const state = Y.encodeStateAsUpdate(doc)
    replace(caseId, state, stored.lastSeq)
    return { bytes: state.byteLength, rows: stored.updates.length }
  } catch (err) {
    const e = /** @type {{ code?: string }} */ (err)
    if (e && typeof e.code === 'string' && e.code.startsWith('SQLITE')) throw err
    throw Object.assign(new Error('stored data of this case is damaged'), { code: 'damaged' })
  } finally {
    doc.destroy()
  }
}

const replace = db.transaction((/** @type {string} */ caseId, /** @type {Uint8Array} */ state, /** @type {number} */ uptoSeq) => {
  const buf = Buffer.from(state.buffer, state.byteOffset, state.byteLength)
  stmts.upsertState.run(caseId, buf, uptoSeq, checksum(state), caseId)
  stmts.deleteUpto.run(caseId, uptoSeq)
})

port.on('message', (/** @type {any} */ msg) => {
  if (msg.op === 'append') {
    for (const a of msg.batch) queue.push(a)
    // The sender already gathered a few milliseconds of appends; what arrives while this commit
    // waits for its fsync goes into the next one.
    flushTimer ??= setTimeout(flush, 0)
    return
  }
  // Every other operation sees all appends queued before it (the log is read in order).
  flush()
  if (msg.op === 'close') {
    db.close()
    port.postMessage({ id: msg.id, ok: true, value: null })
    port.close()
    return
  }
  try {
    let value
    if (msg.op === 'load') value = load(msg.caseId)
    else if (msg.op === 'compact') value = compact(msg.caseId)
    else if (msg.op === 'replace') value = replace(msg.caseId, msg.state, /** @type {{ m: number | null }} */ (stmts.maxSeq.get(msg.caseId)).m ?? 0)
    else if (msg.op === 'count') value = /** @type {{ n: number }} */ (stmts.count.get(msg.caseId)).n
    else throw new Error(`unknown operation ${msg.op}`)
    port.postMessage({ id: msg.id, ok: true, value })
  } catch (err) {
    port.postMessage({ id: msg.id, ok: false, error: errorOf(err) })
  }
})
