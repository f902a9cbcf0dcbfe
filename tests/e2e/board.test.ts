/**
 * End to end in real Chromium against the built app and the real server: a professional and a
 * resident on one case see each other's items and links live; a coordinator sees the board and
 * cannot change it; the page asks no third-party host for anything.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { api, createCase, invite } from '../helpers/server.ts'
import { hasChromium, openAsProfessional as openAs, openInvite as openInviteIn, useBrowserAndServer } from './browser.ts'

const SHOTS = process.env.KT_SCREENSHOTS ?? '/tmp/kt-e2e'

describe.skipIf(!hasChromium)('the board in two browsers and a coordinator’s', () => {
  const fixture = useBrowserAndServer({ needsClient: true, shots: SHOTS })

  async function openAsProfessional(caseId: string): Promise<{ page: Page; foreign: string[]; errors: string[] }> {
    const { page, foreignRequests, errors } = await openAs(fixture.browser, fixture.server, caseId)
    return { page, foreign: foreignRequests, errors }
  }

  async function openInvite(token: string, name: string, org: string | null): Promise<{ page: Page; foreign: string[]; errors: string[] }> {
    const { page, foreignRequests, errors } = await openInviteIn(fixture.browser, fixture.server.url, token, name, { org })
    return { page, foreign: foreignRequests, errors }
  }

  const items = (page: Page) => page.locator('[data-testid="kt-item"]')
  /** Where a card shows on the canvas (the part not hidden beside the docked inspector). */
  const visibleCentre = (page: Page, index: number) =>
    items(page).nth(index).evaluate((el) => {
      const r = el.getBoundingClientRect()
      const c = el.closest('.kt-canvas')!.getBoundingClientRect()
      return { x: (Math.max(r.left, c.left) + Math.min(r.right, c.right)) / 2, y: (Math.max(r.top, c.top) + Math.min(r.bottom, c.bottom)) / 2 }
    })
  /** '+ Knelpunt' etc. with nothing selected: the board asks for the domain; take the first. */
  async function addInFirstDomain(page: Page, kind: string): Promise<void> {
    await page.getByTestId(`add-${kind}`).click()
    await page.getByTestId('domain-choice').first().click()
    await page.getByTestId('kt-item-textarea').waitFor({ timeout: 15_000 })
  }

  it('shows items and links added in one browser in the other, and keeps the coordinator read-only', async () => {
    const caseId = await createCase(fixture.server.url, 'Familie Jansen', 'integrale-intake', fixture.server.teamId)
    const pro = await openAsProfessional(caseId)
    const resident = await openInvite(await invite(fixture.server.url, caseId, 'resident'), 'Jan', null)
    const coordinator = await openInvite(await invite(fixture.server.url, caseId, 'coordinator'), 'Carla', 'Gemeente')

    // Professional adds a problem; the resident adds a wish (each chooses the domain).
    await addInFirstDomain(pro.page, 'problem')
    await expect.poll(() => items(resident.page).count(), { timeout: 15_000 }).toBe(1)
    await addInFirstDomain(resident.page, 'wish')
    await expect.poll(() => items(pro.page).count(), { timeout: 15_000 }).toBe(2)
    await expect.poll(() => items(coordinator.page).count(), { timeout: 15_000 }).toBe(2)

    // The resident's card is marked as theirs, on every screen.
    const plan = (await api(fixture.server.url, 'GET', `/api/cases/${caseId}`)).body.plan
    const all = [...plan.domains.flatMap((d: { items: unknown[] }) => d.items), ...plan.unassigned] as { id: string; kind: string; byResident: boolean; author: { name: string } }[]
    expect(all.find((i) => i.kind === 'wish')).toMatchObject({ byResident: true, author: { name: 'Jan' } })

    // The professional links the problem to the wish from the card: 'Verband leggen', kind, then a click on the other card.
    await pro.page.keyboard.press('Escape')
    const problemIndex = (await items(pro.page).nth(0).getAttribute('data-kind')) === 'problem' ? 0 : 1
    const a = await visibleCentre(pro.page, problemIndex)
    await pro.page.mouse.click(a.x, a.y)
    await pro.page.getByTestId('link-kind').selectOption('helps')
    await pro.page.getByTestId('link-pick').click()
    await pro.page.getByTestId('picking-bar').waitFor({ timeout: 15_000 })
    const b = await visibleCentre(pro.page, 1 - problemIndex)
    await pro.page.mouse.click(b.x, b.y)
    await expect.poll(async () => (await api(fixture.server.url, 'GET', `/api/cases/${caseId}`)).body.plan.links, { timeout: 15_000 })
      .toEqual([expect.objectContaining({ from: all.find((i) => i.kind === 'problem')!.id, to: all.find((i) => i.kind === 'wish')!.id, kind: 'helps' })])
    await expect.poll(() => resident.page.locator('.tl-shape[data-shape-type="arrow"]').count(), { timeout: 15_000 }).toBe(1)

    await pro.page.screenshot({ path: `${SHOTS}/professional.png` })
    await resident.page.screenshot({ path: `${SHOTS}/resident.png` })

    // The coordinator cannot add anything and cannot change what is there.
    expect(await coordinator.page.getByTestId('add-problem').count()).toBe(0)
    const before = JSON.stringify((await api(fixture.server.url, 'GET', `/api/cases/${caseId}`)).body.plan)
    await items(coordinator.page).first().waitFor({ timeout: 15_000 })
    const box = await visibleCentre(coordinator.page, 0)
    await coordinator.page.mouse.move(box.x, box.y)
    await coordinator.page.mouse.down()
    await coordinator.page.mouse.move(box.x + 300, box.y + 200, { steps: 10 })
    await coordinator.page.mouse.up()
    const after = await visibleCentre(coordinator.page, 0)
    await coordinator.page.mouse.dblclick(after.x, after.y)
    await coordinator.page.keyboard.type('weg ermee')
    await coordinator.page.keyboard.press('Delete')
    await coordinator.page.waitForTimeout(1000)
    expect(JSON.stringify((await api(fixture.server.url, 'GET', `/api/cases/${caseId}`)).body.plan)).toBe(before)
    expect(await items(pro.page).count()).toBe(2)
    await coordinator.page.screenshot({ path: `${SHOTS}/coordinator.png` })

    // Nothing was fetched from any other host (fonts, icons, translations are ours).
    expect([...pro.foreign, ...resident.foreign, ...coordinator.foreign]).toEqual([])
    expect(pro.errors).toEqual([])
    expect(resident.errors).toEqual([])
  })
})
