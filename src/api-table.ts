// The README's table of supported APIs, rendered from the same registry ApiVersions reports.
// `node dist/src/api-table.js README.md` rewrites the table in place; a test fails when the
// README and the registry disagree.

import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { handlers } from './handlers/registry.js'
import { advertisedRange, servedRange } from './handlers/handler.js'

const START = '<!-- api-table:start -->'
const END = '<!-- api-table:end -->'

export function renderApiTable(): string {
  const rows = [...handlers]
    .sort((a, b) => a.api.key - b.api.key)
    .map((h) => {
      const r = servedRange(h)
      const a = advertisedRange(h)
      const flex = h.api.flexible.min <= r.max ? `${Math.max(h.api.flexible.min, r.min)}+` : 'none'
      const served = r.min === r.max ? `${r.min}` : `${r.min}–${r.max}`
      const versions = a.min === r.min && a.max === r.max ? served : `${served} (ApiVersions says ${a.min}–${a.max})`
      return `| ${h.api.key} | ${h.api.name} | ${versions} | ${flex} |`
    })
  return ['| Key | API | Versions | Flexible from |', '|---|---|---|---|', ...rows].join('\n')
}

export function withApiTable(readme: string): string {
  const start = readme.indexOf(START)
  const end = readme.indexOf(END)
  if (start < 0 || end < start) throw new Error('README has no api-table markers')
  return `${readme.slice(0, start + START.length)}\n${renderApiTable()}\n${readme.slice(end)}`
}

if (process.argv[1] && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1])) {
  const file = process.argv[2] ?? 'README.md'
  fs.writeFileSync(file, withApiTable(fs.readFileSync(file, 'utf8')))
}
