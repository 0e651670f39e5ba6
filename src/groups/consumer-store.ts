// Durability of KIP-848 consumer groups: each heartbeat's changes go to `__consumer_offsets` as
// Kafka's consumer group records (protocol/consumer-group-records.ts), in one append per
// operation as Kafka's coordinator runtime writes them; replayConsumerRecord rebuilds the groups
// from them at start-up, so member epochs, assignments and targets survive a restart or a crash.

import { consumerGroupRecords as R, type ConsumerGroupRecord, type TopicPartitionsValue } from '../../protocol/consumer-group-records.js'
import type { GroupContext } from './context.js'
import { ConsumerGroupData, newMember, type Assignment, type ConsumerMember, type MemberState } from './consumer-group.js'
import type { GroupStore } from './group-store.js'

const STATE_CODES: Record<MemberState, number> = { stable: 0, unrevoked_partitions: 1, unreleased_partitions: 2 }
const STATES: MemberState[] = ['stable', 'unrevoked_partitions', 'unreleased_partitions']

function toValue(a: Assignment): TopicPartitionsValue {
  return [...a].filter(([, ps]) => ps.size > 0).map(([topicId, ps]) => ({ topicId, partitions: [...ps].sort((x, y) => x - y) }))
}

function fromValue(v: TopicPartitionsValue): Assignment {
  return new Map(v.map((t) => [t.topicId, new Set(t.partitions)]))
}

// The records of one operation on one group, appended together by flush().
export class ConsumerGroupBatch {
  private readonly records: { key: Buffer; value: Buffer | null }[] = []
  constructor(private readonly groupId: string) {}

  member(m: ConsumerMember): void {
    this.records.push(R.member(this.groupId, m.memberId, {
      instanceId: m.instanceId, rackId: m.rackId, clientId: m.clientId, clientHost: m.clientHost, subscribedTopicNames: m.subscribedTopicNames,
      subscribedTopicRegex: m.subscribedTopicRegex, rebalanceTimeoutMs: m.rebalanceTimeoutMs, serverAssignor: m.serverAssignor,
      classicMemberMetadata: m.classic && { sessionTimeoutMs: m.classic.sessionTimeoutMs, supportedProtocols: m.classic.protocols },
    }))
  }

  current(m: ConsumerMember): void {
    this.records.push(R.current(this.groupId, m.memberId, {
      memberEpoch: m.memberEpoch, previousMemberEpoch: m.previousMemberEpoch, state: STATE_CODES[m.state],
      assignedPartitions: toValue(m.assigned), partitionsPendingRevocation: toValue(m.pendingRevocation),
    }))
  }

  epoch(epoch: number): void {
    this.records.push(R.epoch(this.groupId, epoch))
  }

  target(data: ConsumerGroupData): void {
    for (const [memberId, a] of data.targetAssignment) this.records.push(R.target(this.groupId, memberId, toValue(a)))
    this.records.push(R.targetEpoch(this.groupId, data.assignmentEpoch, data.assignmentTimestamp))
  }

  // newConsumerGroupCurrentAssignmentTombstoneRecord, ...TargetAssignmentTombstoneRecord,
  // ...MemberSubscriptionTombstoneRecord, in Kafka's order.
  removeMember(memberId: string): void {
    this.records.push(R.current(this.groupId, memberId, null), R.target(this.groupId, memberId, null), R.member(this.groupId, memberId, null))
  }

  // The target metadata alone (an emptied group: its assignment epoch catches up, timestamp 0).
  targetMetadata(data: ConsumerGroupData): void {
    this.records.push(R.targetEpoch(this.groupId, data.assignmentEpoch, data.assignmentTimestamp))
  }

  deleteGroup(): void {
    this.records.push(R.targetEpoch(this.groupId, null), R.epoch(this.groupId, null))
  }

  // A record of another kind in the same append (the classic GroupMetadata record or its
  // tombstone of an online migration, which Kafka writes with the consumer group records).
  raw(record: { key: Buffer; value: Buffer | null }): void {
    this.records.push(record)
  }

  flush(store: GroupStore): void {
    if (this.records.length > 0) store.writeRecords(this.groupId, this.records.splice(0))
  }
}

function consumerData(c: GroupContext, groupId: string): ConsumerGroupData {
  const g = c.getOrCreate(groupId)
  if (!g.consumer) g.consumer = new ConsumerGroupData()
  return g.consumer
}

function memberOf(data: ConsumerGroupData, memberId: string): ConsumerMember {
  let m = data.members.get(memberId)
  if (!m) data.members.set(memberId, (m = newMember(memberId)))
  return m
}

// GroupMetadataManager.replay for the consumer group records. Derived state (owner epochs, static
// members) is rebuilt once everything is read (ConsumerGroupCoordinator.load).
export function replayConsumerRecord(c: GroupContext, rec: ConsumerGroupRecord): void {
  if (rec.type === 'ignored') return
  if (rec.type === 'epoch' && rec.value === null) {
    const g = c.group(rec.group)
    if (g) g.consumer = null
    return
  }
  const data = consumerData(c, rec.group)
  switch (rec.type) {
    case 'epoch':
      data.groupEpoch = rec.value!.epoch
      return
    case 'targetEpoch':
      if (rec.value) {
        data.assignmentEpoch = rec.value.assignmentEpoch
        data.assignmentTimestamp = Number(rec.value.assignmentTimestamp)
      }
      return
    case 'target':
      if (rec.value) data.targetAssignment.set(rec.memberId, fromValue(rec.value.topicPartitions))
      else data.targetAssignment.delete(rec.memberId)
      return
    case 'member': {
      if (rec.value === null) {
        data.members.delete(rec.memberId)
        return
      }
      const { classicMemberMetadata: classic, ...v } = rec.value
      Object.assign(memberOf(data, rec.memberId), v, {
        classic: classic && { sessionTimeoutMs: classic.sessionTimeoutMs, protocols: classic.supportedProtocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })) },
      })
      return
    }
    case 'current': {
      if (rec.value === null) return
      const v = rec.value
      Object.assign(memberOf(data, rec.memberId), {
        memberEpoch: v.memberEpoch, previousMemberEpoch: v.previousMemberEpoch, state: STATES[v.state] ?? 'stable',
        assigned: fromValue(v.assignedPartitions), pendingRevocation: fromValue(v.partitionsPendingRevocation),
      })
    }
  }
}
