// AlterConfigs 0–2 (the legacy API: each resource's whole set of dynamic configs is replaced, keys
// left out revert to their defaults). TOPIC resources: every key validated as a topic config,
// then the topic's overrides replaced and its partition logs reconfigured. BROKER resources (empty
// name: the cluster-wide level; our node id: this broker's own): only dynamic broker configs, and
// min.insync.replicas only cluster-wide and never removed (ELR, Kafka 4.1). validateOnly validates
// and changes nothing.
// Errors are per resource, in request order, as Kafka 4 answers once the broker's preprocessing
// (duplicates, nulls, broker checks) and the controller's validation have run. Versions differ
// only in encoding (v2+ flexible). Not implemented: BROKER_LOGGER (Kafka rejects it on this API
// too), CLIENT_METRICS and GROUP resources; alter-config policies; authorization.
// The resource checks are shared with IncrementalAlterConfigs, which imports them from here.
// With an authorizer: ALTER_CONFIGS on the topic or (broker types) the cluster, else
// TOPIC_/CLUSTER_AUTHORIZATION_FAILED for that resource.

import { AlterConfigs } from '../../protocol/apis/alter-configs.js'
import { KafkaError } from '../../protocol/errors.js'
import type { Broker } from '../broker.js'
import { DEFAULT_BROKER_RESOURCE } from '../cluster/broker-config.js'
import { MIN_INSYNC_REPLICAS, validateTopicConfigs, validateTopicName } from '../cluster/cluster.js'
import { BROKER_CONFIG_BY_NAME, TOPIC_CONFIG_BY_NAME, brokerValueError, type ConfigDef } from '../cluster/config-defs.js'
import { GROUP_CONFIG_DEFS, validateGroupConfigs } from '../cluster/group-configs.js'
import { ResourceType, checkBrokerName, resourceTypeName } from './describe-configs.js'
import { configResourceDenied, Op } from './auth.js'
import { defineHandler } from './handler.js'

export interface ResourceIn {
  resourceType: number
  resourceName: string
  configs: readonly { name: string; value: string | null }[]
}

export interface ResourceOut {
  resourceType: number
  resourceName: string
  errorCode: number
  errorMessage: string | null
}

// Computes a resource's next set of dynamic configs from its current one (throws KafkaError).
// `defs` are the config definitions of the resource's kind.
export type NextConfigs<R> = (r: R, current: Readonly<Record<string, string>>, defs: ReadonlyMap<string, ConfigDef>) => Record<string, string>

// Kafka's DynamicBrokerConfig.validateConfigs: static-only configs are refused first, then
// values that do not parse; both surface as INVALID_REQUEST (KAFKA-13609 keeps it that way).
// Rivulet refuses names it does not know (Kafka would store them unread) with INVALID_CONFIG.
function validateBrokerChanges(changed: Readonly<Record<string, string>>): void {
  const names = Object.keys(changed)
  const unknown = names.filter((n) => !BROKER_CONFIG_BY_NAME.has(n))
  if (unknown.length > 0) throw new KafkaError('INVALID_CONFIG', `Unknown broker config name: ${unknown.join(', ')}`)
  const fixed = names.filter((n) => BROKER_CONFIG_BY_NAME.get(n)!.dynamic !== true)
  if (fixed.length > 0) throw new KafkaError('INVALID_REQUEST', `Cannot update these configs dynamically: Set(${fixed.join(', ')})`)
  for (const n of names) {
    const err = brokerValueError(BROKER_CONFIG_BY_NAME.get(n)!, changed[n]!)
    if (err) throw new KafkaError('INVALID_REQUEST', err)
  }
}

// Kafka 4.1's controller while eligible leader replicas are on (ConfigurationControlManager
// .validateAlterConfig, KIP-966): no broker may have its own min.insync.replicas, and the
// cluster-level one (seeded in cluster.ts) may be changed but not removed, by DELETE or by a legacy
// AlterConfigs that leaves it out. A named key counts even when its value stays the same: Kafka
// writes a record for every key of a BROKER resource (KAFKA-14136).
function checkElrMinIsr(r: ResourceIn, current: Readonly<Record<string, string>>, next: Readonly<Record<string, string>>): void {
  const touched = r.configs.some((c) => c.name === MIN_INSYNC_REPLICAS) || (MIN_INSYNC_REPLICAS in current && !(MIN_INSYNC_REPLICAS in next))
  if (!touched) return
  if (r.resourceName !== DEFAULT_BROKER_RESOURCE) throw new KafkaError('INVALID_CONFIG', 'Broker-level min.insync.replicas cannot be altered while ELR is enabled.')
  if (!(MIN_INSYNC_REPLICAS in next)) throw new KafkaError('INVALID_CONFIG', 'Cluster-level min.insync.replicas cannot be removed while ELR is enabled.')
}

function alterTopic<R extends ResourceIn>(broker: Broker, r: R, validateOnly: boolean, next: NextConfigs<R>): void {
  const topic = broker.cluster.topic(r.resourceName)
  const configs = next(r, topic?.configs ?? {}, TOPIC_CONFIG_BY_NAME)
  // ControllerConfigurationValidator: the name, then the values, then (QuorumController's
  // existence check) that the topic exists.
  if (r.resourceName === '') throw new KafkaError('INVALID_REQUEST', 'Default topic resources are not allowed.')
  validateTopicName(r.resourceName)
  validateTopicConfigs(configs)
  if (!topic) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `The topic '${r.resourceName}' does not exist.`)
  if (!validateOnly) broker.setTopicConfigs(topic.name, configs)
}

function alterBroker<R extends ResourceIn>(broker: Broker, r: R, validateOnly: boolean, next: NextConfigs<R>): void {
  if (r.resourceName !== DEFAULT_BROKER_RESOURCE) checkBrokerName(broker, r.resourceName, '')
  // The empty name changes the cluster-wide level, our node id this broker's own.
  const current = Object.fromEntries(broker.config.dynamicLevel(r.resourceName))
  const configs = next(r, current, BROKER_CONFIG_BY_NAME)
  const changes = new Map<string, string | null>()
  const changed: Record<string, string> = {}
  for (const [k, v] of Object.entries(configs)) {
    if (current[k] === v) continue
    changes.set(k, v)
    changed[k] = v
  }
  for (const k of Object.keys(current)) if (!(k in configs)) changes.set(k, null)
  validateBrokerChanges(changed)
  checkElrMinIsr(r, current, configs)
  if (!validateOnly && changes.size > 0) broker.setBrokerConfigs(changes, r.resourceName)
}

// GROUP resources (IncrementalAlterConfigs only): the group's overrides, validated as Kafka's
// GroupConfig.validate does, saved with the cluster metadata.
function alterGroup<R extends ResourceIn>(broker: Broker, r: R, validateOnly: boolean, next: NextConfigs<R>): void {
  const configs = next(r, broker.cluster.groupConfigs.get(r.resourceName) ?? {}, GROUP_CONFIG_DEFS)
  validateGroupConfigs(broker.config, configs)
  if (validateOnly) return
  if (Object.keys(configs).length > 0) broker.cluster.groupConfigs.set(r.resourceName, configs)
  else broker.cluster.groupConfigs.delete(r.resourceName)
  broker.cluster.save()
}

export function duplicateKeys(r: ResourceIn): boolean {
  return new Set(r.configs.map((c) => c.name)).size !== r.configs.length
}

export interface AlterOptions<R> {
  validateOnly: boolean
  // The configs whose null value the API refuses (AlterConfigs: every one; incremental: all but DELETE).
  nulls: (r: R) => string[]
  next: NextConfigs<R>
  // Resource types Kafka's preprocessing calls unknown for this API.
  unknownTypes?: ReadonlySet<number>
  // ALTER_CONFIGS on the resource (ControllerApis.authorizeAlterResource): its error, else null.
  denied?: (r: R) => { errorCode: number; errorMessage: string } | null
  // GROUP resources are served (IncrementalAlterConfigs).
  groups?: boolean
}

// One response per requested resource, in request order.
export function alterResources<R extends ResourceIn>(broker: Broker, resources: readonly R[], o: AlterOptions<R>): ResourceOut[] {
  const { validateOnly, next } = o
  const seen = new Map<string, number>()
  for (const r of resources) {
    const key = `${r.resourceType}:${r.resourceName}`
    seen.set(key, (seen.get(key) ?? 0) + 1)
  }
  return resources.map((r): ResourceOut => {
    const out = { resourceType: r.resourceType, resourceName: r.resourceName }
    try {
      if (seen.get(`${r.resourceType}:${r.resourceName}`)! > 1) throw new KafkaError('INVALID_REQUEST', 'Each resource must appear at most once.')
      if (duplicateKeys(r)) throw new KafkaError('INVALID_REQUEST', 'Error due to duplicate config keys')
      const nullNames = o.nulls(r)
      if (nullNames.length > 0) throw new KafkaError('INVALID_REQUEST', `Null value not supported for : ${nullNames.join(', ')}`)
      if (o.unknownTypes?.has(r.resourceType)) throw new KafkaError('INVALID_REQUEST', `Unknown resource type ${r.resourceType}`)
      const denied = o.denied?.(r)
      if (denied) return { ...out, ...denied }
      switch (r.resourceType) {
        case ResourceType.TOPIC:
          alterTopic(broker, r, validateOnly, next)
          break
        case ResourceType.BROKER:
          alterBroker(broker, r, validateOnly, next)
          break
        case ResourceType.GROUP:
          if (!o.groups) throw new KafkaError('INVALID_REQUEST', `Unsupported resource type: ${resourceTypeName(r.resourceType)}`)
          alterGroup(broker, r, validateOnly, next)
          break
        case ResourceType.BROKER_LOGGER:
        case ResourceType.CLIENT_METRICS:
          throw new KafkaError('INVALID_REQUEST', `Unsupported resource type: ${resourceTypeName(r.resourceType)}`)
        default:
          throw new KafkaError('INVALID_REQUEST', `Unknown resource type ${r.resourceType}`)
      }
      return { ...out, errorCode: 0, errorMessage: null }
    } catch (err) {
      if (!(err instanceof KafkaError)) throw err
      return { ...out, errorCode: err.errorCode, errorMessage: err.message }
    }
  })
}

export function errorResponses(resources: readonly { resourceType: number; resourceName: string }[], errorCode: number): ResourceOut[] {
  return resources.map((r) => ({ resourceType: r.resourceType, resourceName: r.resourceName, errorCode, errorMessage: null }))
}

const replaceAll: NextConfigs<ResourceIn> = (r) => Object.fromEntries(r.configs.map((c) => [c.name, c.value ?? '']))

const LEGACY_UNKNOWN: ReadonlySet<number> = new Set([ResourceType.BROKER_LOGGER])

export default defineHandler({
  api: AlterConfigs,
  handle(req, ctx) {
    const nulls = (r: ResourceIn) => r.configs.filter((c) => c.value === null).map((c) => c.name)
    // The legacy API has no BROKER_LOGGER support: Kafka's preprocessing calls the type unknown.
    const responses = alterResources(ctx.broker, req.resources, { validateOnly: req.validateOnly, nulls, next: replaceAll, unknownTypes: LEGACY_UNKNOWN, denied: (r) => configResourceDenied(ctx, Op.ALTER_CONFIGS, r.resourceType, r.resourceName) })
    return { throttleTimeMs: 0, responses }
  },
  errorResponse: (req, errorCode) => ({ responses: errorResponses(req.resources, errorCode) }),
})
