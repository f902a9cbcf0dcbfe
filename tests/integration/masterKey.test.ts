/**
 * The master key that wraps the case keys (caseKeys.ts, erasureSettings.ts): generated into
 * DATA_DIR when not set; rotated with MASTER_KEY_PREVIOUS (key files re-wrapped at start, data
 * still readable); a key directory wrapped with an unknown master key stops the start; a missing
 * key file makes only its case 'damaged'; invalid settings stop the start with a clear message.
 */
import fs from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { addItem } from '../../shared/doc.ts'
import { readSettings, SettingsError } from '../../server/config.ts'
import { fingerprintOf } from '../../server/storage/caseKeys.ts'
import { api, connect, createCase, startTestServer, synced, tempDir, TEST_ORG_KEY, type TestClient, type TestServer } from '../helpers/server.ts'

const author = { name: 'Sanne', org: '', role: 'professional' as const }
const clients: TestClient[] = []
const servers: TestServer[] = []
afterAll(async () => {
  for (const c of clients) c.destroy()
  for (const s of servers) await s.stop().catch(() => undefined)
})

async function start(dataDir: string, env: Record<string, string> = {}): Promise<TestServer> {
  const s = await startTestServer({ dataDir, env })
  servers.push(s)
  return s
}

/** A case with a title and one item, stored (the plan shows it). */
async function caseWithItem(s: TestServer, text: string): Promise<string> {
  const id = await createCase(s.url, `Casus ${text}`)
  const c = connect(s, id, TEST_ORG_KEY)
  clients.push(c)
  await synced(c)
  addItem(c.doc, { kind: 'problem', text, pos: { x: 0, y: 0 }, author })
  await vi.waitFor(async () => expect(await itemTexts(s, id)).toEqual([text]), { timeout: 20_000 })
  c.destroy()
  return id
}

async function itemTexts(s: TestServer, id: string): Promise<string[]> {
  const r = await api(s.url, 'GET', `/api/cases/${id}`)
  expect(r.status).toBe(200)
  return r.body.plan.unassigned.map((i: { text: string }) => i.text)
}

const keyFile = (dataDir: string, id: string) => path.join(dataDir, 'keys', `${id}.key`)
const wrappedWith = (dataDir: string, id: string) => (JSON.parse(fs.readFileSync(keyFile(dataDir, id), 'utf8')) as { mk: string }).mk

describe('the master key', () => {
  it('is generated into DATA_DIR when not set, with the key files readable by the server alone', async () => {
    const dataDir = tempDir()
    const s = await start(dataDir)
    const id = await createCase(s.url, 'Casus generated')
    await s.stop()
    const mode = (p: string) => fs.statSync(p).mode & 0o777
    expect(mode(path.join(dataDir, 'master.key'))).toBe(0o600)
    expect(mode(path.join(dataDir, 'keys'))).toBe(0o700)
    expect(mode(keyFile(dataDir, id))).toBe(0o600)
    const again = await start(dataDir)
    expect((await api(again.url, 'GET', `/api/cases/${id}`)).body.title).toBe('Casus generated')
  })

  it('rotates: MASTER_KEY=B with MASTER_KEY_PREVIOUS=A re-wraps the key files; an unknown master key refuses to start', async () => {
    const A = randomBytes(32)
    const B = randomBytes(32)
    const C = randomBytes(32)
    const dataDir = tempDir()
    let s = await start(dataDir, { MASTER_KEY: A.toString('hex') })
    const id = await caseWithItem(s, 'Schulden')
    await s.stop()
    expect(wrappedWith(dataDir, id)).toBe(fingerprintOf(A))
    expect(fs.existsSync(path.join(dataDir, 'master.key'))).toBe(false)

    // B as base64url, A as base64: the notations are interchangeable.
    s = await start(dataDir, { MASTER_KEY: B.toString('base64url'), MASTER_KEY_PREVIOUS: A.toString('base64') })
    expect(wrappedWith(dataDir, id)).toBe(fingerprintOf(B))
    expect((await api(s.url, 'GET', `/api/cases/${id}`)).body.title).toBe('Casus Schulden')
    expect(await itemTexts(s, id)).toEqual(['Schulden'])
    await s.stop()

    await expect(startTestServer({ dataDir, env: { MASTER_KEY: C.toString('hex') } })).rejects.toThrow(/wrapped with another master key.*MASTER_KEY_PREVIOUS/s)
    // Without any MASTER_KEY no key is made up for existing key files: no silent start.
    await expect(startTestServer({ dataDir })).rejects.toThrow(/MASTER_KEY is not set .* holds case keys/)
    expect(fs.existsSync(path.join(dataDir, 'master.key'))).toBe(false)
    // Nothing was lost: with B the case reads as before.
    s = await start(dataDir, { MASTER_KEY: B.toString('hex') })
    expect(await itemTexts(s, id)).toEqual(['Schulden'])
  })

  it('reads MASTER_KEY_FILE', async () => {
    const dataDir = tempDir()
    const file = path.join(tempDir('kt-mk-'), 'master')
    const key = randomBytes(32)
    fs.writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600 })
    const s = await start(dataDir, { MASTER_KEY_FILE: file })
    const id = await createCase(s.url, 'Casus file')
    expect(wrappedWith(dataDir, id)).toBe(fingerprintOf(key))
  })
})

describe('a case whose key file is missing', () => {
  it('answers case_damaged, without stopping the server or touching other cases', async () => {
    const dataDir = tempDir()
    let s = await start(dataDir)
    const lost = await caseWithItem(s, 'Verloren')
    const kept = await caseWithItem(s, 'Bewaard')
    await s.stop()
    fs.rmSync(keyFile(dataDir, lost))

    s = await start(dataDir)
    const r = await api(s.url, 'GET', `/api/cases/${lost}`)
    expect(r.status).toBe(500)
    expect(r.body.error).toBe('case_damaged')
    const list = await api(s.url, 'GET', '/api/cases')
    expect(list.status).toBe(200)
    expect(list.body.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining([lost, kept]))
    expect(await itemTexts(s, kept)).toEqual(['Bewaard'])
    // No new key is made up for it: its content stays sealed, and the case can still be erased.
    expect(fs.existsSync(keyFile(dataDir, lost))).toBe(false)
    expect((await api(s.url, 'DELETE', `/api/cases/${lost}`)).status).toBe(204)
  })
})

describe('settings of encryption and retention', () => {
  const read = (env: Record<string, string>) => () => readSettings({ DATA_DIR: tempDir(), ...env }, { clientDir: '.' })
  const hex = randomBytes(32).toString('hex')

  it('accept a master key as 64 hex characters, base64url or base64, and retention within bounds', () => {
    const key = randomBytes(32)
    for (const MASTER_KEY of [key.toString('hex'), key.toString('base64url'), key.toString('base64')]) {
      expect(read({ MASTER_KEY })().erasure.masterKey).toEqual(key)
    }
    expect(read({})().erasure).toMatchObject({ masterKey: null, retentionDays: null, retentionWarnDays: 14 })
    expect(read({ RETENTION_DAYS: '30', RETENTION_WARN_DAYS: '7' })().erasure).toMatchObject({ retentionDays: 30, retentionWarnDays: 7 })
    expect(read({ KEY_DIR: '/srv/kt-keys' })().erasure.keyDir).toBe('/srv/kt-keys')
  })

  it.each([
    [{ MASTER_KEY: 'too-short' }, /MASTER_KEY must be 64 hex characters/],
    [{ MASTER_KEY: 'z'.repeat(64) }, /MASTER_KEY must be/],
    [{ MASTER_KEY: hex, MASTER_KEY_FILE: '/x' }, /MASTER_KEY or MASTER_KEY_FILE, not both/],
    [{ MASTER_KEY_FILE: '/nonexistent/master.key' }, /MASTER_KEY_FILE cannot be read/],
    [{ MASTER_KEY_PREVIOUS: hex }, /MASTER_KEY_PREVIOUS needs MASTER_KEY/],
    [{ MASTER_KEY: hex, MASTER_KEY_PREVIOUS: hex }, /MASTER_KEY_PREVIOUS must differ/],
    [{ MASTER_KEY: hex, MASTER_KEY_PREVIOUS: 'nope' }, /MASTER_KEY_PREVIOUS must be/],
    [{ RETENTION_DAYS: '10' }, /RETENTION_DAYS must be a whole number of days from 30 to 3650/],
    [{ RETENTION_DAYS: '30.5' }, /RETENTION_DAYS must be/],
    [{ RETENTION_DAYS: 'never' }, /RETENTION_DAYS must be/],
    [{ RETENTION_WARN_DAYS: '0' }, /RETENTION_WARN_DAYS must be a whole number of days from 1 to 90/],
  ])('refuse %o', (env, message) => {
    expect(read(env)).toThrow(SettingsError)
    expect(read(env)).toThrow(message)
  })

  it('never echo a master key in the message', () => {
    const bad = `${hex}00`
    expect(read({ MASTER_KEY: bad })).toThrow(SettingsError)
    try {
      read({ MASTER_KEY: bad })()
    } catch (err) {
      expect((err as Error).message).not.toContain(bad)
    }
  })
})
