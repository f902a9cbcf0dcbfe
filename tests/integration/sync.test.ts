import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { addItem, listItems, setItemText, updateItem, parts } from '../../shared/doc.ts'
import { derivePlan } from '../../shared/derivePlan.ts'
import { api, createCase, invite, useServer, stateOf, synced, TEST_ORG_KEY, type TestClient } from '../helpers/server.ts'

const fixture = useServer()

const client = fixture.client.bind(fixture)

const prof = { name: 'Sanne', org: 'Sociaal wijkteam', role: 'professional' as const }

describe('live editing between several clients', () => {
  it('starts every client from the template the case was created with', async () => {
    const id = await createCase(fixture.server.url)
    const a = client(id, TEST_ORG_KEY)
    await synced(a)
    expect(derivePlan(a.doc).domains).toHaveLength(8)
  })

  it('converges concurrent edits to identical state on all clients, text merged', async () => {
    const id = await createCase(fixture.server.url)
    const resident = await invite(fixture.server.url, id, 'resident')
    const a = client(id, TEST_ORG_KEY)
    const b = client(id, TEST_ORG_KEY)
    const c = client(id, resident)
    await Promise.all([a, b, c].map(synced))

    // The resident's own card (a resident may edit only their own; professionals edit everything).
    const itemId = addItem(c.doc, { kind: 'problem', text: 'Schulden', pos: { x: 0, y: 0 }, author: { name: 'Jan', org: '', role: 'resident' } })
    await vi.waitFor(() => expect(parts(a.doc).items.has(itemId) && parts(b.doc).items.has(itemId)).toBe(true), { timeout: 20_000 })

    // Concurrently: b and c both type into the same text; a moves it; c adds its own wish.
    setItemText(b.doc, itemId, 'Schulden bij de energieleverancier')
    setItemText(c.doc, itemId, 'Grote schulden')
    updateItem(a.doc, itemId, { stress: true, pos: { x: 40, y: 50 } })
    addItem(c.doc, { kind: 'wish', text: 'Weer rust in mijn hoofd', pos: { x: 10, y: 10 }, author: { name: 'Jan', org: '', role: 'resident' } })
    for (let i = 0; i < 20; i++) addItem([a, b, c][i % 3]!.doc, { kind: 'note', text: `n${i}`, pos: { x: i, y: i }, author: prof })

    await vi.waitFor(() => {
      expect(stateOf(a.doc).equals(stateOf(b.doc))).toBe(true)
      expect(stateOf(b.doc).equals(stateOf(c.doc))).toBe(true)
    }, { timeout: 20_000 })
    const items = listItems(a.doc)
    expect(items).toHaveLength(22)
    const merged = items.find((i) => i.id === itemId)!
    // Both insertions survive: no last-writer-wins on the whole card.
    expect(merged.text).toContain('Grote')
    expect(merged.text).toContain('energieleverancier')
    expect(merged.stress).toBe(true)
    expect(merged.pos).toEqual({ x: 40, y: 50 })
    const wish = derivePlan(a.doc).unassigned.find((i) => i.kind === 'wish')!
    expect(wish.byResident).toBe(true)
  })

  it('shares presence (awareness) between clients and removes it when one leaves', async () => {
    const id = await createCase(fixture.server.url)
    const a = client(id, TEST_ORG_KEY)
    const b = client(id, TEST_ORG_KEY)
    await Promise.all([a, b].map(synced))
    a.provider.awareness.setLocalStateField('user', { name: 'Sanne', org: 'Sociaal wijkteam', role: 'professional', color: '#d1495b' })
    await vi.waitFor(() => {
      const states = [...b.provider.awareness.getStates().values()]
      expect(states.some((s) => s.user?.name === 'Sanne')).toBe(true)
    }, { timeout: 20_000 })
    a.provider.disconnect()
    await vi.waitFor(() => {
      const states = [...b.provider.awareness.getStates().values()]
      expect(states.some((s) => s.user?.name === 'Sanne')).toBe(false)
    }, { timeout: 20_000 })
  })

  it('keeps cases apart: edits in one case never reach another', async () => {
    const one = await createCase(fixture.server.url)
    const two = await createCase(fixture.server.url)
    const a = client(one, TEST_ORG_KEY)
    const b = client(two, TEST_ORG_KEY)
    await Promise.all([a, b].map(synced))
    addItem(a.doc, { kind: 'problem', text: 'alleen in casus 1', pos: { x: 0, y: 0 }, author: prof })
    const probe = client(one, TEST_ORG_KEY)
    await vi.waitFor(() => expect(listItems(probe.doc)).toHaveLength(1), { timeout: 20_000 })
    expect(listItems(b.doc)).toHaveLength(0)
    expect(Y.encodeStateVector(b.doc)).not.toEqual(Y.encodeStateVector(a.doc))
  })

  it('marks every item with the role the server authorised, whatever the client claims', async () => {
    const id = await createCase(fixture.server.url)
    const residentToken = await invite(fixture.server.url, id, 'resident')
    const pro = client(id, TEST_ORG_KEY)
    const resident = client(id, residentToken)
    await Promise.all([pro, resident].map(synced))
    const posing = addItem(resident.doc, { kind: 'problem', text: 'door inwoner', pos: { x: 0, y: 0 }, author: { name: 'Jan', org: 'Gemeente', role: 'professional' } })
    const honest = addItem(resident.doc, { kind: 'wish', text: 'eigen wens', pos: { x: 0, y: 0 }, author: { name: 'Jan', org: '', role: 'resident' } })
    const claimed = addItem(pro.doc, { kind: 'note', text: 'als coördinator?', pos: { x: 0, y: 0 }, author: { name: 'Sanne', org: 'Wijkteam', role: 'coordinator' } })
    const roleOf = (c: TestClient, itemId: string) => listItems(c.doc).find((i) => i.id === itemId)?.author.role
    await vi.waitFor(() => {
      for (const c of [pro, resident]) {
        expect(roleOf(c, posing)).toBe('resident')
        expect(roleOf(c, honest)).toBe('resident')
        expect(roleOf(c, claimed)).toBe('professional')
      }
    }, { timeout: 20_000 })
    expect(listItems(pro.doc).find((i) => i.id === posing)?.author.name).toBe('Jan')
    const stored = await api(fixture.server.url, 'GET', `/api/cases/${id}`)
    const byId = new Map(stored.body.plan.unassigned.map((i: { id: string; byResident: boolean }) => [i.id, i.byResident]))
    expect([byId.get(posing), byId.get(honest), byId.get(claimed)]).toEqual([true, true, false])
  })
})
