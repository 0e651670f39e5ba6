import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// AlterUserScramCredentials (51, KIP-554): the client sends the salt and the salted password
// (never the password); the broker keeps StoredKey and ServerKey derived from them.
export const AlterUserScramCredentials = defineApi({
  key: 51,
  name: 'AlterUserScramCredentials',
  valid: '0',
  flexible: '0+',
  request: {
    deletions: t.array({
      name: t.string(),
      mechanism: t.int8(),
    }),
    upsertions: t.array({
      name: t.string(),
      mechanism: t.int8(),
      iterations: t.int32(),
      salt: t.bytes(),
      saltedPassword: t.bytes(),
    }),
  },
  response: {
    throttleTimeMs: t.int32(),
    results: t.array({
      user: t.string(),
      errorCode: t.errorCode(),
      errorMessage: t.nullableString({ nullable: '0+', default: null }),
    }),
  },
})
export type AlterUserScramCredentialsRequest = RequestOf<typeof AlterUserScramCredentials>
export type AlterUserScramCredentialsResponse = ResponseOf<typeof AlterUserScramCredentials>
