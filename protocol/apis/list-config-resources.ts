import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// ListConfigResources (74). v0 was ListClientMetricsResources (KIP-714: only client-metrics
// subscriptions); v1 (KIP-1142) asks for resource types (empty = every type the broker lists) and
// answers each resource with its type (v0 implies 16, CLIENT_METRICS).
export const ListConfigResources = defineApi({
  key: 74,
  name: 'ListConfigResources',
  valid: '0-1',
  flexible: '0+',
  request: {
    resourceTypes: t.array(t.int8(), { versions: '1+' }),
  },
  response: {
    throttleTimeMs: t.int32(),
    errorCode: t.errorCode(),
    configResources: t.array({
      resourceName: t.string(),
      resourceType: t.int8({ versions: '1+', default: 16 }),
    }),
  },
})
export type ListConfigResourcesRequest = RequestOf<typeof ListConfigResources>
export type ListConfigResourcesResponse = ResponseOf<typeof ListConfigResources>
