/**
 * In real Chromium, a resident on their invite link is never offered a write the server would
 * refuse (rights inside the document, docs/security.md): a professional's card and action are text
 * in the plan view and read-only on the board (no editing on double-click, the message row says
 * why; the inspector's fields are disabled); a drag of the professional's card leaves it where it
 * was and the connection stays open (no 4403); with resident mode off there is still no 'Tekenen'.
 * The resident's own card can be edited, moved and deleted.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { addItem, listDeletedItems, listDomains, listItems } from '../../shared/doc.ts'
import { connect, createCase, invite, synced, TEST_ORG_KEY, type TestClient } from '../helpers/server.ts'
import { hasChromium, openInvite, useBrowserAndServer } from './browser.ts'

const LONG = { timeout: 30_000 }
const SANNE = { name: 'Sanne', org: 'Sociaal wijkteam', role: 'professional' as const }

describe.skipIf(!hasChromium)("a resident's screen offers no change to what is not theirs", () => {
  const fixture = useBrowserAndServer({ needsClient: true })

  async function client(caseId: string): Promise<TestClient> {
    const c = connect(fixture.server, caseId, TEST_ORG_KEY)
    fixture.clients.push(c)
    await synced(c)
    return c
  }

  const card = (page: Page, id: string) => page.locator(`[data-testid="kt-item"][data-item-id="${id}"]`)

  /** Show the whole board and wait until the cards stop moving (camera, layout). */
  async function overview(page: Page): Promise<void> {
    await page.getByTestId('view-overview').click()
    let last = ''
    await expect.poll(async () => {
      const now = JSON.stringify(await page.locator('[data-testid="kt-item"], [data-testid="kt-domain"]').evaluateAll(
        (els) => els.map((e) => { const r = e.getBoundingClientRect(); return [Math.round(r.x), Math.round(r.y), Math.round(r.width)] }),
      ))
      const same = now === last
      last = now
      return same
    }, { ...LONG, interval: 250 }).toBe(true)
  }

  /** The middle of a card, once a pointer there reaches it (tldraw blocks hits while the camera moves). */
  async function middleOfCard(page: Page, id: string): Promise<{ x: number; y: number }> {
    const at = async () => {
      const b = (await card(page, id).boundingBox())!
      return { x: b.x + b.width / 2, y: b.y + b.height / 2 }
    }
    await expect.poll(async () => page.evaluate(({ x, y }) =>
      document.elementFromPoint(x, y)?.closest<HTMLElement>('[data-testid="kt-item"]')?.dataset.itemId ?? '', await at()), LONG).toBe(id)
    return at()
  }

  async function drag(page: Page, id: string, to: { x: number; y: number }): Promise<void> {
    const from = await middleOfCard(page, id)
    await page.mouse.move(from.x, from.y)
    await page.mouse.down()
    await page.mouse.move(to.x, to.y, { steps: 20 })
    await page.mouse.up()
  }

  const middleOf = async (page: Page, domainId: string) => {
    const r = (await page.locator(`[data-testid="kt-domain"][data-domain-id="${domainId}"]`).boundingBox())!
    return { x: r.x + r.width / 2, y: r.y + r.height * 0.6 }
  }

  it("shows others' items read-only in the plan view and on the board, keeps the connection open, and lets the resident change their own", async () => {
    const caseId = await createCase(fixture.server.url, 'Familie Jansen', 'integrale-intake', fixture.server.teamId)
    const team = await client(caseId)
    const [d0, d1, d2] = listDomains(team.doc)
    const pro = addItem(team.doc, { kind: 'problem', text: 'Schulden bij de energieleverancier', domainId: d0!.id, author: SANNE })
    const action = addItem(team.doc, { kind: 'action', text: 'Budgetcoach regelen', domainId: d0!.id, author: SANNE })

    const token = await invite(fixture.server.url, caseId, 'resident')
    const { page, errors } = await openInvite(fixture.browser, fixture.server.url, token, 'Jan')
    const connected = page.locator('[data-testid="connection-state"][data-state="connected"]')
    await page.getByTestId('plan-view').waitFor(LONG)

    // The plan view: the professional's item and action are words, not fields.
    const proRow = page.locator(`[data-testid="pv-item"][data-item-id="${pro}"]`)
    await expect.poll(() => proRow.getAttribute('data-locked'), LONG).toBe('true')
    expect(await proRow.locator('textarea, input, select, button').count()).toBe(0)
    expect(await proRow.getByTestId('pv-item-text').textContent()).toBe('Schulden bij de energieleverancier')
    const actionRow = page.locator(`[data-testid="pv-action"][data-item-id="${action}"]`)
    expect(await actionRow.locator('textarea, input, select, button').count()).toBe(0)

    // The resident adds their own card (plan view, first domain).
    const first = page.locator(`[data-testid="pv-domain"][data-domain-id="${d0!.id}"]`)
    await first.getByTestId('pv-add-text').fill('Rust in mijn hoofd')
    await first.getByTestId('pv-add-text').press('Enter')
    await expect.poll(() => listItems(team.doc).find((i) => i.text === 'Rust in mijn hoofd')?.author.role, LONG).toBe('resident')
    const own = listItems(team.doc).find((i) => i.text === 'Rust in mijn hoofd')!.id
    const ownRow = page.locator(`[data-testid="pv-item"][data-item-id="${own}"]`)
    expect(await ownRow.locator('textarea[data-testid="pv-item-text"]').count()).toBe(1)

    // The board: double-clicking the professional's card does not edit it; the message row says why.
    await card(page, pro).waitFor(LONG)
    await overview(page)
    const proAt = await middleOfCard(page, pro)
    await page.mouse.dblclick(proAt.x, proAt.y)
    await expect.poll(() => page.getByTestId('board-toast').textContent(), LONG).toContain('Deze kaart is van een ander; u kunt hem niet veranderen.')
    expect(await page.getByTestId('kt-item-textarea').count()).toBe(0)
    // Selected, the inspector shows it read-only.
    await page.getByTestId('inspector-not-yours').waitFor(LONG)
    expect(await page.getByTestId('inspector-text').isDisabled()).toBe(true)
    expect(await page.getByTestId('inspector-domain').isDisabled()).toBe(true)
    expect(await page.getByTestId('inspector-delete').count()).toBe(0)
    await page.getByTestId('inspector-close').click()

    // A drag of the professional's card into another domain leaves it where it was, and writes nothing.
    await overview(page)
    await drag(page, pro, await middleOf(page, d2!.id))
    // Then the resident's own card, dragged into d1: once the team sees that, it would have seen
    // the other card's move before it (one connection, in order).
    await overview(page)
    await drag(page, own, await middleOf(page, d1!.id))
    await expect.poll(() => listItems(team.doc).find((i) => i.id === own)?.domainId, LONG).toBe(d1!.id)
    expect(listItems(team.doc).find((i) => i.id === pro)?.domainId).toBe(d0!.id)
    await expect.poll(() => card(page, own).getAttribute('data-domain-id'), LONG).toBe(d1!.id)
    expect(await card(page, pro).getAttribute('data-domain-id')).toBe(d0!.id)
    // The connection stayed open: no 4403, no fatal error.
    expect(await connected.count()).toBe(1)
    expect(await page.getByTestId('fatal-error').count()).toBe(0)

    // Their own card: edited in place on the board.
    await overview(page)
    const textBox = page.getByTestId('kt-item-textarea')
    await expect.poll(async () => {
      if (await textBox.isVisible()) return true
      const at = await middleOfCard(page, own)
      await page.mouse.dblclick(at.x, at.y)
      return textBox.isVisible()
    }, { timeout: 30_000, interval: 1000 }).toBe(true)
    await page.keyboard.press('End')
    await page.keyboard.type(' en slapen')
    await page.keyboard.press('Escape')
    await expect.poll(() => listItems(team.doc).find((i) => i.id === own)?.text, LONG).toBe('Rust in mijn hoofd en slapen')

    // And deleted (the inspector's button), softly.
    await overview(page)
    const ownAt = await middleOfCard(page, own)
    await page.mouse.click(ownAt.x, ownAt.y)
    await page.getByTestId('inspector-delete').click()
    await expect.poll(() => listDeletedItems(team.doc).map((i) => i.id), LONG).toEqual([own])
    expect(listItems(team.doc).map((i) => i.id).sort()).toEqual([pro, action].sort())
    expect(await connected.count()).toBe(1)

    // With resident mode switched off, a resident still gets no 'Tekenen'.
    const mode = page.getByTestId('resident-mode-switch')
    expect(await mode.getAttribute('aria-checked')).toBe('true')
    await mode.click()
    await expect.poll(() => page.getByTestId('board').getAttribute('data-resident-mode'), LONG).toBe('false')
    expect(await page.getByTestId('drawing-switch').count()).toBe(0)
    expect(await connected.count()).toBe(1)
    expect(errors).toEqual([])
    await page.context().close()
  })
})
