import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// AlterClientQuotas (49, KIP-546): per entity (user, client-id or ip; a null name is the default
// entity) a list of ops, each setting a value or removing a key. validateOnly checks without
// applying. v1 is flexible.
export const AlterClientQuotas = defineApi({
  key: 49,
  name: 'AlterClientQuotas',
  valid: '0-1',
  flexible: '1+',
  request: {
    entries: t.array({
      entity: t.array({
        entityType: t.string(),
        entityName: t.nullableString({ nullable: '0+', default: null }),
      }),
      ops: t.array({
        key: t.string(),
        value: t.float64(),
        remove: t.bool(),
      }),
    }),
    validateOnly: t.bool(),
  },
  response: {
    throttleTimeMs: t.int32(),
    entries: t.array({
      errorCode: t.errorCode(),
      errorMessage: t.nullableString({ nullable: '0+', default: null }),
      entity: t.array({
        entityType: t.string(),
        entityName: t.nullableString({ nullable: '0+', default: null }),
      }),
    }),
  },
})
export type AlterClientQuotasRequest = RequestOf<typeof AlterClientQuotas>
export type AlterClientQuotasResponse = ResponseOf<typeof AlterClientQuotas>
