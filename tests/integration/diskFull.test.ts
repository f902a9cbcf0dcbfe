/**
 * A real full disk under a running server: DATA_DIR is a small tmpfs, filled to the last byte by
 * a filler file while clients edit. Storing must fail without a crash, the edits must wait in
 * memory (and say so on /healthz), and once space returns — with nobody editing — everything must
 * reach the disk: proven by kill -9 (no clean shutdown) and a restart.
 *
 * Needs root (mount). Elsewhere the tests are skipped, with the reason in their title.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { addItem, listItems } from '../../shared/doc.ts'
import { ApiError } from '../../shared/apiErrors.ts'
import { ROOM_EVICT_AFTER_MS, STORE_RETRY_MS } from '../../server/constants.ts'
import { api, connect, createCase, synced, tempDir, TEST_ORG_KEY, type TestClient } from '../helpers/server.ts'
import { healthy, startChildServer, type ChildServer } from '../helpers/childServer.ts'
import { onPostgres } from '../helpers/postgres.ts'

/** Small enough to fill in a moment, large enough for the database, its WAL and a restart. */
const TMPFS_SIZE = '8m'
const ITEMS = 50
/** How long storage may take to catch up after space returns (retry backoff tops at 5 s). */
const RECOVER_TIMEOUT_MS = 45_000
const STEP_TIMEOUT_MS = 30_000
/** Poll /healthz this often while watching it through the eviction window. */
const WATCH_INTERVAL_MS = 500

const author = { name: 'P', org: 'Werk & Inkomen', role: 'professional' as const }

const cantMount = whyTmpfsCannotMount()

const clients: TestClient[] = []
const servers: ChildServer[] = []
const mounts: string[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  for (const s of servers.splice(0)) await s.kill()
  for (const dir of mounts.splice(0)) unmount(dir)
})

function client(s: { url: string }, caseId: string): TestClient {
  const c = connect(s, caseId, TEST_ORG_KEY)
  clients.push(c)
  return c
}

async function start(dataDir: string): Promise<ChildServer> {
  const s = await startChildServer({ dataDir })
  servers.push(s)
  return s
}

/**
 * A server on a small tmpfs, two participants, then the disk filled and ITEMS cards added by one:
 * every card is relayed to the other although none can be stored.
 */
async function editsOnAFullDisk() {
  const dataDir = mountTmpfs()
  const srv = await start(dataDir)
  const caseId = await createCase(srv.url)
  const a = client(srv, caseId)
  const b = client(srv, caseId)
  await Promise.all([synced(a), synced(b)])
  const filler = fillDisk(dataDir)
  const ids = addItems(a, ITEMS)
  await vi.waitFor(() => expect(itemIds(b)).toEqual(new Set(ids)), { timeout: STEP_TIMEOUT_MS })
  return { dataDir, srv, caseId, a, b, filler, ids }
}

describe.skipIf(cantMount !== null || onPostgres)(`a full disk${cantMount ? ` (skipped: ${cantMount})` : onPostgres ? ' (skipped on PostgreSQL: fills the disk under the SQLite file; pgStorage.test.ts stops PostgreSQL instead)' : ''}`, () => {
  it('keeps relaying, answers 503 where it must write, never crashes, and stores everything once space returns while participants stay', async () => {
    const { dataDir, srv, caseId, b, filler, ids } = await editsOnAFullDisk()

    // /healthz tells the operator: 503, the failing source, updates waiting in memory.
    await expect.poll(() => healthz(srv.url), { timeout: STEP_TIMEOUT_MS }).toMatchObject({
      status: 503,
      body: { ok: false, failing: expect.arrayContaining([expect.objectContaining({ source: 'document log', code: 'SQLITE_FULL' })]) },
    })
    // (Updates that arrive together are kept, and later stored, as one.)
    await expect.poll(async () => (await healthz(srv.url)).body.unsavedUpdates, { timeout: STEP_TIMEOUT_MS }).toBeGreaterThan(0)
    // One clear log line says what failed (an error code, no content).
    await vi.waitFor(() => expect(srv.stdout()).toMatch(/"code":"SQLITE_FULL"[^\n]*storing updates failed|storing updates failed[^\n]*"code":"SQLITE_FULL"/), { timeout: 20_000 })

    // Writes answer 503 storage_unavailable (not 500); reads keep working.
    const created = await api(srv.url, 'POST', '/api/cases', { body: { title: 'Tijdens volle schijf' } })
    expect.soft(created.status, 'create case').toBe(503)
    expect.soft(created.body?.error).toBe(ApiError.storageUnavailable)
    const read = await api(srv.url, 'GET', `/api/cases/${caseId}`)
    expect.soft(read.status, 'GET case').toBe(200)
    const snapshot = await api(srv.url, 'POST', `/api/cases/${caseId}/snapshots`, { body: { label: 'Tijdens volle schijf' } })
    expect.soft(snapshot.status, 'snapshot').toBe(503)
    expect.soft(snapshot.body?.error).toBe(ApiError.storageUnavailable)

    // A new connection (its audit entry cannot be written) is served and the process lives on.
    const late = client(srv, caseId)
    await vi.waitFor(() => expect(itemIds(late)).toEqual(new Set(ids)), { timeout: STEP_TIMEOUT_MS })
    expect(srv.alive()).toBe(true)
    expect((await healthz(srv.url)).status).toBe(503)

    // Space returns. Nobody edits: the server stores what waits on its own.
    fs.rmSync(filler)
    await expect.poll(() => healthy(srv.url), { timeout: RECOVER_TIMEOUT_MS, interval: 200 }).toBe(true)
    await srv.kill()

    const again = await start(dataDir)
    const fresh = client(again, caseId)
    await synced(fresh)
    expect(itemIds(fresh)).toEqual(new Set(ids))
    // No case content in the logs of either process.
    expect(srv.stdout() + srv.stderr()).not.toContain('kaart ')
  }, 180_000)

  it('keeps the edits of participants who left while the disk was full, past the eviction window, and stores them once space returns', async () => {
    const { dataDir, srv, caseId, filler, ids } = await editsOnAFullDisk()
    await expect.poll(async () => (await healthz(srv.url)).body.unsavedUpdates, { timeout: STEP_TIMEOUT_MS }).toBeGreaterThan(0)
    // (The count can only grow while nothing can be stored.)
    const unsaved = (await healthz(srv.url)).body.unsavedUpdates as number

    // Everyone leaves. Through the whole eviction window (and a retry of the eviction) the room
    // must stay in memory with every unsaved update: an evicted room would report none.
    for (const c of clients.splice(0)) c.destroy()
    const watchUntil = Date.now() + ROOM_EVICT_AFTER_MS + STORE_RETRY_MS + 2_000
    while (Date.now() < watchUntil) {
      const h = await healthz(srv.url)
      expect(h).toMatchObject({ status: 503, body: { ok: false } })
      expect(h.body.unsavedUpdates).toBeGreaterThanOrEqual(unsaved)
      await new Promise((r) => setTimeout(r, WATCH_INTERVAL_MS))
    }
    expect(srv.alive()).toBe(true)

    fs.rmSync(filler)
    await expect.poll(() => healthy(srv.url), { timeout: RECOVER_TIMEOUT_MS, interval: 200 }).toBe(true)
    await srv.kill()

    const again = await start(dataDir)
    const fresh = client(again, caseId)
    await synced(fresh)
    expect(itemIds(fresh)).toEqual(new Set(ids))
  }, 240_000)
})

/** Add `n` items, one change each, as a participant at the table would; returns their ids. */
function addItems(c: TestClient, n: number): string[] {
  const ids: string[] = []
  for (let i = 0; i < n; i++) ids.push(addItem(c.doc, { kind: 'problem', text: `kaart ${i}`, pos: { x: i * 10, y: 0 }, author }))
  return ids
}

function itemIds(c: TestClient): Set<string> {
  return new Set(listItems(c.doc).map((i) => i.id))
}

async function healthz(url: string): Promise<{ status: number; body: any }> {
  const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) })
  return { status: r.status, body: await r.json() }
}

/** Write a file until the file system refuses another byte; returns its path. */
function fillDisk(dir: string): string {
  const file = path.join(dir, 'filler')
  const fd = fs.openSync(file, 'w')
  try {
    let chunk = 1024 * 1024
    while (chunk >= 1) {
      try {
        const n = fs.writeSync(fd, Buffer.alloc(chunk))
        if (n < chunk) chunk = Math.floor(chunk / 2)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err
        chunk = Math.floor(chunk / 2)
      }
    }
  } finally {
    fs.closeSync(fd)
  }
  return file
}

function mountTmpfs(): string {
  const dir = tempDir('kt-full-')
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_SIZE},mode=700`, 'tmpfs', dir])
  mounts.push(dir)
  return dir
}

function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir])
  } catch {
    execFileSync('umount', ['-l', dir]) // something still holds a file open: detach it anyway
  }
  fs.rmSync(dir, { recursive: true, force: true })
}

/** Null when a tmpfs can be mounted here; otherwise why not. */
function whyTmpfsCannotMount(): string | null {
  if (process.platform !== 'linux') return 'mounting a tmpfs needs Linux'
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root'
  const dir = tempDir('kt-mount-probe-')
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'pipe' })
    execFileSync('umount', [dir], { stdio: 'pipe' })
    return null
  } catch (err) {
    return `mount -t tmpfs is not permitted here (${String((err as { stderr?: Buffer }).stderr ?? err).trim().slice(0, 120)})`
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
