/**
 * End to end in real Chromium: a professional starts a meeting ('Gesprek starten') and sees what
 * is due; the resident, on their own invite link, sees 'Gesprek bezig sinds …'; 'Gesprek afronden'
 * lists who is present (and a name added by hand), saves the meeting's snapshot and the next
 * meeting's date; the next meeting shows what changed since; the Gesprekken tab keeps automatic
 * snapshots apart; the review shows an overdue next meeting and says '1 week', not '1 weken'.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { addItem, listDomains, updateItem } from '../../shared/doc.ts'
import { todayInNL } from '../../shared/diffPlans.ts'
import { api, connect, createCase, invite, synced, TEST_ORG_KEY } from '../helpers/server.ts'
import { hasChromium, logIn, newContext, openAsProfessional, useBrowserAndServer } from './browser.ts'

const SHOTS = process.env.KT_SCREENSHOTS ?? '/tmp/kt-e2e'
const pro = { name: 'Sanne', org: 'Sociaal wijkteam', role: 'professional' as const }
const DAY_MS = 24 * 3600_000

describe.skipIf(!hasChromium)('meetings at the table', () => {
  const fixture = useBrowserAndServer({ shots: SHOTS })

  it('starts, shows what is due, ends with who took part, and shows what changed at the next one', async () => {
    const caseId = await createCase(fixture.server.url, 'Familie Bakker', 'integrale-intake', fixture.server.teamId)
    const c = connect(fixture.server, caseId, TEST_ORG_KEY)
    fixture.clients.push(c)
    await synced(c)
    const money = listDomains(c.doc).find((d) => d.key === 'income_debts')!.id
    addItem(c.doc, { kind: 'problem', text: 'Schulden bij de energieleverancier', domainId: money, author: pro, stress: true })
    const late = addItem(c.doc, { kind: 'action', text: 'Formulier inleveren', domainId: money, author: pro })
    updateItem(c.doc, late, { owner: 'Jan', due: '2020-01-06' })
    const today = addItem(c.doc, { kind: 'action', text: 'Bellen met de woningcorporatie', domainId: money, author: pro })
    updateItem(c.doc, today, { owner: 'Sanne', due: todayInNL() })
    await expect.poll(async () => (await api(fixture.server.url, 'GET', `/api/cases/${caseId}`)).body.plan.actions.length, { timeout: 15_000 }).toBe(2)

    // The professional opens the case (1280×800) and the resident joins on their own link.
    const p = await openAsProfessional(fixture.browser, fixture.server, caseId, { size: { width: 1280, height: 800 }, listBy: 'testid' })
    const r = await newContext(fixture.browser, fixture.server.url)
    await r.page.setViewportSize({ width: 360, height: 740 })
    await r.page.goto(`/join#${await invite(fixture.server.url, caseId, 'resident')}`)
    await nameAsResident(r.page, 'Jan')
    // A resident cannot start a meeting (the server refuses it too: tests/integration/meetings.test.ts).
    expect(await r.page.getByTestId('meeting-start').count()).toBe(0)

    // Gesprek starten: what changed (the first meeting: nothing to compare) and what is due.
    await p.page.getByTestId('meeting-start').click()
    const changes = p.page.getByTestId('meeting-changes-dialog')
    await changes.getByTestId('meeting-due').waitFor({ timeout: 20_000 })
    expect(await changes.getByTestId('meeting-first').count()).toBe(1)
    const due = changes.getByTestId('meeting-due-action')
    expect(await due.count()).toBe(2)
    expect(await due.nth(0).textContent()).toContain('Formulier inleveren')
    expect(await due.nth(0).getAttribute('data-late')).toBe('true')
    expect(await due.nth(1).textContent()).toContain('Bellen met de woningcorporatie')
    expect(await due.nth(1).getAttribute('data-late')).toBe('false')
    await p.page.screenshot({ path: `${SHOTS}/meeting-start.png` })
    await changes.getByTestId('meeting-changes-close').click()
    expect(await p.page.getByTestId('meeting-busy').textContent()).toMatch(/^Gesprek bezig sinds \d{2}:\d{2}$/)

    // Everyone on the case sees it: the resident's screen, within the polling interval.
    await r.page.getByTestId('meeting-busy').waitFor({ timeout: 30_000 })
    expect(await r.page.getByTestId('meeting-busy').textContent()).toMatch(/^Gesprek bezig sinds \d{2}:\d{2}$/)
    expect(await r.page.getByTestId('meeting-end').count()).toBe(0)
    await r.page.screenshot({ path: `${SHOTS}/meeting-resident-phone.png` })
    // The meeting's status fits a phone's width.
    const bar = await r.page.getByTestId('meeting-bar').boundingBox()
    expect(bar!.x + bar!.width).toBeLessThanOrEqual(360)

    // Gesprek afronden: both people present are ticked; a neighbour without a screen is added.
    await p.page.getByTestId('meeting-end').click()
    const dialog = p.page.getByTestId('meeting-end-dialog')
    await dialog.waitFor()
    await expect.poll(() => dialog.getByTestId('meeting-participant').count(), { timeout: 20_000 }).toBe(2)
    expect(await dialog.getByTestId('meeting-participants').textContent()).toMatch(/Sanne.*Jan|Jan.*Sanne/)
    await dialog.getByTestId('meeting-add-name').fill('Buurvrouw Els')
    await dialog.getByTestId('meeting-add-name-button').click()
    expect(await dialog.getByTestId('meeting-participant').count()).toBe(3)
    const next = todayInNL(new Date(Date.now() + 14 * DAY_MS))
    expect(await dialog.getByTestId('meeting-next-date').inputValue()).toBe(next)
    await dialog.getByTestId('meeting-note').fill('Eerst de schulden.')
    await p.page.screenshot({ path: `${SHOTS}/meeting-end-dialog.png` })
    await dialog.getByTestId('meeting-end-confirm').click()
    await dialog.waitFor({ state: 'detached', timeout: 20_000 })
    await p.page.getByTestId('meeting-start').waitFor({ timeout: 20_000 })

    const overview = (await api(fixture.server.url, 'GET', `/api/cases/${caseId}/meetings`)).body
    expect(overview.current).toBeNull()
    expect(overview.nextMeeting).toBe(next)
    const [held] = overview.meetings
    expect(held.participants.map((x: { name: string }) => x.name).sort()).toEqual(['Buurvrouw Els', 'Jan', 'Sanne'])
    expect(held.note).toBe('Eerst de schulden.')
    const snaps = (await api(fixture.server.url, 'GET', `/api/cases/${caseId}/snapshots`)).body
    expect(snaps.map((s: { kind: string; id: string }) => [s.kind, s.id])).toEqual([['meeting', held.snapshotId]])

    // The resident's screen leaves 'bezig' and shows the next meeting's date.
    await r.page.getByTestId('meeting-next').waitFor({ timeout: 30_000 })
    expect(await r.page.getByTestId('meeting-busy').count()).toBe(0)

    // Between meetings the plan changes; the next meeting starts with what changed since.
    addItem(c.doc, { kind: 'wish', text: 'Weer aan het werk', domainId: money, author: pro })
    await expect.poll(async () => (await api(fixture.server.url, 'GET', `/api/cases/${caseId}/meetings/changes`)).body.diff.items.added.length, { timeout: 15_000 }).toBe(1)
    await p.page.getByTestId('meeting-start').click()
    await changes.getByTestId('meeting-diff-added').waitFor({ timeout: 20_000 })
    expect(await changes.getByTestId('meeting-diff-added').textContent()).toContain('Weer aan het werk')
    expect(await changes.locator('h3').first().textContent()).toMatch(/^Sinds het vorige gesprek \(\d{1,2} \w+ \d{4}\)$/)
    await p.page.screenshot({ path: `${SHOTS}/meeting-changes.png` })
    await changes.getByTestId('meeting-changes-close').click()

    // The Gesprekken tab: the meeting held with who took part; nothing automatic mixed in.
    await p.page.getByTestId('tab-snapshots').click()
    const item = p.page.getByTestId('meeting-item').first()
    await item.waitFor({ timeout: 20_000 })
    expect(await item.getByTestId('meeting-item-who').textContent()).toMatch(/^Met: /)
    expect(await item.getByTestId('meeting-item-who').textContent()).toContain('Buurvrouw Els')
    expect(await p.page.getByTestId('meeting-now').count()).toBe(1)
    await p.page.screenshot({ path: `${SHOTS}/meeting-panel.png` })

    // The meeting's snapshot says what it is and who took part.
    await p.page.goto(`/cases/${caseId}/snapshots/${held.snapshotId}`)
    await p.page.getByTestId('snapshot-banner').waitFor({ timeout: 20_000 })
    expect(await p.page.getByTestId('snapshot-banner').textContent()).toMatch(/^Gesprek van .* — alleen bekijken/)
    expect(await p.page.getByTestId('snapshot-participants').textContent()).toContain('Jan')

    expect([...p.foreignRequests, ...r.foreignRequests]).toEqual([])
    const real = (errors: string[]) => errors.filter((e) => !/net::ERR_ABORTED/.test(e))
    expect(real(p.errors)).toEqual([])
    expect(real(r.errors)).toEqual([])
  }, 180_000)

  it('shows on the review whose next meeting is overdue, with plurals from Intl', async () => {
    const late = await createCase(fixture.server.url, 'Familie Visser', 'integrale-intake', fixture.server.teamId)
    const fine = await createCase(fixture.server.url, 'Familie Jansen', 'integrale-intake', fixture.server.teamId)
    const yesterday = todayInNL(new Date(Date.now() - DAY_MS))
    expect((await api(fixture.server.url, 'PUT', `/api/cases/${late}/next-meeting`, { body: { nextMeeting: yesterday } })).status).toBe(200)
    expect((await api(fixture.server.url, 'PUT', `/api/cases/${fine}/next-meeting`, { body: { nextMeeting: todayInNL(new Date(Date.now() + 7 * DAY_MS)) } })).status).toBe(200)

    const c = await newContext(fixture.browser, fixture.server.url)
    await c.page.setViewportSize({ width: 1280, height: 800 })
    await logIn(c.page, fixture.server, 'coordinator')
    await c.page.getByTestId('review-title').waitFor({ timeout: 15_000 })
    const overdue = c.page.getByTestId('review-next-overdue')
    await overdue.waitFor({ timeout: 15_000 })
    const lateCases = overdue.getByTestId('review-next-overdue-case')
    expect(await lateCases.evaluateAll((els) => els.map((e) => e.getAttribute('data-case-id')))).toContain(late)
    expect(await lateCases.evaluateAll((els) => els.map((e) => e.getAttribute('data-case-id')))).not.toContain(fine)
    const row = (id: string) => c.page.locator(`[data-testid="review-case"][data-case-id="${id}"]`)
    expect(await row(late).getByTestId('review-next').getAttribute('data-overdue')).toBe('true')
    expect(await row(fine).getByTestId('review-next').getAttribute('data-overdue')).toBe('false')
    const options = await c.page.getByTestId('review-weeks').locator('option').allTextContents()
    expect(options[0]).toBe('1 week')
    expect(options[1]).toBe('2 weken')
    await c.page.screenshot({ path: `${SHOTS}/meeting-review.png`, fullPage: true })
    await c.page.getByLabel(/taal|language/i).first().selectOption('en')
    await expect.poll(async () => (await c.page.getByTestId('review-weeks').locator('option').allTextContents())[0], { timeout: 10_000 }).toBe('1 week')
    expect((await c.page.getByTestId('review-weeks').locator('option').allTextContents())[1]).toBe('2 weeks')
    expect(await overdue.textContent()).toContain('Next meeting overdue')
  }, 120_000)
})

/** A resident names themselves on the board page (no organisation asked). */
async function nameAsResident(page: Page, name: string): Promise<void> {
  const field = page.getByLabel(/naam/i).first()
  await field.waitFor({ timeout: 20_000 })
  await field.fill(name)
  await page.getByRole('button', { name: /verder|naar het bord/i }).first().click()
  await page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor({ timeout: 30_000 })
}
