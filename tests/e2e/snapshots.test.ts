/**
 * End to end in real Chromium: a professional saves a snapshot and changes the board; a coordinator
 * signs in with a coordinator's account, lands on the review, opens the case's comparison and sees the
 * added item listed and ringed on the board; the snapshot view is read-only; the printable plan
 * shows the actions as a table; a restore (after a confirm dialog) brings the saved state back.
 */
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { addItem, listDomains, setGoal, updateItem, updatePlan } from '../../shared/doc.ts'
import { api, connect, createCase, invite, synced, TEST_ORG_KEY } from '../helpers/server.ts'
import { hasChromium, logIn, newContext, openAsProfessional, openInvite, useBrowserAndServer } from './browser.ts'

const SHOTS = process.env.KT_SCREENSHOTS ?? '/tmp/kt-e2e'
const pro = { name: 'Sanne', org: 'Sociaal wijkteam', role: 'professional' as const }

describe.skipIf(!hasChromium)('snapshots, comparison, review and the printable plan', () => {
  const fixture = useBrowserAndServer({ needsClient: true, shots: SHOTS })

  const plan = async (caseId: string) => (await api(fixture.server.url, 'GET', `/api/cases/${caseId}`)).body.plan
  const itemCount = async (caseId: string) => {
    const p = await plan(caseId)
    return p.domains.reduce((n: number, d: { items: unknown[] }) => n + d.items.length, 0) + p.unassigned.length
  }

  /** A case with a goal, a route and items in life domains, written by a real y-websocket client. */
  async function caseWithPlan(): Promise<string> {
    const caseId = await createCase(fixture.server.url, 'Familie de Vries', 'integrale-intake', fixture.server.teamId)
    const c = connect(fixture.server, caseId, TEST_ORG_KEY)
    fixture.clients.push(c)
    await synced(c)
    const domain = (key: string) => {
      const d = listDomains(c.doc).find((x) => x.key === key)!
      return { domainId: d.id, pos: { x: d.pos.x + 20, y: d.pos.y + 60 } }
    }
    const money = domain('income_debts')
    const work = domain('work')
    setGoal(c.doc, 'Over een jaar heb ik werk en geen schulden meer.')
    updatePlan(c.doc, { route: 'parallel', ladderNow: 2, ladderGoal: 5 })
    addItem(c.doc, { kind: 'problem', text: 'Schulden bij de energieleverancier', ...money, author: pro, stress: true })
    addItem(c.doc, { kind: 'wish', text: 'Weer aan het werk', ...work, author: pro })
    addItem(c.doc, { kind: 'strength', text: 'Buurvrouw helpt met de post', ...money, pos: { x: money.pos.x + 240, y: money.pos.y }, author: pro })
    const a1 = addItem(c.doc, { kind: 'action', text: 'Schuldhulp aanvragen', ...money, pos: { x: money.pos.x, y: money.pos.y + 140 }, author: pro })
    updateItem(c.doc, a1, { owner: 'Sanne', ownerOrg: 'Sociaal wijkteam', due: '2099-12-15' })
    const a2 = addItem(c.doc, { kind: 'action', text: 'Formulier inleveren', ...work, pos: { x: work.pos.x, y: work.pos.y + 140 }, author: pro })
    updateItem(c.doc, a2, { owner: 'Jan', due: '2020-01-06' })
    await expect.poll(() => itemCount(caseId), { timeout: 10_000 }).toBe(5)
    return caseId
  }

  const items = (page: Page) => page.locator('[data-testid="kt-item"]')

  it('lets a professional save a snapshot and a coordinator see what changed since', async () => {
    const caseId = await caseWithPlan()

    // The professional saves a snapshot with the prefilled, editable label.
    const p = await openAsProfessional(fixture.browser, fixture.server, caseId, { listBy: 'testid' })
    await expect.poll(() => items(p.page).count(), { timeout: 15_000 }).toBe(5)
    await p.page.getByTestId('tab-snapshots').click()
    const label = p.page.getByTestId('snapshot-label')
    expect(await label.inputValue()).toMatch(/^Intake \d{2}-\d{2}-\d{4} \d{2}:\d{2}$/)
    await label.fill('Eerste keukentafelgesprek')
    await p.page.getByTestId('snapshot-save').click()
    await p.page.getByTestId('snapshot-item').first().waitFor()
    const first = p.page.getByTestId('snapshot-item').first()
    expect(await first.getByTestId('snapshot-item-label').textContent()).toBe('Eerste keukentafelgesprek')
    expect(await first.textContent()).toContain('door Sanne')
    expect(await first.getByTestId('snapshot-summary').textContent()).toBe('5 punten · 2 open afspraken · 1 te laat · eerste momentopname')
    const [saved] = (await api(fixture.server.url, 'GET', `/api/cases/${caseId}/snapshots`)).body
    expect(saved).toMatchObject({ label: 'Eerste keukentafelgesprek', savedBy: { name: 'Sanne', role: 'professional' } })

    // Then changes the board: one more problem.
    await p.page.keyboard.press('Escape')
    await p.page.getByTestId('add-problem').click()
    // With nothing selected the board asks for the life domain first.
    const choice = p.page.getByTestId('domain-choice').first()
    if (await choice.isVisible()) await choice.click()
    await expect.poll(() => itemCount(caseId), { timeout: 15_000 }).toBe(6)
    await p.page.keyboard.press('Escape')
    const diff = (await api(fixture.server.url, 'GET', `/api/cases/${caseId}/diff?from=${saved.id}&to=live`)).body.diff
    expect(diff.items.added).toHaveLength(1)
    const addedId = diff.items.added[0].id as string
    await p.page.screenshot({ path: `${SHOTS}/snapshots-panel.png` })

    // A coordinator signs in with their account and lands on the review.
    const c = await newContext(fixture.browser, fixture.server.url)
    await logIn(c.page, fixture.server, 'coordinator')
    await c.page.getByTestId('review-title').waitFor({ timeout: 15_000 })
    expect(new URL(c.page.url()).pathname).toBe('/review')
    const row = c.page.locator(`[data-testid="review-case"][data-case-id="${caseId}"]`)
    await row.waitFor()
    expect(await row.getByTestId('review-open-count').textContent()).toBe('2')
    expect(await row.getByTestId('review-overdue-count').textContent()).toBe('1')
    expect(await row.getByTestId('review-overdue-count').getAttribute('class')).toContain('overdue')
    expect(await row.locator('[data-testid="review-action"][data-overdue="true"]').textContent()).toContain('Formulier inleveren')
    expect(await row.getByTestId('review-stale').count()).toBe(0)
    await c.page.screenshot({ path: `${SHOTS}/review.png`, fullPage: true })

    // 'What changed since the previous meeting': the added problem is listed and ringed on the board.
    await row.getByTestId('review-what-changed').click()
    await c.page.getByTestId('compare-list').waitFor({ timeout: 20_000 })
    expect(await c.page.getByTestId('compare-from').inputValue()).toBe(saved.id)
    expect(await c.page.getByTestId('compare-to').inputValue()).toBe('live')
    const added = c.page.getByTestId('diff-added').getByTestId('diff-line')
    expect(await added.count()).toBe(1)
    expect(await added.getAttribute('data-item-id')).toBe(addedId)
    expect(await added.textContent()).toMatch(/^Knelpunt — /)
    expect(await c.page.getByTestId('diff-overdue').textContent()).toContain('Formulier inleveren')
    expect(await c.page.getByTestId('diff-removed').count()).toBe(0)
    const ringed = c.page.locator('[data-testid="kt-item"][data-highlight]')
    await expect.poll(() => ringed.count(), { timeout: 20_000 }).toBe(1)
    expect(await ringed.getAttribute('data-item-id')).toBe(addedId)
    expect(await ringed.getByTestId('kt-item-highlight').textContent()).toBe('nieuw')
    expect(await c.page.getByTestId('compare-board').getByTestId('kt-item').count()).toBe(6)
    await c.page.screenshot({ path: `${SHOTS}/compare.png` })

    // The snapshot itself, read-only: five cards, a banner, the plan as text.
    await c.page.goto(`/cases/${caseId}/snapshots/${saved.id}`)
    await c.page.getByTestId('snapshot-banner').waitFor({ timeout: 20_000 })
    expect(await c.page.getByTestId('snapshot-banner').textContent()).toMatch(/^Momentopname van .* — alleen bekijken/)
    await expect.poll(() => items(c.page).count(), { timeout: 20_000 }).toBe(5)
    expect(await c.page.getByTestId('board').getAttribute('data-readonly')).toBe('true')
    expect(await c.page.getByTestId('snapshot-plan').textContent()).toContain('Schulden bij de energieleverancier')
    await c.page.screenshot({ path: `${SHOTS}/snapshot-view.png` })

    // The printable plan: the actions as a table (by due date), stress factors marked.
    await c.page.goto(`/cases/${caseId}/print`)
    const table = c.page.getByTestId('print-actions')
    await table.waitFor({ timeout: 15_000 })
    expect(await table.locator('thead th').allTextContents()).toEqual(['Wat', 'Wie', 'Wanneer', 'Status'])
    const rows = table.getByTestId('print-action')
    expect(await rows.count()).toBe(2)
    expect(await rows.nth(0).locator('td').allTextContents()).toEqual(['Formulier inleveren', 'Jan', '6 jan 2020', 'open — te laat'])
    expect(await rows.nth(1).locator('td').allTextContents()).toEqual(['Schuldhulp aanvragen', 'Sanne, Sociaal wijkteam', '15 dec 2099', 'open'])
    expect(await c.page.getByTestId('print-goal').textContent()).toBe('Over een jaar heb ik werk en geen schulden meer.')
    expect(await c.page.getByTestId('print-problems').first().textContent()).toContain('Schulden bij de energieleverancier (eerst aanpakken)')
    await c.page.screenshot({ path: `${SHOTS}/print.png`, fullPage: true })
    await c.page.emulateMedia({ media: 'print' })
    expect(await c.page.getByTestId('print-do').isVisible()).toBe(false)
    await c.page.screenshot({ path: `${SHOTS}/print-media.png`, fullPage: true })

    // The resident prints their own plan through their invite.
    const r = await openInvite(fixture.browser, fixture.server.url, await invite(fixture.server.url, caseId, 'resident'), 'Jan')
    await r.page.goto(`/cases/${caseId}/print?snapshot=${saved.id}`)
    await r.page.getByTestId('print-actions').waitFor({ timeout: 15_000 })
    expect(await r.page.getByTestId('print-date').textContent()).toMatch(/\d{4}$/)
    await r.page.screenshot({ path: `${SHOTS}/print-resident.png`, fullPage: true })

    // The professional restores the snapshot after the confirm dialog: the added problem is gone again.
    await p.page.getByTestId('snapshot-restore').first().click()
    const dialog = p.page.getByTestId('restore-dialog')
    await dialog.waitFor()
    expect(await dialog.textContent()).toContain('Er gaat niets verloren')
    await p.page.screenshot({ path: `${SHOTS}/restore-dialog.png` })
    await p.page.getByTestId('restore-confirm').click()
    await expect.poll(() => itemCount(caseId), { timeout: 15_000 }).toBe(5)
    await expect.poll(() => items(p.page).count(), { timeout: 15_000 }).toBe(5)
    await p.page.getByTestId('snapshot-notice').waitFor()
    // The plan as it was just before is kept as a snapshot of its own: nothing is lost.
    const after = (await api(fixture.server.url, 'GET', `/api/cases/${caseId}/snapshots`)).body
    expect(after).toHaveLength(2)
    expect(after[0].label).toMatch(/^Voor het terugzetten /)
    expect(after[0].summary.items).toBe(6)
    await expect.poll(() => p.page.getByTestId('snapshot-item').count(), { timeout: 10_000 }).toBe(2)

    expect([...p.foreignRequests, ...c.foreignRequests, ...r.foreignRequests]).toEqual([])
    // Loads that our own navigation cut short (leaving a board for another page) are no errors.
    const real = (errors: string[]) => errors.filter((e) => !/net::ERR_ABORTED/.test(e))
    expect(real(p.errors)).toEqual([])
    expect(real(c.errors)).toEqual([])
    expect(real(r.errors)).toEqual([])
  })

  it('exports the board as PNG and SVG, and reads well at 1280×800 in English', async () => {
    const caseId = await caseWithPlan()
    const p = await openAsProfessional(fixture.browser, fixture.server, caseId, { size: { width: 1280, height: 800 }, listBy: 'testid' })
    await expect.poll(() => items(p.page).count(), { timeout: 15_000 }).toBe(5)
    // The board stays large beside the plan / snapshots column.
    await p.page.screenshot({ path: `${SHOTS}/board-1280.png` })
    const board = (await p.page.getByTestId('board').boundingBox())!
    expect(board.width).toBeGreaterThan(900)
    expect(board.height).toBeGreaterThan(650)
    expect(await p.page.getByTestId('print-link').isVisible()).toBe(true)

    await p.page.getByText('Bord als afbeelding').click()
    const [png] = await Promise.all([p.page.waitForEvent('download'), p.page.getByTestId('export-png').click()])
    expect(png.suggestedFilename()).toMatch(/^Familie de Vries \d{4}-\d{2}-\d{2}\.png$/)
    const pngBytes = fs.readFileSync((await png.path())!)
    expect([...pngBytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47])
    expect(pngBytes.length).toBeGreaterThan(10_000)
    await p.page.getByText('Bord als afbeelding').click()
    const [svg] = await Promise.all([p.page.waitForEvent('download'), p.page.getByTestId('export-svg').click()])
    const svgText = fs.readFileSync((await svg.path())!, 'utf8')
    expect(svgText).toMatch(/^<svg/)
    expect(svgText).toContain('Schuldhulp aanvragen')
    fs.copyFileSync((await png.path())!, `${SHOTS}/board-export.png`)
    expect(await p.page.getByTestId('export-error').count()).toBe(0)

    // English: a snapshot, then the comparison with now.
    await p.page.getByTestId('locale-switch').selectOption('en')
    await p.page.getByTestId('tab-snapshots').click()
    await p.page.getByTestId('snapshot-save').click()
    await p.page.getByTestId('snapshot-item').first().waitFor()
    expect(await p.page.getByTestId('snapshot-summary').first().textContent()).toBe('5 items · 2 open actions · 1 overdue · first snapshot')
    await p.page.screenshot({ path: `${SHOTS}/board-1280-en.png` })
    await p.page.getByTestId('snapshot-compare').first().click()
    await p.page.getByTestId('compare-count').waitFor({ timeout: 20_000 })
    expect(await p.page.getByTestId('compare-count').textContent()).toBe('Nothing has changed.')
    await p.page.screenshot({ path: `${SHOTS}/compare-1280-en.png` })
    const real = (errors: string[]) => errors.filter((e) => !/net::ERR_ABORTED/.test(e))
    expect(real(p.errors)).toEqual([])
    expect(p.foreignRequests).toEqual([])
  })
})
