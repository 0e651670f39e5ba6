import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// DescribeConfigs (32). v0 (isDefault instead of a source) was removed in Kafka 4.0 (KIP-896). A configSource
// and, when asked, synonyms.
// v3+ config types and documentation on request. Null configurationKeys means every key.
export const DescribeConfigs = defineApi({
  key: 32,
  name: 'DescribeConfigs',
  valid: '1-4',
  flexible: '4+',
  request: {
    resources: t.array({
      resourceType: t.int8(),
      resourceName: t.string(),
      configurationKeys: t.nullableArray(t.string(), { default: [] }),
    }),
    includeSynonyms: t.bool(),
    includeDocumentation: t.bool({ versions: '3+' }),
  },
  response: {
    throttleTimeMs: t.int32(),
    results: t.array({
      errorCode: t.errorCode(),
      errorMessage: t.nullableString({ default: '' }),
      resourceType: t.int8(),
      resourceName: t.string(),
      configs: t.array({
        name: t.string(),
        value: t.nullableString({ default: '' }),
        readOnly: t.bool(),
        configSource: t.int8({ default: -1 }),
        isSensitive: t.bool(),
        synonyms: t.array({
          name: t.string(),
          value: t.nullableString({ default: '' }),
          source: t.int8(),
        }),
        configType: t.int8({ versions: '3+' }),
        documentation: t.nullableString({ versions: '3+', default: '' }),
      }),
    }),
  },
})
export type DescribeConfigsRequest = RequestOf<typeof DescribeConfigs>
export type DescribeConfigsResponse = ResponseOf<typeof DescribeConfigs>
