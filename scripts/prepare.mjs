// `prepare` (npm runs it after `npm install` in a checkout, for a git URL dependency, for a folder
// dependency and before `npm pack`): builds dist/ with the devDependencies typescript and esbuild.
// npm installs nothing inside a folder it links (`npm install ../rivulet`, as npm's docs say),
// where a bare `tsc` fails with "tsc: not found". Then an existing build is used as it is, and
// without one the message says what to do instead.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(path.join(root, 'package.json'))
const missing = ['typescript', 'esbuild'].filter((name) => {
  try {
    require.resolve(`${name}/package.json`)
    return false
  } catch {
    return true
  }
})

if (missing.length === 0) {
  const npm = process.env.npm_execpath
  const r = npm
    ? spawnSync(process.execPath, [npm, 'run', '--silent', 'build'], { cwd: root, stdio: 'inherit' })
    : spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' })
  process.exit(r.status ?? 1)
}

const built = ['dist/bundle/cli.mjs', 'dist/bundle/index.mjs', 'dist/src/index.d.ts'].every((f) => existsSync(path.join(root, f)))
if (built) {
  console.error(`rivulet: ${missing.join(' and ')} not installed here (devDependencies); using the existing build in ${path.join(root, 'dist')}`)
  process.exit(0)
}
console.error(
  [
    `rivulet: cannot build ${root}: its devDependencies ${missing.join(' and ')} are not installed there.`,
    'npm links a folder dependency (npm install ../rivulet) without installing anything inside it.',
    'Either run `npm install` inside that folder first (it builds dist/), or depend on a tarball made there',
    'by `npm pack`, or on its git URL.',
  ].join('\n'),
)
process.exit(1)
