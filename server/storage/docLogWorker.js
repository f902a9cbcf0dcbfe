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
 *   replace { caseId, state }                   write a state the caller rebuilt after damage, with
 *                                                  the intact log rows folded in; drop those rows
 *   count   { caseId }                          -> number of log rows
 *   forget  { caseId }                          drop the case's key (its erasure)
 *   close                                       finish queued work, close the database
 *
 * Content is sealed with the case's own key (sealFormat.js, caseKeys.ts): the main thread sends a
 * case's key along with the first message about it (`key` on an append entry or a request); rows
 * are sealed here before they are written and opened here when read, and the checksum `sum` is
 * over the stored (sealed) bytes. Without a key nothing of the case is written in plain text: its
 * appends are dropped (the case was erased, or its key is lost) and its sealed rows read as damaged.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { createHash } from 'node:crypto'
import Database from 'better-sqlite3'
import { aadOf, isSealedBlob, openBlob, sealBlob } from './sealFormat.js'
import { foldLog, withUnseenRows } from './foldLog.js'

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
  touch: db.prepare('UPDATE cases SET updated_at = ? WHERE id = ? AND updated_at < ?'),
}

/** Data keys of the cases this worker has been told about. @type {Map<string, Buffer>} */
const keys = new Map()

const UPDATE_COLUMN = 'case_updates.data'
const STATE_COLUMN = 'case_state.state'

/** @param {string} caseId @param {Uint8Array | null | undefined} key */
function learnKey(caseId, key) {
  if (key) keys.set(caseId, Buffer.from(key))
}

/** @param {string} caseId */
function forgetKey(caseId) {
  const key = keys.get(caseId)
  if (key) key.fill(0)
  keys.delete(caseId)
}

/** The bytes to store for a case's column; null without its key (nothing is stored in plain text). @param {string} caseId @param {string} column @param {Uint8Array} plain */
function seal(caseId, column, plain) {
  const key = keys.get(caseId)
  return key ? sealBlob(key, aadOf(caseId, column), plain) : null
}

/**
 * A stored blob as read: intact (checksum over the stored bytes) and opened with the case's key;
 * legacy plaintext as is. @param {string} caseId @param {string} column @param {Buffer} stored @param {string | null} sum
 */
function unseal(caseId, column, stored, sum) {
  if (!intact(sum, stored)) return { data: new Uint8Array(stored), ok: false }
  if (!isSealedBlob(stored)) return { data: new Uint8Array(stored), ok: true }
  const key = keys.get(caseId)
  if (!key) return { data: new Uint8Array(stored), ok: false }
  try {
    return { data: new Uint8Array(openBlob(key, aadOf(caseId, column), stored)), ok: true }
  } catch {
    return { data: new Uint8Array(stored), ok: false }
  }
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

/** @type {{ id: number, caseId: string, data: Uint8Array, at: number, key?: Uint8Array }[]} */
let queue = []
/** @type {NodeJS.Timeout | null} */
let flushTimer = null

const commitBatch = db.transaction((/** @type {typeof queue} */ batch) => {
  /** @type {Map<string, number>} */
  const latest = new Map()
  for (const a of batch) {
    const stored = seal(a.caseId, UPDATE_COLUMN, a.data)
    if (!stored) continue
    stmts.append.run(a.caseId, stored, a.at, checksum(stored), a.caseId)
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
      state: st ? unseal(caseId, STATE_COLUMN, st.state, st.sum) : null,
      updates: rows.map((r) => ({ seq: r.seq, ...unseal(caseId, UPDATE_COLUMN, r.data, r.sum) })),
      lastSeq: rows.length ? rows[rows.length - 1].seq : from,
    }
  })()
}

/**
 * Fold state + log into one state row. Read, fold and write are one write transaction (BEGIN
 * IMMEDIATE): a second process on the same file (only ever tests) cannot append or compact in
 * between, so no row is deleted that the written state does not hold.
 */
const compactTx = db.transaction((/** @type {string} */ caseId) => {
  const stored = load(caseId)
  if (stored.updates.length === 0) return { bytes: stored.state ? stored.state.data.byteLength : 0, rows: 0 }
  const state = foldLog(stored)
  writeState(caseId, state, stored.lastSeq)
  return { bytes: state.byteLength, rows: stored.updates.length }
})

/**
 * Write a state the room rebuilt after damage, with the intact rows stored after the current state
 * folded in (foldLog.js: rows appended by another process moments ago are kept), and drop those rows.
 */
const replaceTx = db.transaction((/** @type {string} */ caseId, /** @type {Uint8Array} */ rebuilt) => {
  const stored = load(caseId)
  writeState(caseId, withUnseenRows(rebuilt, stored.updates), stored.lastSeq)
})

/**
 * @param {string} caseId
 * @param {Uint8Array} state
 * @param {number} uptoSeq
 */
function writeState(caseId, state, uptoSeq) {
  const stored = seal(caseId, STATE_COLUMN, state)
  if (!stored) throw Object.assign(new Error('the key of this case is missing'), { code: 'NO_KEY' })
  stmts.upsertState.run(caseId, stored, uptoSeq, checksum(stored), caseId)
  stmts.deleteUpto.run(caseId, uptoSeq)
}

port.on('message', (/** @type {any} */ msg) => {
  if (msg.op === 'append') {
    for (const a of msg.batch) {
      learnKey(a.caseId, a.key)
      queue.push(a)
    }
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
  learnKey(msg.caseId, msg.key)
  try {
    let value
    if (msg.op === 'forget') value = forgetKey(msg.caseId)
    else if (msg.op === 'load') value = load(msg.caseId)
    else if (msg.op === 'compact') value = compactTx.immediate(msg.caseId)
    else if (msg.op === 'replace') value = replaceTx.immediate(msg.caseId, msg.state)
    else if (msg.op === 'count') value = /** @type {{ n: number }} */ (stmts.count.get(msg.caseId)).n
    else throw new Error(`unknown operation ${msg.op}`)
    port.postMessage({ id: msg.id, ok: true, value })
  } catch (err) {
    port.postMessage({ id: msg.id, ok: false, error: errorOf(err) })
  }
})
