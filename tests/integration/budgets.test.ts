/**
 * Budgets, not stalls: one connection that sends more than any person produces is closed with a
 * named code, and everyone else — in other cases and in the same one — keeps being served.
 */
import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import WebSocket from 'ws'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as encoding from 'lib0/encoding'
import { addItem, listItems } from '../../shared/doc.ts'
import { CloseCode } from '../../shared/closeCodes.ts'
import { MAX_ITEM_TEXT_CHARS, MAX_VALUE_JSON_CHARS, MAX_WS_MESSAGE_BYTES } from '../../shared/limits.ts'
import { MessageType } from '../../shared/protocol.ts'
import { MAX_CASE_DOC_BYTES } from '../../server/budgets.ts'
import { closeOf, connect, createCase, invite, rawSocket, synced, TEST_ORG_KEY, useServer, type TestClient } from '../helpers/server.ts'
import { startChildServer } from '../helpers/childServer.ts'
import { syncUpdateFrame } from '../helpers/fuzzFrames.ts'


const fixture = useServer()
const author = { name: 'P', org: 'Sociaal wijkteam', role: 'professional' as const }
/** Small valid updates sent at once: far more than a person types or drags in minutes. */
const FLOOD_UPDATES = 3_000
/** Presence flood: this many messages of PRESENCE_STATE_CHARS each (about 15 MB). */
const PRESENCE_FLOOD_MESSAGES = 3_000
const PRESENCE_STATE_CHARS = 5_000
/** What an observer may receive of a presence flood. */
const MAX_OBSERVED_PRESENCE_BYTES = 1024 * 1024
/** A presence state far larger than a name, a cursor and a selection. */
const OVERSIZED_PRESENCE_CHARS = 64 * 1024
/** Writers sending the largest accepted updates at once, and rounds of them each. */
const STALL_WRITERS = 8
const STALL_ROUNDS = 20
/** Generous: a busy 2-core machine; a stalled server misses this by far. */
const ANSWER_TIMEOUT_MS = 5_000
const RELAY_TIMEOUT_MS = 10_000
/** Pause between two /healthz checks (one at a time). */
const HEALTH_POLL_INTERVAL_MS = 100


/** Updates made on a client of its own, one per call of `write`, as y-websocket would send them. */
function updatesOf(write: (doc: Y.Doc, i: number) => void, n: number): Uint8Array[] {
  const doc = new Y.Doc()
  const out: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => out.push(u))
  for (let i = 0; i < n; i++) write(doc, i)
  doc.destroy()
  return out
}

/** One update adding as many cards with long texts as fit in `bytes`. */
function cardsUpdate(bytes: number, textChars = MAX_ITEM_TEXT_CHARS - 100): Uint8Array {
  const make = (n: number) => updatesOf((doc) => doc.transact(() => {
    for (let i = 0; i < n; i++) addItem(doc, { kind: 'problem', text: 'x'.repeat(textChars), pos: { x: i, y: 0 }, author })
  }), 1)[0]!
  let n = Math.max(1, Math.floor(bytes / textChars))
  let u = make(n)
  while (u.byteLength > bytes && n > 1) u = make(--n)
  return u
}

function awarenessFrame(aw: awarenessProtocol.Awareness): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, MessageType.awareness)
  encoding.writeVarUint8Array(enc, awarenessProtocol.encodeAwarenessUpdate(aw, [aw.clientID]))
  return encoding.toUint8Array(enc)
}

/** Awareness frames of one client whose state changes each time. */
function presenceFrames(n: number, chars: number): Uint8Array[] {
  const doc = new Y.Doc()
  const aw = new awarenessProtocol.Awareness(doc)
  const frames: Uint8Array[] = []
  for (let i = 0; i < n; i++) {
    aw.setLocalState({ user: { name: `n${i}` }, note: 'p'.repeat(chars) })
    frames.push(awarenessFrame(aw))
  }
  aw.destroy()
  doc.destroy()
  return frames
}

/** A client pair in a case of its own: each `relay()` is one edit that must reach the other. */
async function controlPair(s: { url: string } = fixture.server, opened?: TestClient[]): Promise<{ relay(): Promise<void> }> {
  const id = await createCase(s.url, 'Controle')
  const open = (): TestClient => {
    if (!opened) return fixture.client(id)
    const c = connect(s, id, TEST_ORG_KEY)
    opened.push(c)
    return c
  }
  const a = open()
  const b = open()
  await Promise.all([synced(a), synced(b)])
  let n = 0
  return {
    async relay() {
      const text = `controle ${n++}`
      addItem(a.doc, { kind: 'note', text, pos: { x: n, y: 0 }, author })
      await vi.waitFor(() => expect(listItems(b.doc).map((i) => i.text)).toContain(text), { timeout: RELAY_TIMEOUT_MS, interval: 20 })
    },
  }
}

/** Collect the bytes of awareness frames a raw socket receives, and whether a marker was among them. */
function watchPresence(ws: WebSocket, marker: string): { bytes(): number; sawMarker(): boolean } {
  let bytes = 0
  let saw = false
  ws.on('message', (data: Buffer) => {
    if (data[0] !== MessageType.awareness) return
    bytes += data.byteLength
    if (data.includes(marker)) saw = true
  })
  return { bytes: () => bytes, sawMarker: () => saw }
}

describe('budgets', () => {
  it('close a connection flooding small valid updates with 4429, while another case keeps relaying', async () => {
    const id = await createCase(fixture.server.url)
    const control = await controlPair()
    const ws = await rawSocket(fixture.server, id, TEST_ORG_KEY)
    const closed = closeOf(ws)
    for (const u of updatesOf((doc, i) => addItem(doc, { kind: 'problem', text: `k${i}`, pos: { x: i, y: 0 }, author }), FLOOD_UPDATES)) {
      ws.send(syncUpdateFrame(u))
    }
    for (let i = 0; i < 5; i++) await control.relay()
    expect((await closed).code).toBe(CloseCode.TooFast)
    const room = await fixture.server.rooms.peek(id)
    const applied = room ? listItems(room.doc).length : 0
    console.log(`flood of ${FLOOD_UPDATES} updates: ${applied} applied before the close`)
    expect(applied).toBeLessThan(FLOOD_UPDATES)
  })

  it('close a presence flood with 4429 and let an observer receive only a bounded amount of it', async () => {
    const id = await createCase(fixture.server.url)
    const observer = await rawSocket(fixture.server, id, TEST_ORG_KEY)
    const seen = watchPresence(observer, 'einde-van-de-vloed')
    const flooder = await rawSocket(fixture.server, id, TEST_ORG_KEY)
    const closed = closeOf(flooder)
    const frames = presenceFrames(PRESENCE_FLOOD_MESSAGES, PRESENCE_STATE_CHARS)
    const sent = frames.reduce((n, f) => n + f.byteLength, 0)
    for (const f of frames) flooder.send(f)
    expect((await closed).code).toBe(CloseCode.TooFast)
    // A later presence update from someone else marks the end of whatever was relayed.
    const marker = await rawSocket(fixture.server, id, TEST_ORG_KEY)
    const doc = new Y.Doc()
    const aw = new awarenessProtocol.Awareness(doc)
    aw.setLocalState({ user: { name: 'einde-van-de-vloed' } })
    marker.send(awarenessFrame(aw))
    await vi.waitFor(() => expect(seen.sawMarker()).toBe(true), { timeout: 30_000 })
    console.log(`presence flood: ${sent} bytes sent, ${seen.bytes()} bytes received by an observer`)
    expect(seen.bytes()).toBeLessThan(MAX_OBSERVED_PRESENCE_BYTES)
    aw.destroy()
    doc.destroy()
    for (const w of [observer, marker]) w.close()
  })

  it('refuse a presence state far larger than a name, a cursor and a selection', async () => {
    const id = await createCase(fixture.server.url)
    const ws = await rawSocket(fixture.server, id, TEST_ORG_KEY)
    const closed = closeOf(ws)
    ws.send(presenceFrames(1, OVERSIZED_PRESENCE_CHARS)[0]!)
    expect((await closed).code).toBe(CloseCode.MessageTooLarge)
  })

  it('refuse growth of one case past its size budget with 4414, each connection within its own budget', async () => {
    const s = fixture.server
    const id = await createCase(s.url)
    const token = await invite(s.url, id, 'professional')
    const frameBytes = Math.floor(MAX_WS_MESSAGE_BYTES * 0.8)
    // Someone stays in the case throughout, as at a real table (no last-leave work in between).
    const holder = await rawSocket(s, id, token)
    let sentBytes = 0
    let refusal: number | null = null
    // Each connection sends two large frames — within its own budgets — then closes; together
    // they pass the case's budget.
    for (let conn = 0; refusal === null && sentBytes < MAX_CASE_DOC_BYTES * 1.5; conn++) {
      const ws = await rawSocket(s, id, token)
      const closed = closeOf(ws)
      for (let f = 0; f < 2; f++) {
        const u = cardsUpdate(frameBytes)
        sentBytes += u.byteLength
        ws.send(syncUpdateFrame(u))
      }
      ws.close()
      const c = await closed
      if (c.code !== 1000 && c.code !== 1005) refusal = c.code
    }
    const room = await s.rooms.peek(id)
    const docBytes = Y.encodeStateAsUpdate(room!.doc).byteLength
    console.log(`case budget: ${sentBytes} bytes sent, refused with ${refusal}; document ${docBytes} bytes (budget ${MAX_CASE_DOC_BYTES})`)
    expect(refusal).toBe(CloseCode.CaseTooLarge)
    expect(docBytes).toBeLessThanOrEqual(MAX_CASE_DOC_BYTES)
    // Reading the case still works.
    const reader = fixture.client(id, token)
    await synced(reader)
    expect(listItems(reader.doc).length).toBe(listItems(room!.doc).length)
    holder.close()
  }, 300_000)

  it('keep /healthz answering and other cases relaying while 8 connections send the largest accepted updates', async () => {
    // The server runs in a process of its own here: in this one, a stalled event loop would also
    // hold the test's own timeouts, and a stall could not be seen.
    const s = await startChildServer({ logLevel: 'silent' })
    const others: TestClient[] = []
    try {
      const control = await controlPair(s, others)
      // The largest of each kind the server still accepts: a frame full of cards, one value as
      // large as a canvas record may be, a card text as long as a card may hold.
      const bigFrame = syncUpdateFrame(cardsUpdate(MAX_WS_MESSAGE_BYTES - 64))
      const bigValue = syncUpdateFrame(updatesOf((doc, i) => doc.getMap('canvas').set(`shape:groot${i}`, {
        id: `shape:groot${i}`, typeName: 'shape', type: 'geo', x: 0, y: 0, parentId: 'page:page', index: 'a1',
        props: { text: 'v'.repeat(MAX_VALUE_JSON_CHARS - 1_000) },
      }), 1)[0]!)
      const bigText = syncUpdateFrame(cardsUpdate(1, MAX_ITEM_TEXT_CHARS))
      expect(bigFrame.byteLength).toBeLessThanOrEqual(MAX_WS_MESSAGE_BYTES)

      const sockets: WebSocket[] = []
      for (let w = 0; w < STALL_WRITERS; w++) sockets.push(await rawSocket(s, await createCase(s.url, `Schrijver ${w}`), TEST_ORG_KEY))
      const writers = sockets.map(closeOf)
      for (const ws of sockets) {
        for (let r = 0; r < STALL_ROUNDS; r++) for (const f of [bigFrame, bigValue, bigText]) ws.send(f)
        ws.close()
      }
      let done = false
      const all = Promise.all(writers).finally(() => { done = true })
      // Two independent loops while the writers are at it: /healthz, and the control case's relays.
      const health: (number | string)[] = []
      let relays = 0
      const polling = (async () => {
        while (!done) {
          health.push(await fetch(`${s.url}/healthz`, { signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS) }).then((r) => r.status, (e: Error) => e.name))
          await new Promise((r) => setTimeout(r, HEALTH_POLL_INTERVAL_MS))
        }
      })()
      const relaying = (async () => {
        while (!done) {
          await control.relay()
          relays++
        }
      })()
      const codes = (await all).map((c) => c.code)
      await Promise.all([polling, relaying])
      console.log(`largest accepted updates from ${STALL_WRITERS} connections: /healthz ${health.length} checks (${health.filter((h) => h !== 200).length} failed), ${relays} control relays; writers closed with ${codes.join(', ')}`)
      expect(health.filter((h) => h !== 200)).toEqual([])
      // What bounds the stall: each writer is stopped by its budget, not served to the end.
      expect(codes).toEqual(Array(STALL_WRITERS).fill(CloseCode.TooFast))
    } finally {
      for (const c of others) c.destroy()
      await s.stop()
    }
  }, 300_000)
})
