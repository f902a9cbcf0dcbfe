/**
 * Existing installs: cases stored before encryption at rest get a key and their rows are sealed
 * in place at start (caseKeys.ts) — one transaction per case, so a crash leaves each case either
 * untouched or fully sealed; running it again only seals what is still plain (idempotent). A case
 * is legacy while its title is plain text: sealing the title is the last write of its transaction.
 * Afterwards a WAL checkpoint moves the sealed pages into the database file.
 *
 * The list below is every column that holds case content; audit rows hold none.
 */
import type Database from 'better-sqlite3'
import type { CaseKeys } from './caseKeys.ts'
import { isSealedBlob, isSealedText } from './sealFormat.js'

export interface SealedColumn { name: string; blob?: true; sum?: string }
export interface SealedTable { table: string; caseColumn: string; columns: SealedColumn[] }

/** The content columns, by table; `sum`: the checksum column over the stored bytes. */
export const SEALED_TABLES: readonly SealedTable[] = [
  { table: 'case_state', caseColumn: 'case_id', columns: [{ name: 'state', blob: true, sum: 'sum' }] },
  { table: 'case_updates', caseColumn: 'case_id', columns: [{ name: 'data', blob: true, sum: 'sum' }] },
  {
    table: 'snapshots', caseColumn: 'case_id',
    columns: [{ name: 'state', blob: true }, { name: 'plan' }, { name: 'summary' }, { name: 'label' }, { name: 'saved_by' }],
  },
  { table: 'meetings', caseColumn: 'case_id', columns: [{ name: 'started_by' }, { name: 'ended_by' }, { name: 'participants' }, { name: 'note' }] },
  // Last: a sealed title marks the case done.
  { table: 'cases', caseColumn: 'id', columns: [{ name: 'title' }] },
]

type Row = Record<string, unknown> & { rowid: number }

/** How each stored value of a case becomes the value to store (sealing it, or — in tests — opening it). */
export interface ValueRewrite {
  blob(column: string, stored: Buffer): Buffer
  text(column: string, stored: string): string
}

/**
 * A function that rewrites every content value of one case (call it inside a transaction). A
 * checksum that matched the old bytes covers the new ones; one that did not (damage on disk) is
 * kept, so the damage is still seen; none stays none.
 */
export function caseRewriter(db: Database.Database, checksum: (data: Uint8Array) => string): (caseId: string, rw: ValueRewrite) => void {
  const tables = SEALED_TABLES.map((t) => {
    const cols = t.columns.flatMap((c) => (c.sum ? [c.name, c.sum] : [c.name]))
    return {
      ...t,
      select: db.prepare<[string], Row>(`SELECT rowid, ${cols.join(', ')} FROM ${t.table} WHERE ${t.caseColumn} = ?`),
      update: db.prepare(`UPDATE ${t.table} SET ${cols.map((c) => `${c} = ?`).join(', ')} WHERE rowid = ?`),
    }
  })
  return (caseId, rw) => {
    for (const t of tables) {
      for (const row of t.select.all(caseId)) {
        const values = t.columns.flatMap((c) => {
          const v = row[c.name]
          const column = `${t.table}.${c.name}`
          if (!c.blob) return [typeof v === 'string' ? rw.text(column, v) : v]
          const after = rw.blob(column, v as Buffer)
          if (!c.sum) return [after]
          const sum = row[c.sum] as string | null
          return [after, sum !== null && sum === checksum(v as Buffer) ? checksum(after) : sum]
        })
        t.update.run(...values, row.rowid)
      }
    }
  }
}

/** Seal every legacy case; returns how many were sealed. */
export function sealLegacyCases(db: Database.Database, keys: CaseKeys, checksum: (data: Uint8Array) => string): number {
  const legacy = db.prepare<[], { id: string; title: string }>('SELECT id, title FROM cases').all().filter((c) => !isSealedText(c.title))
  if (legacy.length === 0) return 0
  const rewrite = caseRewriter(db, checksum)
  const sealCase = db.transaction((caseId: string) => rewrite(caseId, {
    blob: (column, v) => (isSealedBlob(v) ? v : keys.sealBlob(caseId, column, v)),
    text: (column, v) => (isSealedText(v) ? v : keys.sealText(caseId, column, v)),
  }))
  for (const c of legacy) {
    keys.create(c.id)
    sealCase(c.id)
  }
  db.pragma('wal_checkpoint(TRUNCATE)')
  return legacy.length
}
