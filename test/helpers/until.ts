// Waits for a state another process or a timer reaches (a lease expiring, a heartbeat applying
// another broker's change): polls `read` until `done` holds, failing with the last value after
// `timeoutMs`. For waits on the outside world only; a test's own clock is a ManualClock.
export async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await read()
    if (done(v)) return v
    if (Date.now() > deadline) throw new Error(`never reached: ${JSON.stringify(v)}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
