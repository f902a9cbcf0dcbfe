/**
 * Sign-in through the organisation's identity provider, end to end in real Chromium: the start
 * page's 'Inloggen via …' button, the provider's own login and consent pages (a real
 * oidc-provider, tests/helpers/oidcProvider.ts), and back to Keukentafel signed in with the role
 * and team the claims give. The provider runs on 'localhost' and Keukentafel on 127.0.0.1: two
 * sites, as in production, so the cookies cross sites the way they will there.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { freePort } from '../helpers/ports.ts'
import { OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, startOidcProvider, type TestOidcProvider } from '../helpers/oidcProvider.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { hasChromium, launch, newContext } from './browser.ts'

const PROVIDER_NAME = 'Gemeente Teststad'

describe.skipIf(!hasChromium)('OIDC sign-in in Chromium', () => {
  let server: TestServer
  let provider: TestOidcProvider
  let browser: Browser

  beforeAll(async () => {
    const clientDir = path.resolve(process.env.KT_CLIENT_DIR ?? 'dist/client')
    if (!fs.existsSync(path.join(clientDir, 'index.html'))) throw new Error(`Build the client first (no ${clientDir}/index.html).`)
    const port = await freePort()
    const publicUrl = `http://127.0.0.1:${port}`
    provider = await startOidcProvider({ redirectUris: [`${publicUrl}/api/oidc/callback`], hostname: 'localhost' })
    server = await startTestServer({
      env: {
        PORT: String(port), PUBLIC_URL: publicUrl, OIDC_ISSUER: provider.issuer, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET,
        OIDC_NAME: PROVIDER_NAME, OIDC_ROLE_MAP: 'wmo-consulent=professional,teamleider=coordinator',
      },
    })
    browser = (await launch()).browser
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    await provider?.stop()
  })

  /** A fresh browser: the start page's button, the provider's login and consent pages, and back. */
  async function signIn(login: string): Promise<Page> {
    const { page } = await newContext(browser, server.url)
    await page.goto('/')
    const button = page.getByRole('link', { name: `Inloggen via ${PROVIDER_NAME}` })
    await button.click({ timeout: 20_000 })
    await page.waitForURL((u) => u.origin === provider.issuer && u.pathname.startsWith('/interaction/'), { timeout: 20_000 })
    await page.locator('input[name="login"]').fill(login)
    await page.locator('input[name="password"]').fill('geheim wachtwoord')
    await page.getByRole('button', { name: 'Sign-in' }).click()
    await page.getByRole('button', { name: 'Continue' }).click({ timeout: 20_000 })
    await page.waitForURL((u) => u.origin === server.url, { timeout: 20_000 })
    return page
  }

  /** GET /api/me from the page itself: what its cookie gives. */
  function meIn(page: Page): Promise<{ status: number; body: any }> {
    return page.evaluate(async () => {
      const r = await fetch('/api/me')
      return { status: r.status, body: await r.json() }
    })
  }

  it('signs in through the provider and lands signed in, with role and team from the claims', async () => {
    provider.users.set('anna', { name: 'Anna de Vries', role: 'wmo-consulent', team: 'Wijkteam Noord' })
    const page = await signIn('anna')
    expect(new URL(page.url()).pathname).toBe('/')
    await page.getByTestId('signed-in-as').filter({ hasText: 'Anna de Vries' }).waitFor({ timeout: 20_000 })
    const me = await meIn(page)
    expect(me.status).toBe(200)
    expect(me.body.account).toMatchObject({ username: 'anna', displayName: 'Anna de Vries', role: 'professional', external: true, team: { name: 'Wijkteam Noord' } })
    // The short-lived cookie of the started sign-in is gone.
    const cookies = await page.context().cookies(server.url)
    expect(cookies.map((c) => c.name)).not.toContain('kt_oidc')
    expect(cookies.find((c) => c.name === 'kt_session')?.httpOnly).toBe(true)
    await page.context().close()
  })

  it('takes a changed role claim at the next sign-in', async () => {
    provider.users.set('anna', { name: 'Anna de Vries', role: 'teamleider', team: 'Wijkteam Noord' })
    const page = await signIn('anna')
    await page.getByTestId('signed-in-as').filter({ hasText: 'Anna de Vries' }).waitFor({ timeout: 20_000 })
    const me = await meIn(page)
    expect(me.body.account).toMatchObject({ username: 'anna', role: 'coordinator', team: { name: 'Wijkteam Noord' } })
    await page.context().close()
  })

  it('refuses a person the provider gives no role', async () => {
    const page = await signIn('zonder-rol')
    await page.waitForURL((u) => u.searchParams.get('login_error') === 'oidc_no_role', { timeout: 20_000 })
    expect((await meIn(page)).status).toBe(401)
    expect(await server.storage.accounts.findAccountByUsername('zonder-rol')).toBeNull()
    await page.context().close()
  })
})
