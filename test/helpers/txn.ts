// Transaction requests over a TestClient at a chosen version, and what a consumer makes of a
// fetch: the records of each batch with their producer and marker, and the records a
// read_committed consumer keeps (Kafka's Fetcher: aborted transactions and control batches
// dropped).
import { AddOffsetsToTxn } from '../../protocol/apis/add-offsets-to-txn.js'
import { AddPartitionsToTxn } from '../../protocol/apis/add-partitions-to-txn.js'
import { EndTxn } from '../../protocol/apis/end-txn.js'
import { Fetch, type FetchResponse } from '../../protocol/apis/fetch.js'
import { InitProducerId } from '../../protocol/apis/init-producer-id.js'
import { ListOffsets } from '../../protocol/apis/list-offsets.js'
import { OffsetFetch } from '../../protocol/apis/offset-fetch.js'
import { Produce } from '../../protocol/apis/produce.js'
import { TxnOffsetCommit } from '../../protocol/apis/txn-offset-commit.js'
import { ControlRecordType, CONTROL_FLAG_MASK, TRANSACTIONAL_FLAG_MASK, buildBatch, decodeBatchRecords, readControlRecord } from '../../protocol/records/index.js'
import { expect } from 'vitest'
import type { TestBroker } from './broker.js'
import type { TestClient } from './client.js'

// A transactional producer as the broker knows it.
export interface Txn {
  id: string
  pid: bigint
  epoch: number
}

export async function initTxn(c: TestClient, id: string, transactionTimeoutMs = 60_000, version = 4): Promise<Txn> {
  const r = await c.send(InitProducerId, version, { transactionalId: id, transactionTimeoutMs })
  if (r.errorCode !== 0) throw new Error(`InitProducerId ${id}: error ${r.errorCode}`)
  return { id, pid: r.producerId, epoch: r.producerEpoch }
}

// "topic:partition" → error code, for every partition of a result list.
function codes(topics: { name: string; resultsByPartition: { partitionIndex: number; partitionErrorCode: number }[] }[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const t of topics) for (const p of t.resultsByPartition) out[`${t.name}:${p.partitionIndex}`] = p.partitionErrorCode
  return out
}

const topicList = (partitions: Record<string, number[]>) => Object.entries(partitions).map(([name, ps]) => ({ name, partitions: ps }))

// AddPartitionsToTxn v0–3 (one transaction).
export async function addPartitions(c: TestClient, version: number, t: Txn, partitions: Record<string, number[]>): Promise<Record<string, number>> {
  const r = await c.send(AddPartitionsToTxn, version, {
    v3AndBelowTransactionalId: t.id,
    v3AndBelowProducerId: t.pid,
    v3AndBelowProducerEpoch: t.epoch,
    v3AndBelowTopics: topicList(partitions),
  })
  return codes(r.resultsByTopicV3AndBelow)
}

// AddPartitionsToTxn v4+ (a batch, as brokers send it): per transactional id, per partition.
export async function addPartitionsBatch(c: TestClient, version: number, txns: { t: Txn; verifyOnly: boolean; partitions: Record<string, number[]> }[]) {
  const r = await c.send(AddPartitionsToTxn, version, {
    transactions: txns.map(({ t, verifyOnly, partitions }) => ({ transactionalId: t.id, producerId: t.pid, producerEpoch: t.epoch, verifyOnly, topics: topicList(partitions) })),
  })
  const byTxn: Record<string, Record<string, number>> = {}
  for (const x of r.resultsByTransaction) byTxn[x.transactionalId] = codes(x.topicResults)
  return { errorCode: r.errorCode, byTxn }
}

export async function addOffsets(c: TestClient, version: number, t: Txn, groupId: string): Promise<number> {
  return (await c.send(AddOffsetsToTxn, version, { transactionalId: t.id, producerId: t.pid, producerEpoch: t.epoch, groupId })).errorCode
}

export function endTxn(c: TestClient, version: number, t: Txn, commit: boolean) {
  return c.send(EndTxn, version, { transactionalId: t.id, producerId: t.pid, producerEpoch: t.epoch, committed: commit })
}

export async function txnOffsetCommit(c: TestClient, version: number, t: Txn, groupId: string, offsets: Record<string, Record<number, number>>, member: { generationId?: number; memberId?: string; groupInstanceId?: string | null } = {}): Promise<Record<string, number>> {
  const r = await c.send(TxnOffsetCommit, version, {
    transactionalId: t.id,
    groupId,
    producerId: t.pid,
    producerEpoch: t.epoch,
    generationId: member.generationId ?? -1,
    memberId: member.memberId ?? '',
    groupInstanceId: member.groupInstanceId ?? null,
    topics: Object.entries(offsets).map(([name, ps]) => ({
      name,
      partitions: Object.entries(ps).map(([p, o]) => ({ partitionIndex: Number(p), committedOffset: BigInt(o), committedMetadata: `m${o}` })),
    })),
  })
  const out: Record<string, number> = {}
  for (const tp of r.topics) for (const p of tp.partitions) out[`${tp.name}:${p.partitionIndex}`] = p.errorCode
  return out
}

// OffsetFetch for some partitions of one group at any version: "topic:partition" → [offset, error].
export async function fetchOffsets(c: TestClient, version: number, groupId: string, partitions: Record<string, number[]>, requireStable: boolean): Promise<Record<string, [number, number]>> {
  const topics = Object.entries(partitions).map(([name, ps]) => ({ name, partitionIndexes: ps }))
  const r = await c.send(OffsetFetch, version, version >= 8 ? { groups: [{ groupId, topics }], requireStable } : { groupId, topics, requireStable })
  const out: Record<string, [number, number]> = {}
  const resultTopics = version >= 8 ? r.groups[0]!.topics : r.topics
  for (const t of resultTopics) for (const p of t.partitions) out[`${t.name}:${p.partitionIndex}`] = [Number(p.committedOffset), p.errorCode]
  return out
}

export function records(t: { pid: bigint; epoch: number } | null, seq: number, values: string[], o: { transactional?: boolean; timestamp?: number } = {}): Buffer {
  return buildBatch({
    producerId: t ? Number(t.pid) : -1,
    producerEpoch: t ? t.epoch : -1,
    baseSequence: t ? seq : -1,
    transactional: t !== null && (o.transactional ?? true),
    records: values.map((value) => ({ key: null, value, timestamp: o.timestamp })),
  })
}

export async function produce(c: TestClient, version: number, transactionalId: string | null, topic: { name: string; id: string }, partition: number, batch: Buffer) {
  const r = await c.send(Produce, version, {
    transactionalId,
    acks: -1,
    timeoutMs: 5000,
    topicData: [{ name: topic.name, topicId: topic.id, partitionData: [{ index: partition, records: batch }] }],
  })
  return r.responses[0]!.partitionResponses[0]!
}

export type FetchedPartition = FetchResponse['responses'][number]['partitions'][number]

export async function fetchPartition(c: TestClient, topic: { name: string; id: string }, partition: number, isolationLevel: 0 | 1, version = 11, fetchOffset = 0): Promise<FetchedPartition> {
  const r = await c.send(Fetch, version, {
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    isolationLevel,
    sessionEpoch: -1,
    topics: [{ topic: topic.name, topicId: topic.id, partitions: [{ partition, fetchOffset: BigInt(fetchOffset), partitionMaxBytes: 1 << 20 }] }],
  })
  const p = r.responses[0]!.partitions[0]!
  if (p.errorCode !== 0) throw new Error(`fetch ${topic.name}-${partition}: error ${p.errorCode}`)
  return p
}

export interface FetchedBatch {
  baseOffset: number
  producerId: number
  producerEpoch: number
  transactional: boolean
  marker: 'commit' | 'abort' | null
  values: string[]
}

export function batchesOf(data: Buffer | null): FetchedBatch[] {
  const out: FetchedBatch[] = []
  if (!data) return out
  for (let at = 0; at + 12 <= data.length; ) {
    const size = 12 + data.readInt32BE(at + 8)
    const batch = data.subarray(at, at + size)
    const attributes = batch.readInt16BE(21)
    const recs = decodeBatchRecords(batch)
    const control = (attributes & CONTROL_FLAG_MASK) !== 0
    const type = control ? readControlRecord(recs[0]!)!.type : -1
    out.push({
      baseOffset: Number(batch.readBigInt64BE(0)),
      producerId: Number(batch.readBigInt64BE(43)),
      producerEpoch: batch.readInt16BE(51),
      transactional: (attributes & TRANSACTIONAL_FLAG_MASK) !== 0,
      marker: !control ? null : type === ControlRecordType.commit ? 'commit' : 'abort',
      values: control ? [] : recs.map((r) => r.value!.toString()),
    })
    at += size
  }
  return out
}

// The values a read_committed consumer delivers (Kafka's CompletedFetch): a transactional batch is
// dropped while its producer is inside an aborted transaction that starts at or before it; that
// producer's abort marker closes it.
export function committedValues(p: FetchedPartition): string[] {
  const pending = [...(p.abortedTransactions ?? [])].sort((a, b) => Number(a.firstOffset - b.firstOffset))
  const aborting = new Set<number>()
  const out: string[] = []
  for (const b of batchesOf(p.records)) {
    while (pending.length > 0 && Number(pending[0]!.firstOffset) <= b.baseOffset) aborting.add(Number(pending.shift()!.producerId))
    if (b.marker !== null) {
      if (b.marker === 'abort') aborting.delete(b.producerId)
      continue
    }
    if (b.transactional && aborting.has(b.producerId)) continue
    out.push(...b.values)
  }
  return out
}

export const allValues = (p: FetchedPartition): string[] => batchesOf(p.records).flatMap((b) => b.values)

// ListOffsets for one partition: [offset, timestamp].
export async function listOffset(c: TestClient, version: number, topic: string, partition: number, timestamp: number, isolationLevel: 0 | 1): Promise<[number, number, number]> {
  const r = await c.send(ListOffsets, version, { replicaId: -1, isolationLevel, topics: [{ name: topic, partitions: [{ partitionIndex: partition, timestamp: BigInt(timestamp) }] }] })
  const p = r.topics[0]!.partitions[0]!
  return [p.errorCode, Number(p.offset), Number(p.timestamp)]
}

let n = 0
// A name no other test in this process has used.
export const uniq = (prefix: string) => `${prefix}-${++n}`

export function topic(b: TestBroker, partitions = 1): { name: string; id: string } {
  const t = b.broker.createTopic(uniq('t'), partitions, 1, {})
  return { name: t.name, id: t.id }
}

// A transaction with `values` written to partition 0 of `t` (AddPartitionsToTxn v3, Produce v7).
export async function openTxnOn(c: TestClient, t: { name: string; id: string }, values: string[], partitions = [0]): Promise<Txn> {
  const txn = await initTxn(c, uniq('txn'))
  expect(await addPartitions(c, 3, txn, { [t.name]: partitions })).toEqual(Object.fromEntries(partitions.map((p) => [`${t.name}:${p}`, 0])))
  expect((await produce(c, 7, txn.id, t, 0, records(txn, 0, values))).errorCode).toBe(0)
  return txn
}
