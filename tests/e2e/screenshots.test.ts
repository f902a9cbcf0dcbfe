/**
 * The pictures in the README, taken from the real app with a realistic plan: the board with the
 * plan view beside it (a professional at 1280×800), resident mode on the resident's own link, and
 * the plan view on a phone; and the login, an account's activation and the administrator's page. Each run writes them to KT_SCREENSHOTS (default /tmp/kt-e2e); with
 * UPDATE_SCREENSHOTS=1 into docs/screenshots/ as well. The assertions check that each picture
 * shows the plan it should (the cards on the board, the plan view's sections), not pixels.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { addItem, addLink, listDomains, setGoal, updateItem, updatePlan } from '../../shared/doc.ts'
import { api, connect, createCase, invite, synced, TEST_ORG_KEY } from '../helpers/server.ts'
import { fillLogin, hasChromium, newContext, openAsProfessional, openInvite, useBrowserAndServer } from './browser.ts'
import { addAccount, nextCode, session } from '../helpers/accounts.ts'

const SHOTS = process.env.KT_SCREENSHOTS ?? '/tmp/kt-e2e'
const DOCS = path.resolve('docs/screenshots')

describe.skipIf(!hasChromium)('screenshots for the README', () => {
  const fixture = useBrowserAndServer({ shots: SHOTS })

  async function shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: `${SHOTS}/${name}.png` })
    if (process.env.UPDATE_SCREENSHOTS === '1') fs.copyFileSync(`${SHOTS}/${name}.png`, `${DOCS}/${name}.png`)
  }

  /** A plan as it stands after a first joint intake. */
  async function intake(): Promise<string> {
    const caseId = await createCase(fixture.server.url, 'Familie El Amrani', 'integrale-intake', fixture.server.teamId)
    const c = connect(fixture.server, caseId, TEST_ORG_KEY)
    fixture.clients.push(c)
    await synced(c)
    const d = c.doc
    const [work, income, housing, , mental, family] = listDomains(d).map((x) => x.id)
    const sanne = { name: 'Sanne', org: 'Sociaal wijkteam', role: 'professional' as const }
    const ahmed = { name: 'Ahmed', org: 'Werk & Inkomen', role: 'professional' as const }
    const resident = { name: '', org: '', role: 'resident' as const }
    const debts = addItem(d, { kind: 'problem', text: 'Schulden bij de energieleverancier en de zorgverzekeraar', domainId: income!, author: sanne, stress: true })
    const sleep = addItem(d, { kind: 'problem', text: 'Slaapt slecht door zorgen over geld', domainId: mental!, author: sanne })
    addItem(d, { kind: 'wish', text: 'Weer werken, het liefst in de zorg', domainId: work!, author: resident, recordedBy: sanne })
    addItem(d, { kind: 'strength', text: 'Zus helpt met de post', domainId: family!, author: resident, recordedBy: sanne })
    addItem(d, { kind: 'problem', text: 'Huurachterstand van twee maanden', domainId: housing!, author: ahmed, stress: true })
    const act = addItem(d, { kind: 'action', text: 'Aanmelden bij schuldhulpverlening', domainId: income!, author: ahmed })
    updateItem(d, act, { owner: 'Ahmed', ownerOrg: 'Werk & Inkomen', due: '2026-12-14', status: 'in_progress' })
    const act2 = addItem(d, { kind: 'action', text: 'Gesprek met de huisarts over slapen', domainId: mental!, author: sanne })
    updateItem(d, act2, { owner: 'Sanne', ownerOrg: 'Sociaal wijkteam', due: '2026-12-07' })
    addLink(d, debts, sleep, 'reinforces')
    setGoal(d, 'Over een jaar rust in mijn hoofd en een baan van 20 uur')
    updatePlan(d, { route: 'parallel', ladderNow: 2, ladderGoal: 5 })
    return caseId
  }

  async function asProfessional(caseId: string, size: { width: number; height: number }): Promise<Page> {
    return (await openAsProfessional(fixture.browser, fixture.server, caseId, { size })).page
  }

  const visibleCard = (page: Page, text: string) => page.locator('[data-testid="kt-item"]', { hasText: text }).filter({ visible: true }).first()

  it('the board beside the plan view, resident mode, and the plan view on a phone', async () => {
    const caseId = await intake()

    const pro = await asProfessional(caseId, { width: 1280, height: 800 })
    await visibleCard(pro, 'Weer werken').waitFor({ timeout: 30_000 })
    await pro.getByTestId('plan-view').waitFor({ timeout: 30_000 })
    await shot(pro, 'board-and-plan')

    const { page: res } = await openInvite(fixture.browser, fixture.server.url, await invite(fixture.server.url, caseId, 'resident'), 'Fatima', { size: { width: 1280, height: 800 } })
    await visibleCard(res, 'Weer werken').waitFor({ timeout: 30_000 })
    expect(await res.locator('[data-resident-mode="true"]').count()).toBeGreaterThan(0)
    await shot(res, 'resident-mode')

    const phone = await asProfessional(caseId, { width: 1280, height: 800 })
    await phone.setViewportSize({ width: 360, height: 740 }) // a phone: the plan view is the main view
    await phone.getByTestId('plan-view').waitFor({ timeout: 30_000 })
    await phone.getByRole('heading', { name: 'Inkomen & schulden' }).first().waitFor({ timeout: 30_000 })
    await phone.waitForFunction(() => [...document.querySelectorAll('textarea, input')].some((e) => (e as HTMLInputElement).value === 'Aanmelden bij schuldhulpverlening'), null, { timeout: 30_000 })
    expect(await phone.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(360)
    await shot(phone, 'plan-view-phone')
  })

  it('signing in, activating an account, and the administrator\'s page', async () => {
    const size = { width: 1280, height: 800 }
    const login = await newContext(fixture.browser, fixture.server.url)
    await login.page.setViewportSize(size)
    await login.page.goto('/')
    await login.page.getByLabel('Gebruikersnaam', { exact: true }).waitFor({ timeout: 20_000 })
    await shot(login.page, 'login')

    const admin = await addAccount(fixture.server, { role: 'admin', displayName: 'Karin Beheer', username: 'karin.beheer' })
    const made = await api(fixture.server.url, 'POST', '/api/admin/accounts', {
      auth: null, cookie: await session(fixture.server, admin), body: { username: 'fatima.bakker', displayName: 'Fatima Bakker', role: 'professional', teamId: fixture.server.teamId },
    })
    expect(made.status).toBe(201)
    const activate = await newContext(fixture.browser, fixture.server.url)
    await activate.page.setViewportSize(size)
    const link = new URL(made.body.url as string)
    await activate.page.goto(link.pathname + link.hash)
    await activate.page.getByTestId('totp-qr').waitFor({ timeout: 20_000 })
    await shot(activate.page, 'activate')

    const adminPage = await newContext(fixture.browser, fixture.server.url)
    await adminPage.page.setViewportSize(size)
    await adminPage.page.goto('/')
    await fillLogin(adminPage.page, admin.username, admin.password, nextCode(admin))
    const fatima = adminPage.page.locator('[data-testid="account-row"][data-username="fatima.bakker"]')
    await fatima.waitFor({ timeout: 20_000 })
    expect(await fatima.getAttribute('data-status')).toBe('pending')
    // The accounts, with the form to make one above them.
    await adminPage.page.getByTestId('new-account-form').evaluate((el) => el.scrollIntoView({ block: 'start' }))
    await shot(adminPage.page, 'admin')
  })
})
