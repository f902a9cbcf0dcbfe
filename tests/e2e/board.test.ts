/**
 * End to end in real Chromium against the built app and the real server: a professional and a
 * resident on one case see each other's items and links live; a coordinator sees the board and
 * cannot change it; the page asks no third-party host for anything.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { api, createCase, invite, startTestServer, TEST_ORG_KEY, type TestServer } from '../helpers/server.ts'
import { hasChromium, launch, newContext, giveName } from './browser.ts'

const SHOTS = process.env.KT_SCREENSHOTS ?? '/tmp/kt-e2e'

describe.skipIf(!hasChromium)('the board in two browsers and a coordinator’s', () => {
  let server: TestServer
  let browser: Browser
  beforeAll(async () => {
    if (!fs.existsSync(path.resolve('dist/client/index.html'))) throw new Error('Build the client first (npm run build; npm test does).')
    fs.mkdirSync(SHOTS, { recursive: true })
    server = await startTestServer()
    browser = (await launch()).browser
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  async function openAsProfessional(caseId: string): Promise<{ page: Page; foreign: string[]; errors: string[] }> {
    const { page, foreignRequests, errors } = await newContext(browser, server.url)
    await page.goto('/')
    await page.getByLabel(/toegangssleutel/i).fill(TEST_ORG_KEY)
    await page.getByRole('button', { name: /inloggen/i }).click()
    await page.getByText(/casussen/i).first().waitFor()
    await page.goto(`/cases/${caseId}`)
    await giveName(page, 'Sanne', 'Sociaal wijkteam')
    return { page, foreign: foreignRequests, errors }
  }

  async function openInvite(token: string, name: string, org: string | null): Promise<{ page: Page; foreign: string[]; errors: string[] }> {
    const { page, foreignRequests, errors } = await newContext(browser, server.url)
    await page.goto(`/join#${token}`)
    await giveName(page, name, org)
    return { page, foreign: foreignRequests, errors }
  }


  const items = (page: Page) => page.locator('[data-testid="kt-item"]')

  it('shows items and links added in one browser in the other, and keeps the coordinator read-only', async () => {
    const caseId = await createCase(server.url, 'Familie Jansen', 'integrale-intake')
    const pro = await openAsProfessional(caseId)
    const resident = await openInvite(await invite(server.url, caseId, 'resident'), 'Jan', null)
    const coordinator = await openInvite(await invite(server.url, caseId, 'coordinator'), 'Carla', 'Gemeente')

    // Professional adds a problem; the resident adds a wish.
    await pro.page.getByTestId('add-problem').click()
    await expect.poll(() => items(resident.page).count(), { timeout: 15_000 }).toBe(1)
    await resident.page.keyboard.press('Escape')
    await resident.page.getByTestId('add-wish').click()
    await expect.poll(() => items(pro.page).count(), { timeout: 15_000 }).toBe(2)
    await expect.poll(() => items(coordinator.page).count(), { timeout: 15_000 }).toBe(2)

    // The resident's card is marked as theirs, on every screen.
    const plan = (await api(server.url, 'GET', `/api/cases/${caseId}`)).body.plan
    const all = [...plan.domains.flatMap((d: { items: unknown[] }) => d.items), ...plan.unassigned] as { kind: string; byResident: boolean; author: { name: string } }[]
    expect(all.find((i) => i.kind === 'wish')).toMatchObject({ byResident: true, author: { name: 'Jan' } })

    // The professional draws a link from the problem to the wish with the arrow tool.
    await pro.page.keyboard.press('Escape')
    const [a, b] = [items(pro.page).nth(0), items(pro.page).nth(1)]
    const boxA = (await a.boundingBox())!
    const boxB = (await b.boundingBox())!
    await pro.page.keyboard.press('a')
    await pro.page.mouse.move(boxA.x + boxA.width / 2, boxA.y + boxA.height / 2)
    await pro.page.mouse.down()
    await pro.page.mouse.move(boxB.x + boxB.width / 2, boxB.y + boxB.height / 2, { steps: 12 })
    await pro.page.mouse.up()
    await expect.poll(async () => (await api(server.url, 'GET', `/api/cases/${caseId}`)).body.plan.links.length, { timeout: 15_000 }).toBe(1)
    await expect.poll(() => resident.page.locator('.tl-shape[data-shape-type="arrow"]').count(), { timeout: 15_000 }).toBe(1)

    await pro.page.screenshot({ path: `${SHOTS}/professional.png` })
    await resident.page.screenshot({ path: `${SHOTS}/resident.png` })

    // The coordinator cannot add anything and cannot change what is there.
    expect(await coordinator.page.getByTestId('add-problem').count()).toBe(0)
    const before = JSON.stringify((await api(server.url, 'GET', `/api/cases/${caseId}`)).body.plan)
    const card = items(coordinator.page).first()
    const box = (await card.boundingBox())!
    await coordinator.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
    await coordinator.page.mouse.down()
    await coordinator.page.mouse.move(box.x + 300, box.y + 200, { steps: 10 })
    await coordinator.page.mouse.up()
    const after = (await card.boundingBox())!
    await coordinator.page.mouse.dblclick(after.x + after.width / 2, after.y + after.height / 2)
    await coordinator.page.keyboard.type('weg ermee')
    await coordinator.page.keyboard.press('Delete')
    await coordinator.page.waitForTimeout(1000)
    expect(JSON.stringify((await api(server.url, 'GET', `/api/cases/${caseId}`)).body.plan)).toBe(before)
    expect(await items(pro.page).count()).toBe(2)
    await coordinator.page.screenshot({ path: `${SHOTS}/coordinator.png` })

    // Nothing was fetched from any other host (fonts, icons, translations are ours).
    expect([...pro.foreign, ...resident.foreign, ...coordinator.foreign]).toEqual([])
    expect(pro.errors).toEqual([])
    expect(resident.errors).toEqual([])
  })
})
