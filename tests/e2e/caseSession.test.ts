/**
 * Joining by invite leaves no token in the browser (real Chromium, real server): the join page
 * redeems the link for an HttpOnly case session cookie; afterwards localStorage, sessionStorage,
 * the address and the WebSocket URL hold no token, and a reload of /cases/:id opens the board as
 * the resident from the cookie alone. A token an older version left in localStorage is redeemed
 * once and deleted. After the invite is revoked, a reload says the invitation is no longer valid.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { createCase, invite, api } from '../helpers/server.ts'
import { giveName, hasChromium, newContext, openInvite, useBrowserAndServer } from './browser.ts'

const fixture = useBrowserAndServer({ needsClient: true })

/** Every key and value of localStorage and sessionStorage, as one text. */
function storageText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const out: string[] = []
    for (const s of [localStorage, sessionStorage]) {
      for (let i = 0; i < s.length; i++) {
        const k = s.key(i) as string
        out.push(`${k}=${s.getItem(k)}`)
      }
    }
    return out.join('\n')
  })
}

/** Record every write to localStorage and sessionStorage (not only what is left at the end). */
async function recordStorageWrites(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const writes: string[] = []
    ;(window as unknown as { __storageWrites: string[] }).__storageWrites = writes
    const set = Storage.prototype.setItem
    Storage.prototype.setItem = function (this: Storage, k: string, v: string) {
      writes.push(`${k}=${v}`)
      return set.call(this, k, v)
    }
  })
}

function storageWrites(page: Page): Promise<string> {
  return page.evaluate(() => (window as unknown as { __storageWrites: string[] }).__storageWrites.join('\n'))
}

async function meOf(page: Page, caseId: string): Promise<{ status: number; body: any }> {
  return page.evaluate(async (id) => {
    const r = await fetch(`/api/me?case=${id}`)
    return { status: r.status, body: await r.json() }
  }, caseId)
}

describe.skipIf(!hasChromium)('the invite link becomes a case session cookie', () => {
  it('keeps no token in storage, the address or the socket URL, and a reload still opens the board', async () => {
    const base = fixture.server.url
    const caseId = await createCase(base, 'Familie Koekoek', undefined, fixture.server.teamId)
    const token = await invite(base, caseId, 'resident')
    const opened = await newContext(fixture.browser, base)
    const { page } = opened
    const socketUrls: string[] = []
    page.on('websocket', (ws) => socketUrls.push(ws.url()))
    page.on('request', (req) => { if (req.url().includes(token)) socketUrls.push(`request with token: ${req.url()}`) })
    await recordStorageWrites(page)
    await page.goto(`/join#${token}`)
    await giveName(page, 'Jan', null)
    // Never written, not even for a moment (the join page and the board are one document).
    const writes = await storageWrites(page)
    expect(writes).toContain('kt.identity')
    expect(writes).not.toContain(token)

    expect(page.url()).toBe(`${base}/cases/${caseId}`)
    const stored = await storageText(page)
    expect(stored).not.toContain(token)
    expect(stored).not.toContain(token.slice(4))
    const cookies = await opened.context.cookies()
    const cs = cookies.find((c) => c.name === `kt_case_${caseId}`)
    expect(cs).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' })
    expect(cs?.value).not.toContain(token)
    // Scripts on the page cannot read it.
    expect(await page.evaluate(() => document.cookie)).not.toContain('kt_case_')
    expect(socketUrls.length).toBeGreaterThan(0)
    expect(socketUrls.every((u) => !u.includes(token) && !u.includes('token='))).toBe(true)

    await page.reload()
    await page.getByTestId('board').waitFor({ timeout: 30_000 })
    await page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor({ timeout: 20_000 })
    expect(await meOf(page, caseId)).toMatchObject({ status: 200, body: { role: 'resident', scope: 'case', caseId } })
    expect(await storageText(page)).not.toContain(token)
    expect(opened.errors).toEqual([])
    await opened.context.close()
  })

  it('redeems a token an older version left in localStorage once, and deletes it', async () => {
    const base = fixture.server.url
    const caseId = await createCase(base, 'Familie Merel', undefined, fixture.server.teamId)
    const token = await invite(base, caseId, 'resident')
    const { context, page } = await newContext(fixture.browser, base)
    await page.goto('/join')
    await page.evaluate(([id, t]) => {
      localStorage.setItem(`kt.invite.${id}`, t as string)
      localStorage.setItem('kt.identity', JSON.stringify({ name: 'Jan', org: '' }))
    }, [caseId, token])
    await page.goto(`/cases/${caseId}`)
    await page.getByTestId('board').waitFor({ timeout: 30_000 })
    await page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor({ timeout: 20_000 })
    expect(await storageText(page)).not.toContain(token)
    expect((await context.cookies()).some((c) => c.name === `kt_case_${caseId}` && c.httpOnly)).toBe(true)
    expect(await meOf(page, caseId)).toMatchObject({ status: 200, body: { role: 'resident', caseId } })
    await context.close()
  })

  it('after the invite is revoked, a reload says the invitation is no longer valid', async () => {
    const base = fixture.server.url
    const caseId = await createCase(base, 'Familie Vink', undefined, fixture.server.teamId)
    const token = await invite(base, caseId, 'resident')
    const resident = await openInvite(fixture.browser, base, token, 'Jan')
    const list = await api<{ id: string }[]>(base, 'GET', `/api/cases/${caseId}/invites`)
    expect((await api(base, 'DELETE', `/api/cases/${caseId}/invites/${list.body[0]?.id}`)).status).toBe(204)
    await resident.page.getByTestId('fatal-error').waitFor({ timeout: 20_000 })
    await resident.page.reload()
    const problem = resident.page.getByTestId('access-problem')
    await problem.waitFor({ timeout: 20_000 })
    expect(await problem.getAttribute('data-problem')).toBe('expired')
    await resident.context.close()
  })
})
