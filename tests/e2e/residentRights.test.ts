/**
 * In real Chromium: a resident's connection that tries to delete a professional's agreed action
 * (by sending the deletion itself — the UI never offers it) is refused by the server, and the
 * action stays for everyone: on the professional's screen, on the resident's own screen after
 * the refusal, and in the stored plan.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import type { Browser } from 'playwright-core'
import { addItem, deleteItem, listItems } from '../../shared/doc.ts'
import { CloseCode } from '../../shared/closeCodes.ts'
import { SCHEMA_VERSION } from '../../shared/schema.ts'
import { api, connect, createCase, invite, startTestServer, synced, TEST_ORG_KEY, type TestClient, type TestServer } from '../helpers/server.ts'
import { syncUpdateFrame } from '../helpers/fuzzFrames.ts'
import { giveName, hasChromium, launch, newContext } from './browser.ts'

describe.skipIf(!hasChromium)("a resident deleting a professional's action", () => {
  let server: TestServer
  let browser: Browser
  const clients: TestClient[] = []
  beforeAll(async () => {
    server = await startTestServer()
    browser = (await launch()).browser
  })
  afterAll(async () => {
    for (const c of clients) c.destroy()
    await browser?.close()
    await server?.stop()
  })

  it('is refused by the server; the action stays for everyone', async () => {
    const caseId = await createCase(server.url, 'Familie Jansen')
    const team = connect(server, caseId, TEST_ORG_KEY)
    clients.push(team)
    await synced(team)
    const action = addItem(team.doc, {
      kind: 'action', text: 'Schuldhulp bellen', domainId: null,
      author: { name: 'Sanne', org: 'Sociaal wijkteam', role: 'professional' },
    })
    await vi.waitFor(async () => {
      expect((await api(server.url, 'GET', `/api/cases/${caseId}`)).body.plan.actions.map((a: { id: string }) => a.id)).toEqual([action])
    }, { timeout: 20_000 })

    const token = await invite(server.url, caseId, 'resident')
    const { page, errors } = await newContext(browser, server.url)
    await page.goto(`/join#${token}`)
    await giveName(page, 'Jan', null)
    await page.getByText('Schuldhulp bellen').filter({ visible: true }).first().waitFor({ timeout: 30_000 })

    // The deletion as the resident's device would send it: made on a copy of the case's state.
    const copy = new Y.Doc()
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(team.doc))
    const before = Y.encodeStateVector(copy)
    deleteItem(copy, action, { name: 'Jan', org: '', role: 'resident' })
    const frame = Array.from(syncUpdateFrame(Y.encodeStateAsUpdate(copy, before)))
    const wsUrl = `${server.url.replace('http', 'ws')}/ws/${caseId}?schema=${SCHEMA_VERSION}&token=${token}`
    const closed = await page.evaluate(({ url, bytes }) => new Promise<{ code: number; reason: string }>((resolve) => {
      const ws = new WebSocket(url)
      ws.binaryType = 'arraybuffer'
      ws.onopen = () => ws.send(new Uint8Array(bytes))
      ws.onclose = (e) => resolve({ code: e.code, reason: e.reason })
    }), { url: wsUrl, bytes: frame })
    expect(closed.code).toBe(CloseCode.Forbidden)
    expect(closed.reason).toMatch(/may not delete/)

    // Still there for everyone: the stored plan, a new participant, the team, and the resident's screen.
    const probe = connect(server, caseId, TEST_ORG_KEY)
    clients.push(probe)
    await synced(probe)
    expect(listItems(probe.doc).map((i) => i.id)).toEqual([action])
    expect(listItems(team.doc).map((i) => i.id)).toEqual([action])
    expect((await api(server.url, 'GET', `/api/cases/${caseId}`)).body.plan.actions.map((a: { id: string }) => a.id)).toEqual([action])
    await page.reload()
    await page.getByText('Schuldhulp bellen').filter({ visible: true }).first().waitFor({ timeout: 30_000 })
    expect(errors).toEqual([])
  })
})
