// AlterShareGroupOffsets (91) and DeleteShareGroupOffsets (92) v0 against frames written byte by
// byte from the Kafka 4.4 schemas (flexible v0: compact strings and arrays, uuids, an empty tag
// buffer after each struct): each frame decodes to the expected values, encodes back to the same
// bytes, and every truncated prefix fails cleanly.
import { describe, expect, it } from 'vitest'
import { AlterShareGroupOffsets } from '../../../protocol/apis/alter-share-group-offsets.js'
import { DeleteShareGroupOffsets } from '../../../protocol/apis/delete-share-group-offsets.js'
import type { Reader, Writer } from '../../../protocol/primitives.js'
import { checkTruncation, decodeAll, encode, versionsOf } from '../../helpers/codec.js'

const str = (s: string) => Buffer.concat([Buffer.from([s.length + 1]), Buffer.from(s)])
const i16 = (n: number) => { const b = Buffer.alloc(2); b.writeInt16BE(n); return b }
const i32 = (n: number) => { const b = Buffer.alloc(4); b.writeInt32BE(n); return b }
const i64 = (n: bigint) => { const b = Buffer.alloc(8); b.writeBigInt64BE(n); return b }
const arr = (n: number) => Buffer.from([n + 1])
const TAGS = Buffer.from([0])
const NULL_STR = Buffer.from([0])
const uuidBytes = Buffer.from('000000000000000000000000000000ff', 'hex')
const uuid = uuidBytes.toString('base64url')

function roundTrip(codec: { read(r: Reader): unknown; write(w: Writer, v: never): void }, bytes: Buffer): any { // eslint-disable-line @typescript-eslint/no-explicit-any
  const value = decodeAll(codec, bytes)
  expect(encode(codec, value as never).toString('hex')).toBe(bytes.toString('hex'))
  checkTruncation(codec, bytes)
  return value
}

describe('share-group offset admin codecs', () => {
  it('serve v0 only, as Kafka 4.4', () => {
    expect(versionsOf(AlterShareGroupOffsets)).toEqual([0])
    expect(versionsOf(DeleteShareGroupOffsets)).toEqual([0])
  })

  it('AlterShareGroupOffsets v0 request and response', () => {
    const req = Buffer.concat([str('queue'), arr(1), str('jobs'), arr(2), i32(0), i64(8n), TAGS, i32(1), i64(-1n), TAGS, TAGS, TAGS])
    expect(roundTrip(AlterShareGroupOffsets.request(0), req)).toEqual({ groupId: 'queue', topics: [{ topicName: 'jobs', partitions: [{ partitionIndex: 0, startOffset: 8n }, { partitionIndex: 1, startOffset: -1n }] }] })
    const res = Buffer.concat([i32(0), i16(68), str('busy'), arr(1), str('jobs'), uuidBytes, arr(2), i32(0), i16(0), NULL_STR, TAGS, i32(1), i16(3), str('x'), TAGS, TAGS, TAGS])
    expect(roundTrip(AlterShareGroupOffsets.response(0), res)).toEqual({
      throttleTimeMs: 0, errorCode: 68, errorMessage: 'busy',
      responses: [{ topicName: 'jobs', topicId: uuid, partitions: [{ partitionIndex: 0, errorCode: 0, errorMessage: null }, { partitionIndex: 1, errorCode: 3, errorMessage: 'x' }] }],
    })
  })

  it('DeleteShareGroupOffsets v0 request and response', () => {
    const req = Buffer.concat([str('queue'), arr(2), str('jobs'), TAGS, str('more'), TAGS, TAGS])
    expect(roundTrip(DeleteShareGroupOffsets.request(0), req)).toEqual({ groupId: 'queue', topics: [{ topicName: 'jobs' }, { topicName: 'more' }] })
    const res = Buffer.concat([i32(5), i16(0), NULL_STR, arr(1), str('jobs'), uuidBytes, i16(3), str('none'), TAGS, TAGS])
    expect(roundTrip(DeleteShareGroupOffsets.response(0), res)).toEqual({ throttleTimeMs: 5, errorCode: 0, errorMessage: null, responses: [{ topicName: 'jobs', topicId: uuid, errorCode: 3, errorMessage: 'none' }] })
  })
})
