import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// DescribeClientQuotas (48, KIP-546): the quota entities matching a filter and their values.
// matchType 0 = exact name (match), 1 = the default entity (match null), 2 = any named entity.
// strict: leave out entities that have entity types beyond the filter's. v1 is flexible.
export const DescribeClientQuotas = defineApi({
  key: 48,
  name: 'DescribeClientQuotas',
  valid: '0-1',
  flexible: '1+',
  request: {
    components: t.array({
      entityType: t.string(),
      matchType: t.int8(),
      match: t.nullableString({ nullable: '0+', default: null }),
    }),
    strict: t.bool(),
  },
  response: {
    throttleTimeMs: t.int32(),
    errorCode: t.errorCode(),
    errorMessage: t.nullableString({ nullable: '0+', default: null }),
    entries: t.nullableArray({
      entity: t.array({
        entityType: t.string(),
        entityName: t.nullableString({ nullable: '0+', default: null }),
      }),
      values: t.array({
        key: t.string(),
        value: t.float64(),
      }),
    }, { nullable: '0+', default: null }),
  },
})
export type DescribeClientQuotasRequest = RequestOf<typeof DescribeClientQuotas>
export type DescribeClientQuotasResponse = ResponseOf<typeof DescribeClientQuotas>
