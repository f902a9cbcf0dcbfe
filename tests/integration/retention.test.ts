/**
 * Retention (RETENTION_DAYS, server/retention.ts): the sweep at start erases cases without
 * activity — last change or the end of the latest meeting — for longer than the setting, exactly
 * as the API erases one (key destroyed, audited with the ground 'erasure'); cases within the
 * warning window carry `erasesAt` in the case list; without the setting nothing is erased.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import pino from 'pino'
import { recordRetentionPolicy, sweepRetention } from '../../server/retention.ts'
import { storedRows } from '../helpers/postgres.ts'
import { api, createCase, startTestServer, tempDir, type TestServer } from '../helpers/server.ts'

const DAY_MS = 24 * 3600_000
const servers: TestServer[] = []
afterAll(async () => {
  for (const s of servers) await s.stop()
})

async function start(dataDir: string, env: Record<string, string> = {}): Promise<TestServer> {
  const s = await startTestServer({ dataDir, env })
  servers.push(s)
  return s
}


/**
 * Three cases: last changed 31 days ago; 20 days ago; 40 days ago but with a meeting that ended
 * 10 days ago. Returns their ids; the server is stopped.
 */
async function agedCases(dataDir: string): Promise<{ old: string; recent: string; met: string }> {
  const s = await start(dataDir)
  const old = await createCase(s.url, 'Casus oud')
  const recent = await createCase(s.url, 'Casus recent')
  const met = await createCase(s.url, 'Casus gesprek')
  const started = await api(s.url, 'POST', `/api/cases/${met}/meetings`, { body: { startedBy: 'Sanne' } })
  expect((await api(s.url, 'POST', `/api/cases/${met}/meetings/${started.body.id}/end`, { body: { participants: [] } })).status).toBe(200)
  await s.stop()
  const now = Date.now()
  // Straight into the stopped server's database.
  const set = (id: string, daysAgo: number) => storedRows(dataDir, 'UPDATE cases SET updated_at = ?, created_at = ? WHERE id = ?', [now - daysAgo * DAY_MS, now - daysAgo * DAY_MS, id])
  await set(old, 31)
  await set(recent, 20)
  await set(met, 40)
  await storedRows(dataDir, 'UPDATE meetings SET started_at = ?, ended_at = ? WHERE case_id = ?', [now - 10 * DAY_MS, now - 10 * DAY_MS, met])
  return { old, recent, met }
}

describe('retention', () => {
  it('erases a case without activity for RETENTION_DAYS like the API does, and warns about one that comes close', async () => {
    const dataDir = tempDir()
    const { old, recent, met } = await agedCases(dataDir)
    const s = await start(dataDir, { RETENTION_DAYS: '30' })

    await vi.waitFor(async () => expect((await api(s.url, 'GET', `/api/cases/${old}`)).status).toBe(404), { timeout: 20_000 })
    expect(fs.existsSync(path.join(dataDir, 'keys', `${old}.key`))).toBe(false)
    await vi.waitFor(async () => {
      const rows = await storedRows(dataDir, 'SELECT actor, action, ground FROM audit WHERE case_id = ?', [old])
      expect(rows).toContainEqual({ actor: 'system:retention', action: 'case.erase', ground: 'erasure' })
    }, { timeout: 20_000 })

    const list = await api(s.url, 'GET', '/api/cases')
    const byId = new Map<string, { erasesAt: string | null; title: string }>(list.body.map((c: { id: string }) => [c.id, c]))
    expect([...byId.keys()]).toEqual(expect.arrayContaining([recent, met]))
    expect(byId.has(old)).toBe(false)
    // 20 days quiet of 30: erased in about 10 days, inside the 14-day warning window.
    const at = Date.parse(byId.get(recent)?.erasesAt ?? '')
    expect(Math.abs(at - (Date.now() + 10 * DAY_MS))).toBeLessThan(DAY_MS)
    // The meeting 10 days ago counts as activity: 20 days left, no warning yet.
    expect(byId.get(met)?.erasesAt).toBeNull()
    expect((await api(s.url, 'GET', `/api/cases/${recent}`)).status).toBe(200)
  })

  it('erases an old case once when several instances sweep at the same time (one audit entry)', async () => {
    const dataDir = tempDir()
    const { old } = await agedCases(dataDir)
    // Two instances of one installation, each with its hourly sweep: here both sweep at once.
    const [a, b] = await Promise.all([start(dataDir), start(dataDir)])
    await recordRetentionPolicy(a.storage, { days: 30, warnDays: 14 })
    const erased = await Promise.all([a, b].map((s) => sweepRetention({ storage: s.storage, rooms: s.rooms, log: pino({ level: 'silent' }) })))
    expect(erased.reduce((n, e) => n + e, 0)).toBe(1)
    expect((await api(b.url, 'GET', `/api/cases/${old}`)).status).toBe(404)
    for (const s of [a, b]) await s.storage.retryPending()
    const rows = await storedRows(dataDir, 'SELECT actor FROM audit WHERE case_id = ? AND action = ?', [old, 'case.erase'])
    expect(rows).toEqual([{ actor: 'system:retention' }])
  })

  it('erases nothing without the setting', async () => {
    const dataDir = tempDir()
    const { old, recent, met } = await agedCases(dataDir)
    const s = await start(dataDir)
    const list = await api(s.url, 'GET', '/api/cases')
    expect(list.body.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining([old, recent, met]))
    expect(list.body.map((c: { erasesAt: string | null }) => c.erasesAt)).toEqual([null, null, null])
    expect(fs.existsSync(path.join(dataDir, 'keys', `${old}.key`))).toBe(true)
  })
})
