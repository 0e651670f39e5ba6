import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// DeleteAcls (31). Kafka 4.x serves 1-3 (KIP-896 removed v0); v1+: pattern type filter; v2+: flexible.
export const DeleteAcls = defineApi({
  key: 31,
  name: 'DeleteAcls',
  valid: '1-3',
  flexible: '2+',
  request: {
    filters: t.array({
      resourceTypeFilter: t.int8(),
      resourceNameFilter: t.nullableString({ nullable: '0+', default: null }),
      patternTypeFilter: t.int8({ versions: '1+', default: 3 }),
      principalFilter: t.nullableString({ nullable: '0+', default: null }),
      hostFilter: t.nullableString({ nullable: '0+', default: null }),
      operation: t.int8(),
      permissionType: t.int8(),
    }),
  },
  response: {
    throttleTimeMs: t.int32(),
    filterResults: t.array({
      errorCode: t.errorCode(),
      errorMessage: t.nullableString({ nullable: '0+', default: null }),
      matchingAcls: t.array({
        errorCode: t.errorCode(),
        errorMessage: t.nullableString({ nullable: '0+', default: null }),
        resourceType: t.int8(),
        resourceName: t.string(),
        patternType: t.int8({ versions: '1+', default: 3 }),
        principal: t.string(),
        host: t.string(),
        operation: t.int8(),
        permissionType: t.int8(),
      }),
    }),
  },
})
export type DeleteAclsRequest = RequestOf<typeof DeleteAcls>
export type DeleteAclsResponse = ResponseOf<typeof DeleteAcls>
