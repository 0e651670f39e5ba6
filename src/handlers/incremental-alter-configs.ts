// IncrementalAlterConfigs 0–1 (KIP-339): per-key operations on a resource's dynamic configs:
// SET (0), DELETE (1, back to the inherited value), APPEND (2) and SUBTRACT (3) for LIST configs
// only (else INVALID_CONFIG, as Kafka's ConfigurationControlManager answers). TOPIC resources are
// validated as a whole after the operations and then applied to the topic's live partition logs;
// BROKER resources (empty name: the cluster-wide level; our node id: this broker's own) accept
// dynamic broker configs only, min.insync.replicas only cluster-wide and never deleted (ELR, Kafka
// 4.1), and a change reaches every partition log that inherits it. validateOnly validates and changes nothing.
// Errors are per resource, in request order. Versions differ only in encoding (v1+ flexible).
// GROUP resources (KIP-848): a group's config overrides, checked as Kafka 4.4's GroupConfig
// (group-configs.ts). Not implemented: BROKER_LOGGER (no runtime loggers: INVALID_REQUEST) and
// CLIENT_METRICS resources; alter-config policies. With an authorizer: ALTER_CONFIGS as
// AlterConfigs (alter-configs.ts).

import { IncrementalAlterConfigs, type IncrementalAlterConfigsRequest } from '../../protocol/apis/incremental-alter-configs.js'
import { KafkaError } from '../../protocol/errors.js'
import { alterResources, errorResponses, type NextConfigs } from './alter-configs.js'
import { configResourceDenied, Op } from './auth.js'
import { defineHandler } from './handler.js'

type ResourceIn = IncrementalAlterConfigsRequest['resources'][number]

const OpType = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const
const OP_NAMES = ['SET', 'DELETE', 'APPEND', 'SUBTRACT']

// Java's String.split(","): trailing empty strings are dropped.
function javaSplit(s: string): string[] {
  const parts = s.split(',')
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop()
  return parts
}

// ConfigurationControlManager.getParts: the current value, or the default, without empty items.
function parts(value: string | null): string[] {
  return value === null ? [] : value.split(',').filter((p) => p !== '')
}

const applyOps: NextConfigs<ResourceIn> = (r, current, defs) => {
  const next: Record<string, string> = { ...current }
  for (const c of r.configs) {
    switch (c.configOperation) {
      case OpType.SET:
        next[c.name] = c.value!
        break
      case OpType.DELETE:
        delete next[c.name]
        break
      case OpType.APPEND:
      case OpType.SUBTRACT: {
        const def = defs.get(c.name)
        const op = OP_NAMES[c.configOperation]
        if (def?.type !== 'LIST') throw new KafkaError('INVALID_CONFIG', `Can't ${op} to key ${c.name} because its type is not LIST.`)
        const list = parts(c.name in next ? next[c.name]! : def.default)
        for (const v of javaSplit(c.value!)) {
          if (c.configOperation === OpType.APPEND) {
            if (!list.includes(v)) list.push(v)
          } else {
            const at = list.indexOf(v)
            if (at >= 0) list.splice(at, 1)
          }
        }
        next[c.name] = list.join(',')
        break
      }
      default:
        throw new KafkaError('INVALID_REQUEST', `Unknown operations type ${c.configOperation}`)
    }
  }
  return next
}

export default defineHandler({
  api: IncrementalAlterConfigs,
  handle(req, ctx) {
    const nulls = (r: ResourceIn) => r.configs.filter((c) => c.value === null && c.configOperation !== OpType.DELETE).map((c) => c.name)
    const responses = alterResources(ctx.broker, req.resources, { validateOnly: req.validateOnly, nulls, next: applyOps, groups: true, denied: (r) => configResourceDenied(ctx, Op.ALTER_CONFIGS, r.resourceType, r.resourceName) })
    return { throttleTimeMs: 0, responses }
  },
  errorResponse: (req, errorCode) => ({ responses: errorResponses(req.resources, errorCode) }),
})
