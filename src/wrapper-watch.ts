// `npx rivulet` and `npm start` (npm 11) run the bin through `sh -c` (@npmcli/run-script spawns
// with `shell: true`) and forward SIGINT and SIGTERM to that shell only (its signal-manager does
// `proc.kill(signal)` on its direct child). Debian's dash does not exec the command it runs, so
// the broker never sees those signals:
//  - SIGTERM kills the shell, npm re-raises it on itself and exits, the broker is orphaned and
//    keeps its port;
//  - SIGINT is caught by the shell, which defers it until its child (the broker) exits, so
//    neither stops.
//  - SIGKILL (Java's destroyForcibly, Python's Popen.kill) ends npm alone; shell and broker stay.
// The broker cannot receive a signal sent to another process, but it can see all three effects:
// its parent going away (the shell died), the shell's parent going away (npm died), and the
// waiting shell waking up. A `sh -c` wrapper blocked in wait(2) for its only child wakes for
// nothing but a signal, and each wake-up counts one more voluntary context switch in
// /proc/<pid>/status. Linux only; elsewhere (and when the parent is not such a wrapper) this does
// nothing.

import fs from 'node:fs'
import path from 'node:path'

const SHELLS = new Set(['sh', 'dash', 'bash', 'zsh', 'ksh', 'mksh', 'busybox'])
const POLL_MS = 200

// Calls `onGone` (once) when npm's wrapper shell exits or receives a signal; returns a canceller.
export function watchNpmWrapper(onGone: (reason: string) => void): () => void {
  if (process.env.npm_lifecycle_event === undefined) return () => {}
  const parent = process.ppid
  if (!isShellWrapper(parent)) return () => {}
  // Call this early: the shell entered wait(2) right after forking us, well before Node had
  // loaded this module, and a signal sent after this reading is seen.
  const baseline = wakeUps(parent)
  const npm = parentOf(parent)
  if (baseline === null || npm === null) return () => {}
  const timer = setInterval(() => {
    if (process.ppid !== parent) return gone('the npm wrapper shell exited (SIGTERM to npx/npm)')
    const now = wakeUps(parent)
    if (now === null) return gone('the npm wrapper shell exited')
    if (now > baseline) return gone('the npm wrapper shell received a signal (SIGINT or SIGTERM to npx/npm)')
    if (parentOf(parent) !== npm) gone('npx/npm exited (SIGKILL?)')
  }, POLL_MS)
  timer.unref()
  const gone = (reason: string) => {
    clearInterval(timer)
    onGone(reason)
  }
  return () => clearInterval(timer)
}

function isShellWrapper(pid: number): boolean {
  try {
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
    return SHELLS.has(path.basename(argv[0] ?? '')) && argv[1] === '-c'
  } catch {
    return false
  }
}

// Field 4 of /proc/<pid>/stat, after the parenthesised command name (which may hold spaces).
function parentOf(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
  } catch {
    return null
  }
}

function wakeUps(pid: number): number | null {
  try {
    const m = /^voluntary_ctxt_switches:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) : null
  } catch {
    return null
  }
}
