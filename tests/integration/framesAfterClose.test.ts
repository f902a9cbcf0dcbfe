/**
 * Once the server closes a connection for what it sent, nothing more from that connection
 * counts: frames already on the wire behind the bad one are neither applied, relayed nor stored.
 */
import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import { addItem, listItems } from '../../shared/doc.ts'
import { CloseCode } from '../../shared/closeCodes.ts'
import { MessageType } from '../../shared/protocol.ts'
import { closeOf, createCase, rawSocket, synced, TEST_ORG_KEY, useServer } from '../helpers/server.ts'
import { storedCaseDoc } from '../helpers/postgres.ts'

const fixture = useServer()
const author = { name: 'P', org: 'Sociaal wijkteam', role: 'professional' as const }
const FOLLOWING_UPDATES = 8

/** A y-websocket sync 'update' frame. */
function updateFrame(update: Uint8Array): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, MessageType.sync)
  syncProtocol.writeUpdate(enc, update)
  return encoding.toUint8Array(enc)
}

/** Valid updates, each adding one card, from a client of its own. */
function cardUpdates(n: number, prefix: string): Uint8Array[] {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  for (let i = 0; i < n; i++) addItem(doc, { kind: 'problem', text: `${prefix} ${i}`, pos: { x: i, y: 0 }, author })
  doc.destroy()
  return updates
}

describe('frames after the server closed a connection', () => {
  it('are not applied, relayed or stored: none of 8 valid updates sent right behind a bad frame', async () => {
    const s = fixture.server
    const id = await createCase(s.url)
    const observer = fixture.client(id)
    await synced(observer)
    // The updates are valid on their own: the same kind, sent on a connection of their own, are taken.
    const control = await rawSocket(s, id, TEST_ORG_KEY)
    control.send(updateFrame(cardUpdates(1, 'controle')[0]!))
    await vi.waitFor(() => expect(listItems(observer.doc).map((i) => i.text)).toEqual(['controle 0']), { timeout: 20_000 })
    control.close()

    const ws = await rawSocket(s, id, TEST_ORG_KEY)
    const closed = closeOf(ws)
    ws.send(Uint8Array.of(99)) // no such message type
    for (const u of cardUpdates(FOLLOWING_UPDATES, 'na sluiten')) ws.send(updateFrame(u))
    expect((await closed).code).toBe(CloseCode.BadMessage)

    // Whatever the server did with those frames is done before it handles a later one: a marker
    // from another participant that reaches the observer comes after all of them.
    const writer = fixture.client(id)
    await synced(writer)
    addItem(writer.doc, { kind: 'wish', text: 'markering', pos: { x: 0, y: 0 }, author })
    await vi.waitFor(() => expect(listItems(observer.doc).map((i) => i.text)).toContain('markering'), { timeout: 20_000 })
    const relayed = listItems(observer.doc).filter((i) => i.text.startsWith('na sluiten')).length
    const room = await s.rooms.peek(id)
    const applied = listItems(room!.doc).filter((i) => i.text.startsWith('na sluiten')).length
    await room!.whenSaved()
    const onDisk = await storedCaseDoc(s, id)
    const stored = listItems(onDisk).filter((i) => i.text.startsWith('na sluiten')).length
    expect(listItems(onDisk).map((i) => i.text)).toContain('markering')
    onDisk.destroy()
    console.log(`of ${FOLLOWING_UPDATES} updates after the bad frame: ${applied} applied, ${relayed} relayed, ${stored} stored`)
    expect({ applied, relayed, stored }).toEqual({ applied: 0, relayed: 0, stored: 0 })
  })
})
