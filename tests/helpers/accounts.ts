/**
 * Test accounts: made the way an administrator and the account's owner would (Accounts.create,
 * then the activation with a password and a first authenticator code), in the test server's own
 * storage. `session` signs one in without the login form (its own cookie); `nextCode` gives the
 * authenticator code of the next time step, which a sign-in accepts once after activation used
 * the current one.
 */
import { randomBytes } from 'node:crypto'
import type { AccountRole } from '../../shared/api.ts'
import { Accounts, totpOf } from '../../server/auth/accounts.ts'
import { CredentialLimiter } from '../../server/auth/rateLimit.ts'
import { hashToken, newToken } from '../../server/auth/secrets.ts'
import { SESSION_COOKIE, SESSION_TTL_MS } from '../../server/constants.ts'
import type { TestServer } from './server.ts'

export interface TestAccount {
  id: string
  username: string
  displayName: string
  password: string
  totpSecret: string
  role: AccountRole
  teamId: string | null
}

let counter = 0

/** A new, activated account (in the server's test team unless `teamId` says otherwise). */
export async function addAccount(
  server: TestServer, o: { role?: AccountRole; teamId?: string | null; username?: string; displayName?: string } = {},
): Promise<TestAccount> {
  const accounts = new Accounts(server.storage, new CredentialLimiter(), { passwordN: 16384, requireMfa: true })
  const role = o.role ?? 'professional'
  const username = o.username ?? `${role}${++counter}-${randomBytes(3).toString('hex')}`
  const displayName = o.displayName ?? `Test ${role} ${counter}`
  const teamId = o.teamId === undefined ? server.teamId : o.teamId
  const { token } = await accounts.create({ username, displayName, role, teamId })
  const started = await accounts.startActivation(token)
  if (!started?.totpSecret) throw new Error('activation did not start')
  const password = `Correct-horse-${randomBytes(6).toString('hex')}`
  const now = Date.now()
  const code = totpOf(username, started.totpSecret).generate({ timestamp: now })
  const account = await accounts.completeActivation(token, password, code, now)
  return { id: account.id, username, displayName, password, totpSecret: started.totpSecret, role, teamId }
}

/** The authenticator code of the time step after `at` (accepted once: steps only move forward). */
export function nextCode(a: TestAccount, at = Date.now()): string {
  return totpOf(a.username, a.totpSecret).generate({ timestamp: at + 30_000 })
}

/** A session for the account, as signing in makes one: the Cookie header value. */
export async function session(server: TestServer, a: TestAccount): Promise<string> {
  const sid = newToken('session')
  const now = Date.now()
  await server.storage.createSession({ idHash: hashToken(sid), role: a.role, accountId: a.id, createdAt: now, expiresAt: now + SESSION_TTL_MS })
  return `${SESSION_COOKIE}=${sid}`
}
