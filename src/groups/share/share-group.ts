// A share group's membership (KIP-932; Kafka's ShareGroup): the group epoch, bumped whenever a
// member joins, leaves or changes its subscription; the target assignment computed for that epoch;
// and each member's epoch and assignment. There is no revocation step as in consumer groups: a
// member moves to its new target at once, since partitions are shared rather than owned.

import type { Timer } from '../../clock.js'
import type { ShareAssignment } from './share-assignor.js'

export interface ShareMember {
  memberId: string
  memberEpoch: number
  rackId: string | null
  clientId: string
  clientHost: string
  subscribedTopicNames: string[]
  assignment: ShareAssignment
  sessionTimer: Timer | null
}

export class ShareGroup {
  groupEpoch = 0
  assignmentEpoch = 0
  assignmentTimestamp = 0 // when the target was computed (ms; 0: the next one need not wait)
  signature = '' // the subscribed topics as last resolved (ShareGroupCoordinator.signature)
  readonly members = new Map<string, ShareMember>()
  readonly targetAssignment = new Map<string, ShareAssignment>()
  constructor(readonly groupId: string) {}

  // Kafka's ShareGroup.ShareGroupState: Empty without members, Stable otherwise (a share group has
  // no reconciliation to wait for).
  get state(): 'Empty' | 'Stable' {
    return this.members.size === 0 ? 'Empty' : 'Stable'
  }

  subscribedTopicNames(): Set<string> {
    const out = new Set<string>()
    for (const m of this.members.values()) for (const t of m.subscribedTopicNames) out.add(t)
    return out
  }
}

export function sameAssignment(a: ShareAssignment, b: ShareAssignment): boolean {
  const ka = [...a].filter(([, s]) => s.size > 0)
  const kb = [...b].filter(([, s]) => s.size > 0)
  if (ka.length !== kb.length) return false
  for (const [t, s] of ka) {
    const o = b.get(t)
    if (!o || o.size !== s.size) return false
    for (const p of s) if (!o.has(p)) return false
  }
  return true
}

export function assignmentList(a: ShareAssignment): { topicId: string; partitions: number[] }[] {
  return [...a].filter(([, s]) => s.size > 0).map(([topicId, s]) => ({ topicId, partitions: [...s].sort((x, y) => x - y) }))
}
