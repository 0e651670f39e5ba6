// The share-group server assignor (`group.share.assignors=simple`, Kafka's SimpleAssignor). In a
// share group several members may consume one partition: records, not partitions, are what is
// handed out. Per subscribed topic, with its subscribers sorted by member id: when there are at
// least as many subscribers as partitions, every subscriber gets one partition and the partitions
// are shared (subscriber i takes partition i mod P); otherwise the partitions are dealt round
// robin, each topic starting where the previous one stopped, so every partition has a member and
// the counts stay within one of each other. Deterministic: the same input gives the same target.
//
// Differences from Kafka's SimpleAssignor as clients observe them: Kafka places members by a hash
// of their ids and keeps earlier assignments where balance allows; this one recomputes a balanced
// assignment each epoch. Both give every subscribed partition at least one member.

export type ShareAssignment = Map<string, Set<number>> // topicId -> partitions

export interface ShareAssignorMember {
  memberId: string
  topicIds: Set<string>
}

export interface ShareAssignorTopic {
  id: string
  name: string
  partitions: number
}

export function simpleAssign(members: ShareAssignorMember[], topics: Map<string, ShareAssignorTopic>): Map<string, ShareAssignment> {
  const out = new Map<string, ShareAssignment>(members.map((m) => [m.memberId, new Map()]))
  const sorted = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0))
  const give = (memberId: string, topicId: string, p: number) => {
    const a = out.get(memberId)!
    let s = a.get(topicId)
    if (!s) a.set(topicId, (s = new Set()))
    s.add(p)
  }
  let next = 0
  for (const t of [...topics.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const subs = sorted.filter((m) => m.topicIds.has(t.id))
    if (subs.length === 0 || t.partitions === 0) continue
    if (subs.length >= t.partitions) {
      subs.forEach((m, i) => give(m.memberId, t.id, i % t.partitions))
      continue
    }
    for (let p = 0; p < t.partitions; p++) give(subs[(next + p) % subs.length]!.memberId, t.id, p)
    next = (next + t.partitions) % subs.length
  }
  return out
}
