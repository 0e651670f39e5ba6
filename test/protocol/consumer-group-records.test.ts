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
    const member = { instanceId: 'i', rackId: null, clientId: 'c', clientHost: '/127.0.0.1', subscribedTopicNames: ['t'], subscribedTopicRegex: 'x.*', rebalanceTimeoutMs: 30000, serverAssignor: 'range', classicMemberMetadata: null }
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

  it('writes a classic member\'s metadata as tagged field 0, a nullable struct (marker byte 1), as Kafka does', () => {
    const classicMemberMetadata = { sessionTimeoutMs: 45000, supportedProtocols: [{ name: 'range', metadata: Buffer.from('0003', 'hex') }] }
    const member = { instanceId: null, rackId: null, clientId: 'c', clientHost: 'h', subscribedTopicNames: [], subscribedTopicRegex: null, rebalanceTimeoutMs: 1, serverAssignor: null, classicMemberMetadata }
    const m = R.member('g', 'm1', member)
    // ... serverAssignor null (00), one tagged field: tag 0, size 17, marker 01, session timeout,
    // one protocol ("range", 2 bytes of metadata), the protocol's and the struct's empty tag sections.
    const tail = '00' + '01' + '00' + '11' + '01' + '0000afc8' + '02' + '0672616e6765' + '03' + '0003' + '00' + '00'
    expect(m.value!.toString('hex').endsWith(tail)).toBe(true)
    expect(decodeGroupRecord(m.key, m.value)).toMatchObject({ record: { type: 'member', value: member } })
    expect(decodeGroupRecord(m.key, R.member('g', 'm1', { ...member, classicMemberMetadata: null }).value)).toMatchObject({ record: { value: { classicMemberMetadata: null } } })
  })

  it('reads the records it does not keep (partition metadata v4) without failing', () => {
    const key = Buffer.from('0004' + '0001' + '67', 'hex')
    expect(decodeGroupRecord(key, Buffer.from('000000', 'hex'))).toEqual({ kind: 'consumer', group: 'g', record: { type: 'ignored', group: 'g' } })
  })
})
