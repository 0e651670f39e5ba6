// Driving a compacted topic over the wire, fast enough for a million records: an idempotent
// producer and a transactional one written with our own batch builder, what the producers were
// acknowledged (so that the expected latest value of each key is known at any offset), and a
// read_committed consumer that reads a partition from offset 0 batch by batch, as Kafka's Fetcher
// does (control batches and aborted transactions dropped).
import { CreateTopics } from '../../protocol/apis/create-topics.js'
import { Fetch } from '../../protocol/apis/fetch.js'
import { InitProducerId } from '../../protocol/apis/init-producer-id.js'
import { Produce } from '../../protocol/apis/produce.js'
import { CONTROL_FLAG_MASK, TRANSACTIONAL_FLAG_MASK, buildBatch, decodeBatchRecords } from '../../protocol/records/index.js'
import type { TestClient } from './client.js'
import { addPartitions, endTxn, initTxn, type Txn } from './txn.js'

export type Entry = [key: string, value: string | null]
export type KeyMap = Map<string, string | null>

export async function createCompactedTopic(c: TestClient, name: string, configs: Record<string, string>): Promise<void> {
  const r = await c.send(CreateTopics, 7, {
    topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }],
    timeoutMs: 5000, validateOnly: false,
  })
  if (r.topics[0]!.errorCode !== 0) throw new Error(`CreateTopics ${name}: ${r.topics[0]!.errorCode} ${r.topics[0]!.errorMessage}`)
}

export interface Acked {
  base: number
  entries: Entry[]
  aborted: boolean
}

// A producer's identity and next sequence; a batch not yet acknowledged stays `inFlight` so that
// it can be retried after a broker restart, as the Java idempotent producer does.
export class WireProducer {
  seq = 0
  inFlight: { batch: Buffer; entries: Entry[] } | null = null
  readonly acked: Acked[] = []
  readonly errors: number[] = []

  constructor(private c: TestClient, readonly topic: string, readonly pid: number, readonly epoch: number, readonly txn: Txn | null = null) {}

  static async idempotent(c: TestClient, topic: string): Promise<WireProducer> {
    const r = await c.send(InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60_000 })
    if (r.errorCode !== 0) throw new Error(`InitProducerId: error ${r.errorCode}`)
    return new WireProducer(c, topic, Number(r.producerId), r.producerEpoch)
  }

  static async transactional(c: TestClient, topic: string, id: string): Promise<WireProducer> {
    const t = await initTxn(c, id)
    return new WireProducer(c, topic, Number(t.pid), t.epoch, t)
  }

  reconnect(c: TestClient): void {
    this.c = c
  }

  // Sends `entries` as one batch (or retries the batch in flight); the acknowledgement is recorded.
  async send(entries?: Entry[], aborted = false): Promise<number> {
    if (!this.inFlight) {
      const records = entries!.map(([key, value]) => ({ key, value }))
      const batch = buildBatch({ records, producerId: this.pid, producerEpoch: this.epoch, baseSequence: this.seq, transactional: this.txn !== null })
      this.inFlight = { batch, entries: entries! }
    }
    const r = await this.c.send(Produce, 8, {
      transactionalId: this.txn?.id ?? null, acks: -1, timeoutMs: 10_000,
      topicData: [{ name: this.topic, partitionData: [{ index: 0, records: this.inFlight.batch }] }],
    })
    const p = r.responses[0]!.partitionResponses[0]!
    if (p.errorCode !== 0) {
      this.errors.push(p.errorCode)
      throw new Error(`produce: error ${p.errorCode} ${p.errorMessage ?? ''}`)
    }
    this.acked.push({ base: Number(p.baseOffset), entries: this.inFlight.entries, aborted })
    this.seq += this.inFlight.entries.length
    this.inFlight = null
    return Number(p.baseOffset)
  }

  // One transaction holding `entries`, committed or aborted.
  async transaction(entries: Entry[], commit: boolean): Promise<void> {
    const t = this.txn!
    const added = await addPartitions(this.c, 3, t, { [this.topic]: [0] })
    if (added[`${this.topic}:0`] !== 0) throw new Error(`AddPartitionsToTxn: ${JSON.stringify(added)}`)
    await this.send(entries, !commit)
    const r = await endTxn(this.c, 3, t, commit)
    if (r.errorCode !== 0) throw new Error(`EndTxn: error ${r.errorCode}`)
  }
}

// The latest committed value of each key among acknowledged batches below `end`, in offset order.
export function expectedBelow(producers: WireProducer[], end = Infinity): KeyMap {
  const all = producers.flatMap((p) => p.acked).filter((a) => !a.aborted && a.base < end).sort((a, b) => a.base - b.base)
  const out: KeyMap = new Map()
  for (const a of all) for (const [k, v] of a.entries) out.set(k, v)
  return out
}

// The live keys only (a consumer that started after a tombstone went never sees the key).
export function live(m: KeyMap): Map<string, string> {
  const out = new Map<string, string>()
  for (const [k, v] of m) if (v !== null) out.set(k, v)
  return out
}

export interface Scan {
  latest: KeyMap
  end: number // the last stable offset when the scan began: it read up to there
  records: number
  tombstones: number
  batches: number
  all?: [offset: number, key: string, value: string | null][] // every data record read, aborted ones too
}

// A read_committed consumer from offset 0 up to the last stable offset at its first fetch.
export async function scanFromZero(c: TestClient, topic: string, maxBytes = 1 << 20, collect = false): Promise<Scan> {
  const s: Scan = { latest: new Map(), end: -1, records: 0, tombstones: 0, batches: 0, all: collect ? [] : undefined }
  const aborting = new Set<number>()
  let pending: { producerId: bigint; firstOffset: bigint }[] = []
  const known = new Set<string>() // fetches that overlap return the same aborted transaction again
  for (let offset = 0; s.end < 0 || offset < s.end; ) {
    const r = await c.send(Fetch, 11, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes, isolationLevel: 1, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition: 0, fetchOffset: BigInt(offset), partitionMaxBytes: maxBytes, logStartOffset: -1n, currentLeaderEpoch: -1 }] }],
    })
    const p = r.responses[0]!.partitions[0]!
    if (p.errorCode !== 0) throw new Error(`fetch at ${offset}: error ${p.errorCode}`)
    if (s.end < 0) s.end = Number(p.lastStableOffset)
    const fresh = (p.abortedTransactions ?? []).filter((a) => !known.has(`${a.producerId}@${a.firstOffset}`))
    for (const a of fresh) known.add(`${a.producerId}@${a.firstOffset}`)
    pending = [...pending, ...fresh].sort((a, b) => Number(a.firstOffset - b.firstOffset))
    const next = readBatches(p.records, offset, s, pending, aborting)
    if (next === offset) {
      if (offset >= s.end) break
      throw new Error(`fetch at ${offset} (end ${s.end}) returned no batch`)
    }
    offset = next
  }
  return s
}

// Folds the fetched batches into the scan; returns the next offset to fetch.
function readBatches(data: Buffer | null, offset: number, s: Scan, pending: { producerId: bigint; firstOffset: bigint }[], aborting: Set<number>): number {
  let next = offset
  for (let at = 0; data && at + 61 <= data.length; ) {
    const size = 12 + data.readInt32BE(at + 8)
    if (at + size > data.length) break // a partial batch at the end of the response
    const batch = data.subarray(at, at + size)
    at += size
    const base = Number(batch.readBigInt64BE(0))
    const last = base + batch.readInt32BE(23)
    if (last < next) continue
    next = last + 1
    s.batches++
    const attributes = batch.readInt16BE(21)
    const pid = Number(batch.readBigInt64BE(43))
    while (pending.length > 0 && Number(pending[0]!.firstOffset) <= last) aborting.add(Number(pending.shift()!.producerId))
    if (attributes & CONTROL_FLAG_MASK) {
      aborting.delete(pid) // the abort marker (or a commit) ends the producer's transaction
      continue
    }
    const recs = decodeBatchRecords(batch)
    for (const rec of s.all ? recs : []) if (rec.offset >= offset) s.all!.push([rec.offset, rec.key!.toString(), rec.value?.toString() ?? null])
    if (attributes & TRANSACTIONAL_FLAG_MASK && aborting.has(pid)) continue
    for (const rec of recs) {
      if (rec.offset < offset) continue
      s.records++
      if (rec.value === null) s.tombstones++
      s.latest.set(rec.key!.toString(), rec.value?.toString() ?? null)
    }
  }
  return next
}
