/**
 * Real Chromium for end-to-end tests (playwright-core driving Debian's /usr/bin/chromium or
 * CHROMIUM_PATH). When no Chromium is installed the suites are skipped with a loud message —
 * except with KT_REQUIRE_BROWSER=1 (CI), where a missing browser fails the run.
 */
import fs from 'node:fs'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

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

/** Fill the name prompt (and organisation, when asked) and wait until the board is live. */
export async function giveName(page: Page, name: string, org: string | null): Promise<void> {
  const nameField = page.getByLabel(/^(je |uw )?naam/i).first()
  await nameField.waitFor({ timeout: 20_000 })
  await nameField.fill(name)
  if (org !== null) {
    const orgField = page.getByLabel(/organisatie/i).first()
    if (await orgField.isVisible()) await orgField.fill(org)
  }
  await page.getByRole('button', { name: /verder|naar het bord/i }).first().click()
  await page.getByTestId('board').waitFor({ timeout: 30_000 })
  await page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor({ timeout: 20_000 })
}
