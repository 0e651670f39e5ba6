// Headless Chromium for the console's end-to-end tests: Debian's `chromium` package driven by
// playwright-core (which downloads no browser of its own). Without a Chromium the tests skip with
// a message, except under CI=true, where a missing browser is a failure (.ci/run installs it).
import fs from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter((p): p is string => !!p)

export const chromiumPath: string | null = CANDIDATES.find((p) => fs.existsSync(p)) ?? null
export const requireChromium = process.env.CI === 'true'

export function launchChromium(): Promise<Browser> {
  if (!chromiumPath) throw new Error('no Chromium found')
  // --no-sandbox: CI runs as root, where Chromium refuses its sandbox.
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] })
}

export const noChromiumMessage = `no Chromium found (looked at ${CANDIDATES.join(', ')}): install Debian's chromium package (apt-get install -y chromium) or set CHROMIUM_PATH`
