/**
 * Real Chromium for end-to-end tests (playwright-core driving Debian's /usr/bin/chromium or
 * CHROMIUM_PATH). When no Chromium is installed the suites are skipped with a loud message —
 * except with KT_REQUIRE_BROWSER=1 (CI), where a missing browser fails the run.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { startTestServer, type TestClient, type TestServer } from '../helpers/server.ts'
import { addAccount, nextCode, type TestAccount } from '../helpers/accounts.ts'
import type { AccountRole } from '../../shared/api.ts'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const hasChromium = fs.existsSync(CHROMIUM_PATH)

if (!hasChromium) {
  const msg = `\n!!! End-to-end tests SKIPPED: no Chromium at ${CHROMIUM_PATH}.\n!!! Install it with: apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH).\n`
  if (process.env.KT_REQUIRE_BROWSER === '1') throw new Error(msg)
  console.warn(msg)
}

const ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage',
]

/** Playwright gives every launch a fresh, empty user-data-dir of its own (and removes it). */
export async function launch(): Promise<{ browser: Browser }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS })
  return { browser }
}

/** A fresh context that records every request to a host other than ours. */
export async function newContext(browser: Browser, baseURL: string): Promise<{ context: BrowserContext; page: Page; foreignRequests: string[]; errors: string[] }> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1400, height: 900 } })
  const page = await context.newPage()
  const foreignRequests: string[] = []
  const errors: string[] = []
  const ours = new URL(baseURL).host
  page.on('request', (req) => {
    const u = new URL(req.url())
    if ((u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'ws:' || u.protocol === 'wss:') && u.host !== ours) {
      foreignRequests.push(req.url())
    }
  })
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => { if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) errors.push(m.text().slice(0, 300)) })
  page.on('requestfailed', (req) => {
    // A request the page itself cancelled by navigating away (ERR_ABORTED) is no failure.
    const why = req.failure()?.errorText ?? ''
    if (why !== 'net::ERR_ABORTED') errors.push(`request failed: ${req.url()} (${why})`)
  })
  return { context, page, foreignRequests, errors }
}

/**
 * Fill the name prompt (and organisation, when asked) and wait until the board is live — or, with
 * `waitFor: 'plan-view'`, until the connection is up and the plan view shows (a narrow screen shows
 * no board).
 */
export async function giveName(page: Page, name: string, org: string | null, opts: { waitFor?: 'board' | 'plan-view' } = {}): Promise<void> {
  const nameField = page.getByLabel(/^(je |uw )?naam/i).first()
  await nameField.waitFor({ timeout: 20_000 })
  await nameField.fill(name)
  if (org !== null) {
    const orgField = page.getByLabel(/organisatie/i).first()
    if (await orgField.isVisible()) await orgField.fill(org)
  }
  await page.getByRole('button', { name: /verder|naar het bord/i }).first().click()
  const connected = page.locator('[data-testid="connection-state"][data-state="connected"]')
  if (opts.waitFor === 'plan-view') {
    await connected.waitFor({ timeout: 30_000 })
    await page.getByTestId('plan-view').waitFor({ timeout: 30_000 })
  } else {
    await page.getByTestId('board').waitFor({ timeout: 30_000 })
    await connected.waitFor({ timeout: 20_000 })
  }
}

/**
 * Sign in on the start page's login form with a fresh personal account of this role in the test
 * team (user name, password and the authenticator's next code, in one step); waits for nothing.
 */
export async function logIn(page: Page, server: TestServer, role: AccountRole = 'professional'): Promise<TestAccount> {
  const account = await addAccount(server, { role })
  await page.goto('/')
  await fillLogin(page, account.username, account.password, nextCode(account))
  return account
}

/** Fill the login form (it must be showing) and press 'Inloggen'. */
export async function fillLogin(page: Page, username: string, password: string, code: string): Promise<void> {
  await page.getByLabel('Gebruikersnaam', { exact: true }).fill(username)
  await page.getByLabel('Wachtwoord', { exact: true }).fill(password)
  await page.getByLabel('Code uit uw authenticator-app', { exact: true }).fill(code)
  await page.getByRole('button', { name: 'Inloggen', exact: true }).click()
}

/** How loginAsProfessional waits for the case list: `listBy` its text ('casussen', the default) or its test id; `timeout` for that wait. */
interface LoginOptions { listBy?: 'text' | 'testid'; timeout?: number }

/**
 * A professional: sign in with a fresh personal account in the test team, wait for the case list,
 * open the case (it must be in the test team: createCase(…, server.teamId)) and give a name (see
 * LoginOptions, and giveName for `waitFor`).
 */
export async function loginAsProfessional(
  page: Page, server: TestServer, caseId: string, name = 'Sanne', org = 'Sociaal wijkteam',
  opts: LoginOptions & { waitFor?: 'board' | 'plan-view' } = {},
): Promise<void> {
  await logIn(page, server)
  const list = opts.listBy === 'testid' ? page.getByTestId('case-list') : page.getByText(/casussen/i).first()
  await list.waitFor({ timeout: opts.timeout })
  await page.goto(`/cases/${caseId}`)
  await giveName(page, name, org, { waitFor: opts.waitFor })
}

type Size = { width: number; height: number }
type Opened = Awaited<ReturnType<typeof newContext>>

/** A fresh context (newContext; resized when `size` is given) with a professional on the case's board. */
export async function openAsProfessional(
  browser: Browser, server: TestServer, caseId: string, opts: LoginOptions & { name?: string; org?: string; size?: Size } = {},
): Promise<Opened> {
  const opened = await newContext(browser, server.url)
  if (opts.size) await opened.page.setViewportSize(opts.size)
  await loginAsProfessional(opened.page, server, caseId, opts.name, opts.org, { listBy: opts.listBy, timeout: opts.timeout })
  return opened
}

/** A fresh context (newContext; resized when `size` is given) that joins by invite link and gives a name. */
export async function openInvite(
  browser: Browser, baseURL: string, token: string, name: string, opts: { org?: string | null; size?: Size } = {},
): Promise<Opened> {
  const opened = await newContext(browser, baseURL)
  if (opts.size) await opened.page.setViewportSize(opts.size)
  await opened.page.goto(`/join#${token}`)
  await giveName(opened.page, name, opts.org ?? null)
  return opened
}

/**
 * Register a test server and a Chromium for the whole describe block: started in beforeAll (after
 * checking that the client is built, with `needsClient`, and making the screenshot folder, with
 * `shots`), stopped in afterAll, after `beforeStop` and after destroying every y-websocket client
 * pushed onto `clients`.
 */
export function useBrowserAndServer(opts: {
  env?: Record<string, string>; needsClient?: boolean; shots?: string; beforeStop?: () => Promise<void>
} = {}) {
  let server: TestServer | undefined
  let browser: Browser | undefined
  const clients: TestClient[] = []
  beforeAll(async () => {
    const clientDir = path.resolve(process.env.KT_CLIENT_DIR ?? 'dist/client')
    if (opts.needsClient && !fs.existsSync(path.join(clientDir, 'index.html'))) throw new Error(`Build the client first (no ${clientDir}/index.html; npm run build, npm test does).`)
    if (opts.shots) fs.mkdirSync(opts.shots, { recursive: true })
    server = await startTestServer(opts.env ? { env: opts.env } : {})
    browser = (await launch()).browser
  })
  afterAll(async () => {
    await opts.beforeStop?.()
    for (const c of clients) c.destroy()
    await browser?.close()
    await server?.stop()
  })
  return {
    get server(): TestServer {
      if (!server) throw new Error('server not started yet')
      return server
    },
    get browser(): Browser {
      if (!browser) throw new Error('browser not launched yet')
      return browser
    },
    clients,
  }
}
