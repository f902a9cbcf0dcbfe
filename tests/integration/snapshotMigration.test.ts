import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { api, createCase, TEST_ORG_KEY, useServer } from '../helpers/server.ts'
import { SCHEMA_VERSION } from '../../shared/schema.ts'

/**
 * tests/fixtures/case-schema0.b64: a case document as written before documents carried a schema
 * version (no meta.schemaVersion), stored as a snapshot with schema_version 0 and a stored plan
 * in that old form. It must still open, be compared and be restored.
 */
const fixture = useServer()
const OLD_STATE = new Uint8Array(Buffer.from(fs.readFileSync(path.resolve('tests/fixtures/case-schema0.b64'), 'utf8').trim(), 'base64'))

describe('a snapshot saved under an older schema', () => {
  it('still opens, migrated to the current schema, and can be compared and restored', async () => {
    const s = fixture.server
    const caseId = await createCase(s.url, 'Oude casus')
    await s.storage.createSnapshot({
      id: 'oldSnapshot0', caseId, label: 'Van voor de versies', createdAt: Date.parse('2025-11-20T10:00:00Z'),
      savedBy: { name: 'Sanne', role: 'professional' }, auto: false, schemaVersion: 0,
      summary: { items: 1, openActions: 0, overdueActions: 0, changes: null },
    }, OLD_STATE, JSON.stringify({ goal: 'old plan layout' }))

    const one = await api(s.url, 'GET', `/api/cases/${caseId}/snapshots/oldSnapshot0`)
    expect(one.status).toBe(200)
    expect(one.body.plan.schemaVersion).toBe(SCHEMA_VERSION)
    expect(one.body.plan.goal).toBe('Werk vinden')
    expect(one.body.plan.domains[0].items[0]).toMatchObject({ id: 'item1', text: 'Schulden bij de energieleverancier', stress: true })

    const state = await fetch(`${s.url}/api/cases/${caseId}/snapshots/oldSnapshot0/state`, { headers: { authorization: `Bearer ${TEST_ORG_KEY}` } })
    const doc = new Y.Doc()
    Y.applyUpdate(doc, new Uint8Array(await state.arrayBuffer()))
    expect(doc.getMap('meta').get('schemaVersion')).toBe(SCHEMA_VERSION)

    const diff = await api(s.url, 'GET', `/api/cases/${caseId}/diff?from=oldSnapshot0&to=live`)
    expect(diff.body.diff.items.removed.map((i: { id: string }) => i.id)).toEqual(['item1'])

    expect((await api(s.url, 'POST', `/api/cases/${caseId}/snapshots/oldSnapshot0/restore`)).status).toBe(200)
    const live = await api(s.url, 'GET', `/api/cases/${caseId}`)
    expect(live.body.plan.goal).toBe('Werk vinden')
    expect(live.body.plan.schemaVersion).toBe(SCHEMA_VERSION)
  })
})
