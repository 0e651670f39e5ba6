// Replacing cleaned segments so that a crash at any moment loses nothing (Kafka's .cleaned /
// .swap / .deleted suffixes and the recovery rules of LogLoader). The cleaner writes a group of
// segments into one new segment under `<base>.*.cleaned`, flushed. Then:
//   1. each old segment's `.log` is renamed to `.log.deleted`
//   2. the new `<base>.log.cleaned` is renamed to `<base>.log.swap`: the commit point
//   3. the old segments' `.log.deleted` and indexes get the suffix `.trash`
//   4. the new index files drop `.cleaned`, and `.log.swap` becomes `.log`
//   5. the `.trash` files are removed, in libuv's thread pool (the caller's job): unlinking a
//      4 MiB segment on this machine's file system (mounted with `discard`) took 1-30 ms, which the
//      event loop spent in every swap; renames take microseconds. A `.trash` file is never needed:
//      recovery removes any it finds.
// Recovery at open (recoverSwaps): a `.log.swap` means the replacement committed: finish it (its
// indexes are rebuilt from the log); without one, `.log.deleted` files are put back and
// `.cleaned` files removed, leaving the segments as they were before the cleaning.

import path from 'node:path'
import { segmentName } from '../segment.js'
import type { Storage } from '../storage.js'

export const CLEANED = '.cleaned'
export const SWAP = '.swap'
export const DELETED = '.deleted'
export const TRASH = '.trash'
const INDEX_EXTS = ['.index', '.timeindex', '.txnindex'] as const

export type SwapStep = 'renamed-old' | 'committed' | 'removed-old' | 'done'

const file = (dir: string, base: number, ext: string) => path.join(dir, `${segmentName(base)}${ext}`)

// The file moves of a replacement, in crash-safe order; `step` observes each point (tests crash
// there). Returns the files left to remove (step 5).
export function commitSwap(storage: Storage, dir: string, oldBases: readonly number[], newBase: number, step?: (s: SwapStep) => void): string[] {
  for (const base of oldBases) storage.rename(file(dir, base, '.log'), file(dir, base, `.log${DELETED}`))
  step?.('renamed-old')
  storage.rename(file(dir, newBase, `.log${CLEANED}`), file(dir, newBase, `.log${SWAP}`))
  step?.('committed')
  const trash: string[] = []
  for (const base of oldBases) {
    const t = file(dir, base, `.log${TRASH}`)
    storage.rename(file(dir, base, `.log${DELETED}`), t)
    trash.push(t)
    // Renamed, not removed: unlinking a file still open frees its blocks at its last close(),
    // which then took up to 12 ms on the event loop.
    for (const ext of INDEX_EXTS) {
      if (!storage.exists(file(dir, base, ext))) continue
      storage.rename(file(dir, base, ext), file(dir, base, `${ext}${TRASH}`))
      trash.push(file(dir, base, `${ext}${TRASH}`))
    }
  }
  step?.('removed-old')
  for (const ext of INDEX_EXTS) {
    const cleaned = file(dir, newBase, `${ext}${CLEANED}`)
    if (storage.exists(cleaned)) storage.rename(cleaned, file(dir, newBase, ext))
  }
  storage.rename(file(dir, newBase, `.log${SWAP}`), file(dir, newBase, '.log'))
  step?.('done')
  return trash
}

// Removes the files of a cleaning that did not commit.
export function discardCleaned(storage: Storage, dir: string, newBase: number): void {
  for (const ext of ['.log', ...INDEX_EXTS]) storage.remove(file(dir, newBase, `${ext}${CLEANED}`))
}

// Finishes or undoes an interrupted replacement, before the segments are listed at open.
// Returns what it did, for the log.
export function recoverSwaps(storage: Storage, dir: string): string[] {
  const names = storage.list(dir)
  const done: string[] = []
  const swaps = names.filter((f) => f.endsWith(`.log${SWAP}`))
  const deleted = names.filter((f) => f.endsWith(`.log${DELETED}`))
  if (swaps.length > 0) {
    for (const f of deleted) {
      const base = f.slice(0, 20)
      storage.remove(path.join(dir, f))
      for (const ext of INDEX_EXTS) storage.remove(path.join(dir, `${base}${ext}`))
    }
    for (const f of swaps) {
      const base = f.slice(0, 20)
      // Its indexes may be the new ones or missing: rebuilt from the log when it opens.
      for (const ext of INDEX_EXTS) {
        if (ext !== '.txnindex') storage.remove(path.join(dir, `${base}${ext}`))
        const cleaned = path.join(dir, `${base}${ext}${CLEANED}`)
        if (storage.exists(cleaned)) {
          if (ext === '.txnindex') storage.rename(cleaned, path.join(dir, `${base}${ext}`))
          else storage.remove(cleaned)
        }
      }
      storage.rename(path.join(dir, f), path.join(dir, `${base}.log`))
      done.push(`completed the replacement of cleaned segment ${base}`)
    }
  } else {
    for (const f of deleted) {
      storage.rename(path.join(dir, f), path.join(dir, f.slice(0, -DELETED.length)))
      done.push(`restored segment ${f.slice(0, 20)} of an interrupted cleaning`)
    }
  }
  removeCleaned(storage, dir)
  for (const f of storage.list(dir)) if (f.endsWith(TRASH)) storage.remove(path.join(dir, f))
  return done
}

// Removes every `.cleaned` file of a log: what a pass that failed midway left (only one pass runs
// per log, and a swap moves its files off `.cleaned` before it commits, except `.txnindex.cleaned`
// which it writes and renames in one synchronous step).
export function removeCleaned(storage: Storage, dir: string): void {
  for (const f of storage.list(dir)) if (f.endsWith(CLEANED)) storage.remove(path.join(dir, f))
}
