// The web console on the admin port (README "Web console"): a static page at / (ui/, hand-written
// HTML, one script, one stylesheet) and its JSON API under /api. start.ts imports this module only
// when the admin port is on, so a broker without it neither loads nor reads any of it.

import { readFile } from 'node:fs/promises'
import { AdminError, type AdminRoute } from '../routes.js'
import { apiRoutes } from './api-routes.js'
import type { ConsoleSources } from './views.js'

export type { ConsoleSources }

const FILES = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/console.js': { file: 'console.js', type: 'text/javascript; charset=utf-8' },
  '/console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
} as const

// The page may run only its own script and style and may not be framed (clickjacking).
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
}

// ui/ sits beside this module when it runs from src/ (tests) or dist/src/; in the bundle this
// module is its own chunk (dist/bundle/chunks/console-*.mjs, loaded only with the admin port) and
// the files are in dist/bundle/console-ui/ (scripts/copy-console-ui.mjs).
const DIRS = [new URL('./ui/', import.meta.url), new URL('../console-ui/', import.meta.url)]

const cache = new Map<string, string>()

async function uiFile(name: string): Promise<string> {
  const hit = cache.get(name)
  if (hit !== undefined) return hit
  for (const dir of DIRS) {
    try {
      const text = await readFile(new URL(name, dir), 'utf8')
      cache.set(name, text)
      return text
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
  }
  throw new AdminError(500, `the console's ${name} is missing from this installation (looked in ${DIRS.map((d) => d.pathname).join(', ')})`)
}

export function consoleRoutes(src: ConsoleSources): AdminRoute[] {
  const pages: AdminRoute[] = Object.entries(FILES).map(([path, f]) => ({
    method: 'GET',
    path,
    handle: async () => ({ status: 200, text: await uiFile(f.file), contentType: f.type, headers: PAGE_HEADERS }),
  }))
  return [...pages, ...apiRoutes(src)]
}
