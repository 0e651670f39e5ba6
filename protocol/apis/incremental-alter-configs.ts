import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// IncrementalAlterConfigs (44). Per-key operations (0 set, 1 delete, 2 append, 3 subtract; KIP-339).
// Versions differ only in encoding (v1+ flexible).
export const IncrementalAlterConfigs = defineApi({
  key: 44,
  name: 'IncrementalAlterConfigs',
  valid: '0-1',
  flexible: '1+',
  request: {
    resources: t.array({
      resourceType: t.int8(),
      resourceName: t.string(),
      configs: t.array({
        name: t.string(),
        configOperation: t.int8(),
        value: t.nullableString({ default: '' }),
      }),
    }),
    validateOnly: t.bool(),
  },
  response: {
    throttleTimeMs: t.int32(),
    responses: t.array({
      errorCode: t.errorCode(),
      errorMessage: t.nullableString({ default: '' }),
      resourceType: t.int8(),
      resourceName: t.string(),
    }),
  },
})
export type IncrementalAlterConfigsRequest = RequestOf<typeof IncrementalAlterConfigs>
export type IncrementalAlterConfigsResponse = ResponseOf<typeof IncrementalAlterConfigs>
