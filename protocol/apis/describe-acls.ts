import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// DescribeAcls (29). Kafka 4.x serves 1-3 (KIP-896 removed v0); v1+: pattern type filter
// (3 = LITERAL by default; KIP-290); v2+: flexible.
export const DescribeAcls = defineApi({
  key: 29,
  name: 'DescribeAcls',
  valid: '1-3',
  flexible: '2+',
  request: {
    resourceTypeFilter: t.int8(),
    resourceNameFilter: t.nullableString({ nullable: '0+', default: null }),
    patternTypeFilter: t.int8({ versions: '1+', default: 3 }),
    principalFilter: t.nullableString({ nullable: '0+', default: null }),
    hostFilter: t.nullableString({ nullable: '0+', default: null }),
    operation: t.int8(),
    permissionType: t.int8(),
  },
  response: {
    throttleTimeMs: t.int32(),
    errorCode: t.errorCode(),
    errorMessage: t.nullableString({ nullable: '0+', default: null }),
    resources: t.array({
      resourceType: t.int8(),
      resourceName: t.string(),
      patternType: t.int8({ versions: '1+', default: 3 }),
      acls: t.array({
        principal: t.string(),
        host: t.string(),
        operation: t.int8(),
        permissionType: t.int8(),
      }),
    }),
  },
})
export type DescribeAclsRequest = RequestOf<typeof DescribeAcls>
export type DescribeAclsResponse = ResponseOf<typeof DescribeAcls>
