/**
 * The first screen of a case opened by its address (real Chromium, real server): the entry starts
 * the board's code, the access check and the case's connection side by side
 * (client/casePrefetch.ts); the page takes that connection over instead of opening a second one,
 * and it stays live both ways. Without access the page says so and leaves no connection behind.
 * Speed itself is measured by the bench (tests/bench/browserBench.ts), not asserted here.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { addItem, listDomains, listItems } from '../../shared/doc.ts'
import { TEST_ORG_KEY, connect, createCase, invite, synced } from '../helpers/server.ts'
import { hasChromium, newContext, openInvite, useBrowserAndServer } from './browser.ts'

const fixture = useBrowserAndServer({ needsClient: true })

/** Every WebSocket the page opens from now on, with whether it is still open. */
function recordSockets(page: Page): { url: string; open: boolean }[] {
  const sockets: { url: string; open: boolean }[] = []
  page.on('websocket', (ws) => {
    const s = { url: ws.url(), open: true }
    sockets.push(s)
    ws.on('close', () => { s.open = false })
  })
  return sockets
}

describe.skipIf(!hasChromium)('a case opened by its address', () => {
  it('uses one connection, taken over from the start-up, that stays live both ways', async () => {
    const base = fixture.server.url
    const caseId = await createCase(base, 'Familie Specht', undefined, fixture.server.teamId)
    const token = await invite(base, caseId, 'professional')
    const peer = connect(fixture.server, caseId, TEST_ORG_KEY)
    fixture.clients.push(peer)
    await synced(peer)
    const [domain] = listDomains(peer.doc)
    const before = addItem(peer.doc, { kind: 'problem', text: 'Schulden bij de energieleverancier', domainId: domain!.id, author: { name: 'Peer', org: 'Schuldhulp', role: 'professional' } })

    // Joined once (the join page moves on to the board inside the app); then opened by its address.
    const opened = await openInvite(fixture.browser, base, token, 'Fleur', { org: 'Wijkteam' })
    const { page } = opened
    const sockets = recordSockets(page)
    await page.reload()
    await page.getByTestId('board').waitFor({ timeout: 30_000 })
    await page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor({ timeout: 20_000 })
    await page.waitForFunction(() => performance.getEntriesByName('kt-editable', 'mark').length > 0, null, { timeout: 30_000 })
    // What was in the document before is on the board and in the plan view.
    await page.locator(`[data-testid="kt-item"][data-item-id="${before}"]`).waitFor({ timeout: 20_000 })
    await page.locator(`[data-testid="pv-item"][data-item-id="${before}"]`).waitFor({ timeout: 20_000 })

    // A change by someone else arrives on this page…
    const later = addItem(peer.doc, { kind: 'wish', text: 'Weer rust in huis', domainId: domain!.id, author: { name: 'Peer', org: 'Schuldhulp', role: 'professional' } })
    await page.locator(`[data-testid="pv-item"][data-item-id="${later}"]`).waitFor({ timeout: 20_000 })
    await page.locator(`[data-testid="kt-item"][data-item-id="${later}"]`).waitFor({ timeout: 20_000 })
    // …and one made here arrives at the others (through the plan view's add field).
    const add = page.getByTestId('pv-domain').first().getByTestId('pv-add-text')
    await add.fill('Budgetcoach vragen')
    await add.press('Enter')
    await expect.poll(() => listItems(peer.doc).map((i) => i.text), { timeout: 20_000 }).toContain('Budgetcoach vragen')

    // One socket since the reload: the one opened at start-up, taken over by the page.
    expect(sockets.length).toBe(1)
    expect(sockets[0]!.open).toBe(true)
    // The peer sees this browser once, with its name (no second, nameless client of ours).
    await expect.poll(() => [...peer.provider.awareness.getStates().entries()]
      .filter(([id]) => id !== peer.doc.clientID)
      .map(([, s]) => (s as { user?: { name?: string } }).user?.name ?? '(none)'), { timeout: 20_000 }).toEqual(['Fleur'])
    expect(opened.errors).toEqual([])
    await opened.context.close()
  })

  it('without access says so, and leaves no connection open', async () => {
    const base = fixture.server.url
    const caseId = await createCase(base, 'Familie Gaai', undefined, fixture.server.teamId)
    const { context, page } = await newContext(fixture.browser, base)
    const sockets = recordSockets(page)
    await page.goto(`/cases/${caseId}`)
    const problem = page.getByTestId('access-problem')
    await problem.waitFor({ timeout: 30_000 })
    expect(await problem.getAttribute('data-problem')).toBe('login')
    // Whatever the start-up opened is closed once the page knows there is no access.
    await expect.poll(() => sockets.filter((s) => s.open).length, { timeout: 20_000 }).toBe(0)
    await context.close()
  })
})
