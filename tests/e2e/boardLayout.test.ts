/**
 * The board's derived layout, end to end in real Chromium (1280×800) against the built client and
 * the real server: 30 cards added to one domain by three writers at once (the browser through its
 * toolbar, two real y-websocket clients through shared/doc.ts) never overlap and can all be
 * clicked; a card with 600 characters shows all of its text; a card dragged with the mouse into
 * another domain lands in that domain's flow, as another client sees, and overlaps nothing.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { addItem, addLink, listDomains, listItems, setGoal } from '../../shared/doc.ts'
import type { ItemKind } from '../../shared/schema.ts'
import { connect, createCase, invite, synced, TEST_ORG_KEY, type TestClient } from '../helpers/server.ts'
import { hasChromium, openAsProfessional as openAs, openInvite, useBrowserAndServer } from './browser.ts'

const SHOTS = process.env.KT_SCREENSHOTS ?? '/tmp/kt-e2e'
const LONG = { timeout: 30_000 }

interface CardRect { id: string; domain: string; x: number; y: number; w: number; h: number }

describe.skipIf(!hasChromium)('the board layout', () => {
  const fixture = useBrowserAndServer({ needsClient: true, shots: SHOTS })

  async function client(caseId: string): Promise<TestClient> {
    const c = connect(fixture.server, caseId, TEST_ORG_KEY)
    fixture.clients.push(c)
    await synced(c)
    return c
  }

  async function openAsProfessional(caseId: string, size = { width: 1280, height: 800 }): Promise<{ page: Page; errors: string[] }> {
    const { page, errors } = await openAs(fixture.browser, fixture.server, caseId, { size })
    return { page, errors }
  }

  /** Every card on screen (culled ones, far outside the view, have no box and are left out). */
  const cardRects = (page: Page) =>
    page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('[data-testid="kt-item"]')]
        .map((el) => {
          const r = el.getBoundingClientRect()
          return { id: el.dataset.itemId ?? '', domain: el.dataset.domainId ?? '', x: r.x, y: r.y, w: r.width, h: r.height }
        })
        .filter((r) => r.w > 0 && r.h > 0),
    ) as Promise<CardRect[]>

  /** Cards whose content does not fit their box (it would be cut off): none, ever. */
  const clipped = (page: Page) =>
    page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('[data-testid="kt-item"]')]
        .filter((el) => el.getBoundingClientRect().width > 0 && el.scrollHeight > el.clientHeight + 1)
        .map((el) => `${el.dataset.itemId}: ${el.scrollHeight} > ${el.clientHeight}`),
    )

  const overlapping = (rects: CardRect[]): string[] => {
    const bad: string[] = []
    for (let i = 0; i < rects.length; i++) {
      for (let j = i + 1; j < rects.length; j++) {
        const a = rects[i]!
        const b = rects[j]!
        // 0.5 px of tolerance for sub-pixel rounding at small zoom.
        if (a.x + 0.5 < b.x + b.w && b.x + 0.5 < a.x + a.w && a.y + 0.5 < b.y + b.h && b.y + 0.5 < a.y + a.h) bad.push(`${a.id} × ${b.id}`)
      }
    }
    return bad
  }

  const canvasRect = (page: Page) =>
    page.evaluate(() => {
      const el = document.querySelector('.kt-canvas') ?? document.querySelector('[data-testid="board"]')!
      const r = el.getBoundingClientRect()
      return { x: r.x, y: r.y, w: r.width, h: r.height }
    })

  /** Show the whole board (the board's own 'Heel het bord' button). */
  async function overview(page: Page): Promise<void> {
    await page.getByTestId('view-overview').click()
    await settled(page)
  }

  /** Wait until the cards stop moving (camera animations, layout after remote changes). */
  async function settled(page: Page): Promise<void> {
    let last = ''
    await expect.poll(async () => {
      const now = JSON.stringify(await cardRects(page))
      const same = now === last
      last = now
      return same
    }, { ...LONG, interval: 250 }).toBe(true)
  }

  /**
   * Scroll the camera (mouse wheel over the canvas) until the card's middle is near the middle of
   * the canvas, then say whether a click there would reach the card.
   */
  async function clickableAfterScrolling(page: Page, id: string): Promise<boolean> {
    const canvas = await canvasRect(page)
    const mid = { x: canvas.x + canvas.w / 2, y: canvas.y + canvas.h / 2 }
    await page.mouse.move(mid.x, mid.y)
    for (let i = 0; i < 8; i++) {
      const r = (await cardRects(page)).find((c) => c.id === id)
      if (!r) throw new Error(`card ${id} is not on screen`)
      const c = { x: r.x + r.w / 2, y: r.y + r.h / 2 }
      if (Math.abs(c.x - mid.x) < 40 && Math.abs(c.y - mid.y) < 40) break
      if (process.env.KT_DEBUG) console.log('wheel', id, Math.round(c.x - mid.x), Math.round(c.y - mid.y))
      await page.mouse.wheel(c.x - mid.x, c.y - mid.y)
      await expect.poll(async () => {
        const n = (await cardRects(page)).find((x) => x.id === id)
        return n ? Math.round(n.x * 10) !== Math.round(r.x * 10) || Math.round(n.y * 10) !== Math.round(r.y * 10) : true
      }, LONG).toBe(true)
    }
    // tldraw blocks hit tests on the cards while the camera moves: wait for it to rest.
    const hitAt = () => page.evaluate(({ x, y }) => {
      const el = document.elementFromPoint(x, y)
      if (el?.classList.contains('tl-hit-test-blocker')) return 'camera moving'
      return el?.closest<HTMLElement>('[data-testid="kt-item"]')?.dataset.itemId ?? `${el?.tagName}.${el?.className}`
    }, mid)
    await expect.poll(hitAt, LONG).not.toBe('camera moving')
    const hit = await hitAt()
    if (hit !== id) {
      await page.screenshot({ path: `${SHOTS}/layout-not-clickable.png` })
      if (process.env.KT_DEBUG) console.log('miss', id, 'hit', hit, mid, (await cardRects(page)).filter((c) => c.id === id || c.id === hit))
    }
    return hit === id
  }

  it('30 cards added to one domain by three writers at once never overlap, and every card can be clicked', async () => {
    const caseId = await createCase(fixture.server.url, 'Dertig kaarten', 'integrale-intake', fixture.server.teamId)
    const [c1, c2] = [await client(caseId), await client(caseId)]
    const domainId = listDomains(c1.doc)[1]!.id
    const pro = await openAsProfessional(caseId)
    const page = pro.page

    const viaClient = async (c: TestClient, who: string) => {
      const kinds: ItemKind[] = ['problem', 'wish', 'strength', 'action', 'note']
      for (let i = 0; i < 10; i++) {
        const text = `${who} ${i}: ${'Dit speelt er al een tijd en het raakt veel andere dingen. '.repeat(i % 4)}`.trim()
        addItem(c.doc, { kind: kinds[i % 5]!, text, domainId, author: { name: who, org: 'UWV', role: 'professional' }, stress: i % 3 === 0 })
        // Let the network interleave the writers (not a wait for a condition: just yield).
        await new Promise((r) => setImmediate(r))
      }
    }
    const viaBrowser = async () => {
      for (let i = 0; i < 10; i++) {
        await page.keyboard.press('Escape')
        await page.keyboard.press('Escape')
        await page.getByTestId('add-problem').click()
        const choice = page.locator(`[data-testid="domain-choice"][data-domain-id="${domainId}"]`)
        if (await choice.isVisible()) await choice.click()
        await page.getByTestId('kt-item-textarea').waitFor(LONG)
        await page.keyboard.type(`Browser ${i}`)
        await page.keyboard.press('Escape')
      }
    }
    await Promise.all([viaBrowser(), viaClient(c1, 'Ahmed'), viaClient(c2, 'Karin')])

    await expect.poll(() => listItems(c1.doc).filter((i) => i.domainId === domainId).length, LONG).toBe(30)
    await expect.poll(() => page.locator(`[data-testid="kt-item"][data-domain-id="${domainId}"]`).count(), LONG).toBe(30)

    // Seen whole: no two cards overlap, and each lies inside its domain.
    await overview(page)
    const all = await cardRects(page)
    expect(all.length).toBe(30)
    expect(overlapping(all)).toEqual([])
    expect(await clipped(page)).toEqual([])
    const domainBox = await page.locator(`[data-testid="kt-domain"][data-domain-id="${domainId}"]`).boundingBox()
    for (const r of all) {
      expect(r.x >= domainBox!.x - 1 && r.y >= domainBox!.y - 1 && r.x + r.w <= domainBox!.x + domainBox!.width + 1 && r.y + r.h <= domainBox!.y + domainBox!.height + 1, r.id).toBe(true)
    }
    await page.screenshot({ path: `${SHOTS}/layout-30-overview.png` })

    // Up close (the domain's own view): still no overlaps, and a click reaches every card.
    await page.locator(`[data-testid="view-domain"][data-domain-id="${domainId}"]`).click()
    await settled(page)
    await page.screenshot({ path: `${SHOTS}/layout-30-domain.png` })
    // In reading order, so the next card is always near the one just shown.
    const reading = [...all].sort((a, b) => a.y - b.y || a.x - b.x).map((r) => r.id)
    for (const id of reading) {
      expect(await clickableAfterScrolling(page, id), id).toBe(true)
      expect(overlapping(await cardRects(page))).toEqual([])
    }
    expect(pro.errors).toEqual([])
    await page.context().close()
  })

  it('a card with 600 characters shows all of its text; a long goal shows whole', async () => {
    const caseId = await createCase(fixture.server.url, 'Lange kaart', 'integrale-intake', fixture.server.teamId)
    const c = await client(caseId)
    const domainId = listDomains(c.doc)[0]!.id
    const long = 'Mevrouw heeft sinds vorig jaar schulden bij de energieleverancier en de zorgverzekeraar. '.repeat(7).slice(0, 600)
    expect(long.length).toBe(600)
    const id = addItem(c.doc, { kind: 'problem', text: long, domainId, author: { name: 'Ahmed', org: 'UWV', role: 'professional' }, stress: true, signal: true })
    addItem(c.doc, { kind: 'wish', text: 'Rust', domainId, author: { name: 'Fatima', org: '', role: 'resident' } })
    setGoal(c.doc, 'Over een jaar woon ik in een eigen huis, werk ik drie dagen in de week en heb ik geen schulden meer. Mijn kinderen gaan met plezier naar school.')
    const pro = await openAsProfessional(caseId)
    const page = pro.page
    const cardEl = page.locator(`[data-testid="kt-item"][data-item-id="${id}"]`)
    await cardEl.waitFor(LONG)
    await page.locator(`[data-testid="view-domain"][data-domain-id="${domainId}"]`).click()
    await settled(page)
    const fits = () => cardEl.evaluate((el) => {
      const text = el.querySelector<HTMLElement>('[data-testid="kt-item-text"]')!
      const c = el.getBoundingClientRect()
      const t = text.getBoundingClientRect()
      return {
        chars: text.textContent?.length ?? 0,
        noScroll: text.scrollHeight <= text.clientHeight + 1 && el.scrollHeight <= el.clientHeight + 1,
        inside: t.top >= c.top - 0.5 && t.bottom <= c.bottom + 0.5 && t.left >= c.left - 0.5 && t.right <= c.right + 0.5,
      }
    })
    await expect.poll(fits, LONG).toEqual({ chars: 600, noScroll: true, inside: true })
    // The goal on the resident card is not cut either.
    const goal = page.getByTestId('kt-resident-goal')
    expect(await goal.evaluate((el) => {
      const card = el.closest('[data-testid="kt-resident"]')!.getBoundingClientRect()
      const g = el.getBoundingClientRect()
      return el.scrollHeight <= el.clientHeight + 1 && g.bottom <= card.bottom + 0.5
    })).toBe(true)
    await page.screenshot({ path: `${SHOTS}/layout-long-card.png` })

    // Typing in a card makes it grow as one types; the cards below make room.
    const rust = page.locator('[data-testid="kt-item"]', { hasText: 'Rust' })
    // Heights in canvas units (offsetHeight ignores the zoom, which may change while editing).
    const height = () => rust.evaluate((el) => (el as HTMLElement).offsetHeight)
    const h0 = await height()
    // On a busy machine a double-click can land while tldraw still blocks hits (camera at rest
    // only just now): double-click again until the text box is there.
    const textBox = page.getByTestId('kt-item-textarea')
    await expect.poll(async () => {
      if (await textBox.isVisible()) return true
      const at = (await rust.boundingBox())!
      await page.mouse.dblclick(at.x + at.width / 2, at.y + at.height / 2)
      return textBox.isVisible()
    }, { timeout: 30_000, interval: 1000 }).toBe(true)
    await page.keyboard.press('End')
    await page.keyboard.type(' en minder zorgen over geld, zodat ik weer kan slapen en overdag iets kan doen')
    await expect.poll(height, LONG).toBeGreaterThan(h0 + 30)
    await page.keyboard.press('Escape')
    await settled(page)
    expect(overlapping(await cardRects(page))).toEqual([])
    expect(await clipped(page)).toEqual([])
    expect(pro.errors).toEqual([])
    await page.context().close()
  })

  it('a card dragged with the mouse into another domain lands in its flow, as another client sees, overlapping nothing', async () => {
    const caseId = await createCase(fixture.server.url, 'Slepen', 'integrale-intake', fixture.server.teamId)
    const c = await client(caseId)
    const [from, to] = listDomains(c.doc)
    const who = { name: 'Ahmed', org: 'UWV', role: 'professional' as const }
    const moving = addItem(c.doc, { kind: 'problem', text: 'Verhuist naar het andere leefgebied', domainId: from!.id, author: who })
    for (let i = 0; i < 5; i++) addItem(c.doc, { kind: 'wish', text: `Al daar ${i}`, domainId: to!.id, author: who })
    const other = addItem(c.doc, { kind: 'strength', text: 'Blijft staan', domainId: from!.id, author: who })
    addLink(c.doc, moving, other, 'helps')
    const pro = await openAsProfessional(caseId)
    const page = pro.page
    await page.locator(`[data-testid="kt-item"][data-item-id="${moving}"]`).waitFor(LONG)
    await overview(page)

    const box = (await page.locator(`[data-testid="kt-item"][data-item-id="${moving}"]`).boundingBox())!
    const target = (await page.locator(`[data-testid="kt-item"]`, { hasText: 'Al daar 2' }).boundingBox())!
    // Drop on the left half of 'Al daar 2': between 'Al daar 1' and 'Al daar 2'.
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
    await page.mouse.down()
    await page.mouse.move(target.x + target.width * 0.3, target.y + target.height / 2, { steps: 20 })
    await page.mouse.up()

    await expect.poll(() => listItems(c.doc).find((i) => i.id === moving)?.domainId, LONG).toBe(to!.id)
    const flow = () => listItems(c.doc).filter((i) => i.domainId === to!.id).sort((a, b) => a.order - b.order || a.createdAt - b.createdAt).map((i) => i.text)
    expect(flow()).toEqual(['Al daar 0', 'Al daar 1', 'Verhuist naar het andere leefgebied', 'Al daar 2', 'Al daar 3', 'Al daar 4'])
    await expect.poll(() => page.locator(`[data-testid="kt-item"][data-item-id="${moving}"]`).getAttribute('data-domain-id'), LONG).toBe(to!.id)
    await settled(page)
    expect(overlapping(await cardRects(page))).toEqual([])
    const inTo = await page.locator(`[data-testid="kt-domain"][data-domain-id="${to!.id}"]`).boundingBox()
    const now = (await page.locator(`[data-testid="kt-item"][data-item-id="${moving}"]`).boundingBox())!
    expect(now.x >= inTo!.x && now.y >= inTo!.y && now.x + now.width <= inTo!.x + inTo!.width && now.y + now.height <= inTo!.y + inTo!.height).toBe(true)

    // Dropped outside every domain, a card goes back to its place.
    const stay = (await page.locator(`[data-testid="kt-item"][data-item-id="${other}"]`).boundingBox())!
    const canvas = await canvasRect(page)
    await page.mouse.move(stay.x + stay.width / 2, stay.y + stay.height / 2)
    await page.mouse.down()
    await page.mouse.move(canvas.x + canvas.w - 6, canvas.y + canvas.h - 60, { steps: 15 })
    await page.mouse.up()
    await settled(page)
    const back = (await page.locator(`[data-testid="kt-item"][data-item-id="${other}"]`).boundingBox())!
    expect(Math.abs(back.x - stay.x) + Math.abs(back.y - stay.y)).toBeLessThan(2)
    expect(listItems(c.doc).find((i) => i.id === other)?.domainId).toBe(from!.id)
    expect(pro.errors).toEqual([])
    await page.context().close()
  })

  it('looks tidy with about 40 cards across the domains (screenshots at 1280×800 and on a phone)', async () => {
    const caseId = await createCase(fixture.server.url, 'Veertig kaarten', 'integrale-intake', fixture.server.teamId)
    const c = await client(caseId)
    const domains = listDomains(c.doc)
    const pro = { name: 'Ahmed', org: 'UWV', role: 'professional' as const }
    const resident = { name: 'Fatima', org: '', role: 'resident' as const }
    const texts = [
      'Schulden bij de energieleverancier', 'Weer aan het werk, eerst een paar uur per week', 'Zus helpt met de post',
      'Aanvraag schuldhulpverlening indienen', 'Slaapt slecht door zorgen over geld',
      'Wil graag vrijwilligerswerk in de buurt doen, bijvoorbeeld bij de voedselbank of in de bibliotheek',
      'Huurachterstand van drie maanden', 'Goed contact met de buurvrouw',
    ]
    const ids: string[] = []
    for (let i = 0; i < 40; i++) {
      const kinds: ItemKind[] = ['problem', 'wish', 'strength', 'action']
      ids.push(addItem(c.doc, {
        kind: kinds[i % 4]!, text: texts[i % texts.length]!, domainId: domains[i % domains.length]!.id,
        author: i % 5 === 0 ? resident : pro, recordedBy: null, stress: i % 7 === 0, signal: i % 11 === 0,
      }))
    }
    addLink(c.doc, ids[0]!, ids[4]!, 'reinforces')
    addLink(c.doc, ids[6]!, ids[0]!, 'causes')
    addLink(c.doc, ids[2]!, ids[3]!, 'helps')
    setGoal(c.doc, 'Over een jaar heb ik werk en geen schulden meer.')
    const p = await openAsProfessional(caseId)
    await expect.poll(() => p.page.locator('[data-testid="kt-item"]').count(), LONG).toBe(40)
    await settled(p.page)
    await p.page.screenshot({ path: `${SHOTS}/layout-40-default.png` })
    await overview(p.page)
    await p.page.screenshot({ path: `${SHOTS}/layout-40-overview.png` })
    expect(overlapping(await cardRects(p.page))).toEqual([])
    expect(await clipped(p.page)).toEqual([])
    await p.page.setViewportSize({ width: 360, height: 740 })
    await settled(p.page)
    await p.page.screenshot({ path: `${SHOTS}/layout-40-phone.png` })
    // On a phone the plan view comes first; the board is one tab away.
    const boardTab = p.page.getByRole('tab', { name: /^bord$/i })
    if (await boardTab.count()) {
      await boardTab.click()
      await settled(p.page)
      await p.page.screenshot({ path: `${SHOTS}/layout-40-phone-board.png` })
      expect(overlapping(await cardRects(p.page))).toEqual([])
    }
    expect(p.errors).toEqual([])
    await p.page.context().close()
  })

  it("shows a resident the template's plain words for the domains, and their own cards as theirs", async () => {
    const caseId = await createCase(fixture.server.url, 'Mijn ZRM', 'zrm', fixture.server.teamId)
    const c = await client(caseId)
    const finances = listDomains(c.doc).find((d) => d.key === 'finances')!
    addItem(c.doc, { kind: 'problem', text: 'Rekeningen stapelen zich op', domainId: finances.id, author: { name: 'Ahmed', org: 'UWV', role: 'professional' } })
    const { page, errors } = await openInvite(fixture.browser, fixture.server.url, await invite(fixture.server.url, caseId, 'resident'), 'Fatima', { size: { width: 1280, height: 800 } })
    const label = page.locator(`[data-testid="kt-domain"][data-domain-id="${finances.id}"] .kt-domain-label`)
    await expect.poll(() => label.textContent(), LONG).toBe('Geldzaken')
    // What the resident adds is marked as theirs.
    await page.getByTestId('add-wish').click()
    const choice = page.locator(`[data-testid="domain-choice"][data-domain-id="${finances.id}"]`)
    if (await choice.isVisible()) await choice.click()
    await page.getByTestId('kt-item-textarea').waitFor(LONG)
    await page.keyboard.type('Zelf mijn post bijhouden')
    await page.keyboard.press('Escape')
    const own = page.locator('[data-testid="kt-item"]', { hasText: 'Zelf mijn post bijhouden' })
    await expect.poll(() => own.locator('[data-testid="kt-by-resident"]').textContent(), LONG).toBe('Van de inwoner · Fatima')
    await settled(page)
    expect(overlapping(await cardRects(page))).toEqual([])
    await page.screenshot({ path: `${SHOTS}/layout-resident-zrm.png` })
    await overview(page)
    await page.screenshot({ path: `${SHOTS}/layout-resident-zrm-overview.png` })
    expect(errors).toEqual([])
    await page.context().close()
  })
})
