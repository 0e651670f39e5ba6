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
  it('documents every startBroker option in the Embedded section', () => {
    const source = fs.readFileSync(path.join(root, 'src/index.ts'), 'utf8')
    const body = /export interface StartOptions \{([\s\S]*?)\n\}/.exec(source)![1]!
    const options = [...body.matchAll(/^ {2}(\w+)\?:/gm)].map((m) => m[1]!)
    expect(options).toEqual(expect.arrayContaining(['port', 'host', 'dataDir', 'memory', 'config', 'logLevel', 'logger', 'clock']))
    const embedded = /## Embedded\n([\s\S]*?)\n## /.exec(readme)![1]!
    for (const o of options) expect(embedded).toContain(`| \`${o}\` |`)
  })
  it('opens with the two commands a newcomer types', () => {
    const block = /```sh\n([\s\S]*?)```/.exec(readme)![1]!
    expect(block).toMatch(/^npm install && npm start/m)
    expect(block).toMatch(/^npm test/m)
  })
})
