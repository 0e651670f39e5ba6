// The README's API table is generated from the handler registry (the table ApiVersions reports);
// regenerate it with `npm run build && node dist/src/api-table.js README.md`.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { withApiTable } from '../src/api-table.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

describe('README', () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8')
  it('lists exactly the APIs and versions that ApiVersions advertises', () => {
    expect(readme).toBe(withApiTable(readme))
  })
  it('opens with the two commands a newcomer types', () => {
    const block = /```sh\n([\s\S]*?)```/.exec(readme)![1]!
    expect(block).toMatch(/^npm install && npm start/m)
    expect(block).toMatch(/^npm test/m)
  })
})
