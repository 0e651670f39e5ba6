// The server-side assignors of KIP-848 consumer groups (`group.consumer.assignors`): `uniform`
// (Kafka's UniformAssignor, the default: balanced and sticky) and `range` (Kafka's RangeAssignor:
// per topic, contiguous ranges over the members subscribed to it, sorted by member id, so
// co-partitioned topics line up). Both are deterministic: the same input gives the same target.
//
// Differences from Kafka, as clients observe them: racks are not considered (Rivulet has one
// broker, so every partition has the same rack); `range` is not sticky across epochs (Kafka 3.8+
// keeps a member's previous ranges when quotas allow), which only means more movement when
// members come and go. Balance (every member within one partition of the others, where their
// subscriptions allow) is what both promise and what these keep.

import type { Assignment } from './consumer-group.js'

export interface AssignorMember {
  memberId: string
  topics: Set<string> // subscribed topic ids that exist
  previous: Assignment // the member's current target, for stickiness
}

export interface AssignorTopic {
  id: string
  name: string
  partitions: number
}

export type Assignor = (members: AssignorMember[], topics: Map<string, AssignorTopic>) => Map<string, Assignment>

export const ASSIGNORS: Record<string, Assignor> = { uniform: uniformAssign, range: rangeAssign }

function emptyResult(members: AssignorMember[]): Map<string, Assignment> {
  return new Map(members.map((m) => [m.memberId, new Map()]))
}

function add(a: Assignment, topicId: string, p: number): void {
  let s = a.get(topicId)
  if (!s) a.set(topicId, (s = new Set()))
  s.add(p)
}

function rangeAssign(members: AssignorMember[], topics: Map<string, AssignorTopic>): Map<string, Assignment> {
  const out = emptyResult(members)
  const sorted = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0))
  for (const t of [...topics.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const subs = sorted.filter((m) => m.topics.has(t.id))
    if (subs.length === 0) continue
    const quota = Math.floor(t.partitions / subs.length)
    const extra = t.partitions % subs.length
    let next = 0
    subs.forEach((m, i) => {
      const n = quota + (i < extra ? 1 : 0)
      for (let k = 0; k < n; k++) add(out.get(m.memberId)!, t.id, next++)
    })
  }
  return out
}

// Sticky and balanced: members keep the partitions of their previous target that they still
// subscribe to, up to a fair share; the rest go one by one to the eligible member holding fewest;
// then partitions move from the fullest to the emptiest eligible members until no member holds
// more than one partition above another that could take it.
function uniformAssign(members: AssignorMember[], topics: Map<string, AssignorTopic>): Map<string, Assignment> {
  const out = emptyResult(members)
  const count = new Map(members.map((m) => [m.memberId, 0]))
  const owner = new Map<string, string>() // "topicId:p" → member id
  const all: { topicId: string; p: number }[] = []
  for (const t of [...topics.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!members.some((m) => m.topics.has(t.id))) continue
    for (let p = 0; p < t.partitions; p++) all.push({ topicId: t.id, p })
  }
  const fair = members.length === 0 ? 0 : Math.ceil(all.length / members.length)
  const byId = new Map(members.map((m) => [m.memberId, m]))
  const give = (memberId: string, topicId: string, p: number) => {
    owner.set(`${topicId}:${p}`, memberId)
    count.set(memberId, count.get(memberId)! + 1)
  }
  for (const m of members) {
    for (const [topicId, ps] of m.previous) {
      const t = topics.get(topicId)
      if (!t || !m.topics.has(topicId)) continue
      for (const p of [...ps].sort((a, b) => a - b)) {
        if (p < t.partitions && !owner.has(`${topicId}:${p}`) && count.get(m.memberId)! < fair) give(m.memberId, topicId, p)
      }
    }
  }
  const ids = members.map((m) => m.memberId).sort()
  for (const { topicId, p } of all) {
    if (owner.has(`${topicId}:${p}`)) continue
    let best: string | null = null
    for (const id of ids) if (byId.get(id)!.topics.has(topicId) && (best === null || count.get(id)! < count.get(best)!)) best = id
    if (best !== null) give(best, topicId, p)
  }
  rebalance(all, owner, count, byId, ids)
  for (const [key, memberId] of owner) {
    const at = key.lastIndexOf(':')
    add(out.get(memberId)!, key.slice(0, at), Number(key.slice(at + 1)))
  }
  return out
}

function rebalance(all: { topicId: string; p: number }[], owner: Map<string, string>, count: Map<string, number>, byId: Map<string, AssignorMember>, ids: string[]): void {
  for (let moved = true, guard = 0; moved && guard < all.length * 4; guard++) {
    moved = false
    for (const { topicId, p } of all) {
      const key = `${topicId}:${p}`
      const from = owner.get(key)
      if (from === undefined) continue
      let to: string | null = null
      for (const id of ids) {
        if (id === from || !byId.get(id)!.topics.has(topicId)) continue
        if (count.get(id)! + 1 < count.get(from)! && (to === null || count.get(id)! < count.get(to)!)) to = id
      }
      if (to === null) continue
      owner.set(key, to)
      count.set(from, count.get(from)! - 1)
      count.set(to, count.get(to)! + 1)
      moved = true
    }
  }
}
