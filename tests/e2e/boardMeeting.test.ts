/**
 * The board made for a meeting, end to end in real Chromium against the built client and the real
 * server: a readable opening view for every template, editing by double-click and by Enter with the
 * focus in the text, adding into a chosen domain, 'Verband leggen' by keyboard alone, presenting and
 * following, and deleting an agreed action (confirmation first; another participant restores it).
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { api, createCase, invite } from '../helpers/server.ts'
import { hasChromium, openAsProfessional as openAs, openInvite as openInviteIn, useBrowserAndServer } from './browser.ts'

const SHOTS = process.env.KT_SCREENSHOTS ?? '/tmp/kt-e2e'
const LONG = { timeout: 30_000 }

interface PlanItemJson { id: string; kind: string; text: string; domainId: string | null }

describe.skipIf(!hasChromium)('the board made for a meeting', () => {
  const fixture = useBrowserAndServer({ needsClient: true, shots: SHOTS })

  async function openAsProfessional(caseId: string, name = 'Sanne', size = { width: 1280, height: 800 }): Promise<{ page: Page; errors: string[] }> {
    const { page, errors } = await openAs(fixture.browser, fixture.server, caseId, { name, size })
    return { page, errors }
  }

  async function openInvite(token: string, name: string, size = { width: 1280, height: 800 }): Promise<Page> {
    return (await openInviteIn(fixture.browser, fixture.server.url, token, name, { size })).page
  }

  const plan = async (caseId: string) => (await api(fixture.server.url, 'GET', `/api/cases/${caseId}`)).body.plan as {
    domains: { id: string; label: string; items: PlanItemJson[] }[]
    unassigned: PlanItemJson[]
    links: { from: string; to: string; kind: string }[]
  }
  const allItems = async (caseId: string) => {
    const p = await plan(caseId)
    return [...p.domains.flatMap((d) => d.items), ...p.unassigned]
  }
  const card = (page: Page, text: string) => page.locator('[data-testid="kt-item"]', { hasText: text })
  const editor = (page: Page) => page.getByTestId('kt-item-textarea')
  /** Click (or double-click) a card where it shows on screen (the canvas takes the pointer, not the card's HTML). */
  async function clickCard(page: Page, text: string, clicks: 1 | 2 = 1): Promise<void> {
    const at = await card(page, text).evaluate((el) => {
      const r = el.getBoundingClientRect()
      const c = el.closest('.kt-canvas')!.getBoundingClientRect()
      const left = Math.max(r.left, c.left)
      const right = Math.min(r.right, c.right)
      const top = Math.max(r.top, c.top)
      const bottom = Math.min(r.bottom, c.bottom)
      return { x: (left + right) / 2, y: (top + bottom) / 2 }
    })
    if (clicks === 2) await page.mouse.dblclick(at.x, at.y)
    else await page.mouse.click(at.x, at.y)
  }

  /** Add a card through the toolbar with nothing selected: the board asks for the domain first. */
  async function addViaChooser(page: Page, kind: 'problem' | 'wish' | 'strength' | 'action', domainIndex: number, text: string): Promise<string> {
    await page.getByTestId(`add-${kind}`).click()
    const choice = page.getByTestId('domain-choice').nth(domainIndex)
    await choice.waitFor(LONG)
    const domainId = (await choice.getAttribute('data-domain-id'))!
    await choice.click()
    await editor(page).waitFor(LONG)
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')), LONG).toBe('kt-item-textarea')
    await page.keyboard.type(text)
    await page.keyboard.press('Escape')
    await card(page, text).waitFor(LONG)
    return domainId
  }

  /** Press Tab until the element with this test id has the focus (keyboard only). */
  async function tabTo(page: Page, testId: string, max = 60): Promise<void> {
    for (let i = 0; i < max; i++) {
      if (await page.evaluate((id) => document.activeElement?.getAttribute('data-testid') === id, testId)) return
      await page.keyboard.press('Tab')
    }
    throw new Error(`Tab never reached ${testId}`)
  }

  /** On-screen size (CSS px) of a card's text: its font size × the canvas zoom; and whether it is in view. */
  const cardTextOnScreen = (page: Page, text: string) =>
    card(page, text).evaluate((el) => {
      const textEl = el.querySelector('[data-testid="kt-item-text"]') as HTMLElement
      const zoom = el.getBoundingClientRect().width / (el as HTMLElement).offsetWidth
      const r = textEl.getBoundingClientRect()
      const canvas = el.closest('.kt-canvas')!.getBoundingClientRect()
      const inView = r.left >= canvas.left - 1 && r.top >= canvas.top - 1 && r.left < canvas.right && r.top < canvas.bottom
      return { px: parseFloat(getComputedStyle(textEl).fontSize) * zoom, inView }
    })

  it('opens every template at a readable zoom (card text ≥ 14 px at 1280×800; ≥ 20 px in resident mode)', async () => {
    for (const template of ['integrale-intake', 'zrm', 'positieve-gezondheid']) {
      const caseId = await createCase(fixture.server.url, `Leesbaar ${template}`, template, fixture.server.teamId)
      const pro = await openAsProfessional(caseId)
      const text = `Eerste knelpunt ${template}`
      const domainId = await addViaChooser(pro.page, 'problem', 0, text)
      expect((await allItems(caseId)).find((i) => i.text === text)?.domainId).toBe(domainId)

      // A fresh load opens at the default view.
      await pro.page.reload()
      await card(pro.page, text).waitFor(LONG)
      await expect.poll(async () => (await cardTextOnScreen(pro.page, text)).px, LONG).toBeGreaterThanOrEqual(14)
      expect((await cardTextOnScreen(pro.page, text)).inView).toBe(true)
      if (template === 'integrale-intake') await pro.page.screenshot({ path: `${SHOTS}/board-meeting-professional.png` })

      // The resident's own link opens in resident mode: larger still.
      const resident = await openInvite(await invite(fixture.server.url, caseId, 'resident'), 'Fatima')
      await card(resident, text).waitFor(LONG)
      await expect.poll(async () => (await cardTextOnScreen(resident, text)).px, LONG).toBeGreaterThanOrEqual(20)
      expect((await cardTextOnScreen(resident, text)).inView).toBe(true)
      if (template === 'integrale-intake') {
        // Resident mode: the four add buttons only, no drawing switch.
        expect(await resident.getByTestId('add-note').count()).toBe(0)
        expect(await resident.getByTestId('add-action').count()).toBe(1)
        expect(await resident.getByTestId('drawing-switch').count()).toBe(0)
        await resident.screenshot({ path: `${SHOTS}/board-meeting-resident.png` })
      }
      expect(pro.errors).toEqual([])
      await pro.page.context().close()
      await resident.context().close()
    }
  })

  it('keeps drawing behind the ‘Tekenen’ switch; plan cards never get the style panel', async () => {
    const caseId = await createCase(fixture.server.url, 'Familie Tekenen', 'integrale-intake', fixture.server.teamId)
    const { page, errors } = await openAsProfessional(caseId)
    await addViaChooser(page, 'problem', 0, 'Geen werk')
    const canvas = (await page.locator('.kt-canvas').boundingBox())!
    const drag = async () => {
      await page.mouse.move(canvas.x + canvas.width - 160, canvas.y + canvas.height - 160)
      await page.mouse.down()
      await page.mouse.move(canvas.x + canvas.width - 80, canvas.y + canvas.height - 90, { steps: 8 })
      await page.mouse.up()
    }
    const geo = () => page.locator('.tl-shape[data-shape-type="geo"]').count()

    // Off (the default): no drawing tools, no style panel, and the tool keys draw nothing.
    expect(await page.getByTestId('drawing-switch').isChecked()).toBe(false)
    expect(await page.locator('.tlui-toolbar, .tlui-style-panel, .tlui-main-menu, .tlui-navigation-panel').count()).toBe(0)
    await page.keyboard.press('Escape')
    await page.locator('.kt-canvas .tl-container').focus()
    await page.keyboard.press('r')
    await drag()
    expect(await geo()).toBe(0)

    // On: the tools are in the toolbar row; a rectangle can be drawn and styled.
    await page.getByTestId('drawing-switch').check()
    await page.getByTestId('tool-rectangle').click()
    await drag()
    await expect.poll(geo, LONG).toBe(1)
    await page.locator('.tlui-style-panel').waitFor(LONG)
    // The hatch pattern's images are made only once a shape uses that fill (drawingUtils.tsx).
    expect(await page.locator('.kt-canvas pattern').count()).toBe(0)
    await page.getByTestId('style.fill-extra').click()
    await page.locator('[data-testid^="style.fill"][data-testid$=".pattern"]').click()
    await page.locator('.kt-canvas [data-testid="ready-pattern-fill-defs"] pattern').first().waitFor({ state: 'attached', ...LONG })
    await page.screenshot({ path: `${SHOTS}/board-meeting-drawing.png` })

    // A plan card selected: no colour/size/opacity panel, even while drawing.
    await clickCard(page, 'Geen werk')
    await page.getByTestId('inspector').waitFor(LONG)
    await expect.poll(() => page.locator('.tlui-style-panel').count(), LONG).toBe(0)
    expect(errors).toEqual([])
  })

  it('fits a phone: at 360 px the toolbar wraps, nothing scrolls sideways, the canvas keeps room', async () => {
    const caseId = await createCase(fixture.server.url, 'Familie Telefoon', 'zrm', fixture.server.teamId)
    const page = await openInvite(await invite(fixture.server.url, caseId, 'resident'), 'Fatima')
    await page.setViewportSize({ width: 360, height: 740 })
    // Below 1000 px the plan view is the main view; the board is a tab away.
    const boardTab = page.getByTestId('tab-board')
    await boardTab.waitFor(LONG)
    await boardTab.click()
    await page.getByTestId('board-bar').waitFor(LONG)
    await addViaChooser(page, 'wish', 0, 'Weer werken')
    const sizes = await page.evaluate(() => {
      const bar = document.querySelector('[data-testid="board-bar"]') as HTMLElement
      const canvas = document.querySelector('.kt-canvas') as HTMLElement
      return { page: document.documentElement.scrollWidth, bar: bar.scrollWidth - bar.clientWidth, canvasH: canvas.getBoundingClientRect().height, canvasW: canvas.getBoundingClientRect().width }
    })
    expect(sizes.page).toBeLessThanOrEqual(360)
    expect(sizes.bar).toBeLessThanOrEqual(0)
    expect(sizes.canvasW).toBeGreaterThanOrEqual(300)
    expect(sizes.canvasH).toBeGreaterThanOrEqual(200)
    // Resident mode on a phone: the new card is in view, its text large.
    const shown = await cardTextOnScreen(page, 'Weer werken')
    expect(shown.inView).toBe(true)
    expect(shown.px).toBeGreaterThanOrEqual(20)
    await page.screenshot({ path: `${SHOTS}/board-meeting-phone.png`, fullPage: true })
  })

  it('puts a new card in the domain chosen when nothing is selected, and in the selected card’s domain after that', async () => {
    const caseId = await createCase(fixture.server.url, 'Familie Domein', 'integrale-intake', fixture.server.teamId)
    const { page } = await openAsProfessional(caseId)
    await page.getByTestId('add-wish').click()
    await page.getByTestId('domain-chooser').waitFor(LONG)
    // Nothing is added until a domain is chosen.
    expect(await allItems(caseId)).toEqual([])
    const third = page.getByTestId('domain-choice').nth(2)
    const domainId = (await third.getAttribute('data-domain-id'))!
    await third.click()
    await editor(page).waitFor(LONG)
    await page.keyboard.type('Weer op mezelf wonen')
    await expect.poll(async () => (await allItems(caseId)).map((i) => [i.text, i.domainId]), LONG).toEqual([['Weer op mezelf wonen', domainId]])
    // The card stays selected after editing: the next card goes to its domain without asking.
    await page.keyboard.press('Escape')
    await page.getByTestId('add-strength').click()
    await editor(page).waitFor(LONG)
    expect(await page.getByTestId('domain-chooser').count()).toBe(0)
    await page.keyboard.type('Buurvrouw helpt')
    await expect.poll(async () => (await allItems(caseId)).find((i) => i.kind === 'strength')?.domainId, LONG).toBe(domainId)
    // Nothing else landed in no domain.
    expect((await plan(caseId)).unassigned).toEqual([])
  })

  it('starts editing with the focus in the text on double-click and on Enter; a second client sees the typing', async () => {
    const caseId = await createCase(fixture.server.url, 'Familie Typen', 'integrale-intake', fixture.server.teamId)
    const pro = await openAsProfessional(caseId)
    const other = await openInvite(await invite(fixture.server.url, caseId, 'resident'), 'Fatima')
    await addViaChooser(pro.page, 'problem', 0, 'Schulden')

    // Double-click: the text box opens with the focus in it; what is typed arrives.
    await pro.page.keyboard.press('Escape') // leave the canvas
    await clickCard(pro.page, 'Schulden', 2)
    await expect.poll(() => pro.page.evaluate(() => document.activeElement?.getAttribute('data-testid')), LONG).toBe('kt-item-textarea')
    await pro.page.keyboard.type(' bij de energie')
    await card(other, 'Schulden bij de energie').waitFor({ state: 'attached', ...LONG })

    // Escape ends editing (the card stays selected, the focus on the canvas); Enter edits again.
    await pro.page.keyboard.press('Escape')
    await expect.poll(() => editor(pro.page).count(), LONG).toBe(0)
    await pro.page.keyboard.press('Enter')
    await expect.poll(() => pro.page.evaluate(() => document.activeElement?.getAttribute('data-testid')), LONG).toBe('kt-item-textarea')
    await pro.page.keyboard.type(' en zorgverzekering')
    await card(other, 'Schulden bij de energie en zorgverzekering').waitFor({ state: 'attached', ...LONG })
    expect((await allItems(caseId)).map((i) => i.text)).toEqual(['Schulden bij de energie en zorgverzekering'])

    // Escape twice: out of the text, then out of the canvas to the toolbar (no keyboard trap).
    await pro.page.keyboard.press('Escape')
    await pro.page.keyboard.press('Escape')
    await expect.poll(() => pro.page.evaluate(() => !!document.activeElement?.closest('.kt-bar')), LONG).toBe(true)
  })

  it('makes a link by keyboard alone (no mouse events at all): kind first, then the other card from a list', async () => {
    const caseId = await createCase(fixture.server.url, 'Familie Toetsenbord', 'integrale-intake', fixture.server.teamId)
    const { page } = await openAsProfessional(caseId)
    const mouseEvents: string[] = []
    await page.exposeFunction('ktMouse', (t: string) => { mouseEvents.push(t) })
    await page.evaluate(() => {
      for (const t of ['mousedown', 'mouseup', 'click', 'pointerdown', 'dblclick']) {
        window.addEventListener(t, (e) => { if ((e as MouseEvent).detail > 0 || e.type.startsWith('pointer')) (window as unknown as { ktMouse: (t: string) => void }).ktMouse(e.type) }, true)
      }
    })

    // Add two cards with the keyboard: the chooser asks for the domain, Enter picks the first.
    await tabTo(page, 'add-problem')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')), LONG).toBe('domain-choice')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')), LONG).toBe('kt-item-textarea')
    await page.keyboard.type('Slaapt slecht')
    await page.keyboard.press('Escape') // end editing: the card stays selected
    await page.keyboard.press('Escape') // leave the canvas, to the toolbar
    await tabTo(page, 'add-problem')
    await page.keyboard.press('Enter') // the selected card's domain: no question
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')), LONG).toBe('kt-item-textarea')
    await page.keyboard.type('Schulden')
    await page.keyboard.press('Escape')

    // From the canvas, Tab goes straight on to the inspector of the selected card.
    await page.keyboard.press('Tab')
    await expect.poll(() => page.evaluate(() => !!document.activeElement?.closest('[data-testid="inspector"]')), LONG).toBe(true)
    await tabTo(page, 'link-kind', 20)
    expect(await page.getByTestId('link-target').isDisabled()).toBe(true) // no kind, no link: nothing pretends
    await page.keyboard.press('ArrowDown') // versterkt
    await expect.poll(() => page.getByTestId('link-kind').inputValue(), LONG).toBe('reinforces')
    await page.keyboard.press('Tab')
    await page.keyboard.press('ArrowDown') // the only other card
    await expect.poll(() => page.getByTestId('link-target').inputValue(), LONG).not.toBe('')
    await tabTo(page, 'link-save', 5)
    await page.keyboard.press('Enter')

    const items = await allItems(caseId)
    const from = items.find((i) => i.text === 'Schulden')!.id
    const to = items.find((i) => i.text === 'Slaapt slecht')!.id
    await expect.poll(async () => (await plan(caseId)).links, LONG).toEqual([expect.objectContaining({ from, to, kind: 'reinforces' })])
    await page.getByTestId('card-link').filter({ hasText: 'Schulden versterkt Slaapt slecht' }).waitFor(LONG)
    await page.screenshot({ path: `${SHOTS}/board-meeting-inspector.png` })
    expect(mouseEvents).toEqual([])
  })

  it('lets the others follow a presenter, and stop following by moving themselves', async () => {
    const caseId = await createCase(fixture.server.url, 'Familie Presenteren', 'integrale-intake', fixture.server.teamId)
    const a = await openAsProfessional(caseId, 'Sanne')
    const b = await openAsProfessional(caseId, 'Ahmed')
    /** Where the n-th domain (as the toolbar lists them) is centred, in page units from the viewport centre (equal on screens that show the same view). */
    const offset = async (page: Page, n: number) => {
      const id = await page.getByTestId('view-domain').nth(n).getAttribute('data-domain-id')
      return page.locator(`[data-testid="kt-domain"][data-domain-id="${id}"]`).evaluate((el) => {
        const r = el.getBoundingClientRect()
        const c = el.closest('.kt-canvas')!.getBoundingClientRect()
        const k = r.width / (el as HTMLElement).offsetWidth
        return { x: Math.round((r.left + r.width / 2 - (c.left + c.width / 2)) / k), y: Math.round((r.top + r.height / 2 - (c.top + c.height / 2)) / k) }
      })
    }
    const near = (p: { x: number; y: number }, q: { x: number; y: number }) => Math.abs(p.x - q.x) <= 4 && Math.abs(p.y - q.y) <= 4

    await a.page.getByTestId('present-button').click()
    await a.page.getByTestId('presenting-bar').waitFor(LONG)
    await b.page.locator('[data-testid="follow-bar"][data-following="true"]').waitFor(LONG)
    await expect.poll(async () => (await b.page.getByTestId('follow-bar').textContent()) ?? '', LONG).toContain('Sanne')

    // The presenter goes to the fifth domain; the follower's camera shows the same.
    await a.page.getByTestId('view-domain').nth(4).click()
    await expect.poll(async () => near(await offset(b.page, 4), await offset(a.page, 4)), LONG).toBe(true)
    await a.page.screenshot({ path: `${SHOTS}/board-meeting-presenting.png` })
    await b.page.screenshot({ path: `${SHOTS}/board-meeting-following.png` })

    // The follower pans itself: it stops following.
    const canvas = (await b.page.locator('.kt-canvas').boundingBox())!
    await b.page.mouse.move(canvas.x + canvas.width / 2, canvas.y + canvas.height / 2)
    await b.page.mouse.wheel(0, 100)
    await b.page.locator('[data-testid="follow-bar"][data-following="false"]').waitFor(LONG)
    const own = await offset(b.page, 4)

    // The presenter moves on: the follower's view stays its own…
    await a.page.getByTestId('view-domain').nth(0).click()
    const shown = async () => {
      const [pa, pb] = [await a.page.getByTestId('presenting-bar').getAttribute('data-view'), await b.page.getByTestId('follow-bar').getAttribute('data-view')]
      const again = await a.page.getByTestId('presenting-bar').getAttribute('data-view')
      return pa === pb && pa === again && near(await offset(a.page, 0), await offset(a.page, 0)) ? pa : null
    }
    // Wait until the follower has the presenter's new view (it came through awareness)…
    await expect.poll(async () => (await shown()) !== null && !near(await offset(a.page, 4), own), LONG).toBe(true)
    expect(near(await offset(b.page, 4), own)).toBe(true)
    // …until it follows again.
    await b.page.getByTestId('follow-again').click()
    await expect.poll(async () => near(await offset(b.page, 0), await offset(a.page, 0)), LONG).toBe(true)

    // One presenter at a time: when the other starts, the first one gives way and follows.
    await b.page.getByTestId('present-button').click()
    await b.page.getByTestId('presenting-bar').waitFor(LONG)
    await expect.poll(() => a.page.getByTestId('presenting-bar').count(), LONG).toBe(0)
    await expect.poll(async () => (await a.page.getByTestId('follow-bar').textContent()) ?? '', LONG).toContain('Ahmed')

    // Stopping ends it for everyone.
    await b.page.getByTestId('present-button').click()
    await expect.poll(() => a.page.getByTestId('follow-bar').count(), LONG).toBe(0)
    expect(await b.page.getByTestId('follow-bar').count()).toBe(0)
  })

  it('asks before deleting an agreed action; another participant can restore it', async () => {
    const caseId = await createCase(fixture.server.url, 'Familie Verwijderen', 'integrale-intake', fixture.server.teamId)
    const pro = await openAsProfessional(caseId)
    const other = await openAsProfessional(caseId, 'Ahmed')
    await addViaChooser(pro.page, 'action', 1, 'Aanmelden schuldhulp')
    await card(other.page, 'Aanmelden schuldhulp').waitFor({ state: 'attached', ...LONG }) // may be outside its view
    const id = (await allItems(caseId))[0]!.id

    // The Delete key asks first; 'Nee, bewaren' keeps it.
    await clickCard(pro.page, 'Aanmelden schuldhulp')
    await pro.page.keyboard.press('Delete')
    await pro.page.getByTestId('delete-confirm').waitFor(LONG)
    await pro.page.screenshot({ path: `${SHOTS}/board-meeting-confirm.png` })
    await pro.page.getByTestId('delete-confirm-no').click()
    expect((await allItems(caseId)).map((i) => i.id)).toEqual([id])

    // The inspector's delete button asks too; 'Ja, verwijderen' deletes it for everyone, with undo offered.
    await clickCard(pro.page, 'Aanmelden schuldhulp')
    await pro.page.getByTestId('inspector-delete').click()
    await pro.page.getByTestId('delete-confirm-yes').click()
    await expect.poll(async () => (await allItems(caseId)).length, LONG).toBe(0)
    await pro.page.getByTestId('toast-undo').waitFor(LONG)
    await expect.poll(() => card(other.page, 'Aanmelden schuldhulp').count(), LONG).toBe(0)

    // Someone else restores it from the 'Verwijderd' list.
    await other.page.locator(`[data-testid="pv-deleted-item"][data-item-id="${id}"] [data-testid="pv-restore"]`).click()
    await expect.poll(async () => (await allItems(caseId)).map((i) => i.id), LONG).toEqual([id])
    await card(pro.page, 'Aanmelden schuldhulp').waitFor({ state: 'attached', ...LONG })
  })
})
