// Kafka's KIP-848 __consumer_offsets records: byte layout (int16 key version, non-flexible key;
// int16 value version 0, flexible value with its tagged-field count) and round trips.
import { describe, expect, it } from 'vitest'
import { consumerGroupRecords as R } from '../../protocol/consumer-group-records.js'
import { decodeGroupRecord } from '../../protocol/group-records.js'

const topicId = 'AAAAAAAAAAAAAAAAAAAAAQ'

describe('consumer group records', () => {
  it('lays out ConsumerGroupMetadata (key v3) as Kafka does', () => {
    const r = R.epoch('g', 7)
    expect(r.key.toString('hex')).toBe('0003' + '0001' + '67')
    expect(r.value!.toString('hex')).toBe('0000' + '00000007' + '00')
    expect(decodeGroupRecord(r.key, r.value)).toEqual({ kind: 'consumer', group: 'g', record: { type: 'epoch', group: 'g', value: { epoch: 7 } } })
  })

  it('round-trips member metadata, target and current assignment records, and tombstones', () => {
    const member = { instanceId: 'i', rackId: null, clientId: 'c', clientHost: '/127.0.0.1', subscribedTopicNames: ['t'], subscribedTopicRegex: 'x.*', rebalanceTimeoutMs: 30000, serverAssignor: 'range' }
    const m = R.member('g', 'm1', member)
    expect(m.key.readInt16BE(0)).toBe(5)
    expect(decodeGroupRecord(m.key, m.value)).toMatchObject({ record: { type: 'member', memberId: 'm1', value: member } })
    const tps = [{ topicId, partitions: [0, 2] }]
    const t = R.target('g', 'm1', tps)
    expect(t.key.readInt16BE(0)).toBe(7)
    expect(decodeGroupRecord(t.key, t.value)).toMatchObject({ record: { type: 'target', memberId: 'm1', value: { topicPartitions: tps } } })
    const current = { memberEpoch: 3, previousMemberEpoch: 2, state: 1, assignedPartitions: tps, partitionsPendingRevocation: [{ topicId, partitions: [1] }] }
    const c = R.current('g', 'm1', current)
    expect(c.key.readInt16BE(0)).toBe(8)
    expect(decodeGroupRecord(c.key, c.value)).toMatchObject({ record: { type: 'current', value: current } })
    expect(decodeGroupRecord(R.targetEpoch('g', 3).key, R.targetEpoch('g', 3).value)).toMatchObject({ record: { type: 'targetEpoch', value: { assignmentEpoch: 3 } } })
    expect(decodeGroupRecord(c.key, null)).toMatchObject({ record: { type: 'current', value: null } })
  })

  it('reads the records it does not keep (partition metadata v4) without failing', () => {
    const key = Buffer.from('0004' + '0001' + '67', 'hex')
    expect(decodeGroupRecord(key, Buffer.from('000000', 'hex'))).toEqual({ kind: 'consumer', group: 'g', record: { type: 'ignored', group: 'g' } })
  })
})
