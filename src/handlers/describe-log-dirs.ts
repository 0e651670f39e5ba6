// DescribeLogDirs 1–5 (v0 was removed in Kafka 4.0 (KIP-896); KafkaApis.handleDescribeLogDirsRequest, ReplicaManager.describeLogDirs).
// One log dir: the data directory as an absolute path (the storage root for the in-memory store).
// Null topics means every partition; otherwise only the named partitions that exist, and topics
// with none of them are left out, as Kafka does. Each partition reports its size in bytes, an
// offset lag of 0 (a single replica is never behind its high watermark) and isFutureKey false (no
// replica moves between dirs). v3+ top-level errorCode; v4+ totalBytes/usableBytes of the file
// system holding the data dir (-1 for the in-memory store); v5+ isCordoned, always false (Kafka's
// log.dirs.cordoned, KIP-1066, has no counterpart here). If the file system cannot be queried
// the dir is answered KAFKA_STORAGE_ERROR, as Kafka does for an offline dir.
// With an authorizer: DESCRIBE on the cluster, else CLUSTER_AUTHORIZATION_FAILED with no results.

import { DescribeLogDirs, type DescribeLogDirsResponse } from '../../protocol/apis/describe-log-dirs.js'
import { ErrorCode } from '../../protocol/errors.js'
import type { DeepPartial } from '../../protocol/schema.js'
import type { Broker } from '../broker.js'
import { Op, requireCluster } from './auth.js'
import { defineHandler } from './handler.js'

type TopicOut = DeepPartial<DescribeLogDirsResponse['results'][number]['topics'][number]>

function describePartitions(broker: Broker, name: string, partitions: Iterable<number>) {
  const out = []
  for (const p of partitions) {
    const log = broker.partition(name, p)
    if (log) out.push({ partitionIndex: p, partitionSize: BigInt(log.size), offsetLag: 0n, isFutureKey: false })
  }
  return out
}

export default defineHandler({
  api: DescribeLogDirs,
  handle(req, ctx) {
    requireCluster(ctx, Op.DESCRIBE)
    const { broker } = ctx
    const { logDir, usage, offline } = broker.logs.describeDir()
    if (offline) {
      broker.logger.warn({ err: offline, logDir }, 'unable to describe log dir')
      return { throttleTimeMs: 0, errorCode: 0, results: [{ errorCode: ErrorCode.KAFKA_STORAGE_ERROR, logDir, topics: [] }] }
    }

    const topics: TopicOut[] = []
    if (req.topics === null) {
      for (const t of broker.cluster.topics.values()) {
        const partitions = describePartitions(broker, t.name, Array.from({ length: t.partitions }, (_, i) => i))
        if (partitions.length > 0) topics.push({ name: t.name, partitions })
      }
    } else {
      const wanted = new Map<string, Set<number>>()
      for (const t of req.topics) {
        let set = wanted.get(t.topic)
        if (!set) wanted.set(t.topic, (set = new Set()))
        for (const p of t.partitions) set.add(p)
      }
      for (const [name, set] of wanted) {
        const partitions = describePartitions(broker, name, set)
        if (partitions.length > 0) topics.push({ name, partitions })
      }
    }
    return { throttleTimeMs: 0, errorCode: 0, results: [{ errorCode: 0, logDir, topics, ...(usage ?? { totalBytes: -1n, usableBytes: -1n }) }] }
  },
  // DescribeLogDirsRequest.getErrorResponse: the top-level code only (v3+), no dirs.
  errorResponse: (_req, errorCode) => ({ errorCode, results: [] }),
})
