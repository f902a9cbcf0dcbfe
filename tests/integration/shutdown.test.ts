/**
 * SIGTERM while clients are editing: the server stops accepting, asks every client to close
 * ('shutting down'), processes and stores everything that arrived before a client answered that
 * request, and exits. The raw sockets here never send anything again — nothing relies on a client
 * re-sending its changes after a restart.
 */
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import { afterEach, describe, expect, it } from 'vitest'
import { addItem, listItems } from '../../shared/doc.ts'
import { CloseCode } from '../../shared/closeCodes.ts'
import { MessageType } from '../../shared/protocol.ts'
import { UPDATES_BURST } from '../../server/budgets.ts'
import { connect, createCase, rawSocket, synced, TEST_ORG_KEY, type TestClient } from '../helpers/server.ts'
import { startChildServer, type ChildExit, type ChildServer } from '../helpers/childServer.ts'

const RAW_SOCKETS = 3
/** Frames each raw socket has ready; within one connection's burst budget, so none is refused. */
const FRAMES_PER_SOCKET = 400
/**
 * A raw socket writes this many frames, then pauses, so the stream is still arriving when the
 * server takes the signal (faster than the server applies them, so some wait unread) and the
 * socket notices the server's close between writes.
 */
const FRAMES_PER_TURN = 5
const TURN_PAUSE_MS = 30
/** Send SIGTERM once the first raw socket has written this many frames (the rest are still coming). */
const SIGTERM_AFTER_FRAMES = 50
/** The bound on the shutdown: the server's grace period (8 s) plus the last commits, on a busy machine. */
const EXIT_WITHIN_MS = 15_000

const author = { name: 'P', org: 'Zorg & Welzijn', role: 'professional' as const }

const clients: TestClient[] = []
const sockets: WebSocket[] = []
const servers: ChildServer[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  for (const ws of sockets.splice(0)) ws.terminate()
  for (const s of servers.splice(0)) await s.kill()
})

describe('stopping the server with SIGTERM', () => {
  it('stores every frame a client sent before it was asked to close, closes with 4503, refuses newcomers and exits 0', async () => {
    expect(FRAMES_PER_SOCKET).toBeLessThan(UPDATES_BURST)
    const srv = await startChildServer()
    servers.push(srv)
    const caseId = await createCase(srv.url)

    // Two browsers at the table (y-websocket), editing now and then.
    const people = [connect(srv, caseId, TEST_ORG_KEY), connect(srv, caseId, TEST_ORG_KEY)]
    clients.push(...people)
    await Promise.all(people.map(synced))
    const typing = setInterval(() => {
      for (const p of people) addItem(p.doc, { kind: 'wish', text: 'wens', pos: { x: 0, y: 0 }, author })
    }, 100)

    // Raw sockets, each with a stream of frames that each add one item with a known id.
    const streams = Array.from({ length: RAW_SOCKETS }, () => itemFrames(FRAMES_PER_SOCKET))
    const raws = await Promise.all(streams.map(() => rawSocket(srv, caseId, TEST_ORG_KEY)))
    sockets.push(...raws)
    const closes = raws.map((ws) => new Promise<{ code: number; reason: string }>((resolve) => {
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }))
    }))

    let exit: Promise<ChildExit | 'still running'> | null = null
    const sigterm = () => {
      if (exit) return
      srv.child.kill('SIGTERM')
      const bound = new Promise<'still running'>((r) => setTimeout(() => r('still running'), EXIT_WITHIN_MS).unref())
      exit = Promise.race([srv.exited, bound])
    }
    const sent = await Promise.all(raws.map((ws, i) => sendUntilClosed(ws, streams[i]!.frames, i === 0 ? sigterm : null)))
    clearInterval(typing)
    expect(exit, 'SIGTERM was sent while the raw sockets were writing').not.toBeNull()

    // Newcomers during the drain are refused (or find the port closed).
    await Promise.race(closes)
    expect(['refused', 503]).toContain(await upgradeOutcome(`${srv.url.replace('http', 'ws')}/ws/${caseId}`))

    expect(await exit).toEqual({ code: 0, signal: null })
    for (const c of await Promise.all(closes)) expect(c).toEqual({ code: CloseCode.ShuttingDown, reason: 'server shutting down' })
    for (const p of people) expect(p.closes).toContainEqual({ code: CloseCode.ShuttingDown, reason: 'server shutting down' })
    for (const p of clients.splice(0)) p.destroy()

    // After a restart, every item whose frame left a raw socket before its close arrived is there.
    const again = await startChildServer({ dataDir: srv.dataDir })
    servers.push(again)
    const fresh = connect(again, caseId, TEST_ORG_KEY)
    clients.push(fresh)
    await synced(fresh)
    const stored = new Set(listItems(fresh.doc).map((it) => it.id))
    const expected = streams.flatMap((s, i) => s.ids.slice(0, sent[i]))
    const lost = expected.filter((id) => !stored.has(id))
    expect(lost.length, `${lost.length} of ${expected.length} frames sent before the close were not stored (sent per socket: ${sent.join(', ')})`).toBe(0)
  }, 120_000)
})

/** `n` y-websocket update frames from one client, each adding one item; and those items' ids. */
function itemFrames(n: number): { frames: Uint8Array[]; ids: string[] } {
  const doc = new Y.Doc()
  const frames: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => {
    const enc = encoding.createEncoder()
    encoding.writeVarUint(enc, MessageType.sync)
    syncProtocol.writeUpdate(enc, update)
    frames.push(encoding.toUint8Array(enc))
  })
  const ids: string[] = []
  for (let i = 0; i < n; i++) ids.push(addItem(doc, { kind: 'problem', text: `knelpunt ${i}`, pos: { x: i, y: i }, author }))
  doc.destroy()
  return { frames, ids }
}

/**
 * Write the frames in order, a few per turn, until they run out or the server's close request
 * arrives (the socket is no longer OPEN). Returns how many were written while the socket was
 * open: those precede the client's close reply on the wire, so the server has all of them.
 */
async function sendUntilClosed(ws: WebSocket, frames: Uint8Array[], atThreshold: (() => void) | null): Promise<number> {
  let sent = 0
  while (sent < frames.length) {
    for (let k = 0; k < FRAMES_PER_TURN && sent < frames.length; k++) {
      if (ws.readyState !== WebSocket.OPEN) return sent
      ws.send(frames[sent]!)
      sent++
      if (sent === SIGTERM_AFTER_FRAMES) atThreshold?.()
    }
    await new Promise((r) => setTimeout(r, TURN_PAUSE_MS))
  }
  return sent
}

/** Try to open a WebSocket: 101 when accepted, the HTTP status when refused, 'refused' when nothing listens. */
function upgradeOutcome(url: string): Promise<number | 'refused'> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${TEST_ORG_KEY}` } })
    ws.once('open', () => {
      ws.terminate()
      resolve(101)
    })
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0)
      res.resume()
    })
    ws.once('error', () => resolve('refused'))
  })
}

