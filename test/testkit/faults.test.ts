// The kit's faults on the wire, with the raw test client: each rule changes exactly the answer it
// names (error N times, per-partition errors, delay, drop before/after, hang, throttle, paused
// appends, NOT_LEADER_OR_FOLLOWER for a while), rules compose, and clear() ends them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FindCoordinator } from '../../protocol/apis/find-coordinator.js'
import { ListOffsets } from '../../protocol/apis/list-offsets.js'
import { Metadata } from '../../protocol/apis/metadata.js'
import { Produce } from '../../protocol/apis/produce.js'
import { ErrorCode } from '../../protocol/errors.js'
import { buildBatch } from '../../protocol/records/index.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

let b: TestBroker
let client: TestClient

beforeEach(async () => {
  b = await startTestBroker()
  b.kit.createTopic('t', { partitions: 2 })
  client = await TestClient.connect(b.port)
})
afterEach(async () => {
  client.close()
  await b.cleanup()
})

const findCoordinator = (c = client) => c.send(FindCoordinator, 3, { key: 'g', keyType: 0 })
const produce = (partitions: number[], o: { acks?: number; timeoutMs?: number } = {}, c = client) =>
  c.send(Produce, 9, {
    acks: o.acks ?? -1,
    timeoutMs: o.timeoutMs ?? 5000,
    topicData: [{ name: 't', partitionData: partitions.map((index) => ({ index, records: buildBatch({ records: [{ key: null, value: Buffer.from(`p${index}`) }] }) })) }],
  })
const codes = (res: Awaited<ReturnType<typeof produce>>) => Object.fromEntries(res.responses[0]!.partitionResponses.map((p) => [p.index, p.errorCode]))

describe('request faults', () => {
  it('answers an error code N times, then the real answer', async () => {
    b.kit.faults.error('FindCoordinator', 'COORDINATOR_NOT_AVAILABLE', { times: 3 })
    for (let i = 0; i < 3; i++) expect((await findCoordinator()).errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    expect((await findCoordinator()).errorCode).toBe(0)
    expect(b.kit.faults.list()).toEqual([])
  })

  it('keeps answering the error until removed, and matches version range and client id', async () => {
    const id = b.kit.faults.add({ api: 10, versions: '3+', clientId: 'rivulet-test', error: 15 })
    const other = b.kit.faults.add({ api: 10, clientId: 'someone-else', error: 16 })
    expect((await findCoordinator()).errorCode).toBe(15)
    expect((await findCoordinator()).errorCode).toBe(15)
    expect((await client.send(FindCoordinator, 2, { key: 'g', keyType: 0 })).errorCode).toBe(0)
    expect(b.kit.faults.list()).toMatchObject([{ id, remaining: null }, { id: other }])
    expect(b.kit.faults.remove(id)).toBe(true)
    expect((await findCoordinator()).errorCode).toBe(0)
  })

  it('answers per-partition errors only for the faulted partition and does not append its data', async () => {
    b.kit.faults.add({ api: 'Produce', topic: 't', partition: 1, error: 'NOT_ENOUGH_REPLICAS', times: 1 })
    expect(codes(await produce([0, 1]))).toEqual({ 0: 0, 1: ErrorCode.NOT_ENOUGH_REPLICAS })
    expect(b.kit.records('t').map((r) => r.partition)).toEqual([0])
    expect(codes(await produce([1]))).toEqual({ 1: 0 })
  })

  it('answers ListOffsets per partition', async () => {
    b.kit.faults.notLeader('t', 0)
    const res = await client.send(ListOffsets, 5, { replicaId: -1, isolationLevel: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, timestamp: -1n }, { partitionIndex: 1, timestamp: -1n }] }] })
    expect(res.topics[0]!.partitions.map((p) => [p.partitionIndex, p.errorCode])).toEqual([[1, 0], [0, ErrorCode.NOT_LEADER_OR_FOLLOWER]])
  })

  it('makes a partition NOT_LEADER_OR_FOLLOWER for a while', async () => {
    b.kit.faults.notLeader('t', 0, { durationMs: 50 })
    expect(codes(await produce([0]))).toEqual({ 0: ErrorCode.NOT_LEADER_OR_FOLLOWER })
    await b.kit.until.condition('the fault to expire', () => b.kit.faults.list().length === 0)
    expect(codes(await produce([0]))).toEqual({ 0: 0 })
  })

  it('delays and throttles a response (throttle_time_ms set)', async () => {
    b.kit.faults.add({ api: 'Metadata', delayMs: 80 })
    b.kit.faults.add({ api: 'Metadata', throttleMs: 70 })
    const started = performance.now()
    const res = await client.send(Metadata, 9, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
    expect(performance.now() - started).toBeGreaterThanOrEqual(145)
    expect(res.throttleTimeMs).toBe(70)
  })

  it('drops the connection before handling: nothing is appended', async () => {
    b.kit.faults.add({ api: 'Produce', drop: 'before', times: 1 })
    await expect(produce([0])).rejects.toThrow(/closed/)
    expect(b.kit.records('t')).toEqual([])
  })

  it('drops the connection after handling: the data is in, the client never hears', async () => {
    b.kit.faults.add({ api: 'Produce', drop: 'after', times: 1 })
    await expect(produce([0])).rejects.toThrow(/closed/)
    expect(b.kit.records('t').map((r) => r.value!.toString())).toEqual(['p0'])
  })

  it('hangs a request until the rule is cleared, holding later responses of the connection', async () => {
    b.kit.faults.add({ api: 'FindCoordinator', hang: true, times: 1 })
    let answered = false
    const hung = findCoordinator().then((r) => ((answered = true), r))
    const later = client.send(Metadata, 9, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
    const second = await TestClient.connect(b.port)
    try {
      expect((await findCoordinator(second)).errorCode).toBe(0) // times: 1 — only the first hangs
    } finally {
      second.close()
    }
    expect(answered).toBe(false)
    b.kit.faults.clear()
    expect((await hung).errorCode).toBe(0)
    await later
  })

  it('pauses a partition: Produce waits until resumed', async () => {
    const id = b.kit.faults.pausePartition('t', 0)
    let done = false
    const pending = produce([0, 1]).then((r) => ((done = true), r))
    await b.kit.until.condition('the produce to arrive', () => b.kit.requests.list('Produce').length === 1)
    expect(done).toBe(false)
    expect(b.kit.records('t')).toEqual([])
    b.kit.faults.remove(id)
    expect(codes(await pending)).toEqual({ 0: 0, 1: 0 })
    expect(b.kit.records('t')).toHaveLength(2)
  })

  it('pauses a partition: after the request timeout the paused partition answers REQUEST_TIMED_OUT', async () => {
    b.kit.faults.pausePartition('t', 0)
    expect(codes(await produce([0, 1], { timeoutMs: 50 }))).toEqual({ 0: ErrorCode.REQUEST_TIMED_OUT, 1: 0 })
    expect(b.kit.records('t').map((r) => r.partition)).toEqual([1])
  })

  it('rejects bad rules with a clear message', () => {
    expect(() => b.kit.faults.add({ api: 'Nope', error: 1 })).toThrow(/unknown API "Nope"/)
    expect(() => b.kit.faults.add({ api: 'Produce' })).toThrow(/exactly one of/)
    expect(() => b.kit.faults.add({ api: 'Produce', error: 'NOT_A_CODE' })).toThrow(/unknown error/)
    expect(() => b.kit.faults.add({ api: 'Produce', delayMs: -1 })).toThrow(/non-negative integer/)
    expect(() => b.kit.faults.add({ api: 'Produce', versions: 'x', delayMs: 1 })).toThrow(/versions must/)
    expect(() => b.kit.faults.add({ partition: 1, notLeader: true } as never)).toThrow(/needs a topic/)
    expect(() => b.kit.faults.add({ api: 'Produce', error: 1, bogus: 1 } as never)).toThrow(/unknown fault field "bogus"/)
    expect(() => b.kit.faults.add({ api: 'Metadata', topic: 't', error: 3 })).toThrow(/apply to Produce, Fetch and ListOffsets only/)
    expect(b.kit.faults.list()).toEqual([])
  })

  it('installs no hook while there is no rule', () => {
    const hooks = b.broker.requestHooks
    const before = hooks.length
    const id = b.kit.faults.add({ api: 'Produce', delayMs: 1 })
    expect(hooks.length).toBe(before + 1)
    b.kit.faults.remove(id)
    expect(hooks.length).toBe(before)
  })
})
