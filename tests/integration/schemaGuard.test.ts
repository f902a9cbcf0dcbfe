import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { addItem, listItems, parts } from '../../shared/doc.ts'
import { CloseCode } from '../../shared/closeCodes.ts'
import { validateDocument } from '../../shared/entities/index.ts'
import { SCHEMA_VERSION } from '../../shared/schema.ts'
import { api, closeOf, createCase, invite, rawSocket, stateOf, synced, useServer } from '../helpers/server.ts'
import { syncUpdateFrame } from '../helpers/fuzzFrames.ts'


const fixture = useServer()
const client = fixture.client.bind(fixture)
const resident = { name: 'Inwoner', org: '', role: 'resident' as const }


/** A change made on a replica of the case as `writer` sees it, as one update. */
function changeOn(base: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(base))
  const before = Y.encodeStateVector(doc)
  change(doc)
  const update = Y.encodeStateAsUpdate(doc, before)
  doc.destroy()
  return update
}

describe('the document schema, enforced on every write', () => {
  it('refuses a resident setting meta.schemaVersion; snapshots keep opening, comparing and restoring', async () => {
    const id = await createCase(fixture.server.url)
    const watcher = client(id)
    await synced(watcher)
    const token = await invite(fixture.server.url, id, 'resident')
    const bad = await rawSocket(fixture.server, id, token)
    const closed = closeOf(bad)
    bad.send(syncUpdateFrame(changeOn(watcher.doc, (d) => parts(d).meta.set('schemaVersion', 2))))
    expect((await closed).code).toBe(CloseCode.BadMessage)

    // Nobody saw it; the live case and every snapshot saved afterwards still work.
    addItem(watcher.doc, { kind: 'wish', text: 'Weer aan het werk', pos: { x: 0, y: 0 }, author: resident })
    const probe = client(id)
    await vi.waitFor(() => expect(listItems(probe.doc)).toHaveLength(1), { timeout: 20_000 })
    expect(parts(probe.doc).meta.get('schemaVersion')).toBe(SCHEMA_VERSION)
    const snap = await api(fixture.server.url, 'POST', `/api/cases/${id}/snapshots`, { body: { label: 'na de poging' } })
    expect(snap.status).toBe(201)
    const sid = snap.body.id as string
    for (const path of [`/snapshots/${sid}`, `/snapshots/${sid}/state`, `/diff?from=${sid}`]) {
      expect((await api(fixture.server.url, 'GET', `/api/cases/${id}${path}`)).status).toBe(200)
    }
    expect((await api(fixture.server.url, 'POST', `/api/cases/${id}/snapshots/${sid}/restore`)).status).toBe(200)
  })

  it('refuses an item outside its schema, stores and relays none of it, and keeps the case valid', async () => {
    const id = await createCase(fixture.server.url)
    const watcher = client(id)
    await synced(watcher)
    const before = await fixture.server.storage.docLog.count(id)
    const bad = await rawSocket(fixture.server, id, await invite(fixture.server.url, id, 'resident'))
    const closed = closeOf(bad)
    // An action whose status is no status, with a text longer than a card may hold.
    bad.send(syncUpdateFrame(changeOn(watcher.doc, (d) => {
      const itemId = addItem(d, { kind: 'action', text: 'kort', pos: { x: 0, y: 0 }, author: resident })
      const m = parts(d).items.get(itemId) as Y.Map<unknown>
      m.set('status', 'misschien')
      ;(m.get('text') as Y.Text).insert(0, 'x'.repeat(2_001))
    })))
    const { code, reason } = await closed
    expect(code).toBe(CloseCode.BadMessage)
    expect(reason).toMatch(/schema|too long|text/)

    // Not stored, not relayed; what is stored validates.
    const good = client(id)
    await synced(good)
    expect(listItems(good.doc)).toEqual([])
    expect(listItems(watcher.doc)).toEqual([])
    expect(await fixture.server.storage.docLog.count(id)).toBe(before)
    expect(validateDocument(good.doc)).toEqual([])
    expect(stateOf(good.doc).equals(stateOf(watcher.doc))).toBe(true)
  })

  it('refuses changing who made an item, or when', async () => {
    const id = await createCase(fixture.server.url)
    const writer = client(id)
    await synced(writer)
    const itemId = addItem(writer.doc, { kind: 'problem', text: 'Schulden', pos: { x: 0, y: 0 }, author: { name: 'Sanne', org: 'Wijkteam', role: 'professional' } })
    const probe = client(id)
    await vi.waitFor(() => expect(listItems(probe.doc)).toHaveLength(1), { timeout: 20_000 })
    for (const change of [
      (m: Y.Map<unknown>) => m.set('author', { name: 'Iemand anders', org: 'Wijkteam', role: 'professional' }),
      (m: Y.Map<unknown>) => m.set('createdAt', 0),
      (m: Y.Map<unknown>) => m.set('kind', 'strength'),
    ]) {
      const bad = await rawSocket(fixture.server, id, await invite(fixture.server.url, id, 'professional'))
      const closed = closeOf(bad)
      bad.send(syncUpdateFrame(changeOn(probe.doc, (d) => change(parts(d).items.get(itemId) as Y.Map<unknown>))))
      expect((await closed).code).toBe(CloseCode.BadMessage)
    }
    const after = client(id)
    await synced(after)
    expect(listItems(after.doc)[0]).toMatchObject({ kind: 'problem', author: { name: 'Sanne' } })
  })
})
