// Flushing rolled segments off the event loop, and the recovery point that follows those flushes
// (Kafka's UnifiedLog.roll schedules flushUptoOffsetExclusive and moves the recovery point when it
// is done). An fsyncSync of a full segment on the event loop held every produce and fetch
// 20-190 ms on this machine while the cleaner wrote (bench/compaction.js, bench/RESULTS.md).

import type { Segment } from './segment.js'
import type { ByteFile } from './storage.js'

export class RollFlusher {
  // Every segment wholly below it is on disk. The log manager checkpoints it, and after an
  // unclean stop the segments from it on are recovered (log-loader.ts).
  recoveryPoint = 0
  private chain: Promise<void> = Promise.resolve()
  private failed = false

  constructor(private readonly onError: (segment: Segment, err: unknown) => void) {}

  // Flushes a rolled segment (and its transaction index file, then closes that) after the ones
  // rolled before it, so the recovery point only passes segments that are on disk; `upTo` is the
  // base offset of the segment that followed it.
  flushRolled(old: Segment, txnFile: ByteFile | null, upTo: number): void {
    this.chain = this.chain.then(async () => {
      try {
        await Promise.all([old.flushAsync(), txnFile?.flushAsync()])
        if (!this.failed) this.recoveryPoint = Math.max(this.recoveryPoint, upTo)
      } catch (err) {
        // A segment deleted meanwhile (retention, cleaning, the topic) needs no flush; otherwise
        // the recovery point stays, and the next unclean start recovers from it.
        if (old.closed) return
        this.failed = true
        this.onError(old, err)
      } finally {
        txnFile?.close()
      }
    })
  }

  // Resolves once the flushes of the segments rolled so far are done (or failed).
  flushed(): Promise<void> {
    return this.chain
  }
}
