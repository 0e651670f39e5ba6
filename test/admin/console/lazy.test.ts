// The console costs a broker without the admin port nothing (README "Web console"; numbers in
// bench/RESULTS.md "Web console"): in the bundle its code is a chunk of its own that no module
// imports statically; only the admin port's start-up imports it, dynamically.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const bundle = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../dist/bundle')

function modules(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? modules(path.join(dir, e.name)) : e.name.endsWith('.mjs') ? [path.join(dir, e.name)] : []))
}

it('keeps the console in a chunk that only a dynamic import reaches', () => {
  const all = modules(bundle)
  const chunk = all.filter((f) => /^console-[\w-]+\.mjs$/.test(path.basename(f)))
  expect(chunk).toHaveLength(1)
  expect(fs.readFileSync(chunk[0]!, 'utf8')).toContain('consoleRoutes')
  const name = path.basename(chunk[0]!)
  let dynamic = 0
  for (const f of all.filter((x) => x !== chunk[0])) {
    const text = fs.readFileSync(f, 'utf8')
    // Static imports: `import ... from "./x.mjs"` and bare `import "./x.mjs"`.
    const statics = [...text.matchAll(/(?:^|[;\n])\s*import\s*(?:[^"'();]*?\sfrom\s*)?["']([^"']+)["']/g)].map((m) => path.basename(m[1]!))
    expect(statics, `${path.relative(bundle, f)} imports the console statically`).not.toContain(name)
    dynamic += text.split(`import("./${name}")`).length - 1
  }
  expect(dynamic).toBe(1)
  expect(fs.readdirSync(path.join(bundle, 'console-ui')).sort()).toEqual(['console.css', 'console.js', 'index.html'])
})
