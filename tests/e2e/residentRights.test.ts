/**
 * In real Chromium: a resident's connection that tries to delete a professional's agreed action
 * (by sending the deletion itself — the UI never offers it) is refused by the server, and the
 * action stays for everyone: on the professional's screen, on the resident's own screen after
 * the refusal, and in the stored plan.
 */
import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { addItem, deleteItem, listItems } from '../../shared/doc.ts'
import { CloseCode } from '../../shared/closeCodes.ts'
import { SCHEMA_VERSION } from '../../shared/schema.ts'
import { api, connect, createCase, invite, synced, TEST_ORG_KEY } from '../helpers/server.ts'
import { syncUpdateFrame } from '../helpers/fuzzFrames.ts'
import { hasChromium, openInvite, useBrowserAndServer } from './browser.ts'

describe.skipIf(!hasChromium)("a resident deleting a professional's action", () => {
  const fixture = useBrowserAndServer()

  it('is refused by the server; the action stays for everyone', async () => {
    const caseId = await createCase(fixture.server.url, 'Familie Jansen', undefined, fixture.server.teamId)
    const team = connect(fixture.server, caseId, TEST_ORG_KEY)
    fixture.clients.push(team)
    await synced(team)
    const action = addItem(team.doc, {
      kind: 'action', text: 'Schuldhulp bellen', domainId: null,
      author: { name: 'Sanne', org: 'Sociaal wijkteam', role: 'professional' },
    })
    await vi.waitFor(async () => {
      expect((await api(fixture.server.url, 'GET', `/api/cases/${caseId}`)).body.plan.actions.map((a: { id: string }) => a.id)).toEqual([action])
    }, { timeout: 20_000 })

    const token = await invite(fixture.server.url, caseId, 'resident')
    const { page, errors } = await openInvite(fixture.browser, fixture.server.url, token, 'Jan')
    await page.getByText('Schuldhulp bellen').filter({ visible: true }).first().waitFor({ timeout: 30_000 })

    // The deletion as the resident's device would send it: made on a copy of the case's state.
    const copy = new Y.Doc()
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(team.doc))
    const before = Y.encodeStateVector(copy)
    deleteItem(copy, action, { name: 'Jan', org: '', role: 'resident' })
    const frame = Array.from(syncUpdateFrame(Y.encodeStateAsUpdate(copy, before)))
    const wsUrl = `${fixture.server.url.replace('http', 'ws')}/ws/${caseId}?schema=${SCHEMA_VERSION}&token=${token}`
    const closed = await page.evaluate(({ url, bytes }) => new Promise<{ code: number; reason: string }>((resolve) => {
      const ws = new WebSocket(url)
      ws.binaryType = 'arraybuffer'
      ws.onopen = () => ws.send(new Uint8Array(bytes))
      ws.onclose = (e) => resolve({ code: e.code, reason: e.reason })
    }), { url: wsUrl, bytes: frame })
    expect(closed.code).toBe(CloseCode.Forbidden)
    expect(closed.reason).toMatch(/may not delete/)

    // Still there for everyone: the stored plan, a new participant, the team, and the resident's screen.
    const probe = connect(fixture.server, caseId, TEST_ORG_KEY)
    fixture.clients.push(probe)
    await synced(probe)
    expect(listItems(probe.doc).map((i) => i.id)).toEqual([action])
    expect(listItems(team.doc).map((i) => i.id)).toEqual([action])
    expect((await api(fixture.server.url, 'GET', `/api/cases/${caseId}`)).body.plan.actions.map((a: { id: string }) => a.id)).toEqual([action])
    await page.reload()
    await page.getByText('Schuldhulp bellen').filter({ visible: true }).first().waitFor({ timeout: 30_000 })
    expect(errors).toEqual([])
  })
})
