/**
 * The 'Logboek' at the bottom of the Gesprekken tab, in real Chromium against a real server: a
 * professional opens it (collapsed until then), sees the case's rows in plain words (opening the
 * board, creating the case) with time, who (a reference, never a name), role and ground; the
 * section has no axe violations. A resident is not offered it.
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { createCase, invite } from '../helpers/server.ts'
import { hasChromium, openAsProfessional, openInvite, useBrowserAndServer } from './browser.ts'

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const SHOTS = process.env.KT_SCREENSHOTS ?? '/tmp/kt-e2e'

async function axeViolations(page: Page, selector: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE)
  return page.evaluate(async (sel) => {
    type V = { id: string; help: string; nodes: { target: string[] }[] }
    const axe = (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<{ violations: V[] }> } }).axe
    const r = await axe.run(document.querySelector(sel), { resultTypes: ['violations'] })
    return r.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${v.help} — ${n.target.join(' ')}`))
  }, selector)
}

describe.skipIf(!hasChromium)('Logboek in the Gesprekken tab', () => {
  const fixture = useBrowserAndServer({ needsClient: true, shots: SHOTS })

  it('a professional opens the log and reads it in plain words; a resident is not offered it', async () => {
    const base = fixture.server.url
    const caseId = await createCase(base, 'Familie Logboek', undefined, fixture.server.teamId)
    const pro = await openAsProfessional(fixture.browser, fixture.server, caseId, { listBy: 'testid', timeout: 20_000 })
    const { page } = pro
    await page.getByTestId('tab-snapshots').click()
    const log = page.getByTestId('audit-log')
    await log.waitFor({ timeout: 20_000 })
    expect(await page.getByTestId('audit-table').count()).toBe(0)
    await log.locator('summary').click()
    const rows = page.getByTestId('audit-row')
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBeGreaterThan(1)
    const text = await page.getByTestId('audit-table').textContent()
    expect(text).toContain('Bord geopend')
    expect(text).toContain('Casus gemaakt')
    expect(text).toContain('Hulp bij de casus')
    // Who: a non-personal reference to the account (and the script that made the case), never a name.
    expect(text).toMatch(/account:[0-9a-f]{32}/)
    expect(text).toContain('service:org-key')
    expect(text).not.toContain('Sanne')
    expect(text).not.toMatch(/Test professional/)
    expect(await page.getByRole('columnheader', { name: 'Grondslag' }).count()).toBe(1)
    await log.scrollIntoViewIfNeeded()
    await log.screenshot({ path: `${SHOTS}/audit-log.png` })
    const found = await axeViolations(page, '[data-testid="audit-log"]')
    expect(found, found.join('\n')).toEqual([])

    const token = await invite(base, caseId, 'resident')
    const resident = await openInvite(fixture.browser, base, token, 'Fatima')
    await resident.page.getByTestId('tab-snapshots').click()
    await resident.page.getByTestId('snapshot-panel').or(resident.page.getByText('Gesprekken').first()).first().waitFor({ timeout: 20_000 })
    expect(await resident.page.getByTestId('audit-log').count()).toBe(0)
    await resident.context.close()
    await pro.context.close()
  })
})
