/**
 * Durable storage throughput: small updates per second through the document log's append
 * (resolves once committed; appends that arrive together share one transaction — group commit),
 * beside the reference of one committed transaction per update, made here with better-sqlite3
 * directly on the same disk with the server's settings (WAL, synchronous=FULL).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import * as Y from 'yjs'
import { openSqliteStorage } from '../../server/storage/sqlite.ts'
import { initCaseDoc } from '../../shared/doc.ts'

/** A typical small update (a card move is ~30–60 bytes, a typed character less). */
const UPDATE_BYTES = 120
const REFERENCE_UPDATES = 2_000
/** Appends offered all at once, spread over this many cases (as many rooms would). */
const CONCURRENT_UPDATES = 20_000
const CONCURRENT_CASES = 50
/** Appends one at a time, each awaited: the latency of one durable write. */
const SEQUENTIAL_UPDATES = 300

export interface StorageFigures {
  /** One committed transaction per update, better-sqlite3 directly. */
  perTransactionFull: number
  perTransactionNormal: number
  /** The document log, appends offered together (group commit). */
  docLogConcurrent: number
  /** The document log, one append awaited before the next. */
  docLogSequential: number
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'kt-bench-storage-'))
}

/** Updates/s with one committed INSERT per update. */
function perTransaction(synchronous: 'FULL' | 'NORMAL'): number {
  const dir = tempDir()
  const db = new Database(path.join(dir, 'reference.db'))
  db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${synchronous}`)
  db.exec('CREATE TABLE log (seq INTEGER PRIMARY KEY, case_id TEXT NOT NULL, data BLOB NOT NULL, at INTEGER NOT NULL)')
  const insert = db.prepare('INSERT INTO log (case_id, data, at) VALUES (?, ?, ?)')
  const update = Buffer.alloc(UPDATE_BYTES, 7)
  const t0 = performance.now()
  for (let i = 0; i < REFERENCE_UPDATES; i++) insert.run('C'.repeat(22), update, i)
  const elapsed = performance.now() - t0
  db.close()
  fs.rmSync(dir, { recursive: true, force: true })
  return REFERENCE_UPDATES / elapsed * 1000
}

async function docLog(): Promise<{ concurrent: number; sequential: number }> {
  const dir = tempDir()
  const storage = openSqliteStorage(dir)
  try {
    const doc = new Y.Doc()
    initCaseDoc(doc, 'integrale-intake', 0)
    const initial = Y.encodeStateAsUpdate(doc)
    const caseIds: string[] = []
    for (let i = 0; i < CONCURRENT_CASES; i++) {
      const id = `bench${String(i).padStart(17, '0')}`
      await storage.createCase({ id, title: 'bench', template: 'integrale-intake', createdAt: 0, updatedAt: 0 }, initial)
      caseIds.push(id)
    }
    const update = new Uint8Array(UPDATE_BYTES).fill(7)

    const t0 = performance.now()
    const all: Promise<void>[] = []
    for (let i = 0; i < CONCURRENT_UPDATES; i++) all.push(storage.docLog.append(caseIds[i % caseIds.length] as string, update, i))
    await Promise.all(all)
    const concurrent = CONCURRENT_UPDATES / (performance.now() - t0) * 1000

    const t1 = performance.now()
    for (let i = 0; i < SEQUENTIAL_UPDATES; i++) await storage.docLog.append(caseIds[0] as string, update, i)
    const sequential = SEQUENTIAL_UPDATES / (performance.now() - t1) * 1000
    return { concurrent, sequential }
  } finally {
    await storage.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

export async function storageThroughput(): Promise<StorageFigures> {
  const perTransactionFull = perTransaction('FULL')
  const perTransactionNormal = perTransaction('NORMAL')
  const d = await docLog()
  return { perTransactionFull, perTransactionNormal, docLogConcurrent: d.concurrent, docLogSequential: d.sequential }
}

export function printStorage(f: StorageFigures): void {
  const n = (v: number) => Math.round(v).toLocaleString('en').padStart(9)
  console.log(`\nDurable storage throughput, updates of ${UPDATE_BYTES} bytes (WAL, on ${os.tmpdir()}):`)
  console.log(`  document log append, ${CONCURRENT_UPDATES.toLocaleString('en')} offered together over ${CONCURRENT_CASES} cases (group commit): ${n(f.docLogConcurrent)} updates/s`)
  console.log(`  document log append, one awaited at a time (${SEQUENTIAL_UPDATES}):                  ${n(f.docLogSequential)} updates/s (${(1000 / f.docLogSequential).toFixed(1)} ms per durable write)`)
  console.log(`  reference: one committed transaction per update, synchronous=FULL:        ${n(f.perTransactionFull)} updates/s`)
  console.log(`  reference: one committed transaction per update, synchronous=NORMAL:      ${n(f.perTransactionNormal)} updates/s`)
  console.log(`  group commit / one transaction per update (FULL): ${(f.docLogConcurrent / f.perTransactionFull).toFixed(1)}×`)
}
