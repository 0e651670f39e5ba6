import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DeleteGroups } from '../../protocol/apis/delete-groups.js'
import { OffsetCommit } from '../../protocol/apis/offset-commit.js'
import { OffsetFetch } from '../../protocol/apis/offset-fetch.js'
import { ErrorCode } from '../../protocol/errors.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'
import { soloGroup } from '../helpers/groups.js'
import { Kafka, logLevel } from '../helpers/kafkajs.js'

let b: TestBroker
let c: TestClient

beforeAll(async () => {
  b = await startTestBroker()
  b.broker.createTopic('dgr', 1, 1, {})
  c = await TestClient.connect(b.port)
})
afterAll(async () => {
  await c.close()
  await b.cleanup()
})

const commit = (groupId: string) =>
  c.send(OffsetCommit, 2, { groupId, generationIdOrMemberEpoch: -1, memberId: '', topics: [{ name: 'dgr', partitions: [{ partitionIndex: 0, committedOffset: 4n }] }] })

describe('DeleteGroups', () => {
  // v3 adds errorMessage: Kafka 4.4.0 leaves it null for classic-group results (only a failed
  // coordinator call or a streams topology error carries one).
  it.each([0, 1, 2, 3])('v%i deletes empty groups with their offsets; refuses live and unknown groups', async (v) => {
    await commit(`dgr-empty-v${v}`)
    await soloGroup(c, `dgr-live-v${v}`)
    const res = await c.send(DeleteGroups, v, { groupsNames: [`dgr-empty-v${v}`, `dgr-live-v${v}`, 'dgr-nobody', `dgr-empty-v${v}`] })
    expect(res).toEqual({
      throttleTimeMs: 0,
      results: [
        { groupId: `dgr-empty-v${v}`, errorCode: 0, errorMessage: null },
        { groupId: `dgr-live-v${v}`, errorCode: ErrorCode.NON_EMPTY_GROUP, errorMessage: null },
        { groupId: 'dgr-nobody', errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: null },
      ],
    })
    const fetched = await c.send(OffsetFetch, 1, { groupId: `dgr-empty-v${v}`, topics: [{ name: 'dgr', partitionIndexes: [0] }] })
    expect(fetched.topics[0]!.partitions[0]!.committedOffset).toBe(-1n)
    expect(b.broker.groups.group(`dgr-empty-v${v}`)).toBeUndefined()
  })

  it('is what kafkajs admin.deleteGroups uses', async () => {
    await commit('dgr-kafkajs')
    const admin = new Kafka({ brokers: [b.bootstrap], logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    try {
      expect(await admin.deleteGroups(['dgr-kafkajs'])).toEqual([{ groupId: 'dgr-kafkajs', errorCode: 0 }])
      await expect(admin.deleteGroups(['dgr-kafkajs'])).rejects.toThrow()
    } finally {
      await admin.disconnect()
    }
  })
})
