import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// SaslHandshake (17). v0: the SASL tokens that follow travel as raw size-prefixed frames;
// v1+: they travel inside SaslAuthenticate requests (KIP-152).
export const SaslHandshake = defineApi({
  key: 17,
  name: 'SaslHandshake',
  valid: '0-1',
  flexible: 'none',
  request: {
    mechanism: t.string(),
  },
  response: {
    errorCode: t.errorCode(),
    mechanisms: t.array(t.string()),
  },
})
export type SaslHandshakeRequest = RequestOf<typeof SaslHandshake>
export type SaslHandshakeResponse = ResponseOf<typeof SaslHandshake>
