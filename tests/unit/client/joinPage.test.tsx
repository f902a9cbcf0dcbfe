// @vitest-environment jsdom
/**
 * The join page against a fake API: the token leaves the address bar at once, goes to the server
 * once, in the body of POST /api/invites/redeem (which answers with an HttpOnly case session
 * cookie), and nothing of it is kept in localStorage or sessionStorage; the resident is asked only
 * their name — after reading, in their language, what is stored, who sees it, how long, and whom
 * to ask.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { act } from 'react'
import { useReactRoot } from '../../helpers/render.ts'
import { JoinPage } from '../../../client/pages/JoinPage.tsx'
import { loadIdentity } from '../../../client/identity.ts'
import { LocaleContext, MESSAGES, translator } from '../../../client/i18n.ts'

const TOKEN = 'eszZtks6F8lYbjARgS9-RO_kbzrrLtjzN1JvKBc90N8'
const CASE = 'czT4xj9oJ5fT_ZgauJCc3A'

let calls: { url: string; method: string; auth: string | null; body: string | null }[]

function fakeApi(valid: boolean, role: 'resident' | 'professional' = 'resident') {
  calls = []
  vi.stubGlobal('fetch', vi.fn(async (url: string, init?: RequestInit) => {
    const auth = new Headers(init?.headers).get('authorization')
    const body = typeof init?.body === 'string' ? init.body : null
    calls.push({ url, method: init?.method ?? 'GET', auth, body })
    const json = (status: number, data: unknown) => new Response(JSON.stringify(data), { status, headers: { 'content-type': 'application/json' } })
    if (url === '/api/invites/redeem' && init?.method === 'POST' && valid && body === JSON.stringify({ token: TOKEN })) {
      return json(200, { role, scope: 'case', caseId: CASE, canWrite: true, title: 'Familie <b>Jansen</b>' })
    }
    return json(401, { error: 'unauthorized', message: 'Geen toegang.' })
  }))
}

/** Nothing of the token in the browser's storage. */
function storageHolds(token: string): boolean {
  for (const store of [localStorage, sessionStorage]) {
    for (let i = 0; i < store.length; i++) {
      const k = store.key(i) as string
      if (k.includes(token) || (store.getItem(k) ?? '').includes(token)) return true
    }
  }
  return false
}

async function settle() {
  for (let i = 0; i < 5; i++) await act(async () => { await new Promise((r) => setTimeout(r, 0)) })
}

function fill(input: HTMLInputElement, value: string) {
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, value)
  input.dispatchEvent(new Event('input', { bubbles: true }))
}

beforeEach(() => {
  localStorage.clear()
  sessionStorage.clear()
})
afterEach(() => {
  vi.unstubAllGlobals()
})
const dom = useReactRoot()

describe('joining by invite link', () => {
  it('takes the token out of the address, redeems it in a POST body, keeps nothing of it, and opens the board', async () => {
    fakeApi(true)
    history.replaceState(null, '', `/join#${TOKEN}`)
    act(() => dom.root.render(<JoinPage />))
    expect(location.hash).toBe('')
    expect(location.pathname).toBe('/join')
    await settle()
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(['POST /api/invites/redeem'])
    expect(calls.every((c) => c.auth === null && !c.url.includes(TOKEN))).toBe(true)
    // The title is text, not markup.
    expect(dom.container.textContent).toContain('Familie <b>Jansen</b>')
    expect(dom.container.querySelector('b')).toBeNull()
    const inputs = dom.container.querySelectorAll('input')
    expect(inputs.length).toBe(1) // name only: no organisation for a resident
    act(() => fill(inputs[0]!, '  Jan  '))
    act(() => dom.container.querySelector('form')!.requestSubmit())
    expect(localStorage.getItem(`kt.invite.${CASE}`)).toBeNull()
    expect(storageHolds(TOKEN)).toBe(false)
    expect(loadIdentity()?.name).toBe('Jan')
    expect(location.pathname).toBe(`/cases/${CASE}`)
  })

  it('tells the resident, before joining, what is stored, who sees it, how long it is kept and whom to ask', async () => {
    fakeApi(true)
    history.replaceState(null, '', `/join#${TOKEN}`)
    act(() => dom.root.render(<JoinPage />))
    await settle()
    const note = dom.container.querySelector('[data-testid="join-privacy"]')!
    const text = note.textContent!
    // What is stored: the board's content, their name and who wrote what, the saved copies.
    expect(text).toContain('Alles wat op het bord en in het plan wordt geschreven.')
    expect(text).toContain('Uw naam, en wie wat heeft geschreven.')
    expect(text).toMatch(/kopie van het plan aan het eind van elk gesprek/)
    // Who sees it: the professionals at the table, their coordinators (read only), invited people.
    expect(note.querySelector('[data-testid="join-who"]')!.textContent).toMatch(/professionals van de organisaties.*coördinatoren.*alleen lezen/s)
    // How long, and whom to ask.
    expect(note.querySelector('[data-testid="join-how-long"]')!.textContent).toMatch(/bewaard tot een professional het wist/)
    expect(note.querySelector('[data-testid="join-ask"]')!.textContent).toMatch(/professional die u heeft uitgenodigd/)
    // It comes before the name field, and the field does not pull the focus past it.
    const form = dom.container.querySelector('form')!
    expect(note.compareDocumentPosition(form) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy()
    expect(document.activeElement).not.toBe(dom.container.querySelector('input'))
  })

  it('says the same in English, with no Dutch left', async () => {
    fakeApi(true)
    history.replaceState(null, '', `/join#${TOKEN}`)
    act(() => dom.root.render(
      <LocaleContext.Provider value={{ locale: 'en', t: translator('en'), setLocale: () => {} }}><JoinPage /></LocaleContext.Provider>,
    ))
    await settle()
    const text = dom.container.querySelector('[data-testid="join-privacy"]')!.textContent!
    for (const k of ['joinStored1', 'joinWho2', 'joinHowLong', 'joinAsk'] as const) expect(text).toContain(MESSAGES.en[k])
    expect(text).not.toMatch(/\b(het|een|uw|wordt)\b/)
  })

  it('does not show the resident\'s privacy note to an invited professional', async () => {
    fakeApi(true, 'professional')
    history.replaceState(null, '', `/join#${TOKEN}`)
    act(() => dom.root.render(<JoinPage />))
    await settle()
    expect(dom.container.querySelector('form')).not.toBeNull()
    expect(dom.container.querySelector('[data-testid="join-privacy"]')).toBeNull()
  })

  it('asks an invited professional for their organisation, prefilled from last time', async () => {
    fakeApi(true, 'professional')
    localStorage.setItem('kt.identity', JSON.stringify({ name: 'Sanne', org: 'Sociaal wijkteam' }))
    history.replaceState(null, '', `/join#${TOKEN}`)
    act(() => dom.root.render(<JoinPage />))
    await settle()
    const values = [...dom.container.querySelectorAll('input')].map((i) => i.value)
    expect(values).toEqual(['Sanne', 'Sociaal wijkteam'])
  })

  it('says plainly that an expired or wrong link does not work, and remembers nothing', async () => {
    fakeApi(false)
    history.replaceState(null, '', `/join#${TOKEN}`)
    act(() => dom.root.render(<JoinPage />))
    await settle()
    expect(dom.container.querySelector('[data-testid="join-invalid"]')?.textContent)
      .toBe('Deze uitnodiging is verlopen of ongeldig. Vraag om een nieuwe link.')
    expect(localStorage.length).toBe(0)
    expect(storageHolds(TOKEN)).toBe(false)
    expect(location.hash).toBe('')
  })

  it('does not call the server for an address without a token', async () => {
    fakeApi(true)
    history.replaceState(null, '', '/join')
    act(() => dom.root.render(<JoinPage />))
    await settle()
    expect(calls).toEqual([])
    expect(dom.container.querySelector('[data-testid="join-invalid"]')).not.toBeNull()
  })
})
