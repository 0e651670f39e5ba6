import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// FindCoordinator (10). v1+: keyType (0 group, 1 transaction, 2 share). v0–3 look up one key and
// answer one coordinator; v4+ batch coordinatorKeys and answer one coordinator entry per key.
export const FindCoordinator = defineApi({
  key: 10,
  name: 'FindCoordinator',
  valid: '0-6',
  flexible: '3+',
  request: {
    key: t.string({ versions: '0-3' }),
    keyType: t.int8({ versions: '1+' }),
    coordinatorKeys: t.array(t.string(), { versions: '4+' }),
  },
  response: {
    throttleTimeMs: t.int32({ versions: '1+' }),
    errorCode: t.errorCode({ versions: '0-3' }),
    errorMessage: t.nullableString({ versions: '1-3', nullable: '1-3', default: '' }),
    nodeId: t.int32({ versions: '0-3' }),
    host: t.string({ versions: '0-3' }),
    port: t.int32({ versions: '0-3' }),
    coordinators: t.array(
      {
        key: t.string(),
        nodeId: t.int32(),
        host: t.string(),
        port: t.int32(),
        errorCode: t.errorCode(),
        errorMessage: t.nullableString({ nullable: '4+', default: '' }),
      },
      { versions: '4+' },
    ),
  },
})
export type FindCoordinatorRequest = RequestOf<typeof FindCoordinator>
export type FindCoordinatorResponse = ResponseOf<typeof FindCoordinator>
