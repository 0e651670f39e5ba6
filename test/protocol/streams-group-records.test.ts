// The KIP-1071 records of __consumer_offsets: each record type written and read back through
// decodeGroupRecord, Kafka's key versions, tombstones, and a tagged field Kafka writes that
// Rivulet skips.
import { describe, expect, it } from 'vitest'
import { decodeGroupRecord } from '../../protocol/group-records.js'
import { streamsGroupRecords as R } from '../../protocol/streams-group-records.js'

const tasks = { activeTasks: [{ subtopologyId: '0', partitions: [0, 2] }], standbyTasks: [{ subtopologyId: '1', partitions: [1] }], warmupTasks: [] }

describe('streams group records', () => {
  it('round-trips every record type with Kafka key versions 17-23', () => {
    const cases = [
      [R.metadata('g', { epoch: 4, metadataHash: 0n, validatedTopologyEpoch: 1 }), 17, { type: 'metadata', value: { epoch: 4, validatedTopologyEpoch: 1 } }],
      [R.member('g', 'm', { instanceId: null, rackId: 'r', clientId: 'c', clientHost: '/h', rebalanceTimeoutMs: 300, topologyEpoch: 1, processId: 'p', userEndpoint: { host: 'h', port: 9 }, clientTags: [{ key: 'k', value: 'v' }] }), 19, { type: 'member', memberId: 'm', value: { processId: 'p', userEndpoint: { host: 'h', port: 9 } } }],
      [R.targetEpoch('g', 4), 20, { type: 'targetEpoch', value: { assignmentEpoch: 4 } }],
      [R.target('g', 'm', tasks), 21, { type: 'target', memberId: 'm', value: tasks }],
      [R.current('g', 'm', { memberEpoch: 4, previousMemberEpoch: 3, state: 1, ...tasks, activeTasksPendingRevocation: [], standbyTasksPendingRevocation: [], warmupTasksPendingRevocation: [] }), 22, { type: 'current', value: { memberEpoch: 4, state: 1 } }],
      [R.topology('g', { epoch: 1, subtopologies: [{ subtopologyId: '0', sourceTopics: ['in'], sourceTopicRegex: [], stateChangelogTopics: [], repartitionSinkTopics: [], repartitionSourceTopics: [], copartitionGroups: [{ sourceTopics: [0], sourceTopicRegex: [], repartitionSourceTopics: [] }] }] }), 23, { type: 'topology', value: { epoch: 1 } }],
    ] as const
    for (const [rec, keyVersion, want] of cases) {
      expect(rec.key.readInt16BE(0)).toBe(keyVersion)
      expect(rec.value!.readInt16BE(0)).toBe(0)
      const got = decodeGroupRecord(rec.key, rec.value)
      expect(got).toMatchObject({ kind: 'streams', group: 'g', record: want })
    }
  })

  it('reads tombstones', () => {
    expect(decodeGroupRecord(R.metadata('g', null).key, null)).toEqual({ kind: 'streams', group: 'g', record: { type: 'metadata', group: 'g', value: null } })
    expect(decodeGroupRecord(R.current('g', 'm', null).key, null)).toMatchObject({ record: { type: 'current', memberId: 'm', value: null } })
  })

  // StreamsGroupMetadataValue v0 as Kafka writes it with FailedDescriptionTopologyEpoch (tag 3)
  // set: epoch 2, metadataHash 7, then 1 tagged field (tag 3, size 4, int32 5).
  it('skips tagged fields it does not use', () => {
    const value = Buffer.from('0000' + '00000002' + '0000000000000007' + '01' + '03' + '04' + '00000005', 'hex')
    expect(decodeGroupRecord(R.metadata('g', null).key, value)).toMatchObject({ record: { type: 'metadata', value: { epoch: 2, metadataHash: 7n, validatedTopologyEpoch: -1 } } })
  })
})
