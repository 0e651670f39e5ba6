// ListConfigResources 0–1 (KIP-1142; KafkaApis.handleListConfigResources): the resources whose
// configs DescribeConfigs can show, as Admin.listConfigResources and the 4.x tools list them. v0
// (once ListClientMetricsResources, KIP-714) lists client-metrics subscriptions only: none here.
// v1 lists the requested types, or every type when none is given; a type outside Kafka's config
// resource types answers UNSUPPORTED_VERSION for the whole request, as Kafka 4.4.0 does. Listed:
// every topic (internal ones too, as Kafka) and this broker. Not listed, with the reason:
// BROKER_LOGGER (Kafka lists each broker once more; DescribeConfigs here cannot describe loggers,
// so listing them would point tools at an error), CLIENT_METRICS (no subscriptions) and GROUP
// (Kafka lists groups that have dynamic group configs; there are none here). With an authorizer
// the principal needs DESCRIBE_CONFIGS on the cluster, else CLUSTER_AUTHORIZATION_FAILED.

import { ListConfigResources } from '../../protocol/apis/list-config-resources.js'
import { KafkaError } from '../../protocol/errors.js'
import { Op, requireCluster } from './auth.js'
import { ResourceType } from './describe-configs.js'
import { defineHandler } from './handler.js'

const LISTABLE: ReadonlySet<number> = new Set([ResourceType.TOPIC, ResourceType.BROKER, ResourceType.BROKER_LOGGER, ResourceType.CLIENT_METRICS, ResourceType.GROUP])

export default defineHandler({
  api: ListConfigResources,
  handle(req, ctx) {
    const { broker, version } = ctx
    requireCluster(ctx, Op.DESCRIBE_CONFIGS)
    if (version === 0) return { throttleTimeMs: 0, errorCode: 0, configResources: [] }
    for (const type of req.resourceTypes) {
      if (!LISTABLE.has(type)) throw new KafkaError('UNSUPPORTED_VERSION', `Unsupported resource type ${type}`)
    }
    const wanted = (type: number) => req.resourceTypes.length === 0 || req.resourceTypes.includes(type)
    const configResources = []
    if (wanted(ResourceType.BROKER)) configResources.push({ resourceName: String(broker.nodeId), resourceType: ResourceType.BROKER })
    if (wanted(ResourceType.TOPIC)) {
      for (const name of broker.cluster.topics.keys()) configResources.push({ resourceName: name, resourceType: ResourceType.TOPIC })
    }
    return { throttleTimeMs: 0, errorCode: 0, configResources }
  },
  errorResponse: (_req, errorCode) => ({ throttleTimeMs: 0, errorCode, configResources: [] }),
})
