/**
 * The plan view end to end, in real Chromium against the built app and the real server:
 *   - a professional completes a whole intake in the plan view by keyboard alone (no mouse or
 *     pointer event reaches the page: checked) — items in three domains, a link, an action with
 *     owner and date marked done later, goal, route, ladder — and a second browser sees all of it
 *     on the board (cards, arrow, resident card) and in the document;
 *   - on a phone (360 px) and at 200 % zoom (1280×800 → 640×400 CSS px) the plan view is the main
 *     view, nothing scrolls sideways, the add form works and the board is one tab away;
 *   - with 'Inwoner aan het woord' on, a new item is the resident's and says who wrote it down;
 *     what one person deletes, another finds under 'Verwijderd' (with who did it) and puts back.
 */
import { describe, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { api, createCase, invite } from '../helpers/server.ts'
import { giveName, hasChromium, loginAsProfessional, useBrowserAndServer } from './browser.ts'
import { addAccount, nextCode } from '../helpers/accounts.ts'

const SHOTS = process.env.KT_SCREENSHOTS ?? '/tmp/kt-e2e'

interface Opened { context: BrowserContext; page: Page; errors: string[] }

describe.skipIf(!hasChromium)('the plan view', () => {
  const contexts: BrowserContext[] = []
  const fixture = useBrowserAndServer({
    needsClient: true, shots: SHOTS,
    beforeStop: async () => { for (const c of contexts) await c.close().catch(() => {}) },
  })

  async function open(viewport: { width: number; height: number }, deviceScaleFactor = 1): Promise<Opened> {
    const context = await fixture.browser.newContext({ baseURL: fixture.server.url, viewport, deviceScaleFactor, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam' })
    contexts.push(context)
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    return { context, page, errors }
  }

  /** Sign in and open a case by keyboard only (the user name and name fields have the focus on arrival). */
  async function professionalByKeyboard(o: Opened, caseId: string, name: string, org: string): Promise<void> {
    const account = await addAccount(fixture.server)
    await o.page.goto('/')
    await o.page.getByLabel('Gebruikersnaam', { exact: true }).waitFor({ timeout: 20_000 })
    await o.page.keyboard.type(account.username)
    await o.page.keyboard.press('Tab')
    await o.page.keyboard.type(account.password)
    await o.page.keyboard.press('Tab')
    await o.page.keyboard.type(nextCode(account))
    await o.page.keyboard.press('Enter')
    await o.page.getByText(/casussen/i).first().waitFor({ timeout: 20_000 })
    await o.page.goto(`/cases/${caseId}`)
    await o.page.getByLabel(/^naam/i).waitFor({ timeout: 20_000 })
    await o.page.keyboard.type(name)
    await o.page.keyboard.press('Tab')
    await o.page.keyboard.type(org)
    await o.page.keyboard.press('Enter')
    await o.page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor({ timeout: 30_000 })
    await o.page.getByTestId('plan-view').waitFor({ timeout: 30_000 })
  }

  async function professional(o: Opened, caseId: string, name = 'Sanne', org = 'Sociaal wijkteam'): Promise<void> {
    await loginAsProfessional(o.page, fixture.server, caseId, name, org, { timeout: 20_000, waitFor: 'plan-view' })
  }

  /** Press Tab (or Shift+Tab) until the focused element matches `selector`. */
  async function tabTo(page: Page, selector: string, opts: { back?: boolean; max?: number } = {}): Promise<void> {
    for (let i = 0; i < (opts.max ?? 400); i++) {
      if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return
      await page.keyboard.press(opts.back ? 'Shift+Tab' : 'Tab')
    }
    throw new Error(`Tab never reached ${selector}; focus is on ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200))}`)
  }

  const focusedValue = (page: Page) => page.evaluate(() => (document.activeElement as HTMLInputElement | HTMLSelectElement).value)
  const plan = async (caseId: string) => (await api(fixture.server.url, 'GET', `/api/cases/${caseId}`)).body.plan
  const allItems = (p: { domains: { items: unknown[] }[]; unassigned: unknown[] }) =>
    [...p.domains.flatMap((d) => d.items), ...p.unassigned] as { id: string; kind: string; text: string; domainId: string | null; stress: boolean; author: { name: string; role: string }; recordedBy?: { name: string } | null; status?: string; owner?: string; ownerOrg?: string; due?: string }[]

  /** Choose an option of the focused select by typing its first letters (as a keyboard user does). */
  async function choose(page: Page, typed: string, expected: (v: string) => boolean): Promise<void> {
    await page.keyboard.type(typed)
    await expect.poll(() => focusedValue(page), { timeout: 10_000 }).toSatisfy(expected)
  }

  /**
   * Type a date into the focused date field. Chromium takes the segments in the order it shows
   * them, which follows the browser's own language (headless on Linux: month/day/year), not the
   * page's: try that order, else go back to the first segment and type day/month/year.
   */
  async function typeDate(page: Page, y: string, m: string, d: string): Promise<void> {
    await page.keyboard.type(`${m}${d}${y}`)
    if (await focusedValue(page) !== `${y}-${m}-${d}`) {
      for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowLeft')
      await page.keyboard.type(`${d}${m}${y}`)
    }
    await expect.poll(() => focusedValue(page), { timeout: 10_000 }).toBe(`${y}-${m}-${d}`)
  }

  /** Pairs of header controls (and people in the presence list) that share pixels: none, please. */
  function headerOverlaps(page: Page): Promise<string[]> {
    return page.evaluate(() => {
      const els = [...document.querySelectorAll<HTMLElement>('.board-topbar button, .board-topbar a, .board-topbar select, .board-topbar .presence li, .board-topbar h1')]
        .map((e) => ({ e, r: e.getBoundingClientRect() })).filter(({ r }) => r.width > 0 && r.height > 0)
      const out: string[] = []
      for (let i = 0; i < els.length; i++) for (let j = i + 1; j < els.length; j++) {
        const a = els[i]!, b = els[j]!
        if (a.e.contains(b.e) || b.e.contains(a.e)) continue
        if (a.r.left < b.r.right - 1 && b.r.left < a.r.right - 1 && a.r.top < b.r.bottom - 1 && b.r.top < a.r.bottom - 1) {
          out.push(`${a.e.textContent?.trim()} × ${b.e.textContent?.trim()}`)
        }
      }
      return out
    })
  }

  it('completes a whole intake by keyboard alone, and a second browser sees it all on the board', async () => {
    const caseId = await createCase(fixture.server.url, 'Familie Bakker', 'integrale-intake', fixture.server.teamId)
    const domains = (await plan(caseId)).domains as { id: string; key: string; label: string }[]
    const domainId = (key: string) => domains.find((d) => d.key === key)!.id
    const pro = await open({ width: 1280, height: 800 })
    await pro.page.addInitScript(() => {
      const w = window as unknown as { __pointerEvents: string[] }
      w.__pointerEvents = []
      for (const type of ['mousedown', 'mouseup', 'pointerdown', 'pointerup', 'mousemove', 'wheel']) {
        window.addEventListener(type, (e) => { if (e.isTrusted) w.__pointerEvents.push(type) }, true)
      }
    })
    await professionalByKeyboard(pro, caseId, 'Sanne', 'Sociaal wijkteam')
    const page = pro.page

    // Skip past the header and the board, straight into the plan view.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip-link')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.evaluate(() => document.activeElement?.id), { timeout: 20_000 }).toBe('plan-view')

    // Goal, route, ladder.
    const goal = 'Over een jaar heb ik werk en geen schulden meer'
    await tabTo(page, '#pv-goal')
    await page.keyboard.type(goal)
    await page.keyboard.press('Tab')
    await choose(page, 'Zorg', (v) => v === 'care_first')
    await page.keyboard.press('Tab')
    await choose(page, '2', (v) => v === '2')
    await page.keyboard.press('Tab')
    await choose(page, '5', (v) => v === '5')

    // Items in three domains, through each domain's own add form.
    const addTo = async (key: string, kind: string | null, text: string) => {
      await tabTo(page, `[data-domain-id="${domainId(key)}"] [data-testid="pv-add-kind"]`)
      if (kind) await choose(page, kind, (v) => v !== '')
      await page.keyboard.press('Tab')
      await page.keyboard.type(text)
      await page.keyboard.press('Enter')
      await page.locator(`[data-domain-id="${domainId(key)}"] [data-testid="pv-item-text"]`).filter({ hasText: '' }).first().waitFor({ timeout: 20_000 })
    }
    await addTo('work', 'Wens', 'Weer aan het werk in de zorg')
    await addTo('income_debts', null, 'Schulden bij de energiemaatschappij')
    await addTo('mental_health', null, 'Slaapproblemen door zorgen')
    await expect.poll(async () => allItems(await plan(caseId)).map((i) => `${i.kind}:${i.domainId === null ? '' : domains.find((d) => d.id === i.domainId)!.key}:${i.text}`).sort(), { timeout: 20_000 })
      .toEqual([
        'problem:income_debts:Schulden bij de energiemaatschappij',
        'problem:mental_health:Slaapproblemen door zorgen',
        'wish:work:Weer aan het werk in de zorg',
      ])

    // The debts are a stress factor: back up to that card's checkbox, Space.
    await tabTo(page, `[data-domain-id="${domainId('income_debts')}"] [data-testid="pv-stress"]`, { back: true })
    await page.keyboard.press('Space')

    // A link: from, kind, to — three selects — then the button.
    await tabTo(page, '[data-testid="pv-link-from"]')
    await choose(page, 'Knelpunt: Schulden', (v) => v !== '')
    await page.keyboard.press('Tab')
    await choose(page, 'versterkt', (v) => v === 'reinforces')
    await page.keyboard.press('Tab')
    await choose(page, 'Knelpunt: Slaap', (v) => v !== '')
    await page.keyboard.press('Tab')
    await page.keyboard.press('Enter')
    await page.getByTestId('pv-link-sentence').filter({ hasText: 'Schulden bij de energiemaatschappij versterkt Slaapproblemen door zorgen' }).waitFor({ timeout: 20_000 })

    // An action with owner, organisation and date, in the income domain.
    await tabTo(page, '[data-testid="pv-add-action-text"]', { back: true })
    await page.keyboard.type('Aanmelden bij de schuldhulpverlening')
    await page.keyboard.press('Tab')
    await choose(page, 'Inkomen', (v) => v === domainId('income_debts'))
    await page.keyboard.press('Tab')
    await page.keyboard.type('Sanne')
    await page.keyboard.press('Tab')
    await page.keyboard.type('Sociaal wijkteam')
    await page.keyboard.press('Tab')
    await typeDate(page, '2026', '12', '15')
    await page.keyboard.press('Enter')
    await page.getByTestId('pv-action').first().waitFor({ timeout: 20_000 })

    // Delete the wish by mistake, and undo it: the focus goes to 'Ongedaan maken', then back to the wish.
    await tabTo(page, `[data-domain-id="${domainId('work')}"] [data-testid="pv-delete"]`, { back: true })
    await page.keyboard.press('Enter')
    await expect.poll(async () => allItems(await plan(caseId)).length, { timeout: 20_000 }).toBe(3)
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')), { timeout: 20_000 }).toBe('pv-undo')
    await page.keyboard.press('Enter')
    await expect.poll(async () => allItems(await plan(caseId)).length, { timeout: 20_000 }).toBe(4)
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLTextAreaElement | null)?.value), { timeout: 20_000 }).toBe('Weer aan het werk in de zorg')

    // Later in the meeting: the action is done.
    await tabTo(page, '[data-testid="pv-action-status"]')
    await choose(page, 'klaar', (v) => v === 'done')

    await expect.poll(async () => {
      const p = await plan(caseId)
      const items = allItems(p)
      const debts = items.find((i) => i.text.startsWith('Schulden'))
      const sleep = items.find((i) => i.text.startsWith('Slaap'))
      const action = items.find((i) => i.kind === 'action')
      return {
        goal: p.goal, route: p.route, ladderNow: p.ladderNow, ladderGoal: p.ladderGoal,
        stress: debts?.stress,
        links: p.links.map((l: { from: string; to: string; kind: string }) => [l.from === debts?.id, l.to === sleep?.id, l.kind]),
        action: action && { text: action.text, domain: action.domainId, owner: action.owner, org: action.ownerOrg, due: action.due, status: action.status, by: action.author.name },
      }
    }, { timeout: 20_000 }).toEqual({
      goal, route: 'care_first', ladderNow: 2, ladderGoal: 5, stress: true,
      links: [[true, true, 'reinforces']],
      action: { text: 'Aanmelden bij de schuldhulpverlening', domain: domainId('income_debts'), owner: 'Sanne', org: 'Sociaal wijkteam', due: '2026-12-15', status: 'done', by: 'Sanne' },
    })
    // Not one mouse or pointer event reached the page.
    expect(await page.evaluate(() => (window as unknown as { __pointerEvents: string[] }).__pointerEvents)).toEqual([])
    await page.screenshot({ path: `${SHOTS}/plan-view-keyboard.png` })

    // A second browser (the resident, invited) sees all of it on the board.
    const res = await open({ width: 1400, height: 900 })
    await res.page.goto(`/join#${await invite(fixture.server.url, caseId, 'resident')}`)
    await giveName(res.page, 'Jan', null)
    const board = res.page.getByTestId('board')
    // A card by its own text (cards also name their links, so match the text element exactly);
    // the board may render a card more than once (e.g. to measure it): count distinct items.
    const cardIds = (text: string) => board.locator('[data-testid="kt-item"]').evaluateAll((els, want) => [...new Set(els
      .filter((e) => e.querySelector('[data-testid="kt-item-text"]')?.textContent?.trim() === want)
      .map((e) => e.getAttribute('data-item-id')))], text)
    const card = async (text: string) => board.locator(`[data-testid="kt-item"][data-item-id="${(await cardIds(text))[0]}"]`).first()
    for (const text of ['Weer aan het werk in de zorg', 'Schulden bij de energiemaatschappij', 'Slaapproblemen door zorgen', 'Aanmelden bij de schuldhulpverlening']) {
      await expect.poll(() => cardIds(text).then((ids) => ids.length), { timeout: 30_000 }).toBe(1)
    }
    expect(await (await card('Weer aan het werk in de zorg')).getAttribute('data-domain-id')).toBe(domainId('work'))
    expect(await (await card('Schulden bij de energiemaatschappij')).getAttribute('data-domain-id')).toBe(domainId('income_debts'))
    expect(await (await card('Slaapproblemen door zorgen')).getAttribute('data-domain-id')).toBe(domainId('mental_health'))
    const action = await card('Aanmelden bij de schuldhulpverlening')
    await expect.poll(() => action.locator('.kt-status-done').count(), { timeout: 20_000 }).toBe(1)
    expect(await action.textContent()).toContain('Sanne')
    await expect.poll(() => board.locator('.tl-shape[data-shape-type="arrow"]').count(), { timeout: 20_000 }).toBe(1)
    await expect.poll(async () => (await board.textContent()) ?? '', { timeout: 20_000 }).toContain(goal)
    expect((await board.textContent())!.toLowerCase()).toContain('zorg eerst')
    await res.page.screenshot({ path: `${SHOTS}/plan-view-second-board.png` })
    expect(pro.errors).toEqual([])
    expect(res.errors).toEqual([])
  })

  for (const shape of [
    { name: 'a phone (360 px)', viewport: { width: 360, height: 740 }, scale: 1, shot: 'plan-view-360' },
    { name: '200 % zoom (1280×800 → 640×400 CSS px)', viewport: { width: 640, height: 400 }, scale: 2, shot: 'plan-view-200pct' },
  ]) {
    it(`is the main view on ${shape.name}: no sideways scrolling, the add form works, the board is a tab away`, async () => {
      const caseId = await createCase(fixture.server.url, 'Familie de Vries met een lange naam die moet afbreken', 'zrm', fixture.server.teamId)
      const o = await open(shape.viewport, shape.scale)
      await o.page.goto(`/join#${await invite(fixture.server.url, caseId, 'resident')}`)
      await giveName(o.page, 'Jan', null, { waitFor: 'plan-view' })
      const page = o.page
      /** Nothing scrolls sideways; else which elements stick out (for the failure message). */
      const noSideways = () => page.evaluate(() => {
        const s = document.scrollingElement!
        if (s.scrollWidth <= s.clientWidth) return true
        return [...document.querySelectorAll<HTMLElement>('body *')]
          .filter((e) => e.getBoundingClientRect().right > s.clientWidth + 0.5)
          .slice(0, 8).map((e) => `${e.tagName.toLowerCase()}.${e.className} right=${Math.round(e.getBoundingClientRect().right)}`).join(' | ')
      })
      // The plan view is the main view; the board is not mounted until asked for.
      expect(await page.getByTestId('board').count()).toBe(0)
      expect(await noSideways()).toBe(true)

      // Resident mode is on for the resident: plain words.
      expect(await page.getByTestId('resident-mode-switch').getAttribute('aria-checked')).toBe('true')
      const first = page.getByTestId('pv-domain').first()
      expect(await first.locator('h3').textContent()).toBe('Geldzaken')

      // The add form works here (the text field is reachable and wide enough to use).
      const text = first.getByTestId('pv-add-text')
      await text.scrollIntoViewIfNeeded()
      const box = (await text.boundingBox())!
      expect(box.width).toBeGreaterThan(200)
      expect(box.x).toBeGreaterThanOrEqual(0)
      expect(box.x + box.width).toBeLessThanOrEqual(shape.viewport.width)
      await text.fill('Ik heb een betalingsachterstand bij de verhuurder en weet niet waar ik moet beginnen')
      await text.press('Enter')
      await first.getByTestId('pv-item-text').waitFor({ timeout: 20_000 })
      await expect.poll(async () => allItems(await plan(caseId)).map((i) => [i.kind, i.author.role]), { timeout: 20_000 }).toEqual([['problem', 'resident']])
      // An action too, with every field, and a link form with options: still nothing scrolls sideways.
      await page.getByTestId('pv-add-action-text').fill('Afspraak maken met de verhuurder')
      await page.getByTestId('pv-add-action-domain').selectOption({ index: 1 })
      await page.getByTestId('pv-add-action-submit').click()
      await page.getByTestId('pv-action').waitFor({ timeout: 20_000 })
      expect(await noSideways()).toBe(true)
      await first.screenshot({ path: `${SHOTS}/${shape.shot}-domain.png` })
      await page.getByTestId('pv-actions').screenshot({ path: `${SHOTS}/${shape.shot}-actions.png` })
      await page.getByTestId('pv-add-link').screenshot({ path: `${SHOTS}/${shape.shot}-link-form.png` })
      await page.evaluate(() => window.scrollTo(0, 0))
      await page.screenshot({ path: `${SHOTS}/${shape.shot}-top.png` })

      // The header does not overlap: no two of its controls share pixels.
      const overlaps = await headerOverlaps(page)
      expect(overlaps).toEqual([])

      // The board is one tab away, and back.
      await page.getByTestId('tab-board').click()
      await page.getByTestId('board').waitFor({ timeout: 30_000 })
      await expect.poll(() => page.locator('[data-testid="kt-item"]').evaluateAll((els) => new Set(els.map((e) => e.getAttribute('data-item-id'))).size), { timeout: 20_000 }).toBe(2)
      expect(await noSideways()).toBe(true)
      await page.screenshot({ path: `${SHOTS}/${shape.shot}-board-tab.png` })
      await page.getByTestId('tab-plan').click()
      await page.getByTestId('plan-view').waitFor({ timeout: 20_000 })
      expect(o.errors).toEqual([])
    })
  }

  it("records what is added with 'Inwoner aan het woord' on as the resident's words, with who wrote it down; anyone restores a deletion", async () => {
    const caseId = await createCase(fixture.server.url, 'Familie Yilmaz', 'integrale-intake', fixture.server.teamId)
    const pro = await open({ width: 1280, height: 800 })
    await professional(pro, caseId)
    const other = await open({ width: 1280, height: 800 })
    await professional(other, caseId, 'Fatima', 'UWV')

    const speak = pro.page.getByTestId('resident-speaking-switch')
    expect(await speak.getAttribute('aria-checked')).toBe('false')
    await speak.click()
    expect(await speak.getAttribute('aria-checked')).toBe('true')
    await pro.page.getByTestId('resident-speaking-bar').waitFor({ timeout: 20_000 })
    // Two people present, every header control shown: nothing overlaps at 1280 px either.
    await pro.page.getByTestId('presence-list').locator('li').nth(1).waitFor({ timeout: 20_000 })
    expect(await headerOverlaps(pro.page)).toEqual([])
    const section = pro.page.getByTestId('pv-domain').nth(2)
    await section.getByTestId('pv-add-text').fill('Ik wil graag kleiner wonen')
    await section.getByTestId('pv-add-text').press('Enter')
    await expect.poll(async () => allItems(await plan(caseId)).map((i) => ({ role: i.author.role, recordedBy: i.recordedBy?.name })), { timeout: 20_000 })
      .toEqual([{ role: 'resident', recordedBy: 'Sanne' }])
    // Shown as the resident's, and who wrote it down, on both screens.
    await expect.poll(() => section.getByTestId('pv-author').textContent(), { timeout: 20_000 }).toBe('Inwoner · opgeschreven door Sanne')
    const there = other.page.getByTestId('pv-domain').nth(2).getByTestId('pv-author')
    await expect.poll(() => there.textContent(), { timeout: 20_000 }).toBe('Inwoner · opgeschreven door Sanne')
    // The other screen was told, politely, once.
    await expect.poll(() => other.page.getByTestId('pv-live').textContent(), { timeout: 20_000 }).toBe('Sanne heeft 1 knelpunt toegevoegd.')
    await pro.page.screenshot({ path: `${SHOTS}/plan-view-resident-speaking.png` })

    // Off again: the next item is Sanne's own.
    await speak.click()
    expect(await pro.page.getByTestId('resident-speaking-bar').count()).toBe(0)
    await section.getByTestId('pv-add-text').fill('Wachtlijst sociale huur')
    await section.getByTestId('pv-add-text').press('Enter')
    await expect.poll(async () => allItems(await plan(caseId)).map((i) => i.author.role).sort(), { timeout: 20_000 }).toEqual(['professional', 'resident'])

    // Fatima deletes Sanne's item; Sanne finds it under 'Verwijderd', says who did it, and puts it back.
    const fatimaRow = other.page.getByTestId('pv-item').filter({ has: other.page.locator('textarea', { hasText: 'Wachtlijst sociale huur' }) })
    await fatimaRow.waitFor({ timeout: 20_000 })
    await fatimaRow.getByTestId('pv-delete').click()
    await other.page.getByTestId('pv-undo').waitFor({ timeout: 20_000 })
    await expect.poll(async () => allItems(await plan(caseId)).length, { timeout: 20_000 }).toBe(1)
    const gone = pro.page.getByTestId('pv-deleted-item').filter({ hasText: 'Wachtlijst sociale huur' })
    await gone.waitFor({ timeout: 20_000 })
    expect(await gone.textContent()).toContain('verwijderd door Fatima')
    await expect.poll(() => pro.page.getByTestId('pv-live').textContent(), { timeout: 20_000 }).toBe('Fatima heeft 1 knelpunt verwijderd.')
    await gone.getByTestId('pv-restore').click()
    await expect.poll(async () => allItems(await plan(caseId)).length, { timeout: 20_000 }).toBe(2)
    await fatimaRow.waitFor({ timeout: 20_000 })
    expect(await other.page.getByTestId('pv-deleted-item').count()).toBe(0)
    expect(pro.errors).toEqual([])
    expect(other.errors).toEqual([])
  })
})
