// Golden frames of transactions (see test/golden/README.md), captured from real clients against
// Apache Kafka 4.1.2 by compat/capture-golden.mjs: the compat drivers' produce-transactional,
// consume-transform-produce and transaction-fencing scenarios, and the Java client and franz-go
// again against a Kafka formatted with transaction.version=1 (the `*-tv1` files).
//
// 1. Coverage: every version of the transaction APIs that the compat clients send has a frame.
// 2. Each frame decodes with Rivulet's definition, re-encodes byte for byte, fails cleanly when
//    truncated (checkGolden), and carries what a transaction needs.
import { describe, expect, it } from 'vitest'
import { AddOffsetsToTxn } from '../../protocol/apis/add-offsets-to-txn.js'
import { AddPartitionsToTxn } from '../../protocol/apis/add-partitions-to-txn.js'
import { EndTxn } from '../../protocol/apis/end-txn.js'
import { Fetch } from '../../protocol/apis/fetch.js'
import { InitProducerId } from '../../protocol/apis/init-producer-id.js'
import { Produce } from '../../protocol/apis/produce.js'
import { TxnOffsetCommit } from '../../protocol/apis/txn-offset-commit.js'
import { errorName } from '../../protocol/errors.js'
import { ControlRecordType, decodeBatchRecords, readControlRecord, scanBatches, type BatchInfo } from '../../protocol/records/index.js'
import { checkGolden, goldenFrames, type GoldenFrame } from '../helpers/golden.js'

const transactional = (f: GoldenFrame) => /transactional/.test(f.label ?? '')
const transactionalFetch = (f: GoldenFrame) => /^records-(transactional|aborted)$/.test(f.label ?? '')

// The versions the compat clients send in their transaction scenarios (2026-11, measured through
// the recording proxy against Rivulet and Kafka, which both finalize transaction.version=2):
// librdkafka 2.0.2 (confluent-kafka-python, kcat) and 2.15.1 (confluent-kafka-javascript), kafkajs
// 2.2.4, sarama 1.61.1 (config.Version max, 2.8.0, 2.1.0), franz-go 1.22.2 and kafka-clients 4.1.2
// (JavaClientDriver, kafka-producer-perf-test, transactional-message-copier); plus what the
// Java client and franz-go send to a broker without transaction.version 2 (transactions v1).
const SENT: { dir: string; versions: number[]; which?: (f: GoldenFrame) => boolean }[] = [
  { dir: 'add-partitions-to-txn', versions: [0, 1, 3] },
  { dir: 'add-offsets-to-txn', versions: [0, 1, 3, 4] },
  { dir: 'end-txn', versions: [1, 3, 4, 5] },
  { dir: 'txn-offset-commit', versions: [1, 2, 3, 4, 5] },
  { dir: 'init-producer-id', versions: [1, 4, 5] },
  { dir: 'produce', versions: [7, 9, 10, 11, 13], which: transactional },
  { dir: 'fetch', versions: [10, 11, 12, 16, 18], which: transactionalFetch },
]

describe('transaction golden frames: coverage', () => {
  it.each(SENT.map((s) => [s.dir, s] as const))('%s: a frame for every version the clients send', (_dir, s) => {
    const have = new Set(goldenFrames(s.dir).filter(s.which ?? (() => true)).map((f) => f.apiVersion))
    expect(s.versions.filter((v) => !have.has(v)), `${s.dir}: versions without a golden frame`).toEqual([])
  })

  it('has both protocols: transactions v1 (tv1 files) and v2 (EndTxn v5 without AddPartitionsToTxn)', () => {
    const clients = (dir: string, v: number) => goldenFrames(dir).filter((f) => f.apiVersion === v).map((f) => f.client)
    expect(clients('add-partitions-to-txn', 3)).toEqual(expect.arrayContaining(['java-4.1.2-tv1', 'franz-go-1.22.2-tv1']))
    expect(clients('end-txn', 4)).toEqual(expect.arrayContaining(['java-4.1.2-tv1', 'franz-go-1.22.2-tv1']))
    expect(clients('end-txn', 5)).toEqual(expect.arrayContaining(['java-4.1.2', 'franz-go-1.22.2']))
    const v2clients = new Set(clients('end-txn', 5))
    expect(goldenFrames('add-partitions-to-txn').filter((f) => v2clients.has(f.client)), 'a transactions-v2 client sent AddPartitionsToTxn').toEqual([])
  })
})

/** The error a file's label names (`...-error-producer-fenced` → PRODUCER_FENCED), or null. */
function labeledError(f: GoldenFrame): string | null {
  const m = /error-(.+)$/.exec(f.label ?? '')
  return m ? m[1]!.toUpperCase().replace(/-/g, '_') : null
}

function batchesOf(records: Buffer | null | undefined): BatchInfo[] {
  return records && records.length > 0 ? scanBatches(records).batches : []
}

describe('AddPartitionsToTxn golden frames (transactions v1)', () => {
  it.each(goldenFrames('add-partitions-to-txn').map((f) => [f.file, f] as const))('%s', (_file, f) => {
    const { request, response } = checkGolden(AddPartitionsToTxn, f)
    expect(f.apiVersion).toBeLessThanOrEqual(3) // v4+ is broker to broker
    expect(request.v3AndBelowTransactionalId).not.toBe('')
    expect(request.v3AndBelowProducerId).toBeGreaterThanOrEqual(0n)
    expect(request.v3AndBelowProducerEpoch).toBeGreaterThanOrEqual(0)
    const asked = request.v3AndBelowTopics.flatMap((t) => t.partitions.map((p) => `${t.name}/${p}`)).sort()
    const answered = response!.resultsByTopicV3AndBelow.flatMap((t) => t.resultsByPartition.map((p) => `${t.name}/${p.partitionIndex}`)).sort()
    expect(answered).toEqual(asked)
    const codes = response!.resultsByTopicV3AndBelow.flatMap((t) => t.resultsByPartition.map((p) => p.partitionErrorCode))
    const want = labeledError(f)
    if (want) expect(codes.map(errorName)).toContain(want)
    else expect(codes.every((c) => c === 0)).toBe(true)
  })
})

describe('AddOffsetsToTxn golden frames (transactions v1)', () => {
  it.each(goldenFrames('add-offsets-to-txn').map((f) => [f.file, f] as const))('%s', (_file, f) => {
    const { request, response } = checkGolden(AddOffsetsToTxn, f)
    expect(request.transactionalId).not.toBe('')
    expect(request.groupId).not.toBe('')
    expect(request.producerId).toBeGreaterThanOrEqual(0n)
    expect(errorName(response!.errorCode)).toBe(labeledError(f) ?? 'NONE')
  })
})

describe('EndTxn golden frames', () => {
  it.each(goldenFrames('end-txn').map((f) => [f.file, f] as const))('%s', (_file, f) => {
    const { request, response } = checkGolden(EndTxn, f)
    expect(request.transactionalId).not.toBe('')
    expect(request.producerId).toBeGreaterThanOrEqual(0n)
    expect(errorName(response!.errorCode)).toBe(labeledError(f) ?? 'NONE')
    if (f.apiVersion >= 5 && response!.errorCode === 0) {
      // transactions v2: every ended transaction bumps the epoch, and the answer says to what
      expect(response!.producerId).toBe(request.producerId)
      expect(response!.producerEpoch).toBe(request.producerEpoch + 1)
    } else {
      expect([response!.producerId, response!.producerEpoch]).toEqual([-1n, -1])
    }
  })
})

describe('TxnOffsetCommit golden frames', () => {
  it.each(goldenFrames('txn-offset-commit').map((f) => [f.file, f] as const))('%s', (_file, f) => {
    const { request, response } = checkGolden(TxnOffsetCommit, f)
    expect(request.transactionalId).not.toBe('')
    expect(request.groupId).not.toBe('')
    expect(request.producerId).toBeGreaterThanOrEqual(0n)
    expect(request.topics.flatMap((t) => t.partitions).every((p) => p.committedOffset >= 0n)).toBe(true)
    // v3+ (KIP-447): a member commits with its generation and id, or as nobody (-1, "")
    if (f.apiVersion >= 3) expect(request.generationId >= 0).toBe(request.memberId !== '')
    const codes = response!.topics.flatMap((t) => t.partitions.map((p) => p.errorCode))
    expect(codes.length).toBe(request.topics.flatMap((t) => t.partitions).length)
    const want = labeledError(f)
    if (want) expect(codes.map(errorName)).toContain(want)
    else expect(codes.every((c) => c === 0)).toBe(true)
  })
})

describe('InitProducerId golden frames of transactional producers', () => {
  const frames = goldenFrames('init-producer-id').filter((f) => checkGolden(InitProducerId, f).request.transactionalId)
  it('there are some', () => expect(frames.length).toBeGreaterThan(0))
  it.each(frames.map((f) => [f.file, f] as const))('%s', (_file, f) => {
    const { request, response } = checkGolden(InitProducerId, f)
    expect(request.transactionTimeoutMs).toBeGreaterThan(0)
    expect(errorName(response!.errorCode)).toBe(labeledError(f) ?? 'NONE')
    if (response!.errorCode === 0) expect(response!.producerId).toBeGreaterThanOrEqual(0n)
    else expect(response!.producerId).toBe(-1n) // e.g. CONCURRENT_TRANSACTIONS while an older epoch is fenced
  })
})

describe('Produce golden frames of transactional producers', () => {
  it.each(goldenFrames('produce').filter(transactional).map((f) => [f.file, f] as const))('%s', (_file, f) => {
    const { request, response } = checkGolden(Produce, f)
    expect(request.transactionalId).toBeTruthy()
    const batches = request.topicData.flatMap((t) => t.partitionData.flatMap((p) => batchesOf(p.records)))
    expect(batches.length).toBeGreaterThan(0)
    for (const b of batches) {
      expect(b.isTransactional).toBe(true)
      expect(b.isControl).toBe(false) // markers are the coordinator's, never a client's
      expect(b.producerId).toBeGreaterThanOrEqual(0)
      expect(b.producerEpoch).toBeGreaterThanOrEqual(0)
      expect(b.baseSequence).toBeGreaterThanOrEqual(0)
    }
    expect(response!.responses.flatMap((t) => t.partitionResponses.map((p) => p.errorCode)).every((c) => c === 0)).toBe(true)
  })
})

describe('Fetch golden frames with transactional batches', () => {
  it.each(goldenFrames('fetch').filter(transactionalFetch).map((f) => [f.file, f] as const))('%s', (_file, f) => {
    const { request, response } = checkGolden(Fetch, f)
    const partitions = response!.responses.flatMap((t) => t.partitions)
    const batches = partitions.flatMap((p) => batchesOf(p.records))
    expect(batches.some((b) => b.isTransactional)).toBe(true)
    for (const p of partitions) {
      if (p.errorCode !== 0) continue
      // the last stable offset never passes the high watermark
      expect(p.lastStableOffset).toBeLessThanOrEqual(p.highWatermark)
      for (const b of batchesOf(p.records).filter((x) => x.isControl)) {
        // a control batch holds one marker: COMMIT or ABORT, from a transactional producer
        expect(b.isTransactional).toBe(true)
        const records = decodeBatchRecords(p.records!.subarray(b.pos, b.pos + b.size))
        expect(records.length).toBe(1)
        expect([ControlRecordType.abort, ControlRecordType.commit]).toContain(readControlRecord(records[0]!)?.type)
      }
    }
    const aborted = partitions.flatMap((p) => p.abortedTransactions ?? [])
    if (f.label === 'records-aborted') {
      // only read_committed fetches get the aborted transactions, with the producer and first offset
      expect(request.isolationLevel).toBe(1)
      expect(aborted.length).toBeGreaterThan(0)
      for (const a of aborted) {
        expect(a.producerId).toBeGreaterThanOrEqual(0n)
        expect(a.firstOffset).toBeGreaterThanOrEqual(0n)
        expect(batches.some((b) => b.producerId === Number(a.producerId))).toBe(true)
      }
    } else {
      expect(aborted).toEqual([])
    }
  })
})
