// Time as the broker sees it. Engines take a Clock so tests can drive timeouts (sessions,
// rebalances, retention) without sleeping.

export interface Timer {
  cancel(): void
}

export interface Clock {
  now(): number
  schedule(delayMs: number, fn: () => void): Timer
}

export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(delayMs, fn) {
    const h = setTimeout(fn, delayMs)
    h.unref?.()
    return { cancel: () => clearTimeout(h) }
  },
}

// A clock that moves only when told to: advance() runs every timer that falls due, in order.
export class ManualClock implements Clock {
  private timers: { at: number; seq: number; fn: () => void; cancelled: boolean }[] = []
  private seq = 0
  constructor(private time = 1_700_000_000_000) {}
  now(): number {
    return this.time
  }
  schedule(delayMs: number, fn: () => void): Timer {
    const t = { at: this.time + Math.max(0, delayMs), seq: this.seq++, fn, cancelled: false }
    this.timers.push(t)
    return { cancel: () => void (t.cancelled = true) }
  }
  advance(ms: number): void {
    const target = this.time + ms
    for (;;) {
      this.timers = this.timers.filter((t) => !t.cancelled)
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0]
      if (!due) break
      this.timers.splice(this.timers.indexOf(due), 1)
      this.time = Math.max(this.time, due.at)
      due.fn()
    }
    this.time = target
  }
}
