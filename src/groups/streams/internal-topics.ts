// Creating a streams group's missing internal topics (repartition and changelog topics) as Kafka
// 4.4.0 does it, from every heartbeat while they are missing: GroupMetadataManager answers the
// MISSING_INTERNAL_TOPICS status ("Internal topics are missing: ...") and hands the topics to
// KafkaApis.handleStreamsGroupHeartbeat, which
// - creates nothing if the member's principal may not CREATE one of them (neither on the cluster
//   nor on the topic), and says so: "; Unauthorized to CREATE on topics a,b.";
// - else asks for them (DefaultAutoTopicCreationManager.createStreamsInternalTopics), skipping a
//   topic whose last attempt failed less than twice the group's heartbeat interval ago, and
//   appends the failures of earlier attempts still remembered: "; Creation failed: t (message),...
//   and N more.".
// Kafka's creation is asynchronous, so the heartbeat that asks for the topics is answered with the
// status, and a later one (once the topics exist, the topology is configured again) without it.
// Rivulet creates them at once but answers the same way: the status of the configuration made
// before the attempt, and only the failures of earlier attempts.

import type { Clock } from '../../clock.js'
import type { Logger } from '../../logger.js'
import type { TopicToCreate } from './streams-topology.js'

type Status = { statusCode: number; statusDetail: string }

export interface InternalTopicDeps {
  clock: Clock
  logger: Logger
  topics: { create(t: TopicToCreate): string | null } // an error message when the broker refused it
}

// The most failures remembered (Kafka bounds its ExpiringErrorCache the same way).
const MAX_ERRORS = 1000

export class InternalTopicCreator {
  // topic → the last creation failure and when it is forgotten (Kafka's ExpiringErrorCache).
  private readonly errors = new Map<string, { message: string; expiresAt: number }>()

  constructor(private readonly deps: InternalTopicDeps) {}

  // The status to answer for this heartbeat, given the configured topology's status and the
  // topics it found missing. Mutates nothing of the group.
  maybeCreate(groupId: string, toCreate: readonly TopicToCreate[], status: Status | null, mayCreate: (name: string) => boolean, ttlMs: number): Status | null {
    if (toCreate.length === 0 || status === null) return status
    const out = { ...status }
    const denied = toCreate.filter((t) => !mayCreate(t.name)).map((t) => t.name)
    if (denied.length > 0) {
      out.statusDetail += `; Unauthorized to CREATE on topics ${denied.join(',')}.`
      return out
    }
    const now = this.deps.clock.now()
    for (const [name, e] of this.errors) if (e.expiresAt <= now) this.errors.delete(name)
    const failed = toCreate.filter((t) => this.errors.has(t.name)).map((t) => `${t.name} (${this.errors.get(t.name)!.message})`)
    const attempt = toCreate.filter((t) => !this.errors.has(t.name))
    if (attempt.length > 0) this.deps.logger.info({ group: groupId, topics: attempt.map((t) => t.name) }, 'creating the internal topics of a streams group')
    for (const t of attempt) {
      const err = this.deps.topics.create(t)
      if (err === null) continue
      this.deps.logger.warn({ group: groupId, topic: t.name, err }, 'could not create an internal topic of a streams group')
      if (this.errors.size >= MAX_ERRORS) this.errors.delete(this.errors.keys().next().value!)
      this.errors.set(t.name, { message: err, expiresAt: now + ttlMs })
    }
    if (failed.length > 0) {
      const shown = failed.slice(0, 3).join(',') + (failed.length > 3 ? ` and ${failed.length - 3} more` : '')
      out.statusDetail += `; Creation failed: ${shown}.`
    }
    return out
  }
}
