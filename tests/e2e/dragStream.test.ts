/**
 * A drag as the others see it, in two real Chromium contexts on one case: while one professional
 * drags a card slowly, the other sees a ghost of that card move (its position sampled every frame
 * changes many times during the drag) and the domain it would land in outlined; meanwhile the
 * document gets no update at all, and the drop writes it once. After the drop both screens show
 * the card in the new domain and the ghost is gone; neither loaded a font file (cards use the
 * system font, client/board/fonts.ts). A screenshot of the observer mid-drag goes to
 * KT_SCREENSHOTS (default /tmp/kt-e2e).
 */
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { addItem, listDomains, listItems } from '../../shared/doc.ts'
import { connect, createCase, synced, TEST_ORG_KEY } from '../helpers/server.ts'
import { hasChromium, openAsProfessional, useBrowserAndServer } from './browser.ts'

const SHOTS = process.env.KT_SCREENSHOTS ?? '/tmp/kt-e2e'
const LONG = { timeout: 30_000 }

/** On the observer's page: record the ghost's position of this card at every animation frame. */
async function sampleGhost(page: Page, itemId: string): Promise<void> {
  await page.evaluate((id) => {
    const w = window as unknown as { __ghostSamples: string[] }
    w.__ghostSamples = []
    const tick = () => {
      const el = document.querySelector<HTMLElement>(`[data-testid="remote-drag-ghost"][data-item-id="${id}"]`)
      if (el) w.__ghostSamples.push(el.style.transform)
      requestAnimationFrame(tick)
    }
    requestAnimationFrame(tick)
  }, itemId)
}

const distinctSamples = (page: Page) =>
  page.evaluate(() => new Set((window as unknown as { __ghostSamples: string[] }).__ghostSamples).size)

describe.skipIf(!hasChromium)('dragging as the others see it', () => {
  const fixture = useBrowserAndServer({ needsClient: true, shots: SHOTS })

  it('streams a dragged card to another screen while it moves, and writes the document once, at the drop', async () => {
    const caseId = await createCase(fixture.server.url, 'Samen slepen', 'integrale-intake', fixture.server.teamId)
    const c = connect(fixture.server, caseId, TEST_ORG_KEY)
    fixture.clients.push(c)
    await synced(c)
    const [from, to] = listDomains(c.doc)
    const who = { name: 'Ahmed', org: 'UWV', role: 'professional' as const }
    const moving = addItem(c.doc, { kind: 'problem', text: 'Schulden bij de energieleverancier', domainId: from!.id, author: who })
    for (let i = 0; i < 3; i++) addItem(c.doc, { kind: 'wish', text: `Al daar ${i}`, domainId: to!.id, author: who })

    const size = { width: 1400, height: 900 }
    const dragger = await openAsProfessional(fixture.browser, fixture.server, caseId, { name: 'Sanne', size })
    const observer = await openAsProfessional(fixture.browser, fixture.server, caseId, { name: 'Joost', org: 'Schuldhulp', size })
    const card = (p: Page) => p.locator(`[data-testid="kt-item"][data-item-id="${moving}"]`)
    await card(dragger.page).waitFor(LONG)
    await card(observer.page).waitFor(LONG)
    for (const p of [dragger.page, observer.page]) {
      await p.getByTestId('view-overview').click()
    }
    await sampleGhost(observer.page, moving)

    let updates = 0
    const count = () => { updates++ }
    c.doc.on('update', count)

    const box = (await card(dragger.page).boundingBox())!
    const target = (await dragger.page.locator('[data-testid="kt-item"]', { hasText: 'Al daar 1' }).boundingBox())!
    const start = { x: box.x + box.width / 2, y: box.y + box.height / 2 }
    const end = { x: target.x + target.width * 0.3, y: target.y + target.height / 2 }
    await dragger.page.mouse.move(start.x, start.y)
    await dragger.page.mouse.down()
    // A slow drag in eight legs: after each, the observer's ghost has been seen at a new place.
    const LEGS = 8
    for (let leg = 1; leg <= LEGS; leg++) {
      const k = leg / LEGS
      await dragger.page.mouse.move(start.x + (end.x - start.x) * k, start.y + (end.y - start.y) * k, { steps: 6 })
      await expect.poll(() => distinctSamples(observer.page), LONG).toBeGreaterThanOrEqual(leg + 1)
      if (leg === LEGS / 2) {
        await observer.page.screenshot({ path: path.join(SHOTS, 'drag-observer-mid.png') })
      }
    }
    // The target domain is outlined on the observer's screen, the card's own place dimmed.
    await expect.poll(() => observer.page.locator('.kt-remote-drop').evaluate((el) => getComputedStyle(el).display), LONG).toBe('block')
    const dimmed = await observer.page.locator(`.tl-shape[data-shape-id="shape:${moving}"]`).evaluate((el) => Number(getComputedStyle(el).opacity))
    expect(dimmed).toBeLessThan(0.5)
    const seenDuringDrag = await distinctSamples(observer.page)
    expect(seenDuringDrag).toBeGreaterThan(LEGS)
    // Nothing was written while the card moved.
    expect(updates).toBe(0)

    await dragger.page.mouse.up()
    await expect.poll(() => listItems(c.doc).find((i) => i.id === moving)?.domainId, LONG).toBe(to!.id)
    // The drop is one write (one transaction; the server may relay it as one update).
    expect(updates).toBeGreaterThanOrEqual(1)
    expect(updates).toBeLessThanOrEqual(2)

    // Both screens agree; the ghost is gone.
    for (const p of [dragger.page, observer.page]) {
      await expect.poll(() => card(p).getAttribute('data-domain-id'), LONG).toBe(to!.id)
    }
    await expect.poll(() => observer.page.locator('[data-testid="remote-drag-ghost"]').count(), LONG).toBe(0)
    await observer.page.screenshot({ path: path.join(SHOTS, 'drag-observer-after.png') })
    c.doc.off('update', count)
    // Cards use the system font: a board without links or drawings loads none of tldraw's fonts.
    for (const p of [dragger.page, observer.page]) {
      const fonts = await p.evaluate(() => performance.getEntriesByType('resource').filter((r) => /\.woff2?$/.test(new URL(r.name).pathname)).length)
      expect(fonts).toBe(0)
    }
    expect(dragger.errors).toEqual([])
    expect(observer.errors).toEqual([])
    await dragger.context.close()
    await observer.context.close()
  })
})
