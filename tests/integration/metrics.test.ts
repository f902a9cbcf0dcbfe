/**
 * /metrics: the Prometheus text format with connections, open cases, accepted updates, storage
 * latency and errors and event-loop delay — and who may read it: a direct request on a loopback
 * address, or, with METRICS_TOKEN set, only a request with that token as Bearer.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { addItem } from '../../shared/doc.ts'
import { connect, createCase, startTestServer, synced, TEST_ORG_KEY, type TestClient, type TestServer } from '../helpers/server.ts'

const WAIT = { timeout: 20_000, interval: 25 }
const METRICS_TOKEN = 'metrics-token-0123456789'
const servers: TestServer[] = []
const open: TestClient[] = []
afterEach(async () => {
  for (const c of open.splice(0)) c.destroy()
  for (const s of servers.splice(0)) await s.stop()
})

async function start(env: Record<string, string> = {}): Promise<TestServer> {
  const s = await startTestServer({ env })
  servers.push(s)
  return s
}

/** The samples of a Prometheus text exposition: `name{labels}` → value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)$/.exec(line)
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`)
    out.set(m[1] as string, Number(m[2]))
  }
  return out
}

async function scrape(s: TestServer, headers: Record<string, string> = {}): Promise<{ status: number; type: string | null; text: string }> {
  const r = await fetch(`${s.url}/metrics`, { headers })
  return { status: r.status, type: r.headers.get('content-type'), text: await r.text() }
}

describe('/metrics', () => {
  it('answers in the Prometheus format with connections, open cases, updates, storage and event-loop figures', async () => {
    const s = await start()
    const id = await createCase(s.url)
    const c = connect(s, id, TEST_ORG_KEY)
    open.push(c)
    await synced(c)
    for (let i = 0; i < 5; i++) addItem(c.doc, { kind: 'note', text: `n${i}`, pos: { x: i, y: 0 }, author: { name: 'P', org: 'W', role: 'professional' } })
    await (await s.rooms.peek(id))?.whenSaved()

    await vi.waitFor(async () => {
      const r = await scrape(s)
      expect(r.status).toBe(200)
      expect(r.type).toMatch(/^text\/plain; version=0\.0\.4/)
      expect(r.text).toMatch(/^# TYPE kt_updates_accepted_total counter$/m)
      expect(r.text).toMatch(/^# TYPE kt_storage_seconds histogram$/m)
      const m = samples(r.text)
      expect(m.get('kt_connections')).toBe(1)
      expect(m.get('kt_open_cases')).toBe(1)
      expect(m.get('kt_updates_accepted_total')).toBeGreaterThanOrEqual(5)
      expect(m.get('kt_storage_seconds_count{op="docLog.append"}')).toBeGreaterThanOrEqual(1)
      expect(m.get('kt_storage_seconds_count{op="docLog.load"}')).toBeGreaterThanOrEqual(1)
      expect([...m.keys()].some((k) => k.startsWith('kt_storage_seconds_count{op="api.'))).toBe(true)
      expect(m.has('kt_event_loop_delay_seconds{stat="p99"}')).toBe(true)
      // Relay metrics only with REDIS_URL; no case ids anywhere.
      expect(m.has('kt_relay_up')).toBe(false)
      expect(r.text).not.toContain(id)
    }, WAIT)
    expect((await fetch(`${s.url}/healthz`).then((r) => r.json()))).toEqual({ ok: true })
  })

  it('is refused (404) for a request that came through a proxy, without METRICS_TOKEN', async () => {
    const s = await start()
    expect((await scrape(s)).status).toBe(200)
    expect((await scrape(s, { 'x-forwarded-for': '203.0.113.9' })).status).toBe(404)
    expect((await scrape(s, { forwarded: 'for=203.0.113.9' })).status).toBe(404)
  })

  it('with METRICS_TOKEN answers only that token as Bearer', async () => {
    const s = await start({ METRICS_TOKEN })
    expect((await scrape(s)).status).toBe(404)
    expect((await scrape(s, { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(404)
    const r = await scrape(s, { authorization: `Bearer ${METRICS_TOKEN}`, 'x-forwarded-for': '203.0.113.9' })
    expect(r.status).toBe(200)
    expect(samples(r.text).has('kt_connections')).toBe(true)
  })

  it('refuses at start: a METRICS_TOKEN that is too short, a REDIS_URL that is no Redis URL, REDIS_URL without a set master key', async () => {
    await expect(startTestServer({ env: { METRICS_TOKEN: 'short' } })).rejects.toThrow(/METRICS_TOKEN must be at least 16 characters/)
    await expect(startTestServer({ env: { REDIS_URL: 'http://secret@127.0.0.1:6379' } })).rejects.toThrow(/REDIS_URL must be a Redis URL/)
    await expect(startTestServer({ env: { REDIS_URL: 'http://secret@127.0.0.1:6379' } })).rejects.not.toThrow(/secret/)
    await expect(startTestServer({ env: { REDIS_URL: 'redis://127.0.0.1:6379' } })).rejects.toThrow(/REDIS_URL \(several instances\) needs MASTER_KEY/)
  })
})
