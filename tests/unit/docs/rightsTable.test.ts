/**
 * docs/security.md's rights table is the route declarations' (server/http/rightsTable.ts): this
 * fails when a route or a right is declared differently from what the committed table says.
 * `npm run docs:rights` (or UPDATE_DOCS=1 with this test) rewrites it.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { PRINCIPALS } from '../../../shared/api.ts'
import { declaredRoutes, renderRightsTable, rightsCell, withRightsTable, wsRightsCells } from '../../../server/http/rightsTable.ts'

const DOC = path.resolve(import.meta.dirname, '../../../docs/security.md')

describe('docs/security.md rights table', () => {
  it('is the table the route declarations give', () => {
    const committed = fs.readFileSync(DOC, 'utf8')
    const generated = withRightsTable(committed, declaredRoutes())
    if (process.env.UPDATE_DOCS === '1' && generated !== committed) fs.writeFileSync(DOC, generated)
    else expect(committed, 'run `npm run docs:rights` and review the diff').toBe(generated)
  })

  it('has a row per declared route and a column per principal, plus anonymous', () => {
    const routes = declaredRoutes()
    const lines = renderRightsTable(routes).split('\n')
    expect(lines).toHaveLength(routes.length + 4)
    expect(lines[0]).toBe(`| route | anonymous | ${PRINCIPALS.join(' | ')} |`)
    expect(new Set(routes.map((r) => `${r.method} ${r.path}`)).size).toBe(routes.length)
  })

  it('names the denial each principal gets', () => {
    const byName = new Map(declaredRoutes().map((r) => [`${r.method} ${r.path}`, r]))
    const erase = byName.get('DELETE /api/cases/:id')!
    expect(rightsCell(erase, 'anonymous')).toBe('401')
    expect(rightsCell(erase, 'professional')).toBe('✓')
    expect(rightsCell(erase, 'coordinator')).toBe('403')
    expect(rightsCell(erase, 'admin')).toBe('404')
    const teams = byName.get('GET /api/admin/teams')!
    expect(rightsCell(teams, 'admin')).toBe('✓')
    expect(rightsCell(teams, 'professional')).toBe('403')
    expect(rightsCell(byName.get('POST /api/login')!, 'anonymous')).toBe('✓')
    expect(wsRightsCells('serviceReader')).toEqual({ open: '✓', write: 'dropped' })
    expect(wsRightsCells('resident')).toEqual({ open: '✓', write: '✓' })
    expect(wsRightsCells('dpo')).toEqual({ open: '404', write: '404' })
  })

  it('refuses a document without the markers', () => {
    expect(() => withRightsTable('# no markers', declaredRoutes())).toThrow(/markers/)
  })
})
