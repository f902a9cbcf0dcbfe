/**
 * Accounts' authenticator (TOTP) secrets are stored sealed with a key derived from the master key:
 * a copy of the database alone does not give anyone the second factor. Secrets stored before as
 * plaintext are sealed at the next start; a master-key rotation (MASTER_KEY_PREVIOUS) seals them
 * again with the new key; secrets no configured key opens stop the start with a message.
 */
import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { isSealedText } from '../../server/storage/sealFormat.js'
import { api, startTestServer, tempDir, type TestServer } from '../helpers/server.ts'
import { addAccount, nextCode, type TestAccount } from '../helpers/accounts.ts'
import { storedRows } from '../helpers/postgres.ts'

const servers: TestServer[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop().catch(() => undefined)
})

async function start(dataDir: string, env: Record<string, string> = {}): Promise<TestServer> {
  const s = await startTestServer({ dataDir, env })
  servers.push(s)
  return s
}

async function stop(s: TestServer): Promise<void> {
  servers.splice(servers.indexOf(s), 1)
  await s.stop()
}

async function storedSecret(dataDir: string, a: TestAccount): Promise<string> {
  const [row] = await storedRows<{ totp_secret: string }>(dataDir, 'SELECT totp_secret FROM accounts WHERE id = ?', [a.id])
  return (row as { totp_secret: string }).totp_secret
}

/** The stored secret is sealed: the database does not hold it readable. */
async function expectSealed(dataDir: string, a: TestAccount): Promise<void> {
  const stored = await storedSecret(dataDir, a)
  expect(isSealedText(stored)).toBe(true)
  expect(stored).not.toContain(a.totpSecret)
}

function signIn(s: TestServer, a: TestAccount) {
  return api(s.url, 'POST', '/api/login', { auth: null, body: { username: a.username, password: a.password, code: nextCode(a) } })
}

const masterKey = () => randomBytes(32).toString('hex')

describe('authenticator secrets', () => {
  it('are stored sealed: the database holds no readable secret, and signing in works', async () => {
    const dataDir = tempDir()
    const s = await start(dataDir)
    const a = await addAccount(s)
    await expectSealed(dataDir, a)
    expect((await signIn(s, a)).status).toBe(204)
  })

  it('stored as plaintext before are sealed at the next start, and still sign in', async () => {
    const dataDir = tempDir()
    const first = await start(dataDir)
    const a = await addAccount(first)
    await stop(first)
    // As an installation from before sealing stored it.
    await storedRows(dataDir, 'UPDATE accounts SET totp_secret = ? WHERE id = ?', [a.totpSecret, a.id])

    const again = await start(dataDir)
    await expectSealed(dataDir, a)
    expect((await signIn(again, a)).status).toBe(204)
  })

  it('move to a new master key with MASTER_KEY_PREVIOUS; a master key that opens none stops the start', async () => {
    const dataDir = tempDir()
    const [oldKey, newKey] = [masterKey(), masterKey()]
    const first = await start(dataDir, { MASTER_KEY: oldKey })
    const a = await addAccount(first)
    const underOld = await storedSecret(dataDir, a)
    await stop(first)

    const rotating = await start(dataDir, { MASTER_KEY: newKey, MASTER_KEY_PREVIOUS: oldKey })
    const underNew = await storedSecret(dataDir, a)
    expect(underNew).not.toBe(underOld)
    expect(rotating.storage.keys.openAccountSecret(a.id, underNew)).toEqual({ secret: a.totpSecret, current: true })
    await stop(rotating)

    // The old key alone opens nothing any more: the start stops and says why.
    await expect(startTestServer({ dataDir, env: { MASTER_KEY: oldKey } })).rejects.toThrow(/authenticator secrets.*another master key/)
    expect(await storedSecret(dataDir, a)).toBe(underNew)

    const after = await start(dataDir, { MASTER_KEY: newKey })
    expect((await signIn(after, a)).status).toBe(204)
  })
})
