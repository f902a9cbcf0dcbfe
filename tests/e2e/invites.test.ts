/**
 * The invite dialog lists the case's invites and revokes one ('Intrekken', asked once more), in
 * real Chromium against a real server: the resident who joined with that link is disconnected at
 * once and told so; the dialog has no axe violations with the list and the question showing.
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { createCase } from '../helpers/server.ts'
import { hasChromium, openAsProfessional, openInvite, useBrowserAndServer } from './browser.ts'

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const SHOTS = process.env.KT_SCREENSHOTS ?? '/tmp/kt-e2e'

async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE)
  return page.evaluate(async () => {
    type V = { id: string; help: string; nodes: { target: string[] }[] }
    const axe = (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<{ violations: V[] }> } }).axe
    const r = await axe.run(document.querySelector('dialog[open]'), { resultTypes: ['violations'] })
    return r.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${v.help} — ${n.target.join(' ')}`))
  })
}

describe.skipIf(!hasChromium)('invites in the invite dialog', () => {
  const fixture = useBrowserAndServer({ needsClient: true, shots: SHOTS })

  it('lists the invites, revokes one after asking, and the resident on that link is disconnected', async () => {
    const base = fixture.server.url
    const caseId = await createCase(base, undefined, undefined, fixture.server.teamId)
    const pro = await openAsProfessional(fixture.browser, fixture.server, caseId, { listBy: 'testid', timeout: 20_000 })
    const { page } = pro
    await page.getByTestId('invite-button').click()
    const dialog = page.getByRole('dialog')
    await expect.poll(() => dialog.getByText('Er zijn nog geen uitnodigingen voor deze casus.').count(), { timeout: 20_000 }).toBe(1)

    await page.getByTestId('invite-create').click()
    const url = await page.getByTestId('invite-url').inputValue({ timeout: 20_000 })
    const token = url.split('#')[1] as string
    const rows = page.getByTestId('invite-row')
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(1)
    expect(await rows.first().getAttribute('data-status')).toBe('active')
    expect(await rows.first().textContent()).not.toContain(token)

    // The resident joins with the link.
    const resident = await openInvite(fixture.browser, base, token, 'Fatima')
    await resident.page.getByTestId('connection-state').and(resident.page.locator('[data-state="connected"]')).waitFor({ timeout: 20_000 })

    // 'Intrekken' asks once more; 'Nee' keeps it.
    await page.getByRole('button', { name: /intrekken/i }).click()
    const confirm = page.getByTestId('invite-revoke-confirm')
    await confirm.waitFor({ timeout: 20_000 })
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('invite-revoke-no')
    await page.screenshot({ path: `${SHOTS}/invite-revoke-confirm.png` })
    const found = await axeViolations(page)
    expect(found, found.join('\n')).toEqual([])
    await page.keyboard.press('Escape')
    await expect.poll(() => confirm.count(), { timeout: 20_000 }).toBe(0)
    expect(await dialog.isVisible()).toBe(true)
    expect(await rows.first().getAttribute('data-status')).toBe('active')

    await page.getByTestId('invite-revoke').click()
    await page.getByTestId('invite-revoke-yes').click()
    await expect.poll(() => rows.first().getAttribute('data-status'), { timeout: 20_000 }).toBe('revoked')
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'De uitnodiging is ingetrokken.' }).count(), { timeout: 20_000 }).toBe(1)
    expect(await page.getByTestId('invite-revoke').count()).toBe(0)

    // The resident's board stops and says why.
    const fatal = resident.page.getByTestId('fatal-error')
    await fatal.waitFor({ timeout: 20_000 })
    expect(await fatal.getAttribute('data-code')).toBe('4401')
    await resident.page.screenshot({ path: `${SHOTS}/invite-revoked-resident.png` })
    await resident.context.close()
    await pro.context.close()
  })
})
