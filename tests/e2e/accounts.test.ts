/**
 * Personal accounts end to end in real Chromium: an administrator signs in, makes a team and a
 * professional's account in 'Beheer'; the activation link, opened in a fresh browser, shows the
 * authenticator's QR code and secret; the new professional activates (password twice, the code
 * computed from the secret shown), lands on the case list signed in, makes a case, gives a
 * colleague of another team access to it and takes it away again ('Toegang'), makes an API
 * token (shown once) that works as Bearer against the API; the login form refuses a wrong code or
 * password with one and the same message; the administrator disables the account and the
 * professional's open board closes. Screenshots of the login, activation and admin pages go to
 * KT_SCREENSHOTS (default /tmp/kt-e2e).
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { totpOf } from '../../server/auth/accounts.ts'
import { MESSAGES } from '../../client/i18n.ts'
import { api } from '../helpers/server.ts'
import { addAccount, session } from '../helpers/accounts.ts'
import { fillLogin, giveName, hasChromium, logIn, newContext, useBrowserAndServer } from './browser.ts'

const SHOTS = process.env.KT_SCREENSHOTS ?? '/tmp/kt-e2e'

describe.skipIf(!hasChromium)('personal accounts: administration, activation, API tokens, disabling', () => {
  const fixture = useBrowserAndServer({ needsClient: true, shots: SHOTS })

  /** The row of an account in the administrator's table. */
  const row = (page: Page, username: string) => page.locator(`[data-testid="account-row"][data-username="${username}"]`)

  it('an administrator makes a team and an account; its owner activates, works, makes a token; disabling closes the board', async () => {
    const username = `fatima-${Date.now().toString(36)}`
    const team = `Team Oost ${Date.now().toString(36)}`

    // The login page, as anyone sees it first.
    const admin = await newContext(fixture.browser, fixture.server.url)
    await admin.page.setViewportSize({ width: 1280, height: 800 })
    await admin.page.goto('/')
    await admin.page.getByLabel('Gebruikersnaam', { exact: true }).waitFor({ timeout: 20_000 })
    expect(await admin.page.getByLabel('Wachtwoord', { exact: true }).getAttribute('autocomplete')).toBe('current-password')
    const code = admin.page.getByLabel('Code uit uw authenticator-app', { exact: true })
    expect(await code.getAttribute('autocomplete')).toBe('one-time-code')
    expect(await code.getAttribute('inputmode')).toBe('numeric')
    expect(await admin.page.getByLabel(/toegangssleutel/i).count()).toBe(0)
    await admin.page.screenshot({ path: `${SHOTS}/login.png` })

    // The administrator signs in and lands on 'Beheer': no case list.
    await logIn(admin.page, fixture.server, 'admin')
    await admin.page.getByTestId('admin-page').waitFor({ timeout: 20_000 })
    expect(await admin.page.getByTestId('case-list').count()).toBe(0)

    // A team, then an account in it.
    await admin.page.getByTestId('team-name').fill(team)
    await admin.page.getByTestId('team-create').click()
    await admin.page.getByTestId('team-list').getByText(team, { exact: true }).waitFor({ timeout: 20_000 })
    await admin.page.getByTestId('account-name').fill('Fatima Bakker')
    await admin.page.getByTestId('account-username').fill(username)
    await admin.page.getByTestId('account-role').selectOption('professional')
    await admin.page.getByTestId('account-team').selectOption({ label: team })
    await admin.page.getByTestId('account-create').click()
    const linkField = admin.page.getByTestId('activation-url')
    await linkField.waitFor({ timeout: 20_000 })
    const link = await linkField.inputValue()
    expect(link).toMatch(/\/activate#kta_/)
    expect(await admin.page.getByTestId('activation-link').textContent()).toContain('Geef deze link alleen aan Fatima Bakker')
    await row(admin.page, username).waitFor({ timeout: 20_000 })
    expect(await row(admin.page, username).getAttribute('data-status')).toBe('pending')
    await admin.page.screenshot({ path: `${SHOTS}/admin.png`, fullPage: true })

    // The new professional opens the link in a browser of their own.
    const pro = await newContext(fixture.browser, fixture.server.url)
    await pro.page.setViewportSize({ width: 1280, height: 800 })
    const u = new URL(link)
    await pro.page.goto(u.pathname + u.hash)
    await pro.page.getByTestId('totp-qr').waitFor({ timeout: 20_000 })
    // The token left the address bar at once.
    expect(new URL(pro.page.url()).hash).toBe('')
    expect(await pro.page.getByTestId('activate-for').textContent()).toContain('Fatima Bakker')
    expect(await pro.page.getByTestId('totp-qr').getAttribute('alt')).toBeTruthy()
    expect(await pro.page.getByTestId('totp-qr').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true)
    const secret = (await pro.page.getByTestId('totp-secret').textContent() ?? '').replace(/\s/g, '')
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/)
    await pro.page.screenshot({ path: `${SHOTS}/activate.png`, fullPage: true })

    // Two different passwords are caught before anything is sent.
    const password = 'Een lange zin als wachtwoord 42'
    await pro.page.getByTestId('activate-password').fill(password)
    await pro.page.getByTestId('activate-password2').fill(`${password}!`)
    await pro.page.getByTestId('activate-code').fill('000000')
    await pro.page.getByRole('button', { name: 'Account activeren' }).click()
    expect(await pro.page.getByTestId('activate-error').textContent()).toBe(MESSAGES.nl.ac_pwMismatch)
    await pro.page.getByTestId('activate-password2').fill(password)
    await pro.page.getByTestId('activate-code').fill(totpOf(username, secret).generate())
    await pro.page.getByRole('button', { name: 'Account activeren' }).click()

    // Signed in: the case list of an empty team, with the name in the header.
    await pro.page.getByTestId('cases-empty').waitFor({ timeout: 20_000 })
    expect(new URL(pro.page.url()).pathname).toBe('/')
    expect(await pro.page.getByTestId('signed-in-as').textContent()).toBe('Fatima Bakker')

    // A case, made in the form: it belongs to the new team and its owner.
    await pro.page.getByTestId('new-case-title').fill('Familie Oost')
    await pro.page.getByTestId('new-case-form').getByRole('button', { name: 'Casus aanmaken' }).click()
    await pro.page.waitForURL(/\/cases\/[A-Za-z0-9_-]{22}$/, { timeout: 20_000 })
    const caseId = new URL(pro.page.url()).pathname.split('/')[2] as string
    await giveName(pro.page, 'Fatima', team)

    // 'Toegang': a professional of another team sees the case only once added by user name.
    const colleague = await addAccount(fixture.server)
    const colleagueCase = async () => (await api(fixture.server.url, 'GET', `/api/cases/${caseId}`, { auth: null, cookie: await session(fixture.server, colleague) })).status
    expect(await colleagueCase()).toBe(404)
    await pro.page.getByTestId('invite-button').click()
    await pro.page.getByTestId('member-username').fill(colleague.username)
    await pro.page.getByTestId('member-add').click()
    await pro.page.getByTestId('member-row').filter({ hasText: colleague.displayName }).waitFor({ timeout: 20_000 })
    expect(await colleagueCase()).toBe(200)
    await pro.page.getByTestId('member-username').fill('niemand-met-deze-naam')
    await pro.page.getByTestId('member-add').click()
    await pro.page.getByTestId('case-members').getByRole('alert').filter({ hasText: MESSAGES.nl.ac_memberUnknown }).waitFor({ timeout: 20_000 })
    await pro.page.getByTestId('member-remove').click()
    await expect.poll(() => pro.page.getByTestId('member-row').count(), { timeout: 20_000 }).toBe(0)
    expect(await colleagueCase()).toBe(404)
    await pro.page.keyboard.press('Escape')

    // 'Mijn account' in a second tab: the second factor is on; an API token, shown once.
    const account = await pro.context.newPage()
    await account.goto('/account')
    expect(await account.getByTestId('account-mfa').getAttribute('data-mfa', { timeout: 20_000 })).toBe('on')
    await account.getByTestId('token-label').fill('Rapportage')
    await account.getByTestId('token-create').click()
    const tokenField = account.getByTestId('token-url')
    await tokenField.waitFor({ timeout: 20_000 })
    const token = await tokenField.inputValue()
    expect(await account.getByTestId('token-created').textContent()).toContain('Authorization: Bearer')
    await account.reload()
    await account.getByTestId('token-row').first().waitFor({ timeout: 20_000 })
    expect(await account.getByTestId('token-url').count()).toBe(0)
    expect(await account.getByTestId('token-row').count()).toBe(1)
    expect(await account.content()).not.toContain(token)
    // The token works as Bearer, and sees this person's case with its team and owner.
    const res = await fetch(`${fixture.server.url}/api/cases`, { headers: { authorization: `Bearer ${token}` } })
    expect(res.status).toBe(200)
    const listed = (await res.json()) as { id: string; team: { name: string } | null; owner: { displayName: string } | null }[]
    expect(listed.find((c) => c.id === caseId)).toMatchObject({ team: { name: team }, owner: { displayName: 'Fatima Bakker' } })
    await account.close()

    // The login form: a wrong code and a wrong password get one and the same message.
    const other = await newContext(fixture.browser, fixture.server.url)
    await other.page.goto('/')
    const now = Date.now()
    const valid = [-30_000, 0, 30_000, 60_000].map((d) => totpOf(username, secret).generate({ timestamp: now + d }))
    const wrong = ['000000', '111111', '222222', '333333', '444444'].find((c) => !valid.includes(c)) as string
    await fillLogin(other.page, username, password, wrong)
    const error = other.page.getByTestId('login-error')
    await error.waitFor({ timeout: 20_000 })
    const wrongCode = await error.textContent()
    expect(wrongCode).toBe(MESSAGES.nl.wrongKey)
    // The code field is emptied after a failure (a code counts once).
    expect(await other.page.getByLabel('Code uit uw authenticator-app', { exact: true }).inputValue()).toBe('')
    await fillLogin(other.page, username, 'Niet het goede wachtwoord', totpOf(username, secret).generate({ timestamp: now + 60_000 }))
    await expect.poll(() => error.textContent(), { timeout: 20_000 }).toBe(wrongCode)
    expect(await other.page.getByTestId('case-list').count()).toBe(0)
    await other.context.close()

    // The administrator disables the account: the professional's open board closes.
    await row(admin.page, username).getByTestId('account-disable').click()
    await admin.page.locator(`[data-testid="account-row"][data-username="${username}"][data-status="disabled"]`).waitFor({ timeout: 20_000 })
    await pro.page.getByTestId('fatal-error').waitFor({ timeout: 20_000 })
    // …and the token no longer works either.
    expect((await fetch(`${fixture.server.url}/api/cases`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401)
    expect(pro.errors.filter((e) => !/request failed/.test(e))).toEqual([])
    expect(admin.errors).toEqual([])
    await pro.context.close()
    await admin.context.close()
  }, 180_000)
})
