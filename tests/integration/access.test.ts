import { describe, expect, it, vi } from 'vitest'
import { addItem, listItems, setGoal } from '../../shared/doc.ts'
import { readPlanFields } from '../../shared/doc.ts'
import { CloseCode } from '../../shared/closeCodes.ts'
import { api, connect, createCase, invite, useServer, synced, TEST_ORG_KEY, upgradeStatus, } from '../helpers/server.ts'
import { addAccount, session } from '../helpers/accounts.ts'

const fixture = useServer()
const client = fixture.client.bind(fixture)
const ws = (id: string, q = '') => `${fixture.server.url.replace('http', 'ws')}/ws/${id}${q}`

describe('who may connect to a case', () => {
  it('drops every write of a coordinator: never stored, never relayed', async () => {
    const id = await createCase(fixture.server.url)
    const coord = client(id, await invite(fixture.server.url, id, 'coordinator'))
    const prof = client(id, TEST_ORG_KEY)
    await Promise.all([coord, prof].map(synced))

    addItem(coord.doc, { kind: 'problem', text: 'door coördinator', pos: { x: 0, y: 0 }, author: { name: 'C', org: '', role: 'coordinator' } })
    setGoal(coord.doc, 'coördinator schrijft')
    // The coordinator still receives everything the others write.
    addItem(prof.doc, { kind: 'action', text: 'Bel de schuldhulp', pos: { x: 0, y: 0 }, author: { name: 'P', org: 'W&I', role: 'professional' } })
    await vi.waitFor(() => expect(listItems(coord.doc).map((i) => i.text)).toContain('Bel de schuldhulp'), { timeout: 20_000 })

    // A fresh client sees only the professional's item, as does storage after a restart.
    const fresh = client(id, TEST_ORG_KEY)
    await synced(fresh)
    await new Promise((r) => setTimeout(r, 200))
    expect(listItems(prof.doc).map((i) => i.text)).toEqual(['Bel de schuldhulp'])
    expect(listItems(fresh.doc).map((i) => i.text)).toEqual(['Bel de schuldhulp'])
    expect(readPlanFields(fresh.doc).goal).toBe('')
    const stored = await api(fixture.server.url, 'GET', `/api/cases/${id}`)
    expect(stored.body.plan.actions).toHaveLength(1)
    expect(stored.body.plan.goal).toBe('')
  })

  it('refuses a token for case A on case B before the socket opens, as if B did not exist', async () => {
    const a = await createCase(fixture.server.url)
    const b = await createCase(fixture.server.url)
    const token = await invite(fixture.server.url, a, 'resident')
    expect(await upgradeStatus(ws(a, `?token=${token}`))).toBe(101)
    expect(await upgradeStatus(ws(b, `?token=${token}`))).toBe(404)
    expect(await upgradeStatus(ws('Zz9Zz9Zz9Zz9Zz9Zz9Zz9Z', `?token=${token}`))).toBe(404)
  })

  it('refuses missing, unknown and expired credentials', async () => {
    const a = await createCase(fixture.server.url)
    expect(await upgradeStatus(ws(a))).toBe(401)
    expect(await upgradeStatus(ws(a, '?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'))).toBe(401)
    const short = await invite(fixture.server.url, a, 'resident', 0.0001)
    await new Promise((r) => setTimeout(r, 600))
    expect(await upgradeStatus(ws(a, `?token=${short}`))).toBe(401)
  })

  it('accepts a professional session cookie and refuses a cross-site origin', async () => {
    const a = await createCase(fixture.server.url, 'Casus', 'integrale-intake', fixture.server.teamId)
    const cookie = await session(fixture.server, await addAccount(fixture.server))
    const host = new URL(fixture.server.url).host
    expect(await upgradeStatus(ws(a), { cookie, origin: `http://${host}` })).toBe(101)
    expect(await upgradeStatus(ws(a), { cookie, origin: 'http://evil.example' })).toBe(403)
  })

  it('answers unknown and malformed case ids with 404 / 400', async () => {
    const key = { authorization: `Bearer ${TEST_ORG_KEY}` }
    expect(await upgradeStatus(ws('AAAAAAAAAAAAAAAAAAAAAA'), key)).toBe(404)
    expect(await upgradeStatus(ws('..%2Fx'), key)).toBe(400)
    expect(await upgradeStatus(`${fixture.server.url.replace('http', 'ws')}/elsewhere`, key)).toBe(404)
  })

  it('refuses an organisation key in the URL with 400 and says to use the Authorization header', async () => {
    const a = await createCase(fixture.server.url)
    expect(await upgradeStatus(ws(a), { authorization: `Bearer ${TEST_ORG_KEY}` })).toBe(101)
    expect(await upgradeStatus(ws(a, `?token=${encodeURIComponent(TEST_ORG_KEY)}`))).toBe(400)
  })

  it('tells a client built for another schema version to reload', async () => {
    const a = await createCase(fixture.server.url)
    const old = client(a, TEST_ORG_KEY, { schema: '0' })
    await vi.waitFor(() => expect(old.closes[0]?.code).toBe(CloseCode.ClientOutdated), { timeout: 20_000 })
    expect(old.closes[0]?.reason).toMatch(/reload/)
  })
})
