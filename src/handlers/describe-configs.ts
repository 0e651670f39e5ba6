// DescribeConfigs 1–4 (v0 was removed in Kafka 4.0 (KIP-896)). TOPIC resources list every topic config with its value and where it comes
// from (topic override, per-broker or cluster-wide dynamic, static broker synonym, default); BROKER
// resources named by our node id list every broker config, and the empty name lists the
// cluster-wide dynamic configs (as Kafka's ConfigHelper does for the dynamic default level). A new
// data directory has the cluster-wide min.insync.replicas a new Kafka 4.1 cluster gets (cluster.ts).
// A configSource and, when asked, synonyms; v3+
// config types and, when asked, documentation. Null or empty configurationKeys means every key
// (Kafka treats both alike).
// GROUP resources (KIP-848) list Kafka 4.4's group configs (group-configs.ts).
// Not implemented: BROKER_LOGGER and CLIENT_METRICS resources, which get Kafka's answer for
// a resource type it cannot serve (INVALID_REQUEST on that resource); authorization.
// With an authorizer: DESCRIBE_CONFIGS on the topic, group or (broker types) the cluster, else
// TOPIC_/GROUP_/CLUSTER_AUTHORIZATION_FAILED for that resource (ConfigHelper).

import { DescribeConfigs, type DescribeConfigsRequest, type DescribeConfigsResponse } from '../../protocol/apis/describe-configs.js'
import { ErrorCode, KafkaError } from '../../protocol/errors.js'
import type { DeepPartial } from '../../protocol/schema.js'
import type { Broker } from '../broker.js'
import type { ResolvedConfig } from '../cluster/broker-config.js'
import { validateTopicName } from '../cluster/cluster.js'
import { describeGroupConfigs } from '../cluster/group-configs.js'
import { BROKER_CONFIG_BY_NAME, CONFIG_TYPE_CODE, ConfigSource } from '../cluster/config-defs.js'
import { configResourceDenied, Op } from './auth.js'
import { defineHandler } from './handler.js'

type ResourceIn = DescribeConfigsRequest['resources'][number]
type ResultOut = DeepPartial<DescribeConfigsResponse['results'][number]>
type ConfigOut = DeepPartial<DescribeConfigsResponse['results'][number]['configs'][number]>

// org.apache.kafka.common.config.ConfigResource.Type ids.
export const ResourceType = { UNKNOWN: 0, TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8, CLIENT_METRICS: 16, GROUP: 32 } as const
const KNOWN_TYPES: ReadonlyMap<number, string> = new Map(Object.entries(ResourceType).map(([k, v]) => [v, k]))

export function resourceTypeName(id: number): string {
  return KNOWN_TYPES.get(id) ?? 'UNKNOWN'
}

// A BROKER resource name is empty (the cluster-wide level) or our node id; Kafka rejects anything
// else with INVALID_REQUEST on that resource (ConfigHelper.resourceNameToBrokerId). The brokers of
// an in-process cluster share one config, so any of their ids names it (Kafka's admin sends a
// broker's resource to that broker; kafka-reassign-partitions --verify clears throttles on each).
export function checkBrokerName(broker: Broker, name: string, orEmpty: string): void {
  if (!/^[+-]?\d+$/.test(name)) throw new KafkaError('INVALID_REQUEST', `Broker id must be an integer, but it is: ${name}`)
  if (broker.nodes.get(Number(name)) === undefined) throw new KafkaError('INVALID_REQUEST', `Unexpected broker id, expected ${broker.nodeId}${orEmpty}, but received ${name}`)
}

interface Options {
  synonyms: boolean
  documentation: boolean
}

function entry(c: ResolvedConfig, o: Options): ConfigOut {
  return {
    name: c.name,
    value: c.sensitive ? null : c.value,
    readOnly: c.readOnly,
    configSource: c.source,
    isSensitive: c.sensitive,
    synonyms: o.synonyms ? c.synonyms.map((s) => ({ name: s.name, value: c.sensitive ? null : s.value, source: s.source })) : [],
    configType: CONFIG_TYPE_CODE[c.def.type],
    documentation: o.documentation ? c.def.doc : null,
  }
}

// Kafka's ConfigHelper answers the empty broker name with the dynamic default level only: the
// configs set there, each with its dynamic-default synonym.
function clusterDefaults(broker: Broker): ResolvedConfig[] {
  const out: ResolvedConfig[] = []
  for (const [name, value] of broker.config.dynamicDefault) {
    const def = BROKER_CONFIG_BY_NAME.get(name)
    if (!def) continue
    const source = ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG
    out.push({ name, value, source, readOnly: !def.dynamic, sensitive: def.type === 'PASSWORD', synonyms: [{ name, value, source }], def })
  }
  return out
}

function describe(broker: Broker, r: ResourceIn, o: Options): ResultOut {
  let configs: ResolvedConfig[]
  switch (r.resourceType) {
    case ResourceType.TOPIC: {
      validateTopicName(r.resourceName)
      const topic = broker.cluster.topic(r.resourceName)
      if (!topic) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Topic ${r.resourceName} does not exist.`, resourceType: r.resourceType, resourceName: r.resourceName, configs: [] }
      configs = broker.config.describeTopic(topic.configs)
      break
    }
    case ResourceType.BROKER:
      if (r.resourceName === '') {
        configs = clusterDefaults(broker)
      } else {
        checkBrokerName(broker, r.resourceName, ' or empty string')
        configs = broker.config.describeBroker()
      }
      break
    case ResourceType.GROUP:
      configs = describeGroupConfigs(broker.config, broker.cluster.groupConfigs.get(r.resourceName) ?? {})
      break
    default:
      throw new KafkaError('INVALID_REQUEST', `Unsupported resource type: ${resourceTypeName(r.resourceType)}`)
  }
  const keys = r.configurationKeys
  if (keys && keys.length > 0) {
    const wanted = new Set(keys)
    configs = configs.filter((c) => wanted.has(c.name))
  }
  return { errorCode: 0, resourceType: r.resourceType, resourceName: r.resourceName, configs: configs.map((c) => entry(c, o)) }
}

export default defineHandler({
  api: DescribeConfigs,
  handle(req, ctx) {
    // Kafka fails the whole request for a resource type id it does not know at all (its
    // authorization step throws before any resource is described).
    for (const r of req.resources) {
      if (!KNOWN_TYPES.has(r.resourceType) || r.resourceType === ResourceType.UNKNOWN) {
        throw new KafkaError('INVALID_REQUEST', `Unexpected resource type ${r.resourceType} for resource ${r.resourceName}`)
      }
    }
    const o: Options = { synonyms: req.includeSynonyms, documentation: req.includeDocumentation }
    const results = req.resources.map((r): ResultOut => {
      const denied = configResourceDenied(ctx, Op.DESCRIBE_CONFIGS, r.resourceType, r.resourceName)
      if (denied) return { ...denied, resourceType: r.resourceType, resourceName: r.resourceName, configs: [] }
      try {
        return describe(ctx.broker, r, o)
      } catch (err) {
        if (!(err instanceof KafkaError)) throw err
        return { errorCode: err.errorCode, errorMessage: err.message, resourceType: r.resourceType, resourceName: r.resourceName, configs: [] }
      }
    })
    return { throttleTimeMs: 0, results }
  },
  errorResponse: (req, errorCode) => ({
    results: req.resources.map((r) => ({ errorCode, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName, configs: [] })),
  }),
})
