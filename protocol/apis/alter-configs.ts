import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// AlterConfigs (33). Replaces a resource's whole config set (keys left out revert to defaults).
// Versions differ only in encoding (v2+ flexible).
export const AlterConfigs = defineApi({
  key: 33,
  name: 'AlterConfigs',
  valid: '0-2',
  flexible: '2+',
  request: {
    resources: t.array({
      resourceType: t.int8(),
      resourceName: t.string(),
      configs: t.array({
        name: t.string(),
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
export type AlterConfigsRequest = RequestOf<typeof AlterConfigs>
export type AlterConfigsResponse = ResponseOf<typeof AlterConfigs>
