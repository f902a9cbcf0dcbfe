/**
 * `npm run docs:rights`: write the rights table (http/rightsTable.ts, rendered from the route
 * declarations) into docs/security.md between its markers. Run from the repository's root.
 */
import fs from 'node:fs'
import path from 'node:path'
import { declaredRoutes, withRightsTable } from '../http/rightsTable.ts'

const file = path.resolve('docs/security.md')
const before = fs.readFileSync(file, 'utf8')
const after = withRightsTable(before, declaredRoutes())
if (after === before) console.log('docs/security.md: the rights table is up to date.')
else {
  fs.writeFileSync(file, after)
  console.log('docs/security.md: the rights table was rewritten from the route declarations.')
}
