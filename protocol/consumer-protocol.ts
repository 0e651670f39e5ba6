// The "consumer" embedded protocol carried inside JoinGroup metadata and SyncGroup assignments
// (Kafka's ConsumerProtocolSubscription / ConsumerProtocolAssignment: an int16 version, then the
// struct). The broker reads subscriptions only to answer OffsetDelete's GROUP_SUBSCRIBED_TO_TOPIC.

import { Reader, Writer } from './primitives.js'
import { defineStruct, t, type DeepPartial } from './schema.js'

const subscription = defineStruct({
  topics: t.array(t.string()),
  userData: t.nullableBytes(),
  ownedPartitions: t.array({ topic: t.string(), partitions: t.array(t.int32()) }, { versions: '1+' }),
  generationId: t.int32({ versions: '2+', default: -1 }),
  rackId: t.nullableString({ versions: '3+', default: null }),
}, '0-3')

const assignment = defineStruct({
  assignedPartitions: t.array({ topic: t.string(), partitions: t.array(t.int32()) }),
  userData: t.nullableBytes(),
}, '0-3')

export type Subscription = ReturnType<ReturnType<typeof subscription>['read']>
export type Assignment = ReturnType<ReturnType<typeof assignment>['read']>

// Newer versions than we know are read with our newest schema, as Kafka's ConsumerProtocol does
// (fields are only ever added at the end).
export function decodeSubscription(buf: Buffer): Subscription {
  const r = new Reader(buf)
  return subscription(Math.min(r.int16(), 3)).read(r)
}

export function decodeAssignment(buf: Buffer): Assignment {
  const r = new Reader(buf)
  return assignment(Math.min(r.int16(), 3)).read(r)
}

export function encodeSubscription(version: number, v: DeepPartial<Subscription>): Buffer {
  const w = new Writer(64)
  w.int16(version)
  subscription(version).write(w, v)
  return w.toBuffer()
}

export function encodeAssignment(version: number, v: DeepPartial<Assignment>): Buffer {
  const w = new Writer(64)
  w.int16(version)
  assignment(version).write(w, v)
  return w.toBuffer()
}
