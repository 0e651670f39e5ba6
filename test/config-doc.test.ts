// docs/CONFIG.md is generated from the config tables DescribeConfigs and start-up validation use;
// regenerate it with `npm run build && node dist/src/config-doc.js docs/CONFIG.md`.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { BROKER_CONFIGS } from '../src/cluster/config-defs.js'
import { renderConfigReference } from '../src/config-doc.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

describe('docs/CONFIG.md', () => {
  const doc = fs.readFileSync(path.join(root, 'docs/CONFIG.md'), 'utf8')
  it('is what the config tables render (not stale)', () => {
    expect(doc).toBe(renderConfigReference())
  })
  it('lists every non-internal broker config, saying whether Rivulet applies it', () => {
    for (const d of BROKER_CONFIGS.filter((c) => !c.internal)) expect(doc).toContain(`| \`${d.name}\` |`)
    expect(doc).toMatch(/## Broker configs Rivulet applies/)
    expect(doc).toContain('| `group.initial.rebalance.delay.ms` | INT | `0` (Kafka: `3000`) |')
  })
})
