// The broker's counters for /metrics (docs/METRICS.md), kept only while the admin port is on
// (Broker.metrics is null otherwise, so a broker without it pays one null check per request).
// The hot path does a few integer adds into flat arrays: no label maps, no strings, nothing
// allocated per request or per record. Everything that is a level rather than an event (log sizes,
// partitions, groups, lag) is read from the engines at scrape time instead (src/admin/metrics/).
// This file imports nothing, so handlers and the connection may use it without pulling in the
// Prometheus client.

// Request latency buckets in milliseconds (Kafka's TotalTimeMs / RequestQueueTimeMs are
// Yammer histograms reported as quantiles; Prometheus needs fixed buckets).
export const LATENCY_BUCKETS_MS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const

// Kafka's API keys stay below 128 and their versions below 32.
const KEYS = 128
const VERSIONS = 32
const BUCKETS = LATENCY_BUCKETS_MS.length + 1 // the last one is +Inf

// Latency observations of one kind (total time or request queue time) for every API key.
export class LatencyHistograms {
  // counts[key * BUCKETS + bucket], not cumulative (summed at scrape time).
  readonly counts = new Float64Array(KEYS * BUCKETS)
  readonly sums = new Float64Array(KEYS)

  observe(apiKey: number, ms: number): void {
    let b = 0
    while (b < LATENCY_BUCKETS_MS.length && ms > LATENCY_BUCKETS_MS[b]!) b++
    this.counts[apiKey * BUCKETS + b]!++
    this.sums[apiKey]! += ms
  }

  // Cumulative bucket counts of one API key, the last being the total count; null when none.
  cumulative(apiKey: number): number[] | null {
    const out: number[] = []
    let total = 0
    for (let b = 0; b < BUCKETS; b++) {
      total += this.counts[apiKey * BUCKETS + b]!
      out.push(total)
    }
    return total === 0 ? null : out
  }
}

// Kafka's BrokerTopicMetrics for one topic (kafka.server:type=BrokerTopicMetrics,topic=T).
export class TopicCounters {
  messagesIn = 0
  bytesIn = 0
  bytesOut = 0
  totalProduceRequests = 0
  failedProduceRequests = 0
  totalFetchRequests = 0
  failedFetchRequests = 0
}

export class BrokerMetrics {
  // requests[apiKey * VERSIONS + version]: kafka.network:type=RequestMetrics,name=RequestsPerSec.
  readonly requests = new Float64Array(KEYS * VERSIONS)
  readonly totalTime = new LatencyHistograms()
  readonly requestQueueTime = new LatencyHistograms()
  // Partition-level error codes of Produce and Fetch responses, keyed apiKey * 1024 + code + 1
  // (kafka.network:type=RequestMetrics,name=ErrorsPerSec,request=R,error=E): errors are rare, so
  // a Map is fine here.
  readonly errors = new Map<number, number>()
  readonly topics = new Map<string, TopicCounters>()
  // The broker-wide BrokerTopicMetrics (no topic tag in Kafka): the sum over topics, which
  // survives a topic's deletion as Kafka's does.
  readonly all = new TopicCounters()

  // One request answered (or dropped, acks=0): `queueMs` from the arrival of the bytes completing
  // it until it was handled, `totalMs` until its response was ready.
  request(apiKey: number, version: number, queueMs: number, totalMs: number): void {
    if (apiKey < 0 || apiKey >= KEYS || version < 0 || version >= VERSIONS) return
    this.requests[apiKey * VERSIONS + version]!++
    this.requestQueueTime.observe(apiKey, queueMs)
    this.totalTime.observe(apiKey, totalMs)
  }

  requestCount(apiKey: number, version: number): number {
    return this.requests[apiKey * VERSIONS + version]!
  }

  topic(name: string): TopicCounters {
    let t = this.topics.get(name)
    if (!t) this.topics.set(name, (t = new TopicCounters()))
    return t
  }

  // One partition of a Produce request, as Kafka's ReplicaManager.appendToLocalLog counts it.
  produced(topic: string, errorCode: number, records: number, bytes: number): void {
    const t = this.topic(topic)
    t.totalProduceRequests++
    this.all.totalProduceRequests++
    if (errorCode !== 0) {
      t.failedProduceRequests++
      this.all.failedProduceRequests++
      this.error(0, errorCode)
      return
    }
    t.messagesIn += records
    t.bytesIn += bytes
    this.all.messagesIn += records
    this.all.bytesIn += bytes
  }

  // One partition of a Fetch response, as Kafka's ReplicaManager.readFromLog counts it.
  fetched(topic: string, errorCode: number, bytes: number): void {
    const t = this.topic(topic)
    t.totalFetchRequests++
    this.all.totalFetchRequests++
    if (errorCode !== 0) {
      t.failedFetchRequests++
      this.all.failedFetchRequests++
      this.error(1, errorCode)
      return
    }
    t.bytesOut += bytes
    this.all.bytesOut += bytes
  }

  private error(apiKey: number, code: number): void {
    const k = apiKey * 1024 + code + 1
    this.errors.set(k, (this.errors.get(k) ?? 0) + 1)
  }
}

export function errorKeyParts(k: number): { apiKey: number; code: number } {
  return { apiKey: Math.floor(k / 1024), code: (k % 1024) - 1 }
}
