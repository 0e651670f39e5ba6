import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// CreateAcls (30). Kafka 4.x serves 1-3 (KIP-896 removed v0); v1+: resource pattern type; v2+: flexible.
export const CreateAcls = defineApi({
  key: 30,
  name: 'CreateAcls',
  valid: '1-3',
  flexible: '2+',
  request: {
    creations: t.array({
      resourceType: t.int8(),
      resourceName: t.string(),
      resourcePatternType: t.int8({ versions: '1+', default: 3 }),
      principal: t.string(),
      host: t.string(),
      operation: t.int8(),
      permissionType: t.int8(),
    }),
  },
  response: {
    throttleTimeMs: t.int32(),
    results: t.array({
      errorCode: t.errorCode(),
      errorMessage: t.nullableString({ nullable: '0+', default: null }),
    }),
  },
})
export type CreateAclsRequest = RequestOf<typeof CreateAcls>
export type CreateAclsResponse = ResponseOf<typeof CreateAcls>
