/**
 * Case management in real Chromium against a real server: the search narrows the case list;
 * 'Archiveren' takes a case out of the default list, the archived filter shows it, 'Heropenen'
 * brings it back; the board page of an archived case says so and reopens it; 'Wissen' asks to type
 * the title (focus stays in the dialog, Escape cancels), and after confirming the case is gone and
 * its id answers 404; the review's 'Exporteren (CSV)' downloads the right header and rows; axe-core
 * finds no violations on the case list with the dialog open.
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { addItem, updateItem } from '../../shared/doc.ts'
import { api, connect, createCase, synced } from '../helpers/server.ts'
import { giveName, hasChromium, logIn, newContext, useBrowserAndServer } from './browser.ts'
import { TEST_ORG_KEY } from '../helpers/server.ts'

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const SHOTS = process.env.KT_SCREENSHOTS ?? '/tmp/kt-e2e'
const pro = { name: 'Sanne', org: 'Sociaal wijkteam', role: 'professional' as const }

async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE)
  return page.evaluate(async () => {
    type V = { id: string; help: string; nodes: { target: string[] }[] }
    const axe = (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<{ violations: V[] }> } }).axe
    const r = await axe.run(document, { resultTypes: ['violations'] })
    return r.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${v.help} — ${n.target.join(' ')}`))
  })
}

/** The titles the case list shows now. */
async function titles(page: Page): Promise<string[]> {
  if ((await page.getByTestId('case-list').count()) === 0) return []
  return (await page.getByTestId('case-row').locator('strong').allTextContents()).sort()
}

describe.skipIf(!hasChromium)('case management on the case list and the review', () => {
  const fixture = useBrowserAndServer({ needsClient: true, shots: SHOTS })

  it('search, archive/reopen, the archived banner, erase with confirmation, review CSV', async () => {
    const base = fixture.server.url
    const jansen = await createCase(base, 'Familie Jansen', undefined, fixture.server.teamId)
    const bakker = await createCase(base, 'Familie Bakker', undefined, fixture.server.teamId)
    const yilmaz = await createCase(base, 'Familie Yilmaz', undefined, fixture.server.teamId)
    // An open action in one case, for the CSV.
    const c = connect(fixture.server, yilmaz, TEST_ORG_KEY)
    fixture.clients.push(c)
    await synced(c)
    const action = addItem(c.doc, { kind: 'action', text: 'Bel de woningcorporatie', author: pro })
    updateItem(c.doc, action, { owner: 'Sanne', ownerOrg: 'Wijkteam', due: '2099-01-01' })
    await expect.poll(async () => (await api(base, 'GET', '/api/review')).body.cases.find((x: { id: string }) => x.id === yilmaz)?.openActions.length, { timeout: 20_000 }).toBe(1)

    const { page, context } = await newContext(fixture.browser, base)
    await logIn(page, fixture.server)
    await page.getByTestId('case-list').waitFor({ timeout: 20_000 })
    const all = ['Familie Bakker', 'Familie Jansen', 'Familie Yilmaz']
    await expect.poll(() => titles(page), { timeout: 20_000 }).toEqual(all)

    // Search narrows the list: by title, case and spaces do not matter; by date; nothing found.
    const search = page.getByTestId('case-search')
    await search.fill('  bakK ')
    await expect.poll(() => titles(page), { timeout: 20_000 }).toEqual(['Familie Bakker'])
    const today = await page.evaluate(() => new Intl.DateTimeFormat('nl-NL', { timeZone: 'Europe/Amsterdam', dateStyle: 'long' }).format(new Date()))
    await search.fill(today)
    await expect.poll(() => titles(page), { timeout: 20_000 }).toEqual(all)
    await search.fill('1 januari 1999')
    await page.getByTestId('cases-no-match').waitFor({ timeout: 20_000 })
    await search.fill('')
    await expect.poll(() => titles(page), { timeout: 20_000 }).toEqual(all)

    // Archive: out of the default list; the archived filter shows it; reopen brings it back.
    await page.getByRole('button', { name: 'Casus ‘Familie Jansen’ archiveren' }).click()
    await expect.poll(() => titles(page), { timeout: 20_000 }).toEqual(['Familie Bakker', 'Familie Yilmaz'])
    await expect.poll(() => page.getByTestId('case-done').textContent(), { timeout: 20_000 }).toContain('gearchiveerd')
    expect((await api(base, 'GET', `/api/cases/${jansen}`)).body.archivedAt).not.toBeNull()
    const filter = page.getByTestId('case-filter')
    await filter.selectOption('archived')
    await expect.poll(() => titles(page), { timeout: 20_000 }).toEqual(['Familie Jansen'])
    expect(await page.getByTestId('case-row').first().textContent()).toContain('Gearchiveerd op')
    await filter.selectOption('all')
    await expect.poll(() => titles(page), { timeout: 20_000 }).toEqual(all)
    await filter.selectOption('archived')
    await page.getByRole('button', { name: 'Casus ‘Familie Jansen’ heropenen' }).click()
    await page.getByTestId('cases-no-match').waitFor({ timeout: 20_000 })
    expect((await api(base, 'GET', `/api/cases/${jansen}`)).body.archivedAt).toBeNull()
    await filter.selectOption('open')
    await expect.poll(() => titles(page), { timeout: 20_000 }).toEqual(all)

    // Erase asks first: the dialog explains, takes the focus and keeps it; Escape cancels.
    await page.getByRole('button', { name: 'Casus ‘Familie Bakker’ wissen' }).click()
    const dialog = page.getByTestId('erase-dialog')
    await dialog.waitFor({ timeout: 20_000 })
    expect(await dialog.textContent()).toContain('voorgoed gewist')
    expect(await dialog.textContent()).toContain('momentopnamen, gesprekken')
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('erase-type')
    await page.screenshot({ path: `${SHOTS}/case-erase-dialog.png` })
    const found = await axeViolations(page)
    expect(found, found.join('\n')).toEqual([])
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab')
      // Focus never lands on the page behind the dialog (it is inert while the dialog is open).
      expect(await page.evaluate(() => {
        const a = document.activeElement
        return a === document.body || a === null || !!a.closest('[data-testid="erase-dialog"]')
      }), `Tab ${i + 1}`).toBe(true)
    }
    await page.keyboard.press('Escape')
    await expect.poll(() => dialog.count(), { timeout: 20_000 }).toBe(0)
    expect((await api(base, 'GET', `/api/cases/${bakker}`)).status).toBe(200)

    // The wrong title does not erase; the right one does, and the id answers 404 from then on.
    await page.getByRole('button', { name: 'Casus ‘Familie Bakker’ wissen' }).click()
    await dialog.waitFor({ timeout: 20_000 })
    await page.getByTestId('erase-type').fill('Familie Bakk')
    await page.getByTestId('erase-confirm').click()
    await dialog.getByRole('alert').waitFor({ timeout: 20_000 })
    expect((await api(base, 'GET', `/api/cases/${bakker}`)).status).toBe(200)
    await page.getByTestId('erase-type').fill('familie bakker')
    await page.getByTestId('erase-confirm').click()
    await expect.poll(() => dialog.count(), { timeout: 20_000 }).toBe(0)
    await expect.poll(() => titles(page), { timeout: 20_000 }).toEqual(['Familie Jansen', 'Familie Yilmaz'])
    expect(await page.getByTestId('case-done').textContent()).toContain('gewist')
    expect((await api(base, 'GET', `/api/cases/${bakker}`)).status).toBe(404)
    await page.reload()
    await expect.poll(() => titles(page), { timeout: 20_000 }).toEqual(['Familie Jansen', 'Familie Yilmaz'])

    // The board page of an archived case says so, and a professional can reopen it there.
    expect((await api(base, 'POST', `/api/cases/${jansen}/archive`)).status).toBe(200)
    await page.goto(`/cases/${jansen}`)
    await giveName(page, 'Sanne', 'Sociaal wijkteam')
    const banner = page.getByTestId('archived-banner')
    await banner.waitFor({ timeout: 20_000 })
    expect(await banner.textContent()).toContain('Gearchiveerd')
    await page.screenshot({ path: `${SHOTS}/case-archived-banner.png` })
    const onBoard = await axeViolations(page)
    expect(onBoard, onBoard.join('\n')).toEqual([])
    await page.getByTestId('archived-reopen').click()
    await expect.poll(() => banner.count(), { timeout: 20_000 }).toBe(0)
    await page.getByTestId('reopened-note').waitFor({ timeout: 20_000 })
    expect((await api(base, 'GET', `/api/cases/${jansen}`)).body.archivedAt).toBeNull()

    // The review's CSV download: the right header and rows.
    await page.goto('/review')
    await page.getByTestId('review-table').waitFor({ timeout: 20_000 })
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('review-csv').click()])
    expect(download.suggestedFilename()).toMatch(/^keukentafel-overzicht-\d{4}-\d{2}-\d{2}\.csv$/)
    const file = await download.path()
    const bytes = fs.readFileSync(file)
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const lines = bytes.toString('utf8').slice(1).split('\r\n').filter(Boolean)
    expect(lines[0]).toBe('"Soort";"Casus-id";"Casus";"Laatste gesprek";"Volgend gesprek";"Volgend gesprek te laat";"Geen gesprek in 4 weken";"Open acties";"Acties te laat";"Actie";"Wie";"Organisatie";"Deadline";"Status";"Actie te laat"')
    const cell = (id: string) => (/^[-=+@]/.test(id) ? `'${id}` : id)
    expect(lines.filter((l) => l.startsWith('"casus";')).map((l) => l.split(';')[2]).sort()).toEqual(['"Familie Jansen"', '"Familie Yilmaz"'])
    expect(lines).toContain(`"actie";"${cell(yilmaz)}";"Familie Yilmaz";"";"";"";"";"";"";"Bel de woningcorporatie";"Sanne";"Wijkteam";"2099-01-01";"open";"nee"`)
    expect(lines).toHaveLength(4)
    await context.close()
  })
})
