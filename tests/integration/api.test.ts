import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, createCase, invite, startTestServer, TEST_ORG_KEY, type TestServer } from '../helpers/server.ts'
import { addAccount, nextCode } from '../helpers/accounts.ts'
import { MAX_JSON_BODY_BYTES, MAX_TITLE_CHARS } from '../../shared/limits.ts'

let server: TestServer
beforeAll(async () => {
  server = await startTestServer()
})
afterAll(async () => {
  await server.stop()
})

describe('the JSON API', () => {
  it('reports health once it can serve', async () => {
    const r = await api(server.url, 'GET', '/healthz', { auth: null })
    expect(r.status).toBe(200)
    expect(r.body).toEqual({ ok: true })
  })

  it('refuses case data without credentials', async () => {
    const r = await api(server.url, 'GET', '/api/cases', { auth: null })
    expect(r.status).toBe(401)
    expect(r.body.error).toBe('unauthorized')
    expect(typeof r.body.message).toBe('string')
  })

  it('refuses a wrong key as bearer', async () => {
    const r = await api(server.url, 'GET', '/api/cases', { auth: 'not-the-key-at-all-000' })
    expect(r.status).toBe(401)
  })

  it('creates, lists and reads a case with its derived plan', async () => {
    const created = await api(server.url, 'POST', '/api/cases', { body: { title: 'Gezin De Vries', template: 'zrm' } })
    expect(created.status).toBe(201)
    expect(created.body.id).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(created.body.template).toBe('zrm')

    const list = await api(server.url, 'GET', '/api/cases')
    expect(list.body.map((c: { id: string }) => c.id)).toContain(created.body.id)

    const one = await api(server.url, 'GET', `/api/cases/${created.body.id}`)
    expect(one.status).toBe(200)
    expect(one.body.title).toBe('Gezin De Vries')
    expect(one.body.plan.domains).toHaveLength(13)
    expect(one.body.plan.schemaVersion).toBe(1)
  })

  it('uses the default template when none is given', async () => {
    const r = await api(server.url, 'POST', '/api/cases', { body: { title: 'Zonder sjabloon' } })
    expect(r.status).toBe(201)
    const one = await api(server.url, 'GET', `/api/cases/${r.body.id}`)
    expect(one.body.plan.domains.map((d: { label: string }) => d.label)).toContain('Inkomen & schulden')
  })

  it('lists the templates', async () => {
    const r = await api(server.url, 'GET', '/api/templates', { auth: null })
    expect(r.body.map((t: { id: string }) => t.id)).toEqual(['integrale-intake', 'zrm', 'positieve-gezondheid'])
  })

  it('refuses bad input with a clear error and stores nothing', async () => {
    const before = (await api(server.url, 'GET', '/api/cases')).body.length
    const cases = [
      { body: { title: '' }, status: 400, error: 'validation_failed' },
      { body: { title: 'x'.repeat(MAX_TITLE_CHARS + 1) }, status: 400, error: 'validation_failed' },
      { body: { title: 'ok', template: 'nope' }, status: 400, error: 'validation_failed' },
      { body: { title: 'ok', extra: 1 }, status: 400, error: 'validation_failed' },
      { body: [1, 2], status: 400, error: 'validation_failed' },
      { rawBody: '{"title": ', status: 400, error: 'bad_json' },
      { rawBody: 'title=x', contentType: 'application/x-www-form-urlencoded', status: 415, error: 'unsupported_media_type' },
      { rawBody: JSON.stringify({ title: 'x'.repeat(MAX_JSON_BODY_BYTES) }), status: 413, error: 'payload_too_large' },
    ]
    for (const c of cases) {
      const r = await api(server.url, 'POST', '/api/cases', c)
      expect(r.status, JSON.stringify(c).slice(0, 80)).toBe(c.status)
      expect(r.body.error).toBe(c.error)
      expect(r.body.message.length).toBeGreaterThan(5)
    }
    expect((await api(server.url, 'GET', '/api/cases')).body.length).toBe(before)
  })

  it('answers 404 for unknown and malformed case ids, and unknown endpoints', async () => {
    expect((await api(server.url, 'GET', '/api/cases/AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404)
    expect((await api(server.url, 'GET', '/api/cases/..%2F..%2Fetc')).status).toBe(404)
    expect((await api(server.url, 'GET', '/api/nothing-here')).status).toBe(404)
    expect((await api(server.url, 'PUT', '/api/cases')).status).toBe(405)
  })

  it('creates invites bound to one case and role, and stores no token', async () => {
    const a = await createCase(server.url, 'Case A')
    const b = await createCase(server.url, 'Case B')
    const r = await api(server.url, 'POST', `/api/cases/${a}/invites`, { body: { role: 'resident' } })
    expect(r.status).toBe(201)
    expect(r.body.url).toBe(`${server.url}/join#${r.body.token}`)
    expect(r.body.role).toBe('resident')

    const me = await api(server.url, 'GET', '/api/me', { auth: r.body.token })
    expect(me.body).toEqual({ role: 'resident', principal: 'resident', scope: 'case', caseId: a, canWrite: true, account: null })
    expect((await api(server.url, 'GET', `/api/cases/${a}`, { auth: r.body.token })).status).toBe(200)
    expect((await api(server.url, 'GET', `/api/cases/${b}`, { auth: r.body.token })).status).toBe(404)
    expect((await api(server.url, 'GET', '/api/cases', { auth: r.body.token })).status).toBe(403)
    expect((await api(server.url, 'POST', `/api/cases/${a}/invites`, { auth: r.body.token, body: { role: 'professional' } })).status).toBe(403)
    expect((await api(server.url, 'POST', `/api/cases/${a}/invites`, { body: { role: 'admin' } })).status).toBe(400)

    const coordinator = await invite(server.url, a, 'coordinator')
    const cme = await api(server.url, 'GET', '/api/me', { auth: coordinator })
    expect(cme.body.canWrite).toBe(false)
  })

  it('refuses an expired invite', async () => {
    const a = await createCase(server.url)
    const token = await invite(server.url, a, 'resident', 0.0001) // 0.36 s
    await new Promise((r) => setTimeout(r, 600))
    expect((await api(server.url, 'GET', '/api/me', { auth: token })).status).toBe(401)
  })

  it('signs a personal account in with password and code into an HttpOnly, SameSite=Strict session cookie, and out again', async () => {
    const acc = await addAccount(server)
    const bad = await api(server.url, 'POST', '/api/login', { auth: null, body: { username: acc.username, password: 'wrong-password-123', code: nextCode(acc) } })
    expect(bad.status).toBe(401)
    const r = await api(server.url, 'POST', '/api/login', { auth: null, body: { username: acc.username, password: acc.password, code: nextCode(acc) } })
    expect(r.status).toBe(204)
    const setCookie = r.headers.get('set-cookie') ?? ''
    expect(setCookie).toMatch(/^kt_session=[A-Za-z0-9_-]+;/)
    expect(setCookie).toContain('HttpOnly')
    expect(setCookie).toContain('SameSite=Strict')
    const cookie = setCookie.split(';')[0] as string
    const me = await api(server.url, 'GET', '/api/me', { auth: null, cookie })
    expect(me.body).toMatchObject({ role: 'professional', principal: 'professional', scope: 'org', caseId: null, canWrite: true })
    expect(me.body.account).toMatchObject({ id: acc.id, username: acc.username, role: 'professional', team: { id: server.teamId }, totp: true })
    await api(server.url, 'POST', '/api/logout', { auth: null, cookie })
    expect((await api(server.url, 'GET', '/api/me', { auth: null, cookie })).status).toBe(401)
  })

  it('no longer signs people in with the organisation key: 400 use_personal_account', async () => {
    const r = await api(server.url, 'POST', '/api/login', { auth: null, body: { key: TEST_ORG_KEY } })
    expect(r.status).toBe(400)
    expect(r.body.error).toBe('use_personal_account')
    expect(r.headers.get('set-cookie')).toBeNull()
  })

  it('erases a case completely', async () => {
    const id = await createCase(server.url, 'Te wissen')
    const token = await invite(server.url, id, 'resident')
    await api(server.url, 'POST', `/api/cases/${id}/snapshots`, { body: { label: 'voor het wissen' } })
    expect(await server.storage.listSnapshots(id)).toHaveLength(1)
    expect((await api(server.url, 'DELETE', `/api/cases/${id}`, { auth: token })).status).toBe(403)
    expect((await api(server.url, 'DELETE', `/api/cases/${id}`)).status).toBe(204)
    expect((await api(server.url, 'GET', `/api/cases/${id}`)).status).toBe(404)
    expect((await api(server.url, 'GET', '/api/me', { auth: token })).status).toBe(401)
    expect(await server.storage.docLog.load(id)).toEqual({ state: null, updates: [], lastSeq: 0 })
    expect(await server.storage.listSnapshots(id)).toEqual([])
  })

  it('sends security headers that allow no third-party host', async () => {
    const r = await fetch(server.url + '/healthz')
    const csp = r.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'self'")
    expect(csp).not.toMatch(/https?:\/\//)
  })
})
