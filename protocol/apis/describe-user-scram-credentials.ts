import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// DescribeUserScramCredentials (50, KIP-554): each user's SCRAM mechanisms and iterations, never
// salts or keys. users null or empty: every user.
export const DescribeUserScramCredentials = defineApi({
  key: 50,
  name: 'DescribeUserScramCredentials',
  valid: '0',
  flexible: '0+',
  request: {
    users: t.nullableArray({ name: t.string() }, { nullable: '0+', default: null }),
  },
  response: {
    throttleTimeMs: t.int32(),
    errorCode: t.errorCode(),
    errorMessage: t.nullableString({ nullable: '0+', default: null }),
    results: t.array({
      user: t.string(),
      errorCode: t.errorCode(),
      errorMessage: t.nullableString({ nullable: '0+', default: null }),
      credentialInfos: t.array({
        mechanism: t.int8(),
        iterations: t.int32(),
      }),
    }),
  },
})
export type DescribeUserScramCredentialsRequest = RequestOf<typeof DescribeUserScramCredentials>
export type DescribeUserScramCredentialsResponse = ResponseOf<typeof DescribeUserScramCredentials>
