import { ProtocolError, type Reader, type Writer } from '../primitives.js'
import { defineApi, inRange, t, type ApiDefinition, type Codec, type DeepPartial, type RequestOf, type ResponseOf } from '../schema.js'

// DescribeTopicPartitions (75, KIP-966). Single version. Pages through topics: at most
// responsePartitionLimit partitions per answer, resuming from cursor; nextCursor null on the last page.
//
// Kafka's cursor fields are nullable structs (an int8 marker, -1 null, 1 present, then the struct),
// which t.struct cannot express yet, so the top level is written by hand around compiled element
// codecs. With nullable structs in the schema this collapses into a plain defineApi.

// A struct in a flexible version is its fields followed by its tagged fields: exactly what a
// defineApi codec reads, so these definitions serve as element codecs only.
const Elements = defineApi({
  key: 75,
  name: 'DescribeTopicPartitions.topic',
  valid: '0',
  flexible: '0+',
  request: {
    name: t.string(),
  },
  response: {
    errorCode: t.errorCode(),
    name: t.nullableString({ default: '' }),
    topicId: t.uuid(),
    isInternal: t.bool(),
    partitions: t.array({
      errorCode: t.errorCode(),
      partitionIndex: t.int32(),
      leaderId: t.int32(),
      leaderEpoch: t.int32({ default: -1 }),
      replicaNodes: t.array(t.int32()),
      isrNodes: t.array(t.int32()),
      eligibleLeaderReplicas: t.nullableArray(t.int32()),
      lastKnownElr: t.nullableArray(t.int32()),
      offlineReplicas: t.array(t.int32()),
    }),
    topicAuthorizedOperations: t.int32({ default: -2147483648 }),
  },
})
const CursorStruct = defineApi({
  key: 75,
  name: 'DescribeTopicPartitions.cursor',
  valid: '0',
  flexible: '0+',
  request: { topicName: t.string(), partitionIndex: t.int32() },
  response: {},
})

type Cursor = RequestOf<typeof CursorStruct>
interface Request {
  topics: RequestOf<typeof Elements>[]
  responsePartitionLimit: number
  cursor: Cursor | null
}
interface Response {
  throttleTimeMs: number
  topics: ResponseOf<typeof Elements>[]
  nextCursor: Cursor | null
}

const topicRequest = Elements.request(0)
const topicResponse = Elements.response(0)
const cursorCodec = CursorStruct.request(0)

function readArray<T>(r: Reader, el: Codec<T>, name: string): T[] {
  const n = r.compactLength()
  if (n < 0) throw new ProtocolError(`non-nullable array ${name} is null`)
  // Every element takes at least one byte: a hostile length cannot make us allocate a huge array.
  if (n > r.remaining) throw new ProtocolError(`array ${name} claims ${n} elements, only ${r.remaining} bytes left`)
  const out = new Array<T>(n)
  for (let i = 0; i < n; i++) out[i] = el.read(r)
  return out
}

function writeArray<T>(w: Writer, el: Codec<T>, a: DeepPartial<T>[] | undefined): void {
  const n = a?.length ?? 0
  w.uvarint(n + 1)
  for (let i = 0; i < n; i++) el.write(w, a![i])
}

function readCursor(r: Reader): Cursor | null {
  return r.int8() < 0 ? null : cursorCodec.read(r)
}

function writeCursor(w: Writer, c: DeepPartial<Cursor> | null | undefined): void {
  if (c === null || c === undefined) return w.int8(-1)
  w.int8(1)
  cursorCodec.write(w, c)
}

// No top-level tagged fields are defined in v0; any a newer peer sends are skipped.
function skipTaggedFields(r: Reader): void {
  const n = r.uvarint()
  for (let i = 0; i < n; i++) {
    r.uvarint()
    r.skip(r.uvarint())
  }
}

const request: Codec<Request> = {
  read(r) {
    const topics = readArray(r, topicRequest, 'topics')
    const responsePartitionLimit = r.int32()
    const cursor = readCursor(r)
    skipTaggedFields(r)
    return { topics, responsePartitionLimit, cursor }
  },
  write(w, v) {
    writeArray(w, topicRequest, v?.topics)
    w.int32(v?.responsePartitionLimit ?? 2000)
    writeCursor(w, v?.cursor)
    w.uvarint(0)
  },
}

const response: Codec<Response> = {
  read(r) {
    const throttleTimeMs = r.int32()
    const topics = readArray(r, topicResponse, 'topics')
    const nextCursor = readCursor(r)
    skipTaggedFields(r)
    return { throttleTimeMs, topics, nextCursor }
  },
  write(w, v) {
    w.int32(v?.throttleTimeMs ?? 0)
    writeArray(w, topicResponse, v?.topics)
    writeCursor(w, v?.nextCursor)
    w.uvarint(0)
  },
}

const valid = { min: 0, max: 0 }
const flexible = { min: 0, max: Number.MAX_SAFE_INTEGER }

function only<T>(codec: Codec<T>, v: number): Codec<T> {
  if (!inRange(valid, v)) throw new ProtocolError(`DescribeTopicPartitions v${v} is not supported (valid 0)`)
  return codec
}

export const DescribeTopicPartitions: ApiDefinition<Request, Response> = {
  key: 75,
  name: 'DescribeTopicPartitions',
  valid,
  flexible,
  isFlexible: (v) => inRange(flexible, v),
  request: (v) => only(request, v),
  response: (v) => only(response, v),
}
export type DescribeTopicPartitionsRequest = RequestOf<typeof DescribeTopicPartitions>
export type DescribeTopicPartitionsResponse = ResponseOf<typeof DescribeTopicPartitions>
