/**
 * The document log keeps every intact edit through a repair and through compaction when more than
 * one writer shares the storage (several instances on PostgreSQL; several processes on one SQLite
 * file in tests).
 */
import * as Y from 'yjs'
import { afterEach, describe, expect, it } from 'vitest'
import { addItem, listItems } from '../../shared/doc.ts'
import type { StoredLog } from '../../server/storage/docLog.ts'
import { openSqliteStorage, type SqliteStorage } from '../../server/storage/sqlite.ts'
import { createCase, startTestServer, tempDir, type TestServer } from '../helpers/server.ts'
import { storageWithCase } from '../helpers/db.ts'
import { onPostgres } from '../helpers/postgres.ts'

const author = { name: 'P', org: 'W&I', role: 'professional' } as const

function docOf(stored: StoredLog): Y.Doc {
  const doc = new Y.Doc()
  for (const blob of stored.state ? [stored.state, ...stored.updates] : stored.updates) Y.applyUpdate(doc, blob.data)
  return doc
}

/** A copy of `doc` with one more card; returns the copy and the update that added it. */
function withCard(doc: Y.Doc, text: string): { doc: Y.Doc; update: Uint8Array } {
  const copy = new Y.Doc()
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
  const before = Y.encodeStateVector(copy)
  addItem(copy, { kind: 'problem', text, pos: { x: 0, y: 0 }, author })
  return { doc: copy, update: Y.encodeStateAsUpdate(copy, before) }
}

const texts = (doc: Y.Doc) => listItems(doc).map((i) => i.text).sort()

describe('repairing a case after damage', () => {
  let server: TestServer | null = null
  afterEach(async () => {
    await server?.stop()
    server = null
  })

  it('keeps an edit another instance stored that the repairing room had not received yet', async () => {
    server = await startTestServer()
    const caseId = await createCase(server.url)
    const log = server.storage.docLog
    const stored = docOf(await log.load(caseId))
    // This room's document has its own card; meanwhile another instance stored a card this room
    // has not received through the relay yet.
    const here = withCard(stored, 'kaart van deze kamer')
    const there = withCard(stored, 'kaart van de andere instantie')
    await log.append(caseId, there.update, Date.now())
    // The room finds damage and writes its own document as the new state.
    await log.replace(caseId, Y.encodeStateAsUpdate(here.doc))

    const after = docOf(await log.load(caseId))
    expect(texts(after)).toEqual(['kaart van de andere instantie', 'kaart van deze kamer'])
    // Folded into the state: no log row left behind.
    expect(await log.count(caseId)).toBe(0)
  })
})

describe.skipIf(onPostgres)(`two processes on one SQLite file${onPostgres ? ' (skipped on PostgreSQL: shares an SQLite file)' : ''}`, () => {
  const open: SqliteStorage[] = []
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close()
  })

  it('lose no edit when both append and compact at the same time', async () => {
    const dir = tempDir()
    const first = await storageWithCase(dir)
    open.push(first.storage)
    const second = openSqliteStorage(dir)
    open.push(second)
    const { caseId } = first
    // A case with some content, so that folding it takes a moment.
    const base = first.doc
    for (let i = 0; i < 300; i++) addItem(base, { kind: 'problem', text: `bestaand ${i}`, pos: { x: 0, y: 0 }, author })
    await first.storage.docLog.append(caseId, Y.encodeStateAsUpdate(base), Date.now())
    // Each process stores its own cards one after another while both keep compacting.
    const cards = (who: string) => Array.from({ length: 60 }, (_, i) => withCard(base, `${who}${i}`).update)
    let writing = 2
    const write = async (storage: SqliteStorage, updates: Uint8Array[]) => {
      for (const u of updates) await storage.docLog.append(caseId, u, Date.now())
      writing--
    }
    const compactWhileWriting = async (storage: SqliteStorage) => {
      while (writing > 0) await storage.docLog.compact(caseId)
    }
    await Promise.all([write(first.storage, cards('a')), write(second, cards('b')), compactWhileWriting(first.storage), compactWhileWriting(second)])

    const after = docOf(await second.docLog.load(caseId))
    const written = listItems(base).map((i) => i.text)
    for (let i = 0; i < 60; i++) written.push(`a${i}`, `b${i}`)
    expect(texts(after)).toEqual(written.sort())
  }, 120_000)
})
