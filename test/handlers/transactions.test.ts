// Transactions over the wire, version by version where Kafka 4.1's behaviour differs (KafkaApis,
// TransactionCoordinator, OffsetMetadataManager): AddPartitionsToTxn (v0–3 for clients, v4–5
// batched with verifyOnly), AddOffsetsToTxn, EndTxn (transactions v1 for v0–4, v2 for v5),
// TxnOffsetCommit with pending offsets and OffsetFetch requireStable, transactional Produce and its
// KIP-890 verification, Fetch and ListOffsets at read_committed, InitProducerId fencing an open
// transaction. Timers and durability: transactions-lifecycle.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Fetch } from '../../protocol/apis/fetch.js'
import { InitProducerId } from '../../protocol/apis/init-producer-id.js'
import { OffsetCommit } from '../../protocol/apis/offset-commit.js'
import { ErrorCode } from '../../protocol/errors.js'
import { TRANSACTION_STATE_TOPIC } from '../../src/producers/transactions.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'
import { soloGroup } from '../helpers/groups.js'
import {
  addOffsets, addPartitions, addPartitionsBatch, allValues, batchesOf, committedValues, endTxn, fetchOffsets, fetchPartition,
  initTxn, listOffset, openTxnOn, produce, records, topic, txnOffsetCommit, uniq, type Txn,
} from '../helpers/txn.js'

const E = ErrorCode
const fenced = (v: number, first: number) => (v >= first ? E.PRODUCER_FENCED : E.INVALID_PRODUCER_EPOCH)

let tb: TestBroker
let c: TestClient

beforeAll(async () => {
  tb = await startTestBroker()
  c = await TestClient.connect(tb.port)
})
afterAll(async () => {
  await c?.close()
  await tb?.cleanup()
})

const openTxn = (t: { name: string; id: string }, values: string[], cl = c, partitions = [0]) => openTxnOn(cl, t, values, partitions)

describe('AddPartitionsToTxn v0–3', () => {
  for (let v = 0; v <= 3; v++) {
    it(`v${v} adds partitions (a repeat answers NONE) and the transaction takes writes there`, async () => {
      const t = topic(tb, 2)
      const txn = await initTxn(c, uniq('apt'))
      expect(await addPartitions(c, v, txn, { [t.name]: [0, 1] })).toEqual({ [`${t.name}:0`]: 0, [`${t.name}:1`]: 0 })
      expect(await addPartitions(c, v, txn, { [t.name]: [1] })).toEqual({ [`${t.name}:1`]: 0 })
      expect((await produce(c, 7, txn.id, t, 1, records(txn, 0, ['a']))).errorCode).toBe(0)
      expect((await endTxn(c, 3, txn, true)).errorCode).toBe(0)
      expect(committedValues(await fetchPartition(c, t, 1, 1))).toEqual(['a'])
    })

    it(`v${v}: unknown id or producer id → INVALID_PRODUCER_ID_MAPPING, other epoch → ${v >= 2 ? 'PRODUCER_FENCED' : 'INVALID_PRODUCER_EPOCH'}`, async () => {
      const t = topic(tb)
      const p = `${t.name}:0`
      expect(await addPartitions(c, v, { id: uniq('nobody'), pid: 1n, epoch: 0 }, { [t.name]: [0] })).toEqual({ [p]: E.INVALID_PRODUCER_ID_MAPPING })
      const id = uniq('apt')
      await initTxn(c, id)
      const txn = await initTxn(c, id) // epoch 1
      expect(await addPartitions(c, v, { ...txn, pid: txn.pid + 1000n }, { [t.name]: [0] })).toEqual({ [p]: E.INVALID_PRODUCER_ID_MAPPING })
      expect(await addPartitions(c, v, { ...txn, epoch: 0 }, { [t.name]: [0] })).toEqual({ [p]: fenced(v, 2) })
      expect(await addPartitions(c, v, { ...txn, epoch: 2 }, { [t.name]: [0] })).toEqual({ [p]: fenced(v, 2) })
    })

    it(`v${v}: an unknown topic or partition fails alone, the rest answer OPERATION_NOT_ATTEMPTED and nothing is added`, async () => {
      const t = topic(tb)
      const txn = await initTxn(c, uniq('apt'))
      expect(await addPartitions(c, v, txn, { [t.name]: [0, 5], 'no-such-topic': [0] })).toEqual({
        [`${t.name}:0`]: E.OPERATION_NOT_ATTEMPTED, [`${t.name}:5`]: E.UNKNOWN_TOPIC_OR_PARTITION, 'no-such-topic:0': E.UNKNOWN_TOPIC_OR_PARTITION,
      })
      expect((await produce(c, 7, txn.id, t, 0, records(txn, 0, ['a']))).errorCode).toBe(E.INVALID_TXN_STATE)
      expect((await endTxn(c, 3, txn, true)).errorCode).toBe(E.INVALID_TXN_STATE) // still Empty
    })

    it(`v${v}: an internal topic is TOPIC_AUTHORIZATION_FAILED (Kafka never authorises writes to it)`, async () => {
      const t = topic(tb)
      const txn = await initTxn(c, uniq('apt'))
      expect(await addPartitions(c, v, txn, { [TRANSACTION_STATE_TOPIC]: [0], [t.name]: [0] })).toEqual({
        [`${TRANSACTION_STATE_TOPIC}:0`]: E.TOPIC_AUTHORIZATION_FAILED, [`${t.name}:0`]: E.OPERATION_NOT_ATTEMPTED,
      })
    })
  }
})

describe('AddPartitionsToTxn v4–5 (broker to coordinator, batched)', () => {
  for (const v of [4, 5]) {
    it(`v${v}: verifyOnly answers TRANSACTION_ABORTABLE outside the transaction, NONE inside; verifyOnly=false adds`, async () => {
      const t = topic(tb, 2)
      const [a, b] = [await initTxn(c, uniq('apt')), await initTxn(c, uniq('apt'))]
      const nobody = { id: uniq('nobody'), pid: 1n, epoch: 0 }
      const first = await addPartitionsBatch(c, v, [
        { t: a, verifyOnly: false, partitions: { [t.name]: [0] } },
        { t: b, verifyOnly: true, partitions: { [t.name]: [0] } },
        { t: nobody, verifyOnly: true, partitions: { [t.name]: [0] } },
      ])
      expect(first).toEqual({
        errorCode: 0,
        byTxn: { [a.id]: { [`${t.name}:0`]: 0 }, [b.id]: { [`${t.name}:0`]: E.TRANSACTION_ABORTABLE }, [nobody.id]: { [`${t.name}:0`]: E.INVALID_PRODUCER_ID_MAPPING } },
      })
      expect((await addPartitionsBatch(c, v, [{ t: a, verifyOnly: true, partitions: { [t.name]: [0, 1] } }])).byTxn[a.id]).toEqual({ [`${t.name}:0`]: 0, [`${t.name}:1`]: E.TRANSACTION_ABORTABLE })
      expect((await addPartitionsBatch(c, v, [{ t: { ...a, epoch: 1 }, verifyOnly: true, partitions: { [t.name]: [0] } }])).byTxn[a.id]).toEqual({ [`${t.name}:0`]: E.PRODUCER_FENCED })
      expect((await addPartitionsBatch(c, v, [{ t: a, verifyOnly: false, partitions: { [t.name]: [1, 9] } }])).byTxn[a.id]).toEqual({ [`${t.name}:1`]: E.OPERATION_NOT_ATTEMPTED, [`${t.name}:9`]: E.UNKNOWN_TOPIC_OR_PARTITION })
      // Produce v11 only verifies: the added partition takes the write, the other does not.
      expect((await produce(c, 11, a.id, t, 0, records(a, 0, ['x']))).errorCode).toBe(0)
      expect((await produce(c, 11, a.id, t, 1, records(a, 0, ['y']))).errorCode).toBe(E.TRANSACTION_ABORTABLE)
      expect((await endTxn(c, 4, a, true)).errorCode).toBe(0)
      expect(committedValues(await fetchPartition(c, t, 0, 1))).toEqual(['x'])
    })
  }
})

describe('AddOffsetsToTxn v0–4', () => {
  for (let v = 0; v <= 4; v++) {
    it(`v${v} adds the group's offsets partition, so TxnOffsetCommit is accepted and settled by EndTxn`, async () => {
      const t = topic(tb)
      const group = uniq('g')
      const txn = await initTxn(c, uniq('aot'))
      expect(await addOffsets(c, v, txn, group)).toBe(0)
      expect(await txnOffsetCommit(c, 3, txn, group, { [t.name]: { 0: 7 } })).toEqual({ [`${t.name}:0`]: 0 })
      expect((await endTxn(c, 3, txn, true)).errorCode).toBe(0)
      expect(await fetchOffsets(c, 7, group, { [t.name]: [0] }, true)).toEqual({ [`${t.name}:0`]: [7, 0] })
    })

    it(`v${v}: unknown id → INVALID_PRODUCER_ID_MAPPING, stale epoch → ${v >= 2 ? 'PRODUCER_FENCED' : 'INVALID_PRODUCER_EPOCH'}, empty id → INVALID_REQUEST`, async () => {
      const group = uniq('g')
      expect(await addOffsets(c, v, { id: uniq('nobody'), pid: 1n, epoch: 0 }, group)).toBe(E.INVALID_PRODUCER_ID_MAPPING)
      const id = uniq('aot')
      await initTxn(c, id)
      const txn = await initTxn(c, id)
      expect(await addOffsets(c, v, { ...txn, epoch: 0 }, group)).toBe(fenced(v, 2))
      expect(await addOffsets(c, v, { ...txn, pid: txn.pid + 1000n }, group)).toBe(E.INVALID_PRODUCER_ID_MAPPING)
      expect(await addOffsets(c, v, { ...txn, id: '' }, group)).toBe(E.INVALID_REQUEST)
    })
  }
})

describe('EndTxn v0–4 (transactions v1)', () => {
  for (let v = 0; v <= 4; v++) {
    it(`v${v} commits: markers at the same epoch; a retried commit answers NONE, an abort INVALID_TXN_STATE`, async () => {
      const t = topic(tb)
      const txn = await openTxn(t, ['a'])
      expect(await endTxn(c, v, txn, true)).toEqual({ throttleTimeMs: 0, errorCode: 0, producerId: -1n, producerEpoch: -1 })
      expect(batchesOf((await fetchPartition(c, t, 0, 0)).records).map((b) => [b.marker, b.producerEpoch])).toEqual([[null, txn.epoch], ['commit', txn.epoch]])
      expect((await endTxn(c, v, txn, true)).errorCode).toBe(0)
      expect((await endTxn(c, v, txn, false)).errorCode).toBe(E.INVALID_TXN_STATE)
      // The epoch stays for the next transaction, which is aborted: the mirror image.
      expect(await addPartitions(c, 3, txn, { [t.name]: [0] })).toEqual({ [`${t.name}:0`]: 0 })
      expect((await produce(c, 7, txn.id, t, 0, records(txn, 1, ['b']))).errorCode).toBe(0)
      expect((await endTxn(c, v, txn, false)).errorCode).toBe(0)
      expect((await endTxn(c, v, txn, false)).errorCode).toBe(0)
      expect((await endTxn(c, v, txn, true)).errorCode).toBe(E.INVALID_TXN_STATE)
      const read = await fetchPartition(c, t, 0, 1)
      expect(committedValues(read)).toEqual(['a'])
      expect(read.lastStableOffset).toBe(4n)
    })

    it(`v${v}: Empty → INVALID_TXN_STATE; unknown → INVALID_PRODUCER_ID_MAPPING; other epoch → ${v >= 2 ? 'PRODUCER_FENCED' : 'INVALID_PRODUCER_EPOCH'}`, async () => {
      const id = uniq('end')
      await initTxn(c, id)
      const txn = await initTxn(c, id)
      expect((await endTxn(c, v, txn, true)).errorCode).toBe(E.INVALID_TXN_STATE)
      expect((await endTxn(c, v, txn, false)).errorCode).toBe(E.INVALID_TXN_STATE)
      expect((await endTxn(c, v, { ...txn, id: uniq('nobody') }, true)).errorCode).toBe(E.INVALID_PRODUCER_ID_MAPPING)
      expect((await endTxn(c, v, { ...txn, pid: txn.pid + 1000n }, true)).errorCode).toBe(E.INVALID_PRODUCER_ID_MAPPING)
      expect((await endTxn(c, v, { ...txn, epoch: 0 }, false)).errorCode).toBe(fenced(v, 2))
    })
  }
})

describe('EndTxn v5 (transactions v2, KIP-890)', () => {
  it('bumps the epoch at the end and returns it; a retry with the old epoch gets the same answer', async () => {
    const t = topic(tb)
    const txn = await initTxn(c, uniq('tv2'))
    expect((await produce(c, 12, txn.id, t, 0, records(txn, 0, ['a']))).errorCode).toBe(0) // implicitly added
    const bumped = { ...txn, epoch: txn.epoch + 1 }
    expect(await endTxn(c, 5, txn, true)).toEqual({ throttleTimeMs: 0, errorCode: 0, producerId: txn.pid, producerEpoch: bumped.epoch })
    expect(batchesOf((await fetchPartition(c, t, 0, 0)).records).map((b) => [b.marker, b.producerEpoch])).toEqual([[null, txn.epoch], ['commit', bumped.epoch]])
    expect(await endTxn(c, 5, txn, true)).toMatchObject({ errorCode: 0, producerId: txn.pid, producerEpoch: bumped.epoch })
    expect((await endTxn(c, 5, txn, false)).errorCode).toBe(E.INVALID_TXN_STATE)
    expect((await endTxn(c, 5, bumped, true)).errorCode).toBe(E.INVALID_TXN_STATE) // no transaction at the current epoch
    // The next transaction runs at the new epoch; the old one is fenced from the partition.
    expect((await produce(c, 12, txn.id, t, 0, records(bumped, 0, ['b']))).errorCode).toBe(0)
    expect((await produce(c, 12, txn.id, t, 0, records(txn, 1, ['stale']))).errorCode).toBe(E.INVALID_PRODUCER_EPOCH)
    expect(await endTxn(c, 5, bumped, false)).toMatchObject({ errorCode: 0, producerId: txn.pid, producerEpoch: bumped.epoch + 1 })
    expect(committedValues(await fetchPartition(c, t, 0, 1))).toEqual(['a'])
  })

  it('at an exhausted epoch ends with markers at 32767 and moves the producer to a new id at epoch 0', async () => {
    const t = topic(tb)
    const id = uniq('tv2')
    const first = await initTxn(c, id)
    tb.broker.txns.txns.get(id)!.epoch = 32766 // reaching it honestly takes 32766 transactions
    const txn = { ...first, epoch: 32766 }
    expect((await produce(c, 12, id, t, 0, records(txn, 0, ['a']))).errorCode).toBe(0)
    const r = await endTxn(c, 5, txn, true)
    expect(r.errorCode).toBe(0)
    expect(r.producerId).toBeGreaterThan(txn.pid)
    expect(r.producerEpoch).toBe(0)
    expect(batchesOf((await fetchPartition(c, t, 0, 0)).records).map((b) => [b.marker, BigInt(b.producerId), b.producerEpoch])).toEqual([[null, txn.pid, 32766], ['commit', txn.pid, 32767]])
    expect(await endTxn(c, 5, txn, true)).toMatchObject({ errorCode: 0, producerId: r.producerId, producerEpoch: 0 }) // a retry
    const next = { id, pid: r.producerId, epoch: 0 }
    expect((await produce(c, 12, id, t, 0, records(next, 0, ['b']))).errorCode).toBe(0)
    expect(await endTxn(c, 5, next, true)).toMatchObject({ errorCode: 0, producerId: r.producerId, producerEpoch: 1 })
    expect(committedValues(await fetchPartition(c, t, 0, 1))).toEqual(['a', 'b'])
  })

  it('aborts from Empty with a bump; commit from Empty is INVALID_TXN_STATE; the epoch before an InitProducerId is fenced', async () => {
    const id = uniq('tv2')
    await initTxn(c, id)
    const txn = await initTxn(c, id) // epoch 1, Empty
    expect(await endTxn(c, 5, { ...txn, epoch: 0 }, false)).toEqual({ throttleTimeMs: 0, errorCode: E.PRODUCER_FENCED, producerId: -1n, producerEpoch: -1 })
    expect((await endTxn(c, 5, txn, true)).errorCode).toBe(E.INVALID_TXN_STATE)
    expect(await endTxn(c, 5, txn, false)).toMatchObject({ errorCode: 0, producerId: txn.pid, producerEpoch: 2 })
    expect(await endTxn(c, 5, txn, false)).toMatchObject({ errorCode: 0, producerId: txn.pid, producerEpoch: 2 })
  })
})

describe('TxnOffsetCommit v0–5 and OffsetFetch requireStable', () => {
  async function plainCommit(group: string, t: string, partition: number, offset: number) {
    const r = await c.send(OffsetCommit, 2, { groupId: group, generationIdOrMemberEpoch: -1, memberId: '', topics: [{ name: t, partitions: [{ partitionIndex: partition, committedOffset: BigInt(offset) }] }] })
    expect(r.topics[0]!.partitions[0]!.errorCode).toBe(0)
  }

  for (let v = 0; v <= 5; v++) {
    it(`v${v}: offsets are pending until the commit and dropped by an abort${v === 5 ? ' (the offsets partition joins implicitly)' : ''}`, async () => {
      const t = topic(tb, 3)
      const group = uniq('g')
      const [p0, p1, p2] = [0, 1, 2].map((p) => `${t.name}:${p}`) as [string, string, string]
      await plainCommit(group, t.name, 0, 5)
      let txn: Txn = await initTxn(c, uniq('toc'))
      const end = async (commit: boolean) => {
        const r = await endTxn(c, v === 5 ? 5 : 3, txn, commit)
        expect(r.errorCode).toBe(0)
        if (v === 5) txn = { ...txn, epoch: r.producerEpoch }
      }
      if (v < 5) expect(await addOffsets(c, 1, txn, group)).toBe(0)
      expect(await txnOffsetCommit(c, v, txn, group, { [t.name]: { 0: 10, 1: 3 } })).toEqual({ [p0]: 0, [p1]: 0 })
      const all = { [t.name]: [0, 1, 2] }
      const unstable = { [p0]: [-1, E.UNSTABLE_OFFSET_COMMIT], [p1]: [-1, E.UNSTABLE_OFFSET_COMMIT], [p2]: [-1, 0] }
      const lastCommitted = { [p0]: [5, 0], [p1]: [-1, 0], [p2]: [-1, 0] }
      expect(await fetchOffsets(c, 7, group, all, true)).toEqual(unstable)
      expect(await fetchOffsets(c, 9, group, all, true)).toEqual(unstable)
      expect(await fetchOffsets(c, 7, group, all, false)).toEqual(lastCommitted)
      expect(await fetchOffsets(c, 6, group, all, true)).toEqual(lastCommitted) // v6 cannot ask for stable offsets
      expect(await fetchOffsets(c, 1, group, all, false)).toEqual(lastCommitted)
      await end(true)
      const committed = { [p0]: [10, 0], [p1]: [3, 0], [p2]: [-1, 0] }
      expect(await fetchOffsets(c, 7, group, all, true)).toEqual(committed)

      if (v < 5) expect(await addOffsets(c, 1, txn, group)).toBe(0)
      expect(await txnOffsetCommit(c, v, txn, group, { [t.name]: { 0: 20 } })).toEqual({ [p0]: 0 })
      expect((await fetchOffsets(c, 8, group, all, true))[p0]).toEqual([-1, E.UNSTABLE_OFFSET_COMMIT])
      await end(false)
      expect(await fetchOffsets(c, 8, group, all, true)).toEqual(committed)
    })
  }

  it('a plain commit made while a transactional one is pending wins when the transaction commits (the later write)', async () => {
    const t = topic(tb)
    const group = uniq('g')
    const p = `${t.name}:0`
    const txn = await initTxn(c, uniq('toc'))
    expect(await addOffsets(c, 1, txn, group)).toBe(0)
    expect(await txnOffsetCommit(c, 3, txn, group, { [t.name]: { 0: 10 } })).toEqual({ [p]: 0 })
    await plainCommit(group, t.name, 0, 15)
    expect(await fetchOffsets(c, 7, group, { [t.name]: [0] }, true)).toEqual({ [p]: [-1, E.UNSTABLE_OFFSET_COMMIT] })
    expect(await fetchOffsets(c, 7, group, { [t.name]: [0] }, false)).toEqual({ [p]: [15, 0] })
    expect((await endTxn(c, 3, txn, true)).errorCode).toBe(0)
    expect(await fetchOffsets(c, 7, group, { [t.name]: [0] }, true)).toEqual({ [p]: [15, 0] })
  })

  for (let v = 0; v <= 4; v++) {
    const expected = v === 4 ? 'TRANSACTION_ABORTABLE' : 'INVALID_TXN_STATE'
    it(`v${v} without AddOffsetsToTxn: ${expected}, nothing pending; an empty group id is INVALID_GROUP_ID; an unknown partition fails alone`, async () => {
      const t = topic(tb)
      const group = uniq('g')
      const txn = await openTxn(t, ['a'])
      expect(await txnOffsetCommit(c, v, txn, group, { [t.name]: { 0: 1 } })).toEqual({ [`${t.name}:0`]: E[expected] })
      expect(await fetchOffsets(c, 7, group, { [t.name]: [0] }, true)).toEqual({ [`${t.name}:0`]: [-1, 0] })
      expect(await addOffsets(c, 1, txn, group)).toBe(0)
      expect(await txnOffsetCommit(c, v, txn, '', { [t.name]: { 0: 1 } })).toEqual({ [`${t.name}:0`]: E.INVALID_GROUP_ID })
      expect(await txnOffsetCommit(c, v, txn, group, { [t.name]: { 0: 1, 4: 1 }, 'no-such-topic': { 0: 1 } })).toEqual({
        [`${t.name}:0`]: 0, [`${t.name}:4`]: E.UNKNOWN_TOPIC_OR_PARTITION, 'no-such-topic:0': E.UNKNOWN_TOPIC_OR_PARTITION,
      })
    })
  }

  it('v3–5 check a named member and its generation; an anonymous commit is accepted while the group has members', async () => {
    const t = topic(tb)
    const p = `${t.name}:0`
    const group = uniq('g')
    const member = await TestClient.connect(tb.port)
    try {
      const { memberId, generationId } = await soloGroup(member, group)
      const txn = await initTxn(c, uniq('toc'))
      expect(await addOffsets(c, 1, txn, group)).toBe(0)
      for (const v of [3, 4, 5]) {
        expect(await txnOffsetCommit(c, v, txn, group, { [t.name]: { 0: 1 } }, { generationId, memberId: 'stranger' })).toEqual({ [p]: E.UNKNOWN_MEMBER_ID })
        expect(await txnOffsetCommit(c, v, txn, group, { [t.name]: { 0: 1 } }, { generationId: generationId + 1, memberId })).toEqual({ [p]: E.ILLEGAL_GENERATION })
        expect(await txnOffsetCommit(c, v, txn, group, { [t.name]: { 0: 1 } }, { generationId, memberId })).toEqual({ [p]: 0 })
        expect(await txnOffsetCommit(c, v, txn, group, { [t.name]: { 0: 2 } })).toEqual({ [p]: 0 })
      }
      const noGroup = uniq('no-group')
      expect(await addOffsets(c, 1, txn, noGroup)).toBe(0)
      expect(await txnOffsetCommit(c, 3, txn, noGroup, { [t.name]: { 0: 1 } }, { generationId: 1, memberId })).toEqual({ [p]: E.ILLEGAL_GENERATION })
      expect((await endTxn(c, 3, txn, true)).errorCode).toBe(0)
      expect(await fetchOffsets(c, 7, group, { [t.name]: [0] }, true)).toEqual({ [p]: [2, 0] })
    } finally {
      await member.close()
    }
  })
})

describe('Produce of transactional batches', () => {
  it('needs the request\'s transactionalId: TRANSACTIONAL_ID_AUTHORIZATION_FAILED (v3–13)', async () => {
    const t = topic(tb)
    const txn = await openTxn(t, ['a'])
    for (let v = 3; v <= 13; v++) expect((await produce(c, v, null, t, 0, records(txn, 1, ['b']))).errorCode, `v${v}`).toBe(E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
  })

  for (let v = 3; v <= 13; v++) {
    const outcome = v <= 10 ? 'INVALID_TXN_STATE' : v === 11 ? 'TRANSACTION_ABORTABLE' : 'the partition joins the transaction'
    it(`v${v} to a partition not in the transaction: ${outcome}`, async () => {
      const t = topic(tb)
      const txn = await initTxn(c, uniq('prod'))
      const r = await produce(c, v, txn.id, t, 0, records(txn, 0, ['x']))
      if (v <= 11) {
        expect(r.errorCode).toBe(v <= 10 ? E.INVALID_TXN_STATE : E.TRANSACTION_ABORTABLE)
        expect((await fetchPartition(c, t, 0, 0)).highWatermark).toBe(0n)
        return
      }
      expect(r.errorCode).toBe(0)
      expect((await fetchPartition(c, t, 0, 1)).lastStableOffset).toBe(0n)
      expect(await endTxn(c, 5, txn, true)).toMatchObject({ errorCode: 0, producerEpoch: txn.epoch + 1 })
      expect(committedValues(await fetchPartition(c, t, 0, 1))).toEqual(['x'])
    })
  }

  it('refuses a non-transactional batch from a producer inside a transaction with INVALID_TXN_STATE', async () => {
    const t = topic(tb)
    const txn = await openTxn(t, ['a'])
    expect((await produce(c, 7, null, t, 0, records(txn, 1, ['plain'], { transactional: false }))).errorCode).toBe(E.INVALID_TXN_STATE)
    const read = await fetchPartition(c, t, 0, 0)
    expect([allValues(read), read.lastStableOffset]).toEqual([['a'], 0n])
  })
})

describe('InitProducerId on an open transaction', () => {
  for (let v = 0; v <= 5; v++) {
    it(`v${v} aborts it with markers at epoch + 1, answers epoch + 2, and the old epoch is fenced`, async () => {
      const t = topic(tb, 3)
      const txn = await openTxn(t, ['x'], c, [0, 1])
      const r = await c.send(InitProducerId, v, { transactionalId: txn.id, transactionTimeoutMs: 60_000 })
      expect(r).toEqual({ throttleTimeMs: 0, errorCode: 0, producerId: txn.pid, producerEpoch: txn.epoch + 2 })
      for (const p of [0, 1]) {
        const markers = batchesOf((await fetchPartition(c, t, p, 0)).records).filter((b) => b.marker !== null)
        expect(markers.map((b) => [b.marker, b.producerEpoch])).toEqual([['abort', txn.epoch + 1]])
      }
      const read = await fetchPartition(c, t, 0, 1)
      expect([committedValues(read), read.lastStableOffset, read.highWatermark]).toEqual([[], 2n, 2n])
      expect((await produce(c, 7, txn.id, t, 0, records(txn, 1, ['late']))).errorCode).toBe(E.INVALID_PRODUCER_EPOCH)
      expect((await produce(c, 7, txn.id, t, 2, records(txn, 0, ['late']))).errorCode).toBe(E.INVALID_PRODUCER_EPOCH) // not in the transaction
      expect((await endTxn(c, 3, txn, true)).errorCode).toBe(E.PRODUCER_FENCED)
      const next = { ...txn, epoch: r.producerEpoch }
      expect(await addPartitions(c, 3, next, { [t.name]: [0] })).toEqual({ [`${t.name}:0`]: 0 })
      expect((await produce(c, 7, txn.id, t, 0, records(next, 0, ['y']))).errorCode).toBe(0)
      expect((await endTxn(c, 3, next, true)).errorCode).toBe(0)
      expect(committedValues(await fetchPartition(c, t, 0, 1))).toEqual(['y'])
    })
  }
})

describe('Fetch isolation_level', () => {
  const t = { name: '', id: '' }
  let a: Txn
  let open: Txn
  beforeAll(async () => {
    Object.assign(t, topic(tb))
    a = await openTxn(t, ['a1', 'a2']) // 0-1
    expect((await produce(c, 7, null, t, 0, records(null, 0, ['p']))).errorCode).toBe(0) // 2
  })

  it('read_committed stops at the first open transaction; both levels report that LSO', async () => {
    for (let v = 4; v <= 18; v++) {
      const committed = await fetchPartition(c, t, 0, 1, v)
      expect([committed.records?.length ?? 0, committed.lastStableOffset, committed.highWatermark, committed.abortedTransactions], `v${v}`).toEqual([0, 0n, 3n, []])
      const uncommitted = await fetchPartition(c, t, 0, 0, v)
      expect([allValues(uncommitted), uncommitted.lastStableOffset, uncommitted.abortedTransactions], `v${v}`).toEqual([['a1', 'a2', 'p'], 0n, null])
    }
  })

  it('read_committed lists the aborted transactions it returns data of, read_uncommitted none', async () => {
    const b = await openTxn(t, ['b']) // 3
    expect((await endTxn(c, 3, a, false)).errorCode).toBe(0) // abort marker 4
    expect((await fetchPartition(c, t, 0, 1)).lastStableOffset).toBe(3n) // b is still open
    expect((await endTxn(c, 3, b, true)).errorCode).toBe(0) // commit marker 5
    open = await openTxn(t, ['c']) // 6, left open
    for (let v = 4; v <= 18; v++) {
      const committed = await fetchPartition(c, t, 0, 1, v)
      expect(committed.abortedTransactions, `v${v}`).toEqual([{ producerId: a.pid, firstOffset: 0n }])
      expect([committedValues(committed), committed.lastStableOffset, committed.highWatermark], `v${v}`).toEqual([['p', 'b'], 6n, 7n])
      expect(batchesOf(committed.records).at(-1)!.marker).toBe('commit') // nothing at or past the LSO
      const uncommitted = await fetchPartition(c, t, 0, 0, v)
      expect([allValues(uncommitted), uncommitted.lastStableOffset, uncommitted.abortedTransactions], `v${v}`).toEqual([['a1', 'a2', 'p', 'b', 'c'], 6n, null])
      const inside = await fetchPartition(c, t, 0, 1, v, 1) // from the middle of the aborted transaction
      expect([inside.abortedTransactions, committedValues(inside)], `v${v}`).toEqual([[{ producerId: a.pid, firstOffset: 0n }], ['p', 'b']])
      const atLso = await fetchPartition(c, t, 0, 1, v, 6)
      expect([atLso.records?.length ?? 0, atLso.abortedTransactions], `v${v}`).toEqual([0, []])
    }
  })

  it('a read_committed long poll waiting at the LSO is answered when the transaction commits', async () => {
    const poller = await TestClient.connect(tb.port)
    const onAppend = tb.broker.logs.onAppend
    try {
      // Resolves once the fetch is parked, waiting for appends to the partition.
      const parked = new Promise<void>((resolve) => {
        tb.broker.logs.onAppend = (keys, fn) => {
          if (keys.includes(`${t.name}-0`)) resolve()
          return onAppend.call(tb.broker.logs, keys, fn)
        }
      })
      const polled = poller.send(Fetch, 11, {
        maxWaitMs: 60_000, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 1, sessionEpoch: -1,
        topics: [{ topic: t.name, partitions: [{ partition: 0, fetchOffset: 6n, partitionMaxBytes: 1 << 20 }] }],
      })
      await parked
      expect((await produce(c, 7, null, t, 0, records(null, 0, ['past-lso']))).errorCode).toBe(0) // 7: wakes the poll, still nothing to return
      expect((await fetchPartition(c, t, 0, 1, 11, 6)).records?.length ?? 0).toBe(0)
      expect((await endTxn(c, 3, open, true)).errorCode).toBe(0)
      const p = (await polled).responses[0]!.partitions[0]!
      expect([committedValues(p), p.lastStableOffset]).toEqual([['c', 'past-lso'], 9n])
    } finally {
      tb.broker.logs.onAppend = onAppend
      await poller.close()
    }
  })
})

describe('ListOffsets isolation_level', () => {
  const t = { name: '', id: '' }
  const now = Date.now()
  const [t0, t1, t2] = [now - 3000, now - 2000, now - 1000]
  let txn: Txn
  beforeAll(async () => {
    Object.assign(t, topic(tb))
    expect((await produce(c, 7, null, t, 0, records(null, 0, ['p'], { timestamp: t0 }))).errorCode).toBe(0) // 0
    txn = await initTxn(c, uniq('lo'))
    expect(await addPartitions(c, 3, txn, { [t.name]: [0] })).toEqual({ [`${t.name}:0`]: 0 })
    expect((await produce(c, 7, txn.id, t, 0, records(txn, 0, ['a'], { timestamp: t1 }))).errorCode).toBe(0) // 1, open
    expect((await produce(c, 7, null, t, 0, records(null, 0, ['q'], { timestamp: t2 }))).errorCode).toBe(0) // 2
  })

  it('v2+ read_committed: LATEST is the LSO; a timestamp found at or past it answers -1', async () => {
    for (let v = 2; v <= 10; v++) {
      const at = (ts: number, iso: 0 | 1) => listOffset(c, v, t.name, 0, ts, iso)
      expect(await at(-1, 1), `v${v}`).toEqual([0, 1, -1])
      expect(await at(-1, 0), `v${v}`).toEqual([0, 3, -1])
      expect(await at(-2, 1), `v${v}`).toEqual([0, 0, -1])
      expect(await at(t0, 1), `v${v}`).toEqual([0, 0, t0])
      expect(await at(t1, 1), `v${v}`).toEqual([0, -1, -1])
      expect(await at(t2, 1), `v${v}`).toEqual([0, -1, -1])
      expect(await at(t1, 0), `v${v}`).toEqual([0, 1, t1])
      if (v >= 7) {
        expect(await at(-3, 1), `v${v}`).toEqual([0, -1, -1])
        expect(await at(-3, 0), `v${v}`).toEqual([0, 2, t2])
      }
    }
    expect(await listOffset(c, 1, t.name, 0, -1, 1)).toEqual([0, 3, -1]) // v1 has no isolation level
  })

  it('once the transaction is decided, LATEST moves to the high watermark', async () => {
    expect((await endTxn(c, 3, txn, true)).errorCode).toBe(0)
    expect(await listOffset(c, 5, t.name, 0, -1, 1)).toEqual([0, 4, -1])
    expect(await listOffset(c, 5, t.name, 0, t1, 1)).toEqual([0, 1, t1])
  })
})
