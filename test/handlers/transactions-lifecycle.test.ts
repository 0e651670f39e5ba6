// The transaction coordinator over time: its timers on a ManualClock (the abort of transactions
// past their timeout, transactional.id expiration) and its state across a clean restart, a kill -9
// and a stop between PrepareCommit and the markers.
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { CreateTopics } from '../../protocol/apis/create-topics.js'
import { InitProducerId } from '../../protocol/apis/init-producer-id.js'
import { ErrorCode } from '../../protocol/errors.js'
import { buildBatch } from '../../protocol/records/index.js'
import { TxnStatus, txnRecord } from '../../protocol/txn-records.js'
import { ManualClock } from '../../src/clock.js'
import { OFFSETS_TOPIC } from '../../src/groups/group-store.js'
import { TRANSACTION_STATE_TOPIC } from '../../src/producers/transactions.js'
import { startTestBroker, tempDir, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'
import { startChildBroker, type ChildBroker } from '../helpers/process.js'
import {
  addOffsets, addPartitions, batchesOf, committedValues, endTxn, fetchOffsets, fetchPartition, initTxn, openTxnOn, produce, records,
  topic, txnOffsetCommit, uniq, type Txn,
} from '../helpers/txn.js'

const E = ErrorCode
const fenced = (v: number, first: number) => (v >= first ? E.PRODUCER_FENCED : E.INVALID_PRODUCER_EPOCH)
const openTxn = (t: { name: string; id: string }, values: string[], cl: TestClient, partitions = [0]) => openTxnOn(cl, t, values, partitions)

describe('coordinator timers (ManualClock)', () => {
  it('aborts a transaction past its timeout at epoch + 1; the producer is fenced everywhere', async () => {
    const clock = new ManualClock(Date.now())
    const b = await startTestBroker({ clock, config: { 'transaction.abort.timed.out.transaction.cleanup.interval.ms': 1000 } })
    const bc = await TestClient.connect(b.port)
    try {
      const t = topic(b, 3)
      const txn = await initTxn(bc, uniq('timeout'), 5000)
      expect(await addPartitions(bc, 3, txn, { [t.name]: [0, 1] })).toEqual({ [`${t.name}:0`]: 0, [`${t.name}:1`]: 0 })
      expect((await produce(bc, 7, txn.id, t, 0, records(txn, 0, ['x']))).errorCode).toBe(0)
      clock.advance(5000) // the timeout has not passed yet: start + 5000 is not < now
      expect((await fetchPartition(bc, t, 0, 1)).lastStableOffset).toBe(0n)
      clock.advance(1000)
      const read = await fetchPartition(bc, t, 0, 0)
      expect(batchesOf(read.records).map((x) => [x.marker, x.producerEpoch])).toEqual([[null, txn.epoch], ['abort', txn.epoch + 1]])
      expect(committedValues(await fetchPartition(bc, t, 0, 1))).toEqual([])
      expect(read.lastStableOffset).toBe(2n)

      for (let v = 0; v <= 3; v++) expect(await addPartitions(bc, v, txn, { [t.name]: [2] }), `AddPartitionsToTxn v${v}`).toEqual({ [`${t.name}:2`]: fenced(v, 2) })
      for (let v = 0; v <= 4; v++) expect(await addOffsets(bc, v, txn, 'g'), `AddOffsetsToTxn v${v}`).toBe(fenced(v, 2))
      for (let v = 0; v <= 4; v++) expect((await endTxn(bc, v, txn, true)).errorCode, `EndTxn v${v}`).toBe(fenced(v, 2))
      expect((await endTxn(bc, 5, txn, true)).errorCode).toBe(E.INVALID_TXN_STATE)
      // Transactions v2 reads the old epoch as a retry of the abort that bumped it (Kafka does too).
      expect(await endTxn(bc, 5, txn, false)).toMatchObject({ errorCode: 0, producerId: txn.pid, producerEpoch: txn.epoch + 1 })
      for (const p of [0, 1, 2]) expect((await produce(bc, 7, txn.id, t, p, records(txn, p === 0 ? 1 : 0, ['late']))).errorCode, `partition ${p}`).toBe(E.INVALID_PRODUCER_EPOCH)
      expect(await txnOffsetCommit(bc, 3, txn, 'g', { [t.name]: { 0: 1 } })).toEqual({ [`${t.name}:0`]: E.INVALID_PRODUCER_EPOCH })
      // The fenced producer recovering with its old id and epoch (KIP-360) is a retry of that bump.
      expect(await bc.send(InitProducerId, 4, { transactionalId: txn.id, transactionTimeoutMs: 5000, producerId: txn.pid, producerEpoch: txn.epoch }))
        .toEqual({ throttleTimeMs: 0, errorCode: 0, producerId: txn.pid, producerEpoch: txn.epoch + 1 })
      expect(await initTxn(bc, txn.id, 5000)).toEqual({ ...txn, epoch: txn.epoch + 2 })
    } finally {
      await bc.close()
      await b.cleanup()
    }
  })

  it('forgets transactional ids idle for transactional.id.expiration.ms, and the tombstone survives a restart', async () => {
    const clock = new ManualClock(Date.now())
    const dataDir = tempDir('rivulet-txn-expiry-')
    const config = { 'transactional.id.expiration.ms': 60_000, 'transaction.remove.expired.transaction.cleanup.interval.ms': 1000 }
    const b = await startTestBroker({ clock, disk: true, dataDir, config })
    let bc = await TestClient.connect(b.port)
    let b2: TestBroker | null = null
    try {
      const t = topic(b)
      const done = await openTxn(t, ['a'], bc)
      expect((await endTxn(bc, 3, done, true)).errorCode).toBe(0)
      const idle = await initTxn(bc, uniq('idle'))
      const open = await initTxn(bc, uniq('open'), 900_000)
      expect(await addPartitions(bc, 3, open, { [t.name]: [0] })).toEqual({ [`${t.name}:0`]: 0 })
      clock.advance(30_000)
      const recent = await initTxn(bc, uniq('recent'))
      clock.advance(31_000)

      expect(await addPartitions(bc, 3, done, { [t.name]: [0] })).toEqual({ [`${t.name}:0`]: E.INVALID_PRODUCER_ID_MAPPING })
      expect((await endTxn(bc, 3, idle, false)).errorCode).toBe(E.INVALID_PRODUCER_ID_MAPPING)
      expect((await endTxn(bc, 5, recent, false)).errorCode).toBe(0) // updated 31 s ago: kept
      expect((await endTxn(bc, 3, open, true)).errorCode).toBe(0) // open transactions never expire
      const again = await initTxn(bc, done.id)
      expect(again.pid).not.toBe(done.pid)
      expect(again.epoch).toBe(0)

      await bc.close()
      await b.stop()
      b2 = await startTestBroker({ clock, disk: true, dataDir, config })
      bc = await TestClient.connect(b2.port)
      expect((await endTxn(bc, 3, idle, false)).errorCode).toBe(E.INVALID_PRODUCER_ID_MAPPING)
      expect((await endTxn(bc, 3, again, false)).errorCode).toBe(E.INVALID_TXN_STATE) // known, Empty
    } finally {
      await bc.close()
      await b.stop()
      await b2?.stop()
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

describe('coordinator durability', () => {
  // Writes `values` in an open transaction on partition 0 and a pending offset commit of 1 for
  // `group`; a second transaction is aborted on the same partition, so its index must survive too.
  async function openWithOffsets(cl: TestClient, t: { name: string; id: string }, group: string) {
    const txn = await openTxn(t, ['a'], cl) // 0
    expect(await addOffsets(cl, 1, txn, group)).toBe(0)
    expect(await txnOffsetCommit(cl, 3, txn, group, { [t.name]: { 0: 1 } })).toEqual({ [`${t.name}:0`]: 0 })
    const aborted = await openTxn(t, ['z'], cl) // 1
    expect((await endTxn(cl, 3, aborted, false)).errorCode).toBe(0) // 2
    return txn
  }

  async function expectOpenThenCommit(cl: TestClient, t: { name: string; id: string }, group: string, txn: Txn) {
    const held = await fetchPartition(cl, t, 0, 1)
    expect([held.records?.length ?? 0, held.lastStableOffset, held.highWatermark]).toEqual([0, 0n, 3n])
    expect(await fetchOffsets(cl, 7, group, { [t.name]: [0] }, true)).toEqual({ [`${t.name}:0`]: [-1, E.UNSTABLE_OFFSET_COMMIT] })
    expect((await endTxn(cl, 3, txn, true)).errorCode).toBe(0)
    const read = await fetchPartition(cl, t, 0, 1)
    expect([committedValues(read), read.lastStableOffset]).toEqual([['a'], 4n])
    expect(await fetchOffsets(cl, 7, group, { [t.name]: [0] }, true)).toEqual({ [`${t.name}:0`]: [1, 0] })
  }

  it('an open transaction stays open across a clean restart (LSO held, offsets pending) and can then be committed', async () => {
    const dataDir = tempDir('rivulet-txn-restart-')
    let b: TestBroker | null = null
    try {
      b = await startTestBroker({ disk: true, dataDir })
      let bc = await TestClient.connect(b.port)
      const t = topic(b)
      const group = uniq('g')
      const txn = await openWithOffsets(bc, t, group)
      await bc.close()
      await b.stop()
      b = await startTestBroker({ disk: true, dataDir })
      bc = await TestClient.connect(b.port)
      await expectOpenThenCommit(bc, t, group, txn)
      await bc.close()
    } finally {
      await b?.stop()
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it('after a restart each transactional id has the state of its last record, however long its history', async () => {
    const dataDir = tempDir('rivulet-txn-history-')
    let b: TestBroker | null = null
    try {
      b = await startTestBroker({ disk: true, dataDir })
      let bc = await TestClient.connect(b.port)
      const t = topic(b)
      const busy = await initTxn(bc, uniq('busy'))
      for (let i = 0; i < 40; i++) {
        expect(await addPartitions(bc, 3, busy, { [t.name]: [0] })).toEqual({ [`${t.name}:0`]: 0 })
        expect((await produce(bc, 7, busy.id, t, 0, records(busy, i, [`v${i}`]))).errorCode).toBe(0)
        expect((await endTxn(bc, 3, busy, i % 2 === 0)).errorCode).toBe(0)
      }
      const open = await openTxnOn(bc, t, ['pending'])
      const stateRecords = () => {
        let n = 0
        b!.broker.partition(TRANSACTION_STATE_TOPIC, 0)!.keyedRecords(() => { n++ })
        return n
      }
      expect(stateRecords()).toBeGreaterThan(120) // every state change of every transaction
      await bc.close()
      await b.stop()

      b = await startTestBroker({ disk: true, dataDir })
      bc = await TestClient.connect(b.port)
      // The open transaction is still open: its records hold the LSO until it ends.
      expect((await fetchPartition(bc, t, 0, 1)).lastStableOffset).toBe(BigInt(40 * 2))
      expect((await endTxn(bc, 3, open, true)).errorCode).toBe(0)
      expect(committedValues(await fetchPartition(bc, t, 0, 1))).toEqual([...Array.from({ length: 20 }, (_, i) => `v${i * 2}`), 'pending'])
      // The busy id resumes from its last epoch; its last transaction is complete.
      expect(await initTxn(bc, busy.id)).toEqual({ ...busy, epoch: busy.epoch + 1 })
      await bc.close()
    } finally {
      await b?.stop()
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it('an open transaction stays open across kill -9 of the broker process and can then be committed', async () => {
    const dataDir = tempDir('rivulet-txn-crash-')
    const children: ChildBroker[] = []
    try {
      const first = await startChildBroker(['--data-dir', dataDir])
      children.push(first)
      let bc = await TestClient.connect(first.port)
      const created = await bc.send(CreateTopics, 7, { topics: [{ name: 'crash-txn', numPartitions: 1, replicationFactor: 1 }] })
      expect(created.topics[0]!.errorCode).toBe(0)
      const t = { name: 'crash-txn', id: created.topics[0]!.topicId }
      const group = 'crash-group'
      const txn = await openWithOffsets(bc, t, group)
      await first.kill('SIGKILL')
      await bc.close()
      const second = await startChildBroker(['--data-dir', dataDir])
      children.push(second)
      bc = await TestClient.connect(second.port)
      await expectOpenThenCommit(bc, t, group, txn)
      await bc.close()
    } finally {
      for (const child of children) await child.kill('SIGKILL')
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
  })

  for (const [state, marker] of [['PrepareCommit', 'commit'], ['PrepareAbort', 'abort']] as const) {
    it(`completes a transaction left in ${state} when the coordinator loads`, async () => {
      const dataDir = tempDir('rivulet-txn-prepare-')
      let b: TestBroker | null = null
      try {
        b = await startTestBroker({ disk: true, dataDir })
        let bc = await TestClient.connect(b.port)
        const t = topic(b)
        const group = uniq('g')
        const txn = await openTxn(t, ['a'], bc)
        expect(await addOffsets(bc, 1, txn, group)).toBe(0)
        expect(await txnOffsetCommit(bc, 3, txn, group, { [t.name]: { 0: 1 } })).toEqual({ [`${t.name}:0`]: 0 })
        // What a stop between the Prepare record's append and the markers leaves in __transaction_state.
        const now = Date.now()
        const record = txnRecord(txn.id, {
          producerId: txn.pid, previousProducerId: -1n, nextProducerId: -1n, producerEpoch: txn.epoch, nextProducerEpoch: -1,
          transactionTimeoutMs: 60_000, transactionStatus: TxnStatus[state],
          transactionPartitions: [{ topic: t.name, partitionIds: [0] }, { topic: OFFSETS_TOPIC, partitionIds: [b.broker.groups.store.partitionFor(group)] }],
          transactionLastUpdateTimestampMs: BigInt(now), transactionStartTimestampMs: BigInt(now), clientTransactionVersion: 0,
        })
        expect(b.broker.cluster.topic(TRANSACTION_STATE_TOPIC)!.partitions).toBe(1)
        b.broker.partition(TRANSACTION_STATE_TOPIC, 0)!.append(buildBatch({ records: [{ ...record, timestamp: now }] }), { nowMs: now, origin: 'coordinator' })
        await bc.close()
        await b.stop()

        b = await startTestBroker({ disk: true, dataDir })
        bc = await TestClient.connect(b.port)
        const commit = marker === 'commit'
        const read = await fetchPartition(bc, t, 0, 1)
        expect([committedValues(read), read.lastStableOffset, read.highWatermark]).toEqual([commit ? ['a'] : [], 2n, 2n])
        expect(batchesOf(read.records).map((x) => x.marker)).toEqual([null, marker])
        expect(await fetchOffsets(bc, 7, group, { [t.name]: [0] }, true)).toEqual({ [`${t.name}:0`]: [commit ? 1 : -1, 0] })
        expect((await endTxn(bc, 3, txn, commit)).errorCode).toBe(0) // a retried end
        expect((await endTxn(bc, 3, txn, !commit)).errorCode).toBe(E.INVALID_TXN_STATE)
        await bc.close()
      } finally {
        await b?.stop()
        fs.rmSync(dataDir, { recursive: true, force: true })
      }
    })
  }

  it('skips a __transaction_state record it cannot read and keeps the others', async () => {
    const dataDir = tempDir('rivulet-txn-unreadable-')
    let b: TestBroker | null = await startTestBroker({ disk: true, dataDir })
    try {
      let bc = await TestClient.connect(b.port)
      const txn = await initTxn(bc, uniq('kept'))
      const now = Date.now()
      // A key version this coordinator does not know (as a newer Kafka schema would write).
      const key = Buffer.from([0, 9, 0, 1, 0x78])
      b.broker.partition(TRANSACTION_STATE_TOPIC, 0)!.append(buildBatch({ records: [{ key, value: Buffer.from([0, 1]), timestamp: now }] }), { nowMs: now, origin: 'coordinator' })
      await bc.close()
      await b.stop()
      b = await startTestBroker({ disk: true, dataDir })
      bc = await TestClient.connect(b.port)
      expect(await initTxn(bc, txn.id)).toEqual({ ...txn, epoch: txn.epoch + 1 })
      await bc.close()
    } finally {
      await b?.stop()
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
