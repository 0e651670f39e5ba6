// KIP-932 share groups on this broker, as one engine: membership (ShareGroupCoordinator), the
// share-partitions and their durable state (SharePartitions over __share_group_state) and the
// share sessions of ShareFetch/ShareAcknowledge (ShareSessions). Built by src/broker.ts with narrow
// dependencies; handlers reach it as broker.shareGroups.

import type { Clock } from '../../clock.js'
import type { InternalTopic } from '../../log/internal-topic.js'
import type { AsyncPartitionStore } from '../../store/async-partition-store.js'
import type { Logger } from '../../logger.js'
import type { ShareAssignorTopic } from './share-assignor.js'
import { ShareGroupCoordinator } from './share-coordinator.js'
import { SharePartitions } from './share-partitions.js'
import { ShareSessions, type ShareSession } from './share-sessions.js'
import { ShareStateStore } from './share-state-store.js'

export interface ShareGroupsConfig {
  // Per group: the GROUP config resource's share.* value, else the broker's group.share.* one.
  groupConfig(groupId: string, name: string): string
  readonly maxSize: number // group.share.max.size
  readonly maxSessions: number // group.share.max.share.sessions
}

export interface ShareGroupsDeps {
  clock: Clock
  logger: Logger
  config: ShareGroupsConfig
  topics: {
    byName(name: string): ShareAssignorTopic | undefined
    byId(id: string): ShareAssignorTopic | undefined
  }
  partition(topic: string, partition: number): AsyncPartitionStore | undefined
  stateTopic: InternalTopic
  otherGroupType(groupId: string): boolean
}

export class ShareGroups {
  readonly coordinator: ShareGroupCoordinator
  readonly partitions: SharePartitions
  readonly sessions: ShareSessions
  private readonly watchedConnections = new Set<number>()

  constructor(private readonly deps: ShareGroupsDeps) {
    const c = deps.config
    const int = (g: string, name: string) => Number(c.groupConfig(g, name))
    this.partitions = new SharePartitions({
      clock: deps.clock,
      logger: deps.logger,
      config: {
        lockDurationMs: (g) => int(g, 'share.record.lock.duration.ms'),
        deliveryCountLimit: (g) => int(g, 'share.delivery.count.limit'),
        maxRecordLocks: (g) => int(g, 'share.partition.max.record.locks'),
        autoOffsetReset: (g) => c.groupConfig(g, 'share.auto.offset.reset'),
        readCommitted: (g) => c.groupConfig(g, 'share.isolation.level').trim().toLowerCase() === 'read_committed',
      },
      topicName: (id) => deps.topics.byId(id)?.name,
      partition: deps.partition,
      store: new ShareStateStore(deps.stateTopic, () => deps.clock.now()),
    })
    this.coordinator = new ShareGroupCoordinator({
      clock: deps.clock,
      logger: deps.logger,
      config: {
        heartbeatIntervalMs: (g) => int(g, 'share.heartbeat.interval.ms'),
        sessionTimeoutMs: (g) => int(g, 'share.session.timeout.ms'),
        assignmentIntervalMs: (g) => int(g, 'share.assignment.interval.ms'),
        get maxSize() { return c.maxSize },
      },
      topics: deps.topics,
      otherGroupType: deps.otherGroupType,
      onAssigned: (g, a) => this.partitions.onAssigned(g, a),
    })
    this.sessions = new ShareSessions(() => c.maxSessions)
  }

  // Membership is not stored (members rejoin after a restart), but a group whose share-partitions
  // have state is known again as an Empty share group, so ListGroups, describe and DeleteGroups see
  // it, as on Kafka.
  load(): void {
    const n = this.partitions.load()
    for (const groupId of this.partitions.groupIds()) this.coordinator.restoreEmpty(groupId)
    if (n > 0) this.deps.logger.info({ sharePartitions: n }, 'share-group state loaded')
  }

  // share.renew.acknowledge.enable (KIP-1222): whether acknowledge type 4 is accepted.
  renewAllowed(groupId: string): boolean {
    return this.deps.config.groupConfig(groupId, 'share.renew.acknowledge.enable').trim().toLowerCase() === 'true'
  }

  lockDurationMs(groupId: string): number {
    return Number(this.deps.config.groupConfig(groupId, 'share.record.lock.duration.ms'))
  }

  // A closed session gives back what its member still holds (SharePartitionManager
  // releaseSession): the records become available to the other members at once.
  closeSession(s: ShareSession): void {
    this.partitions.releaseMember(s.groupId, s.memberId, s.partitions.values())
  }

  // Kafka 4.x ties a share session to its connection: when the connection goes, so does the
  // session, and its records are released.
  watchConnection(id: number, closed: Promise<void>): void {
    if (this.watchedConnections.has(id)) return
    this.watchedConnections.add(id)
    void closed.then(() => {
      this.watchedConnections.delete(id)
      for (const s of this.sessions.closeConnection(id)) this.closeSession(s)
    })
  }

  // DeleteGroups on a share group: GROUP_ID_NOT_FOUND when there is none, NON_EMPTY_GROUP while it
  // has members, else the group and its share-partition state are deleted. Null: not a share group.
  deleteGroup(groupId: string): 'GROUP_ID_NOT_FOUND' | 'NON_EMPTY_GROUP' | 0 | null {
    const g = this.coordinator.group(groupId)
    if (!g) return this.partitions.ofGroup(groupId).length > 0 ? this.deleteState(groupId) : null
    if (g.members.size > 0) return 'NON_EMPTY_GROUP'
    this.coordinator.groups.delete(groupId)
    return this.deleteState(groupId)
  }

  // AlterShareGroupOffsets (GroupMetadataManager.alterShareGroupOffsets): the group is created when
  // it does not exist yet; an id held by a classic or consumer group is GROUP_ID_NOT_FOUND, a group
  // with members NON_EMPTY_GROUP, else each given share-partition starts over at its offset. The
  // caller has checked the topics and partitions exist.
  alterOffsets(groupId: string, offsets: { topicId: string; partition: number; startOffset: number }[]): { code: 'GROUP_ID_NOT_FOUND' | 'NON_EMPTY_GROUP'; message: string } | null {
    if (this.deps.otherGroupType(groupId)) return { code: 'GROUP_ID_NOT_FOUND', message: `Group ${groupId} is not a share group.` }
    const g = this.coordinator.group(groupId)
    if (g && g.members.size > 0) return { code: 'NON_EMPTY_GROUP', message: `Share group ${groupId} is not empty.` }
    this.coordinator.restoreEmpty(groupId)
    for (const o of offsets) this.partitions.setStartOffset(groupId, o.topicId, o.partition, o.startOffset)
    if (offsets.length > 0) this.deps.logger.info({ group: groupId, sharePartitions: offsets.length }, 'share group start offsets altered')
    return null
  }

  // DeleteShareGroupOffsets (GroupCoordinatorShard.initiateDeleteShareGroupOffsets): the group must
  // be a share group (GROUP_ID_NOT_FOUND) without members (NON_EMPTY_GROUP); then, per existing
  // topic, its share-partition state goes, or UNKNOWN_TOPIC_OR_PARTITION when the group has none.
  deleteOffsets(groupId: string, topicIds: string[]): { code: 'GROUP_ID_NOT_FOUND' | 'NON_EMPTY_GROUP'; message: string } | Map<string, boolean> {
    const g = this.coordinator.group(groupId)
    if (this.deps.otherGroupType(groupId) || (!g && this.partitions.ofGroup(groupId).length === 0)) {
      return { code: 'GROUP_ID_NOT_FOUND', message: this.deps.otherGroupType(groupId) ? `Group ${groupId} is not a share group.` : `Group ${groupId} not found.` }
    }
    if (g && g.members.size > 0) return { code: 'NON_EMPTY_GROUP', message: `Share group ${groupId} is not empty.` }
    const out = new Map<string, boolean>()
    for (const id of topicIds) out.set(id, this.partitions.deleteGroupTopic(groupId, id) > 0)
    this.deps.logger.info({ group: groupId, topics: [...out].filter(([, d]) => d).length }, 'share group offsets deleted')
    return out
  }

  private deleteState(groupId: string): 0 {
    const n = this.partitions.deleteGroup(groupId)
    this.deps.logger.info({ group: groupId, sharePartitions: n }, 'share group deleted')
    return 0
  }

  stop(): void {
    this.coordinator.stop()
    this.partitions.stop()
  }
}
