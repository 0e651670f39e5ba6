// Committed offsets in __consumer_offsets as Kafka 4.4.0 writes them: value v4 (flexible, the topic
// id as tagged field 0) or v1 when the commit has an expiry. Tools that decode the topic
// themselves (Burrow, compat/burrow/run.mjs) read exactly these bytes. The expected bytes below
// were read back from a Kafka 4.4.0 broker's __consumer_offsets after a commit of group "gjs",
// topic "t1", partition 0, offset 1.
import { describe, expect, it } from 'vitest'
import { decodeGroupRecord, offsetRecord } from '../../protocol/group-records.js'
import { ZERO_UUID } from '../../protocol/primitives.js'

const topicId = '04JnAxBHQjedWH6O0SRGvA' // d3826703104742379d587e8ed12446bc
const commit = { offset: 1n, leaderEpoch: -1, metadata: '', commitTimestamp: 0x1a25070416bn, expireTimestamp: -1n }

describe('offset commit records', () => {
  it('writes key v1 and value v4 with the topic id, byte for byte as Kafka 4.4.0', () => {
    const r = offsetRecord('gjs', 't1', 0, { ...commit, topicId })
    expect(r.key.toString('hex')).toBe('00010003676a730002743100000000')
    expect(r.value!.toString('hex')).toBe('0004' + '0000000000000001' + 'ffffffff' + '01' + '000001a25070416b' + '01' + '00' + '10' + 'd3826703104742379d587e8ed12446bc')
    expect(decodeGroupRecord(r.key, r.value)).toEqual({ kind: 'offset', group: 'gjs', topic: 't1', partition: 0, value: { ...commit, topicId } })
  })

  it('leaves the tagged topic id out when the topic has none', () => {
    const r = offsetRecord('gjs', 't1', 0, commit)
    expect(r.value!.toString('hex')).toBe('0004' + '0000000000000001' + 'ffffffff' + '01' + '000001a25070416b' + '00')
    expect(decodeGroupRecord(r.key, r.value)).toMatchObject({ value: { ...commit, topicId: ZERO_UUID } })
  })

  it('writes value v1 for a commit with an expiry (OffsetCommit v2-4 retention), as Kafka does', () => {
    const r = offsetRecord('gjs', 't1', 0, { ...commit, leaderEpoch: 5, expireTimestamp: 0x1a2507041ffn, topicId })
    expect(r.value!.readInt16BE(0)).toBe(1)
    // v1: offset, metadata, commit timestamp, expire timestamp (no leader epoch, no topic id)
    expect(r.value!.toString('hex')).toBe('0001' + '0000000000000001' + '0000' + '000001a25070416b' + '000001a2507041ff')
    expect(decodeGroupRecord(r.key, r.value)).toMatchObject({ value: { offset: 1n, leaderEpoch: -1, expireTimestamp: 0x1a2507041ffn } })
  })

  it('still reads value v3, written by earlier Rivulets', () => {
    const v3 = Buffer.from('0003' + '0000000000000007' + '00000002' + '0002' + '6d64' + '000001a25070416b', 'hex')
    expect(decodeGroupRecord(offsetRecord('g', 't', 1, null).key, v3)).toEqual({
      kind: 'offset', group: 'g', topic: 't', partition: 1,
      value: { offset: 7n, leaderEpoch: 2, metadata: 'md', commitTimestamp: 0x1a25070416bn, expireTimestamp: -1n, topicId: ZERO_UUID },
    })
  })

  it('writes a null value for a tombstone', () => {
    expect(offsetRecord('gjs', 't1', 0, null).value).toBeNull()
  })
})
