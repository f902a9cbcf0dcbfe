/**
 * Someone without a right on a case gets 404 for it — exactly what an unknown case answers — so
 * case ids cannot be probed (docs/security.md, "Roles and rights"). This walks every case route
 * that docs/api.md lists (`/api/cases/:id…`, every method) as outsiders of the case — a resident,
 * an invited professional and an invited coordinator of another case — against a real server.
 * 403 stays only where it is documented: a read-only role trying to write on its own case.
 */
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { api, createCase, invite, useServer } from '../helpers/server.ts'

const COORDINATOR_KEY = 'test-coordinator-key-notfound-0123'
const fixture = useServer({ env: { COORDINATOR_KEY } })
const url = () => fixture.server.url

/** A well-formed case id that no case has. */
const UNKNOWN_CASE = 'AAAAAAAAAAAAAAAAAAAAAA'

interface DocRoute {
  method: string
  path: string
}

/** Every `| METHOD | /api/cases/:id… |` row of docs/api.md (query parts and [optional] parts cut). */
function documentedCaseRoutes(): DocRoute[] {
  const text = fs.readFileSync('docs/api.md', 'utf8')
  const out: DocRoute[] = []
  for (const m of text.matchAll(/^\|\s*(GET|POST|PUT|PATCH|DELETE)\s*\|\s*(\/api\/cases\/:id[^\s|]*)\s*\|/gm)) {
    out.push({ method: m[1] as string, path: (m[2] as string).replace(/\[.*$/, '').replace(/\?.*$/, '') })
  }
  return out
}

/** Fill in a documented path for a case; `ids` names real sub-ids of that case (:sid, :mid, …). */
function fill(path: string, caseId: string, ids: Record<string, string>): string {
  return path.replace(/:([A-Za-z]+)/g, (_m, name: string) => (name === 'id' ? caseId : ids[name] ?? ids.other ?? 'x'))
}

describe('someone without a right on a case gets 404, like an unknown case', () => {
  it('walks every documented case route as outsiders, and the case is untouched', async () => {
    const routes = documentedCaseRoutes()
    // The walk covers the routes this rule was written for (a guard against a changed table format).
    expect(routes.length).toBeGreaterThanOrEqual(15)
    for (const must of [
      'DELETE /api/cases/:id', 'POST /api/cases/:id/invites', 'POST /api/cases/:id/snapshots',
      'POST /api/cases/:id/snapshots/:sid/restore', 'POST /api/cases/:id/meetings',
      'POST /api/cases/:id/meetings/:mid/end', 'PUT /api/cases/:id/next-meeting',
    ]) expect(routes.map((r) => `${r.method} ${r.path}`)).toContain(must)

    const mine = await createCase(url(), 'Casus A')
    const theirs = await createCase(url(), 'Casus B')
    const snapshot = await api(url(), 'POST', `/api/cases/${theirs}/snapshots`, { body: { label: 'B' } })
    expect(snapshot.status).toBe(201)
    const meeting = await api(url(), 'POST', `/api/cases/${theirs}/meetings`, { body: {} })
    expect(meeting.status).toBe(201)
    await invite(url(), theirs, 'resident') // an invite of B an outsider might try to revoke
    const ids: Record<string, string> = { sid: snapshot.body.id, mid: meeting.body.id, other: '0'.repeat(32) }
    const listed = await api(url(), 'GET', `/api/cases/${theirs}/invites`)
    if (listed.status === 200 && Array.isArray(listed.body) && listed.body[0]) ids.other = listed.body[0].id

    const outsiders: Record<string, string> = {
      'resident of another case': await invite(url(), mine, 'resident'),
      'invited professional of another case': await invite(url(), mine, 'professional'),
      'invited coordinator of another case': await invite(url(), mine, 'coordinator'),
    }
    const seen: string[] = []
    for (const [who, token] of Object.entries(outsiders)) {
      for (const r of routes) {
        const body = r.method === 'GET' ? undefined : {}
        const answer = await api(url(), r.method, fill(r.path, theirs, ids), { auth: token, body })
        const unknown = await api(url(), r.method, fill(r.path, UNKNOWN_CASE, ids), { auth: token, body })
        const line = `${who}: ${r.method} ${r.path} → ${answer.status} ${answer.body?.error ?? ''}`
        seen.push(line)
        expect(answer.status, line).toBe(404)
        // The same answer as for a case that does not exist, and the route itself exists.
        expect(answer.body, line).toEqual(unknown.body)
        expect(answer.body.message, line).not.toBe('No such API endpoint.')
      }
    }
    expect(seen).toHaveLength(routes.length * 3)

    // Nothing of B changed: still there, one snapshot, the meeting still going on.
    expect((await api(url(), 'GET', `/api/cases/${theirs}`)).status).toBe(200)
    const snaps = await api(url(), 'GET', `/api/cases/${theirs}/snapshots`)
    expect(snaps.body.filter((s: { auto: boolean }) => !s.auto)).toHaveLength(1)
    const meetings = await api(url(), 'GET', `/api/cases/${theirs}/meetings`)
    expect(meetings.body.current?.id).toBe(meeting.body.id)
  })

  it('keeps 403 for a read-only right on the case itself', async () => {
    const id = await createCase(url(), 'Casus C')
    const snapshot = await api(url(), 'POST', `/api/cases/${id}/snapshots`, { body: {} })
    const coordinator = await invite(url(), id, 'coordinator')
    const resident = await invite(url(), id, 'resident')
    for (const token of [coordinator, resident, COORDINATOR_KEY]) {
      for (const [method, path] of [
        ['POST', `/api/cases/${id}/snapshots`], ['POST', `/api/cases/${id}/snapshots/${snapshot.body.id}/restore`],
        ['POST', `/api/cases/${id}/meetings`], ['PUT', `/api/cases/${id}/next-meeting`],
        ['DELETE', `/api/cases/${id}`], ['POST', `/api/cases/${id}/invites`],
      ] as const) {
        const r = await api(url(), method, path, { auth: token, body: method === 'DELETE' ? undefined : {} })
        expect(r.status, `${method} ${path}`).toBe(403)
        expect(r.body.error).toBe('forbidden')
      }
    }
    // An invited professional of the case: may write its history, but not erase it or invite.
    const professional = await invite(url(), id, 'professional')
    expect((await api(url(), 'DELETE', `/api/cases/${id}`, { auth: professional })).status).toBe(403)
    expect((await api(url(), 'POST', `/api/cases/${id}/invites`, { auth: professional, body: { role: 'resident' } })).status).toBe(403)
    expect((await api(url(), 'GET', `/api/cases/${id}`)).status).toBe(200)
  })
})
