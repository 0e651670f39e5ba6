// Part of `npm run build`: the web console's static files (src/admin/console/ui) are read at run
// time beside the module that serves them, so they are copied next to the compiled module
// (dist/src/admin/console/ui) and next to the bundle (dist/bundle/console-ui, which the published
// package ships through "files": ["dist/bundle", ...]).
import { cpSync, rmSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const from = path.join(root, 'src/admin/console/ui')
for (const to of ['dist/src/admin/console/ui', 'dist/bundle/console-ui']) {
  const dest = path.join(root, to)
  rmSync(dest, { recursive: true, force: true })
  cpSync(from, dest, { recursive: true })
}
