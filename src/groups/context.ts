// What the classic group paths (rebalance.ts, offsets.ts) need of the coordinator that owns the
// groups: its state, its clock, logger, config slice and store. The coordinator implements it, so
// those modules depend on this contract rather than on the coordinator (no import loop).

import type { Clock } from '../clock.js'
import type { Logger } from '../logger.js'
import type { Group, Member } from './group.js'
import type { GroupStore } from './group-store.js'

// The coordinator's slice of the broker config, read live (AlterConfigs may change it).
export interface GroupConfig {
  readonly minSessionTimeoutMs: number // group.min.session.timeout.ms
  readonly maxSessionTimeoutMs: number // group.max.session.timeout.ms
  readonly initialRebalanceDelayMs: number // group.initial.rebalance.delay.ms
  readonly offsetsRetentionMs: number // offsets.retention.minutes
}

export interface GroupContext {
  readonly groups: Map<string, Group>
  readonly store: GroupStore
  readonly clock: Clock
  readonly logger: Logger
  readonly config: GroupConfig
  // Producer id → the groups holding its pending transactional offsets.
  readonly txnGroups: Map<number, Set<string>>
  group(groupId: string): Group | undefined
  getOrCreate(groupId: string): Group
  // A member showed it is alive (a heartbeat or a commit): its session restarts.
  touch(group: Group, member: Member): void
}
