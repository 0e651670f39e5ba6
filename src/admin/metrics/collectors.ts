// What /metrics reports, named as the Prometheus JMX exporter's Kafka rules name Kafka's MBeans
// (example_configs/kafka-2_0_0.yml: `kafka.<domain><type=T, name=NPerSec, k=v><>Count` becomes
// `kafka_<domain>_<t>_<n>_total{k="v"}`, lower-cased; `...><>Value` becomes a gauge without the
// suffix), so dashboards built for Kafka find them. docs/METRICS.md lists each one with the MBean
// it mirrors and where we differ. Counters come from BrokerMetrics (counted on the hot path);
// levels (sizes, partitions, groups, lag) are read from the engines here, at scrape time.

import { errorName } from '../../../protocol/errors.js'
import type { Broker } from '../../broker.js'
import { dirtiness } from '../../log/cleaner/cleaner.js'
import type { PartitionStore } from '../../log/partition-store.js'
import { handlerMap } from '../../handlers/registry.js'
import { splitOffsetKey } from '../../groups/group.js'
import { LATENCY_BUCKETS_MS, errorKeyParts, type BrokerMetrics, type LatencyHistograms, type TopicCounters } from '../../metrics/broker-metrics.js'

export type Labels = Record<string, string | number>
export interface Sample {
  labels: Labels
  value: number
  metricName?: string // histograms: name_bucket, name_sum, name_count
}
export interface MetricSpec {
  name: string
  help: string
  type: 'counter' | 'gauge' | 'histogram'
  values(): Sample[]
}

export interface MetricsSources {
  // A getter in startBroker: the test kit's reset() replaces the broker (its counters move over).
  readonly broker: Broker
  metrics: BrokerMetrics
  // Open client connections per listener name.
  connections(): ReadonlyMap<string, number>
}

const apiName = (key: number): string => handlerMap.get(key)?.api.name ?? `ApiKey${key}`

const TOPIC_COUNTERS: [keyof TopicCounters, string, string][] = [
  ['messagesIn', 'messagesin', 'Records appended (MessagesInPerSec)'],
  ['bytesIn', 'bytesin', 'Bytes appended by producers (BytesInPerSec)'],
  ['bytesOut', 'bytesout', 'Bytes returned to consumers by Fetch (BytesOutPerSec)'],
  ['totalProduceRequests', 'totalproducerequests', 'Produce requests, one per partition (TotalProduceRequestsPerSec)'],
  ['failedProduceRequests', 'failedproducerequests', 'Produce partitions answered with an error (FailedProduceRequestsPerSec)'],
  ['totalFetchRequests', 'totalfetchrequests', 'Fetch requests, one per partition (TotalFetchRequestsPerSec)'],
  ['failedFetchRequests', 'failedfetchrequests', 'Fetch partitions answered with an error (FailedFetchRequestsPerSec)'],
]

export function collectors(src: MetricsSources): MetricSpec[] {
  return [...topicMetrics(src), ...requestMetrics(src), ...logMetrics(src), ...groupMetrics(src), ...cleanerMetrics(src)]
}

function topicMetrics(src: MetricsSources): MetricSpec[] {
  return TOPIC_COUNTERS.map(([field, suffix, help]) => ({
    name: `kafka_server_brokertopicmetrics_${suffix}_total`,
    help: `${help}; without a topic label: every topic`,
    type: 'counter' as const,
    values: () => {
      const out: Sample[] = [{ labels: {}, value: src.metrics.all[field] }]
      for (const [topic, c] of src.metrics.topics) {
        // Kafka removes a deleted topic's metrics (BrokerTopicStats.removeMetrics).
        if (src.broker.cluster.topic(topic)) out.push({ labels: { topic }, value: c[field] })
        else src.metrics.topics.delete(topic)
      }
      return out
    },
  }))
}

function histogram(name: string, help: string, h: LatencyHistograms): MetricSpec {
  return {
    name, help, type: 'histogram',
    values: () => {
      const out: Sample[] = []
      for (const key of handlerMap.keys()) {
        const counts = h.cumulative(key)
        if (!counts) continue
        const request = apiName(key)
        for (let b = 0; b < counts.length; b++) out.push({ metricName: `${name}_bucket`, labels: { request, le: b < LATENCY_BUCKETS_MS.length ? LATENCY_BUCKETS_MS[b]! : '+Inf' }, value: counts[b]! })
        out.push({ metricName: `${name}_sum`, labels: { request }, value: h.sums[key]! })
        out.push({ metricName: `${name}_count`, labels: { request }, value: counts[counts.length - 1]! })
      }
      return out
    },
  }
}

function requestMetrics({ metrics, connections }: MetricsSources): MetricSpec[] {
  return [
    {
      name: 'kafka_network_requestmetrics_requests_total', help: 'Requests answered, per API and version (RequestsPerSec)', type: 'counter',
      values: () => {
        const out: Sample[] = []
        for (const [key, h] of handlerMap) {
          const range = h.versions ?? h.api.valid
          for (let v = range.min; v <= range.max; v++) {
            const n = metrics.requestCount(key, v)
            if (n > 0) out.push({ labels: { request: h.api.name, version: v }, value: n })
          }
        }
        return out
      },
    },
    {
      name: 'kafka_network_requestmetrics_errors_total', help: 'Produce and Fetch partitions answered with an error, per error code (ErrorsPerSec)', type: 'counter',
      values: () => [...metrics.errors].map(([k, n]) => {
        const { apiKey, code } = errorKeyParts(k)
        return { labels: { request: apiKey === 0 ? 'Produce' : 'Fetch', error: errorName(code) }, value: n }
      }),
    },
    histogram('kafka_network_requestmetrics_totaltimems', 'Milliseconds from a request\'s arrival until its response is ready (TotalTimeMs)', metrics.totalTime),
    histogram('kafka_network_requestmetrics_requestqueuetimems', 'Milliseconds a request waited behind others read in the same chunk before it was handled (RequestQueueTimeMs)', metrics.requestQueueTime),
    {
      name: 'kafka_server_socket_server_metrics_connection_count', help: 'Open client connections per listener (socket-server-metrics connection-count)', type: 'gauge',
      values: () => [...connections()].map(([listener, n]) => ({ labels: { listener }, value: n })),
    },
  ]
}

function gauge(name: string, help: string, values: () => Sample[]): MetricSpec {
  return { name, help, type: 'gauge', values }
}

// Every partition of every topic with its log, once per scrape (logs.get: a scrape never opens one).
function partitions(broker: Broker): { topic: string; partition: number; log: PartitionStore }[] {
  const out = []
  for (const t of broker.cluster.topics.values()) {
    for (let p = 0; p < t.partitions; p++) {
      const log = broker.logs.get(t.name, p)
      if (log) out.push({ topic: t.name, partition: p, log })
    }
  }
  return out
}

function logMetrics(src: MetricsSources): MetricSpec[] {
  const count = () => [...src.broker.cluster.topics.values()].reduce((n, t) => n + t.partitions, 0)
  const perPartition = (name: string, help: string, read: (log: PartitionStore) => number) =>
    gauge(name, help, () => partitions(src.broker).map(({ topic, partition, log }) => ({ labels: { topic, partition }, value: read(log) })))
  return [
    gauge('kafka_server_replicamanager_partitioncount', 'Partitions on this broker (ReplicaManager PartitionCount)', () => [{ labels: {}, value: count() }]),
    gauge('kafka_server_replicamanager_leadercount', 'Partitions this broker leads: all of them (ReplicaManager LeaderCount)', () => [{ labels: {}, value: count() }]),
    gauge('kafka_server_replicamanager_underreplicatedpartitions', 'Under-replicated partitions: none with a single replica (ReplicaManager UnderReplicatedPartitions)', () => [{ labels: {}, value: 0 }]),
    gauge('kafka_controller_kafkacontroller_activecontrollercount', 'This broker acts as the controller (KafkaController ActiveControllerCount)', () => [{ labels: {}, value: 1 }]),
    gauge('kafka_controller_kafkacontroller_offlinepartitionscount', 'Partitions without a leader: none (KafkaController OfflinePartitionsCount)', () => [{ labels: {}, value: 0 }]),
    perPartition('kafka_log_log_size', 'Bytes in the partition\'s log (Log Size)', (log) => log.size),
    perPartition('kafka_log_log_numlogsegments', 'Segments of the partition\'s log (Log NumLogSegments)', (log) => log.segmentCount),
    perPartition('kafka_log_log_logstartoffset', 'The partition\'s log start offset (Log LogStartOffset)', (log) => log.logStartOffset),
    perPartition('kafka_log_log_logendoffset', 'The partition\'s log end offset (Log LogEndOffset)', (log) => log.logEndOffset),
  ]
}

const GROUP_STATES = ['PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty'] as const

function groupMetrics(src: MetricsSources): MetricSpec[] {
  const groups = () => [...src.broker.groups.groups.values()]
  const states = GROUP_STATES.map((state) =>
    gauge(`kafka_coordinator_group_groupmetadatamanager_numgroups${state.toLowerCase()}`, `Groups in state ${state} (GroupMetadataManager NumGroups${state})`, () => [{ labels: {}, value: groups().filter((g) => g.state === state).length }]),
  )
  return [
    gauge('kafka_coordinator_group_groupmetadatamanager_numgroups', 'Consumer groups (GroupMetadataManager NumGroups)', () => [{ labels: {}, value: groups().length }]),
    ...states,
    gauge('kafka_consumergroup_members', 'Members of each group (kafka_exporter\'s name; Kafka has no such MBean)', () => groups().map((g) => ({ labels: { consumergroup: g.groupId }, value: g.members.size }))),
    gauge('kafka_consumergroup_current_offset', 'Committed offset per group and partition (kafka_exporter\'s name)', () => committed(src.broker).map((c) => ({ labels: c.labels, value: c.offset }))),
    gauge('kafka_consumergroup_lag', 'High watermark minus committed offset per group and partition (kafka_exporter\'s name)', () => committed(src.broker).map((c) => ({ labels: c.labels, value: c.lag }))),
  ]
}

function committed(broker: Broker): { labels: Labels; offset: number; lag: number }[] {
  const out = []
  for (const g of broker.groups.groups.values()) {
    for (const [key, c] of g.offsets) {
      const { topic, partition } = splitOffsetKey(key)
      const log = broker.cluster.topic(topic) ? broker.logs.get(topic, partition) : undefined
      if (!log) continue
      out.push({ labels: { consumergroup: g.groupId, topic, partition }, offset: c.offset, lag: Math.max(0, log.highWatermark - c.offset) })
    }
  }
  return out
}

function cleanerMetrics(src: MetricsSources): MetricSpec[] {
  // Read at scrape time: the test kit's reset() replaces the broker behind these sources.
  const stats = () => src.broker.cleaner.stats
  const one = (value: () => number) => () => [{ labels: {}, value: value() }]
  return [
    gauge('kafka_log_logcleaner_max_clean_time_secs', 'Longest clean of the last pass that cleaned something (LogCleaner max-clean-time-secs)', one(() => stats().lastPassMaxCleanMs / 1000)),
    gauge('kafka_log_logcleaner_cleaner_recopy_percent', 'Bytes written as a percentage of bytes read in that pass (LogCleaner cleaner-recopy-percent)', one(() => stats().lastPassRecopyPercent)),
    gauge('kafka_log_logcleanermanager_time_since_last_run_ms', 'Milliseconds since the last pass that cleaned something, 0 before any (LogCleanerManager time-since-last-run-ms)', one(() => (stats().lastPassEndMs < 0 ? 0 : src.broker.clock.now() - stats().lastPassEndMs))),
    gauge('kafka_log_logcleanermanager_max_dirty_percent', 'Dirtiest compacted log: its dirty bytes as a percentage of its cleanable bytes (LogCleanerManager max-dirty-percent)', one(() => maxDirtyPercent(src.broker))),
    { name: 'rivulet_log_cleaner_logs_cleaned_total', help: 'Logs cleaned (Rivulet only)', type: 'counter', values: one(() => stats().logsCleaned) },
    { name: 'rivulet_log_cleaner_read_bytes_total', help: 'Bytes the cleaner read (Rivulet only)', type: 'counter', values: one(() => stats().bytesRead) },
    { name: 'rivulet_log_cleaner_written_bytes_total', help: 'Bytes the cleaner wrote (Rivulet only)', type: 'counter', values: one(() => stats().bytesWritten) },
  ]
}

function maxDirtyPercent(broker: Broker): number {
  let max = 0
  const now = broker.clock.now()
  for (const [key, log] of broker.logs.all()) {
    if (!log.config.compact || log.closed) continue
    max = Math.max(max, dirtiness(log, broker.logs.firstDirtyOffset(key), now).ratio)
  }
  return Math.round(max * 100)
}
