// Kafka's quota measurements (org.apache.kafka.common.metrics): a Rate over a SampledStat of
// WindowedSum samples, and the TokenBucket of controller mutation quotas, with the throttle times
// QuotaUtils and ControllerMutationQuotaManager derive from a violation. Times are the broker
// clock's milliseconds, so the manual clock drives them in tests.

export interface WindowConfig {
  samples: number // quota.window.num
  windowMs: number // quota.window.size.seconds * 1000
}

interface Sample {
  value: number
  eventCount: number
  startTimeMs: number
  lastEventMs: number
}

// Rate(WindowedSum) as SampledStat keeps it: samples + 1 slots (one "overlapping" sample), a new
// sample once the current one is a window old, samples idle for samples * window reset.
export class SampledRate {
  private readonly samples: Sample[] = []
  private current = 0

  constructor(private readonly cfg: WindowConfig) {}

  record(value: number, now: number): void {
    let sample = this.currentSample(now)
    if (now - sample.startTimeMs >= this.cfg.windowMs) sample = this.advance(now)
    sample.value += value
    sample.eventCount += 1
    sample.lastEventMs = now
  }

  // Per second: the retained sum over windowSize (Rate.measure).
  measure(now: number): number {
    this.purge(now)
    let sum = 0
    for (const s of this.samples) sum += s.value
    return sum / (this.windowSize(now) / 1000)
  }

  // Rate.windowSize: the time since the oldest retained sample, but never less than samples - 1
  // full windows (a young sensor does not measure a burst over a few milliseconds), at least 1 ms.
  windowSize(now: number): number {
    this.purge(now)
    let oldest = this.currentSample(now).startTimeMs
    for (const s of this.samples) if (s.startTimeMs < oldest) oldest = s.startTimeMs
    let elapsed = now - oldest
    const full = Math.floor(elapsed / this.cfg.windowMs)
    const minFull = this.cfg.samples - 1
    if (full < minFull) elapsed += (minFull - full) * this.cfg.windowMs
    return Math.max(elapsed, 1)
  }

  private currentSample(now: number): Sample {
    if (this.samples.length === 0) this.samples.push(newSample(now))
    return this.samples[this.current]!
  }

  private advance(now: number): Sample {
    this.current = (this.current + 1) % (this.cfg.samples + 1)
    if (this.current >= this.samples.length) {
      const s = newSample(now)
      this.samples.push(s)
      return s
    }
    const s = this.samples[this.current]!
    reset(s, now)
    return s
  }

  private purge(now: number): void {
    const expireAge = this.cfg.samples * this.cfg.windowMs
    for (const s of this.samples) if (now - s.lastEventMs >= expireAge) reset(s, now)
  }
}

function newSample(now: number): Sample {
  return { value: 0, eventCount: 0, startTimeMs: now, lastEventMs: now }
}

function reset(s: Sample, now: number): void {
  s.value = 0
  s.eventCount = 0
  s.startTimeMs = now
  s.lastEventMs = now
}

// A byte-rate or request-time quota (ClientQuotaManager.recordAndGetThrottleTimeMs): the value is
// recorded, then the rate checked against the bound (Quota.acceptable: rate <= bound). Over it,
// the delay that brings the rate back to the bound if nothing more is recorded
// (QuotaUtils.throttleTime: (O - T) / T * W), rounded as Math.round.
export function recordAndThrottle(rate: SampledRate, bound: number, value: number, now: number): number {
  rate.record(value, now)
  const observed = rate.measure(now)
  if (observed <= bound) return 0
  return Math.round(((observed - bound) / bound) * rate.windowSize(now))
}

// TokenBucket: the bucket holds up to samples * window * quota tokens and refills at the quota per
// second; it starts full (its first refill is from time 0).
export class TokenBucket {
  private tokens = 0
  private lastUpdateMs = 0

  constructor(private readonly cfg: WindowConfig) {}

  measure(quota: number, now: number): number {
    this.refill(quota, now)
    return this.tokens
  }

  record(quota: number, value: number, now: number): void {
    this.refill(quota, now)
    this.tokens = Math.min(this.burst(quota), this.tokens - value)
  }

  private refill(quota: number, now: number): void {
    this.tokens = Math.min(this.burst(quota), this.tokens + (quota * (now - this.lastUpdateMs)) / 1000)
    this.lastUpdateMs = now
  }

  private burst(quota: number): number {
    return this.cfg.samples * (this.cfg.windowMs / 1000) * quota
  }
}

// ControllerMutationQuotaManager.throttleTimeMs: the time for a bucket at `tokens` < 0 to refill
// to zero.
export function bucketThrottleMs(tokens: number, quota: number): number {
  return Math.round((-tokens / quota) * 1000)
}
