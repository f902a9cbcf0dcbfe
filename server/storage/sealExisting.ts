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

interface SealedColumn { name: string; blob?: true; sum?: string }
interface SealedTable { table: string; caseColumn: string; columns: SealedColumn[] }

/** The content columns, by table; `sum`: the checksum column over the stored bytes. */
const SEALED_TABLES: SealedTable[] = [
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

/** Seal every legacy case; returns how many were sealed. */
export function sealLegacyCases(db: Database.Database, keys: CaseKeys, checksum: (data: Uint8Array) => string): number {
  const legacy = db.prepare<[], { id: string; title: string }>('SELECT id, title FROM cases').all().filter((c) => !isSealedText(c.title))
  if (legacy.length === 0) return 0
  const tables = SEALED_TABLES.map((t) => {
    const cols = t.columns.flatMap((c) => (c.sum ? [c.name, c.sum] : [c.name]))
    return {
      ...t,
      select: db.prepare<[string], Row>(`SELECT rowid, ${cols.join(', ')} FROM ${t.table} WHERE ${t.caseColumn} = ?`),
      update: db.prepare(`UPDATE ${t.table} SET ${cols.map((c) => `${c} = ?`).join(', ')} WHERE rowid = ?`),
    }
  })
  const sealCase = db.transaction((caseId: string) => {
    for (const t of tables) {
      for (const row of t.select.all(caseId)) {
        const values: unknown[] = []
        for (const c of t.columns) {
          const v = row[c.name]
          if (c.blob) {
            const plain = v as Buffer
            const done = isSealedBlob(plain)
            const sealed = done ? plain : keys.sealBlob(caseId, `${t.table}.${c.name}`, plain)
            values.push(sealed)
            if (c.sum) {
              // A checksum that matched the plain bytes now covers the sealed ones; one that did
              // not (damage on disk) is kept, so the damage is still seen.
              const sum = row[c.sum] as string | null
              values.push(!done && sum !== null && sum === checksum(plain) ? checksum(sealed) : sum)
            }
          } else {
            values.push(typeof v === 'string' && !isSealedText(v) ? keys.sealText(caseId, `${t.table}.${c.name}`, v) : v)
          }
        }
        t.update.run(...values, row.rowid)
      }
    }
  })
  let sealed = 0
  for (const c of legacy) {
    keys.create(c.id)
    sealCase(c.id)
    sealed++
  }
  db.pragma('wal_checkpoint(TRUNCATE)')
  return sealed
}
