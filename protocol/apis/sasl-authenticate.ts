import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// SaslAuthenticate (36). v1+: sessionLifetimeMs (KIP-368; 0 = no re-authentication required).
export const SaslAuthenticate = defineApi({
  key: 36,
  name: 'SaslAuthenticate',
  valid: '0-2',
  flexible: '2+',
  request: {
    authBytes: t.bytes(),
  },
  response: {
    errorCode: t.errorCode(),
    errorMessage: t.nullableString({ nullable: '0+', default: '' }),
    authBytes: t.bytes(),
    sessionLifetimeMs: t.int64({ versions: '1+' }),
  },
})
export type SaslAuthenticateRequest = RequestOf<typeof SaslAuthenticate>
export type SaslAuthenticateResponse = ResponseOf<typeof SaslAuthenticate>
