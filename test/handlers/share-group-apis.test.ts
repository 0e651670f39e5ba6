// The KIP-932 APIs through the wire: ShareGroupHeartbeat and ShareGroupDescribe, ShareFetch with
// share sessions (epochs, SHARE_SESSION_NOT_FOUND, INVALID_SHARE_SESSION_EPOCH, forgotten
// partitions), piggybacked and ShareAcknowledge acknowledgements with INVALID_RECORD_STATE, session
// close releasing records, and what ListGroups and DescribeGroups answer about a share group.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DeleteGroups } from '../../protocol/apis/delete-groups.js'
import { DescribeGroups } from '../../protocol/apis/describe-groups.js'
import { IncrementalAlterConfigs } from '../../protocol/apis/incremental-alter-configs.js'
import { ListGroups } from '../../protocol/apis/list-groups.js'
import { Produce } from '../../protocol/apis/produce.js'
import { ShareAcknowledge } from '../../protocol/apis/share-acknowledge.js'
import { ShareFetch } from '../../protocol/apis/share-fetch.js'
import { ShareGroupDescribe } from '../../protocol/apis/share-group-describe.js'
import { ShareGroupHeartbeat } from '../../protocol/apis/share-group-heartbeat.js'
import { ErrorCode } from '../../protocol/errors.js'
import { buildBatch } from '../../protocol/records/index.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

let b: TestBroker
let client: TestClient
let topicId: string
beforeAll(async () => {
  b = await startTestBroker()
  client = await TestClient.connect(b.port)
  topicId = b.broker.createTopic('jobs', 1, 1, {}).id
  b.broker.cluster.groupConfigs.set('q', { 'share.auto.offset.reset': 'earliest' })
  await client.send(Produce, 9, { acks: -1, timeoutMs: 5000, topicData: [{ name: 'jobs', partitionData: [{ index: 0, records: buildBatch({ records: ['a', 'b', 'c'].map((value) => ({ key: null, value })) }) }] }] })
})
afterAll(async () => {
  await client.close()
  await b.cleanup()
})

const fetch = (memberId: string, shareSessionEpoch: number, o: Record<string, unknown> = {}) =>
  client.send(ShareFetch, 2, { groupId: 'q', memberId, shareSessionEpoch, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, maxRecords: 500, batchSize: 500, topics: [], ...o })
const ackTopics = (first: number, last: number, types: number[]) => [{ topicId, partitions: [{ partitionIndex: 0, acknowledgementBatches: [{ firstOffset: BigInt(first), lastOffset: BigInt(last), acknowledgeTypes: types }] }] }]

describe('KIP-932 APIs on the wire', () => {
  it('joins and describes a share group; the classic APIs see it as Kafka shows it', async () => {
    const r = await client.send(ShareGroupHeartbeat, 1, { groupId: 'q', memberId: 'm1', memberEpoch: 0, subscribedTopicNames: ['jobs'] })
    expect(r).toMatchObject({ errorCode: 0, memberId: 'm1', memberEpoch: 1, heartbeatIntervalMs: 5000, assignment: { topicPartitions: [{ topicId, partitions: [0] }] } })
    const d = await client.send(ShareGroupDescribe, 1, { groupIds: ['q', 'none'], includeAuthorizedOperations: true })
    expect(d.groups[0]).toMatchObject({ errorCode: 0, groupState: 'Stable', groupEpoch: 1, assignorName: 'simple', members: [{ memberId: 'm1', clientId: 'rivulet-test', assignment: { topicPartitions: [{ topicId, topicName: 'jobs', partitions: [0] }] } }] })
    expect(d.groups[0]!.authorizedOperations).toBeGreaterThan(0)
    expect(d.groups[1]).toMatchObject({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: 'Group none not found.' })
    const l = await client.send(ListGroups, 5, { statesFilter: [], typesFilter: ['share'] })
    expect(l.groups).toEqual([{ groupId: 'q', protocolType: 'share', groupState: 'Stable', groupType: 'share' }])
    const dg = await client.send(DescribeGroups, 6, { groups: ['q'] })
    expect(dg.groups[0]).toMatchObject({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: 'Group q is not a classic group.' })
  })

  it('runs a share session: acquire, acknowledge, epochs, close', async () => {
    expect((await fetch('m1', 1)).errorCode).toBe(ErrorCode.SHARE_SESSION_NOT_FOUND)
    const first = await fetch('m1', 0, { topics: [{ topicId, partitions: [{ partitionIndex: 0 }] }] })
    expect(first.errorCode).toBe(0)
    expect(first.acquisitionLockTimeoutMs).toBe(30000)
    const p = first.responses[0]!.partitions[0]!
    expect(p.acquiredRecords).toEqual([{ firstOffset: 0n, lastOffset: 2n, deliveryCount: 1 }])
    expect(p.records!.length).toBeGreaterThan(61)
    expect((await fetch('m1', 0, { topics: ackTopics(0, 0, [1]) })).errorCode).toBe(ErrorCode.INVALID_REQUEST)
    // That epoch-0 request was refused before the session changed: epoch 1 is still expected.
    expect((await fetch('m1', 5)).errorCode).toBe(ErrorCode.INVALID_SHARE_SESSION_EPOCH)
    const acked = await fetch('m1', 1, { topics: ackTopics(0, 1, [1, 2]) })
    expect(acked.responses[0]!.partitions[0]).toMatchObject({ acknowledgeErrorCode: 0, acquiredRecords: [{ firstOffset: 1n, lastOffset: 1n, deliveryCount: 2 }] })
    const past = await client.send(ShareAcknowledge, 2, { groupId: 'q', memberId: 'm1', shareSessionEpoch: 2, topics: ackTopics(2, 9, [1]) })
    expect(past.responses[0]!.partitions[0]!.errorCode).toBe(ErrorCode.INVALID_REQUEST)
    expect(past.acquisitionLockTimeoutMs).toBe(30000)
    // m1 holds 1 and 2: another member may not acknowledge them.
    expect((await fetch('m9', 0, { topics: [{ topicId, partitions: [{ partitionIndex: 0 }] }] })).responses[0]!.partitions[0]!.acquiredRecords).toEqual([])
    const theirs = await client.send(ShareAcknowledge, 1, { groupId: 'q', memberId: 'm9', shareSessionEpoch: 1, topics: ackTopics(1, 1, [1]) })
    expect(theirs.responses[0]!.partitions[0]!).toMatchObject({ errorCode: ErrorCode.INVALID_RECORD_STATE, errorMessage: 'The record at offset 1 is not acquired by member m9.' })
    expect((await client.send(ShareAcknowledge, 1, { groupId: 'q', memberId: 'm1', shareSessionEpoch: 0, topics: [] })).errorCode).toBe(ErrorCode.INVALID_SHARE_SESSION_EPOCH)
    // Closing the session accepts 1 and gives back 2, which another member then gets.
    const closed = await client.send(ShareAcknowledge, 1, { groupId: 'q', memberId: 'm1', shareSessionEpoch: -1, topics: ackTopics(1, 1, [1]) })
    expect(closed.responses[0]!.partitions[0]!.errorCode).toBe(0)
    expect((await fetch('m1', 3)).errorCode).toBe(ErrorCode.SHARE_SESSION_NOT_FOUND)
    const other = await fetch('m2', 0, { topics: [{ topicId, partitions: [{ partitionIndex: 0 }] }] })
    expect(other.responses[0]!.partitions[0]!.acquiredRecords).toEqual([{ firstOffset: 2n, lastOffset: 2n, deliveryCount: 2 }])
    // An incremental fetch with nothing new answers no partitions; a forgotten one is not read.
    expect((await fetch('m2', 1)).responses).toEqual([])
    expect((await fetch('m2', 2, { forgottenTopicsData: [{ topicId, partitions: [0] }] })).responses).toEqual([])
  })

  it('answers per-partition errors for unknown topics and a request without member id', async () => {
    const r = await fetch('m3', 0, { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', partitions: [{ partitionIndex: 0 }] }, { topicId, partitions: [{ partitionIndex: 7 }] }] })
    expect(r.responses.map((t) => t.partitions[0]!.errorCode)).toEqual([ErrorCode.UNKNOWN_TOPIC_ID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION])
    expect((await fetch('', 0)).errorCode).toBe(ErrorCode.INVALID_REQUEST)
  })

  it('deletes an empty share group with its share-partition state', async () => {
    const del = () => client.send(DeleteGroups, 2, { groupsNames: ['q'] })
    expect((await del()).results[0]!.errorCode).toBe(ErrorCode.NON_EMPTY_GROUP)
    expect((await client.send(ShareGroupHeartbeat, 1, { groupId: 'q', memberId: 'm1', memberEpoch: -1 })).errorCode).toBe(0)
    expect((await del()).results[0]!.errorCode).toBe(0)
    expect(b.broker.shareGroups.partitions.get('q', topicId, 0)).toBeUndefined()
    expect((await client.send(ShareGroupDescribe, 1, { groupIds: ['q'], includeAuthorizedOperations: false })).groups[0]!.errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND)
    expect((await del()).results[0]!.errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND)
  })

  it('checks the share group configs as Kafka 4.4 does', async () => {
    const set = async (name: string, value: string) => {
      const r = await client.send(IncrementalAlterConfigs, 1, { resources: [{ resourceType: 32, resourceName: 'cfg', configs: [{ name, configOperation: 0, value }] }], validateOnly: true })
      return r.responses[0]!
    }
    expect(await set('share.record.lock.duration.ms', '1000')).toMatchObject({ errorCode: ErrorCode.INVALID_CONFIG, errorMessage: 'share.record.lock.duration.ms must be in the range 15000 to 60000 inclusive.' })
    expect((await set('share.record.lock.duration.ms', '20000')).errorCode).toBe(0)
    expect((await set('share.delivery.count.limit', '1')).errorCode).toBe(ErrorCode.INVALID_CONFIG)
    expect((await set('share.isolation.level', 'read_sometimes')).errorCode).toBe(ErrorCode.INVALID_CONFIG)
    expect((await set('share.auto.offset.reset', 'earliest')).errorCode).toBe(0)
    expect((await set('share.auto.offset.reset', 'first')).errorCode).toBe(ErrorCode.INVALID_CONFIG)
  })
})
