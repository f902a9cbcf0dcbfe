/**
 * Rights inside the document, through real y-websocket clients and the real server: a resident
 * cannot delete what a professional added (the connection is closed with 4403, nothing is stored
 * or relayed); everyone may restore a deleted item; and who wrote an item and who recorded it are
 * stamped by the server ('Inwoner aan het woord').
 */
import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import {
  addItem, addLink, deleteItem, deleteLink, listDeletedItems, listDomains, listItems, listLinks, parts, purgeItem, readPlanFields,
  restoreItem, setGoal, setItemText, updateDomain, updateItem,
} from '../../shared/doc.ts'
import { CloseCode } from '../../shared/closeCodes.ts'
import { createCase, invite, synced, useServer } from '../helpers/server.ts'

const fixture = useServer()
const pro = { name: 'Sanne', org: 'Sociaal wijkteam', role: 'professional' as const }
const resident = { name: 'Anna', org: '', role: 'resident' as const }

async function caseWithAction() {
  const id = await createCase(fixture.server.url)
  const team = fixture.client(id)
  await synced(team)
  const action = addItem(team.doc, { kind: 'action', text: 'Schuldhulp bellen', author: pro })
  const token = await invite(fixture.server.url, id, 'resident')
  return { id, team, action, token }
}

describe("a resident's connection", () => {
  it("trying to delete a professional's action is refused by the server; the action stays for everyone", async () => {
    const { id, team, action, token } = await caseWithAction()
    const res = fixture.client(id, token)
    await synced(res)
    await vi.waitFor(() => expect(listItems(res.doc).map((i) => i.id)).toContain(action), { timeout: 20_000 })
    const before = await fixture.server.storage.docLog.count(id)
    deleteItem(res.doc, action, resident)
    await vi.waitFor(() => expect(res.closes.map((c) => c.code)).toContain(CloseCode.Forbidden), { timeout: 20_000 })
    expect(res.closes.find((c) => c.code === CloseCode.Forbidden)!.reason).toMatch(/may not delete/)

    const probe = fixture.client(id)
    await synced(probe)
    expect(listItems(probe.doc).map((i) => i.id)).toEqual([action])
    expect(listItems(team.doc).map((i) => i.id)).toEqual([action])
    expect(await fixture.server.storage.docLog.count(id)).toBe(before)

    // A hard removal is refused the same way.
    const again = fixture.client(id, token)
    await synced(again)
    purgeItem(again.doc, action)
    await vi.waitFor(() => expect(again.closes.map((c) => c.code)).toContain(CloseCode.Forbidden), { timeout: 20_000 })
    const probe2 = fixture.client(id)
    await synced(probe2)
    expect(listItems(probe2.doc).map((i) => i.id)).toEqual([action])
  })

  it('deletes its own items, and restores what a professional deleted', async () => {
    const { id, team, action, token } = await caseWithAction()
    const res = fixture.client(id, token)
    await synced(res)
    const own = addItem(res.doc, { kind: 'wish', text: 'Rust in mijn hoofd', author: resident })
    await vi.waitFor(() => expect(listItems(team.doc).map((i) => i.id)).toContain(own), { timeout: 20_000 })
    deleteItem(res.doc, own, resident)
    deleteItem(team.doc, action, pro)
    await vi.waitFor(() => expect(listDeletedItems(res.doc).map((i) => i.id).sort()).toEqual([own, action].sort()), { timeout: 20_000 })
    restoreItem(res.doc, action)
    await vi.waitFor(() => expect(listItems(team.doc).map((i) => i.id)).toEqual([action]), { timeout: 20_000 })
    expect(res.closes.map((c) => c.code)).not.toContain(CloseCode.Forbidden)
  })
})

describe("a resident's connection editing", () => {
  it("a professional's action (its status), a life domain or a link is refused; its own item and the goal are not", async () => {
    const { id, team, action, token } = await caseWithAction()
    const wish = addItem(team.doc, { kind: 'wish', text: 'Rust', author: pro })
    addLink(team.doc, wish, action, 'helps')
    const domain = listDomains(team.doc)[0]!.id
    const attempts: [string, (d: Y.Doc) => void][] = [
      ['status', (d) => updateItem(d, action, { status: 'done' })],
      ['domain score', (d) => updateDomain(d, domain, { score: 1 })],
      ['link removal', (d) => deleteLink(d, [...parts(d).links.keys()][0]!)],
    ]
    for (const [what, change] of attempts) {
      const res = fixture.client(id, token)
      await synced(res)
      change(res.doc)
      await vi.waitFor(() => expect(res.closes.map((c) => c.code), what).toContain(CloseCode.Forbidden), { timeout: 20_000 })
      res.destroy()
    }
    const res = fixture.client(id, token)
    await synced(res)
    const own = addItem(res.doc, { kind: 'problem', text: 'Slecht slapen', author: resident })
    setGoal(res.doc, 'Weer werken')
    await vi.waitFor(() => expect(listItems(team.doc).find((i) => i.id === own)?.text).toBe('Slecht slapen'), { timeout: 20_000 })
    setItemText(res.doc, own, 'Slecht slapen door zorgen')
    await vi.waitFor(() => expect(listItems(team.doc).find((i) => i.id === own)?.text).toBe('Slecht slapen door zorgen'), { timeout: 20_000 })
    const probe = fixture.client(id)
    await synced(probe)
    expect(listItems(probe.doc).find((i) => i.id === action)?.status).toBe('open')
    expect(listDomains(probe.doc)[0]!.score).toBeNull()
    expect(listLinks(probe.doc)).toHaveLength(1)
    expect(readPlanFields(probe.doc).goal).toBe('Weer werken')
    expect(res.closes.map((c) => c.code)).not.toContain(CloseCode.Forbidden)
  })
})

describe("'Inwoner aan het woord' on a professional's screen", () => {
  it("stores the item as the resident's words, recorded by the professional; a resident cannot claim to be recorded", async () => {
    const { id, team, token } = await caseWithAction()
    const spoken = addItem(team.doc, { kind: 'wish', text: 'Weer aan het werk', author: { name: '', org: '', role: 'resident' }, recordedBy: pro })
    const res = fixture.client(id, token)
    await synced(res)
    const forged = addItem(res.doc, { kind: 'problem', text: 'Slecht slapen', author: pro, recordedBy: pro })
    const probe = fixture.client(id)
    await synced(probe)
    await vi.waitFor(() => {
      const byId = new Map(listItems(probe.doc).map((i) => [i.id, i]))
      expect(byId.get(spoken)).toMatchObject({ author: { role: 'resident' }, recordedBy: pro })
      expect(byId.get(forged)).toMatchObject({ author: { name: pro.name, role: 'resident' }, recordedBy: null })
    }, { timeout: 20_000 })
  })
})
