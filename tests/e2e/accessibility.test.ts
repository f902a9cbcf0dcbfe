/**
 * axe-core over every page and state, in real Chromium against a real server: login, case list,
 * join, board (professional, resident mode, presenting), plan view, snapshot, compare, review and
 * print — zero violations (WCAG 2.1 A/AA rules and axe's best practices). And the pages a resident
 * or a phone user must be able to use — the join page, the plan view and the review — have no
 * horizontal scrolling at 360 px wide and at 200 % zoom.
 *
 * 200 % zoom is measured the way the browser does it: the page gets half the CSS pixels, so a
 * 1280×800 window at 200 % is a 640×400 CSS viewport (WCAG 1.4.10 Reflow uses the same equivalence).
 *
 * axe runs in the page (node_modules/axe-core/axe.min.js, evaluated in it; the CSP stays on). Nothing is
 * disabled globally; where a violation sits inside tldraw's own DOM and cannot be fixed by us, only
 * that exact element is excluded, with the reason beside it (TLDRAW_EXCLUDES).
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { addItem, listDomains, setGoal, updateItem, updatePlan } from '../../shared/doc.ts'
import { api, connect, createCase, invite, synced, TEST_ORG_KEY } from '../helpers/server.ts'
import { fillLogin, giveName, hasChromium, logIn, loginAsProfessional, newContext, useBrowserAndServer } from './browser.ts'
import { addAccount, session } from '../helpers/accounts.ts'

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const SHOTS = process.env.KT_SCREENSHOTS ?? '/tmp/kt-e2e'
const pro = { name: 'Sanne', org: 'Sociaal wijkteam', role: 'professional' as const }
const DESKTOP = { width: 1280, height: 800 }
const PHONE = { width: 360, height: 740 }
const ZOOM_200 = { width: 640, height: 400 }

/**
 * Elements inside tldraw's own DOM that we cannot change, excluded one by one (never a whole rule).
 * Each entry: the CSS selector of the exact element and why it is excluded.
 */
const TLDRAW_EXCLUDES: { selector: string; why: string }[] = []

interface AxeViolation { id: string; impact: string | null; help: string; nodes: { target: string[]; html: string }[] }

/** Run axe on the page as it is now; resolve with readable lines, one per violating element. */
async function axeViolations(page: Page, extraExclude: string[] = []): Promise<string[]> {
  // Evaluated over the DevTools protocol rather than added as a <script> tag: the app's
  // Content-Security-Policy (script-src 'self') rightly refuses inline scripts, and it stays on.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE)
  const exclude = [...TLDRAW_EXCLUDES.map((e) => e.selector), ...extraExclude]
  const violations = await page.evaluate(async (ex) => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe
    const present = ex.filter((s) => document.querySelector(s))
    const context = present.length ? { include: [document], exclude: present.map((s) => [s]) } : document
    const r = await axe.run(context, { resultTypes: ['violations'] })
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target as string[], html: n.html.slice(0, 200) })) }))
  }, exclude)
  return violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${v.help} — ${n.target.join(' ')} — ${n.html}`))
}

/** Zero axe violations on this page/state; a screenshot either way, to look at. */
async function expectNoViolations(page: Page, name: string, extraExclude: string[] = []): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/a11y-${name}.png` })
  const found = await axeViolations(page, extraExclude)
  // Soft: a test goes on to its next state, so one run lists every violation of every state.
  expect.soft(found, `axe violations on ${name}:\n${found.join('\n')}`).toEqual([])
}

/** The page is no wider than the viewport: nothing to scroll sideways. */
async function expectNoHorizontalScroll(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/a11y-${name}.png`, fullPage: true })
  const { scrollWidth, clientWidth, wide } = await page.evaluate(() => {
    const el = document.scrollingElement ?? document.documentElement
    // Name what sticks out, so a failure says where to look.
    const vw = document.documentElement.clientWidth
    const wideEls = [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > vw + 1 && getComputedStyle(e).position !== 'fixed')
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}.${[...e.classList].join('.')} right=${Math.round(e.getBoundingClientRect().right)}`)
    return { scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, wide: wideEls }
  })
  expect(scrollWidth, `${name}: page is ${scrollWidth}px wide in a ${clientWidth}px viewport; wider: ${wide.join('; ')}`).toBeLessThanOrEqual(clientWidth)
}

describe.skipIf(!hasChromium)('accessibility: axe-core on every page, no sideways scrolling on small screens', () => {
  const fixture = useBrowserAndServer({ needsClient: true, shots: SHOTS })
  let caseId: string
  let snapshotId: string

  beforeAll(async () => {
    caseId = await caseWithPlan()
    const saved = await api(fixture.server.url, 'POST', `/api/cases/${caseId}/snapshots`, { body: { label: 'Eerste gesprek', savedBy: 'Sanne' } })
    if (saved.status !== 201) throw new Error(`snapshot failed: ${saved.status} ${JSON.stringify(saved.body)}`)
    snapshotId = saved.body.id
  })
  /** A case with a goal, route, ladder and items (with a stress factor, a signal, a deviation and two actions). */
  async function caseWithPlan(): Promise<string> {
    const id = await createCase(fixture.server.url, 'Familie de Vries', 'zrm', fixture.server.teamId)
    const c = connect(fixture.server, id, TEST_ORG_KEY)
    fixture.clients.push(c)
    await synced(c)
    const domain = (key: string) => {
      const d = listDomains(c.doc).find((x) => x.key === key)!
      return { domainId: d.id, pos: { x: d.pos.x + 20, y: d.pos.y + 60 } }
    }
    const money = domain('finances')
    const adl = domain('basic_adl')
    setGoal(c.doc, 'Over een jaar heb ik werk en geen schulden meer.')
    updatePlan(c.doc, { route: 'parallel', ladderNow: 2, ladderGoal: 5 })
    addItem(c.doc, { kind: 'problem', text: 'Schulden bij de energieleverancier', ...money, author: pro, stress: true })
    const sig = addItem(c.doc, { kind: 'problem', text: 'Wachtlijst schuldhulp is drie maanden', ...money, author: pro })
    updateItem(c.doc, sig, { signal: true })
    addItem(c.doc, { kind: 'wish', text: 'Zelf weer koken', ...adl, author: pro })
    addItem(c.doc, { kind: 'strength', text: 'Buurvrouw helpt met de post', ...money, author: pro })
    const a1 = addItem(c.doc, { kind: 'action', text: 'Schuldhulp aanvragen zonder wachttijd', ...money, author: pro })
    updateItem(c.doc, a1, { owner: 'Sanne', ownerOrg: 'Sociaal wijkteam', due: '2099-12-15', deviation: true, deviationRule: 'Wachttijd schuldhulp', deviationMotivation: 'Afsluiting dreigt' })
    const a2 = addItem(c.doc, { kind: 'action', text: 'Formulier inleveren', ...adl, author: pro })
    updateItem(c.doc, a2, { owner: 'Jan', due: '2020-01-06' })
    // The server has all six items (polled: beforeAll cannot use expect.poll).
    const deadline = Date.now() + 20_000
    for (;;) {
      const p = (await api(fixture.server.url, 'GET', `/api/cases/${id}`)).body.plan
      const n = p.domains.reduce((k: number, d: { items: unknown[] }) => k + d.items.length, 0) + p.unassigned.length
      if (n === 6) break
      if (Date.now() > deadline) throw new Error(`the server has ${n} of 6 items`)
      await new Promise((r) => setTimeout(r, 50))
    }
    return id
  }

  /** The board has drawn its cards (the default view may show only some of them). */
  async function boardShowsCards(page: Page): Promise<void> {
    await page.locator('[data-testid="kt-item"]').filter({ visible: true }).first().waitFor({ timeout: 20_000 })
  }

  async function contextAt(viewport: { width: number; height: number }) {
    const c = await newContext(fixture.browser, fixture.server.url)
    await c.page.setViewportSize(viewport)
    return c
  }

  it('the check itself finds a violation when there is one (so zero means zero)', async () => {
    const { page, context } = await contextAt(DESKTOP)
    await page.goto('/')
    await page.getByLabel('Gebruikersnaam', { exact: true }).waitFor({ timeout: 20_000 })
    await page.evaluate(() => {
      const b = document.createElement('button')
      b.id = 'unnamed-button'
      document.querySelector('main')!.append(b)
    })
    const found = await axeViolations(page)
    expect(found.some((l) => l.startsWith('button-name') && l.includes('#unnamed-button')), found.join('\n')).toBe(true)
    await context.close()
  })

  it('login and case list', async () => {
    const { page, context } = await contextAt(DESKTOP)
    await page.goto('/')
    await page.getByLabel('Gebruikersnaam', { exact: true }).waitFor({ timeout: 20_000 })
    await expectNoViolations(page, 'login')
    // A wrong sign-in: the error is shown, and still no violations.
    await fillLogin(page, 'niemand', 'niet-het-goede-wachtwoord', '123456')
    await page.getByRole('alert').waitFor({ timeout: 20_000 })
    await expectNoViolations(page, 'login-error')
    await logIn(page, fixture.server)
    await page.getByTestId('case-list').waitFor({ timeout: 20_000 })
    await expectNoViolations(page, 'case-list')
    await page.getByTestId('locale-switch').selectOption('en')
    await page.getByRole('heading', { name: 'Cases' }).waitFor({ timeout: 20_000 })
    await expectNoViolations(page, 'case-list-en')
    await context.close()
    // On a phone: the login and the case list fit the screen.
    const phone = await contextAt(PHONE)
    await phone.page.goto('/')
    await phone.page.getByLabel('Gebruikersnaam', { exact: true }).waitFor({ timeout: 20_000 })
    await expectNoHorizontalScroll(phone.page, 'login-360')
    await logIn(phone.page, fixture.server)
    await phone.page.getByTestId('case-list').waitFor({ timeout: 20_000 })
    await expectNoHorizontalScroll(phone.page, 'case-list-360')
    await phone.context.close()
  })

  it('activation page: the QR code, the secret, the password twice and the code; and a link that does not work', async () => {
    const admin = await addAccount(fixture.server, { role: 'admin' })
    const made = await api(fixture.server.url, 'POST', '/api/admin/accounts', {
      auth: null, cookie: await session(fixture.server, admin), body: { username: `nieuw-${Date.now()}`, displayName: 'Fatima Nieuw', role: 'professional', teamId: fixture.server.teamId },
    })
    expect(made.status).toBe(201)
    for (const [name, viewport] of [['activate', DESKTOP], ['activate-360', PHONE]] as const) {
      const { page, context } = await contextAt(viewport)
      await page.goto(new URL(made.body.url).pathname + new URL(made.body.url).hash)
      await page.getByTestId('totp-qr').waitFor({ timeout: 20_000 })
      if (name === 'activate') await expectNoViolations(page, name)
      else await expectNoHorizontalScroll(page, name)
      await context.close()
    }
    const { page, context } = await contextAt(DESKTOP)
    await page.goto('/activate#kta_not-a-real-activation-token')
    await page.getByTestId('activate-invalid').waitFor({ timeout: 20_000 })
    await expectNoViolations(page, 'activate-invalid')
    await context.close()
  })

  it('administration, the log export and my account', async () => {
    const { page, context } = await contextAt(DESKTOP)
    await logIn(page, fixture.server, 'admin')
    await page.getByTestId('admin-page').waitFor({ timeout: 20_000 })
    await page.getByTestId('account-row').first().waitFor({ timeout: 20_000 })
    await expectNoViolations(page, 'admin')
    // An account made: its activation link is shown once.
    await page.getByTestId('account-name').fill('Pieter Toegankelijk')
    await page.getByTestId('account-username').fill(`pieter-${Date.now()}`)
    await page.getByTestId('account-team').selectOption(fixture.server.teamId)
    await page.getByTestId('account-create').click()
    await page.getByTestId('activation-url').waitFor({ timeout: 20_000 })
    await expectNoViolations(page, 'admin-link')
    await page.getByTestId('my-account-link').click()
    await page.getByTestId('api-tokens').waitFor({ timeout: 20_000 })
    await page.getByTestId('token-label').fill('Rapportage')
    await page.getByTestId('token-create').click()
    await page.getByTestId('token-url').waitFor({ timeout: 20_000 })
    await expectNoViolations(page, 'my-account')
    await context.close()
    const dpo = await contextAt(DESKTOP)
    await logIn(dpo.page, fixture.server, 'dpo')
    await dpo.page.getByTestId('audit-download').waitFor({ timeout: 20_000 })
    await expectNoViolations(dpo.page, 'audit-export')
    await dpo.context.close()
    const phone = await contextAt(PHONE)
    await logIn(phone.page, fixture.server, 'admin')
    await phone.page.getByTestId('account-row').first().waitFor({ timeout: 20_000 })
    await expectNoHorizontalScroll(phone.page, 'admin-360')
    await phone.context.close()
  })

  it('join page: what is stored and who sees it, at 1280 px, 360 px and 200 % zoom', async () => {
    for (const [name, viewport] of [['join', DESKTOP], ['join-360', PHONE], ['join-200', ZOOM_200]] as const) {
      const { page, context } = await contextAt(viewport)
      await page.goto(`/join#${await invite(fixture.server.url, caseId, 'resident')}`)
      await page.getByTestId('join-privacy').waitFor({ timeout: 20_000 })
      if (name === 'join') await expectNoViolations(page, name)
      else await expectNoHorizontalScroll(page, name)
      await context.close()
    }
    // An expired or wrong link.
    const { page, context } = await contextAt(DESKTOP)
    await page.goto('/join#not-a-token')
    await page.getByTestId('join-invalid').waitFor({ timeout: 20_000 })
    await expectNoViolations(page, 'join-invalid')
    await context.close()
  })

  it('board, as a professional', async () => {
    const { page, context } = await contextAt(DESKTOP)
    await loginAsProfessional(page, fixture.server, caseId, 'Sanne', 'Sociaal wijkteam', { listBy: 'testid', timeout: 20_000 })
    await boardShowsCards(page)
    await expectNoViolations(page, 'board-professional')
    // The invite dialog, with a link made.
    await page.getByTestId('invite-button').click()
    await page.getByTestId('invite-create').click()
    await page.getByTestId('invite-url').waitFor({ timeout: 20_000 })
    await expectNoViolations(page, 'invite-dialog')
    await context.close()
  })

  it('board in resident mode, on the resident\'s own invite link', async () => {
    const { page, context } = await contextAt(DESKTOP)
    await page.goto(`/join#${await invite(fixture.server.url, caseId, 'resident')}`)
    await giveName(page, 'Jan', null)
    await page.locator('[data-testid="board"][data-resident-mode="true"]').waitFor({ timeout: 20_000 })
    await boardShowsCards(page)
    await expectNoViolations(page, 'board-resident')
    // The resident's screen speaks plain words: the template's plain labels, no instrument jargon.
    await page.getByText('Zelfzorg').first().waitFor({ timeout: 20_000 })
    expect(await page.evaluate(() => document.body.innerText)).not.toMatch(/Basale ADL|Instrumentele ADL|Maatschappelijke participatie/)
    await context.close()
  })

  it('presenting: the presenter\'s screen and a follower\'s', async () => {
    const presenter = await contextAt(DESKTOP)
    await loginAsProfessional(presenter.page, fixture.server, caseId, 'Sanne', 'Sociaal wijkteam', { listBy: 'testid', timeout: 20_000 })
    await boardShowsCards(presenter.page)
    await presenter.page.getByTestId('present-button').click()
    await presenter.page.getByTestId('presenting-bar').waitFor({ timeout: 20_000 })
    await expectNoViolations(presenter.page, 'board-presenting')
    const follower = await contextAt(DESKTOP)
    await follower.page.goto(`/join#${await invite(fixture.server.url, caseId, 'professional')}`)
    await giveName(follower.page, 'Ahmed', 'UWV')
    await follower.page.getByTestId('follow-bar').waitFor({ timeout: 20_000 })
    await expectNoViolations(follower.page, 'board-following')
    await follower.context.close()
    await presenter.context.close()
  })

  it('plan view: no violations, and no sideways scrolling at 360 px and at 200 % zoom', async () => {
    for (const [name, viewport] of [['plan-view-360', PHONE], ['plan-view-200', ZOOM_200], ['plan-view-resident-360', PHONE]] as const) {
      const { page, context } = await contextAt(viewport)
      await page.goto(`/join#${await invite(fixture.server.url, caseId, name.includes('resident') ? 'resident' : 'professional')}`)
      const nameField = page.getByLabel(/^naam/i).first()
      await nameField.waitFor({ timeout: 20_000 })
      await nameField.fill('Jan')
      const org = page.getByLabel(/organisatie/i)
      if (await org.count()) await org.fill('Sociaal wijkteam')
      await page.getByRole('button', { name: /verder|naar het bord/i }).click()
      await page.getByTestId('plan-view').waitFor({ timeout: 30_000 })
      await page.getByTestId('plan-view').getByText('Schulden bij de energieleverancier').first().waitFor({ timeout: 20_000 })
      await expectNoViolations(page, name)
      await expectNoHorizontalScroll(page, name)
      await context.close()
    }
  })

  it('snapshot view', async () => {
    const { page, context } = await contextAt(DESKTOP)
    await logIn(page, fixture.server)
    await page.getByTestId('case-list').waitFor({ timeout: 20_000 })
    await page.goto(`/cases/${caseId}/snapshots/${snapshotId}`)
    await page.getByTestId('snapshot-banner').waitFor({ timeout: 20_000 })
    await boardShowsCards(page)
    await expectNoViolations(page, 'snapshot')
    await context.close()
  })

  it('comparison', async () => {
    const { page, context } = await contextAt(DESKTOP)
    await logIn(page, fixture.server)
    await page.getByTestId('case-list').waitFor({ timeout: 20_000 })
    await page.goto(`/cases/${caseId}/compare?from=${snapshotId}&to=live`)
    await page.getByTestId('compare-list').waitFor({ timeout: 20_000 })
    await boardShowsCards(page)
    await expectNoViolations(page, 'compare')
    await context.close()
  })

  it('review, as a coordinator; no sideways scrolling at 360 px and 200 % zoom', async () => {
    for (const [name, viewport] of [['review', DESKTOP], ['review-360', PHONE], ['review-200', ZOOM_200]] as const) {
      const { page, context } = await contextAt(viewport)
      await logIn(page, fixture.server, 'coordinator')
      await page.getByTestId('review-title').waitFor({ timeout: 20_000 })
      await page.getByTestId('review-table').waitFor({ timeout: 20_000 })
      if (name === 'review') await expectNoViolations(page, name)
      else {
        await expectNoHorizontalScroll(page, name)
        // Laid out one block per row, every cell still says which column it is.
        const unlabelled = await page.evaluate(() => [...document.querySelectorAll('.review-table')].flatMap((table) => {
          const stacked = getComputedStyle(table.querySelector('thead')!).position === 'absolute'
          if (!stacked) return []
          return [...table.querySelectorAll('td:not(:first-child)')]
            .filter((td) => !/^".+"$/.test(getComputedStyle(td, '::before').content))
            .map((td) => td.outerHTML.slice(0, 120))
        }))
        expect(unlabelled, `${name}: cells without their column name`).toEqual([])
      }
      await context.close()
    }
  })

  it('print, for the resident through their invite', async () => {
    const { page, context } = await contextAt(DESKTOP)
    await page.goto(`/join#${await invite(fixture.server.url, caseId, 'resident')}`)
    await giveName(page, 'Jan', null)
    await page.goto(`/cases/${caseId}/print`)
    await page.getByTestId('print-actions').waitFor({ timeout: 20_000 })
    await expectNoViolations(page, 'print')
    expect(await page.getByTestId('print-sheet').innerText()).not.toMatch(/Basale ADL|Instrumentele ADL/)
    expect(await page.getByTestId('print-sheet').innerText()).toContain('Zelfzorg')
    // An explanation opened: still fine.
    await page.getByTestId('term-route').getByRole('button').click()
    await page.getByTestId('term-route-text').waitFor({ timeout: 20_000 })
    await expectNoViolations(page, 'print-term-open')
    await context.close()
  })
})
