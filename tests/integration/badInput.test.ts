import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import * as awarenessProtocol from 'y-protocols/awareness'
import { addItem, listItems } from '../../shared/doc.ts'
import { CloseCode } from '../../shared/closeCodes.ts'
import { MAX_TEXT_INSERT_CHARS, MAX_VALUE_JSON_CHARS, MAX_WS_MESSAGE_BYTES } from '../../shared/limits.ts'
import { MessageType } from '../../shared/protocol.ts'
import { api, closeOf, createCase, rawSocket, useServer, synced, TEST_ORG_KEY } from '../helpers/server.ts'
import { syncUpdateFrame } from '../helpers/fuzzFrames.ts'


const fixture = useServer()
const client = fixture.client.bind(fixture)

const author = { name: 'P', org: 'W&I', role: 'professional' as const }


/** An update that creates a top-level type the case schema does not have. */
function foreignUpdate(): Uint8Array {
  const d = new Y.Doc()
  d.getMap('evil').set('x', 1)
  return Y.encodeStateAsUpdate(d)
}

/** An update that writes one piece of content into the items map. */
function itemsUpdate(write: (items: Y.Map<unknown>) => void): Uint8Array {
  const d = new Y.Doc()
  write(d.getMap('items'))
  return Y.encodeStateAsUpdate(d)
}

const badFrames: [string, () => Uint8Array | string, number][] = [
  ['a text insert far beyond any field', () => syncUpdateFrame(itemsUpdate((m) => m.set('x', new Y.Text('a'.repeat(MAX_TEXT_INSERT_CHARS + 1))))), CloseCode.BadMessage],
  ['a huge value', () => syncUpdateFrame(itemsUpdate((m) => m.set('x', 'b'.repeat(MAX_VALUE_JSON_CHARS + 1)))), CloseCode.BadMessage],
  ['binary content', () => syncUpdateFrame(itemsUpdate((m) => m.set('x', new Uint8Array([1, 2, 3])))), CloseCode.BadMessage],
  ['random bytes', () => new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), CloseCode.BadMessage],
  ['an unknown message type', () => new Uint8Array([42, 0]), CloseCode.BadMessage],
  ['an unknown sync type', () => new Uint8Array([0, 9, 0]), CloseCode.BadMessage],
  ['a truncated sync message', () => new Uint8Array([0, 2, 200]), CloseCode.BadMessage],
  ['a garbage document update', () => syncUpdateFrame(new Uint8Array([1, 200, 3, 4, 5, 6, 7])), CloseCode.BadMessage],
  ['an update outside the case schema', () => syncUpdateFrame(foreignUpdate()), CloseCode.BadMessage],
  ['a garbage awareness update', () => new Uint8Array([1, 3, 1, 2, 3]), CloseCode.BadMessage],
  ['a text frame', () => 'hello', CloseCode.BadMessage],
  ['an oversized frame', () => new Uint8Array(MAX_WS_MESSAGE_BYTES + 10), CloseCode.MessageTooLarge],
]

describe('malformed WebSocket frames', () => {
  it.each(badFrames)('closes only the connection that sent %s, stores nothing, and keeps serving', async (_name, frame, expectedCode) => {
    const id = await createCase(fixture.server.url)
    const other = await createCase(fixture.server.url)
    const good = client(id)
    const elsewhere = client(other)
    await Promise.all([good, elsewhere].map(synced))
    const storedBefore = await fixture.server.storage.docLog.count(id)

    const bad = await rawSocket(fixture.server, id, TEST_ORG_KEY)
    const closed = closeOf(bad)
    bad.send(frame())
    const { code } = await closed
    expect(code).toBe(expectedCode)

    // Nothing was stored for the bad frame.
    expect(await fixture.server.storage.docLog.count(id)).toBe(storedBefore)
    // The other connection on the same case and the other case keep working.
    addItem(good.doc, { kind: 'problem', text: 'nog steeds verbonden', pos: { x: 0, y: 0 }, author })
    addItem(elsewhere.doc, { kind: 'wish', text: 'ook hier', pos: { x: 0, y: 0 }, author })
    const probe = client(id)
    await vi.waitFor(() => expect(listItems(probe.doc).map((i) => i.text)).toEqual(['nog steeds verbonden']), { timeout: 20_000 })
    expect((await api(fixture.server.url, 'GET', '/healthz', { auth: null })).status).toBe(200)
    expect(good.provider.wsconnected).toBe(true)
    expect(Object.keys((await api(fixture.server.url, 'GET', `/api/cases/${id}`)).body.plan)).toContain('domains')
  })
})

describe('presence (awareness)', () => {
  it('ignores what a connection says for another participant, and keeps that participant as they are', async () => {
    const id = await createCase(fixture.server.url)
    const honest = client(id)
    const observer = client(id)
    await Promise.all([honest, observer].map(synced))
    honest.provider.awareness.setLocalStateField('user', { name: 'Sanne', org: 'Wijkteam', role: 'professional', color: '#d1495b' })
    await vi.waitFor(() => expect(observer.provider.awareness.getStates().get(honest.doc.clientID)?.user?.name).toBe('Sanne'), { timeout: 20_000 })

    // A hand-made awareness update that claims the honest client's id with a higher clock.
    const forged = new awarenessProtocol.Awareness(new Y.Doc())
    forged.clientID = honest.doc.clientID
    forged.setLocalState({ user: { name: 'Nep', org: '', role: 'professional', color: '#000000' } })
    for (let i = 0; i < 5; i++) forged.setLocalState({ user: { name: 'Nep', org: '', role: 'professional', color: '#000000' }, i })
    const enc = encoding.createEncoder()
    encoding.writeVarUint(enc, MessageType.awareness)
    encoding.writeVarUint8Array(enc, awarenessProtocol.encodeAwarenessUpdate(forged, [honest.doc.clientID]))
    const bad = await rawSocket(fixture.server, id, TEST_ORG_KEY)
    bad.send(encoding.toUint8Array(enc))
    // The forger's own presence still goes through; the forged entry does not.
    const mine = new awarenessProtocol.Awareness(new Y.Doc())
    mine.setLocalState({ user: { name: 'Forger', org: '', role: 'professional', color: '#000000' } })
    const enc2 = encoding.createEncoder()
    encoding.writeVarUint(enc2, MessageType.awareness)
    encoding.writeVarUint8Array(enc2, awarenessProtocol.encodeAwarenessUpdate(mine, [mine.clientID]))
    bad.send(encoding.toUint8Array(enc2))
    await vi.waitFor(() => expect(observer.provider.awareness.getStates().get(mine.clientID)?.user?.name).toBe('Forger'), { timeout: 20_000 })
    expect(observer.provider.awareness.getStates().get(honest.doc.clientID)?.user?.name).toBe('Sanne')
    expect(bad.readyState).toBe(bad.OPEN)
    bad.close()
    mine.destroy()
    forged.destroy()
  })
})
