import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// DescribeConfigs (32). v0 reports isDefault; v1+ a configSource and, when asked, synonyms instead.
// v3+ config types and documentation on request. Null configurationKeys means every key.
export const DescribeConfigs = defineApi({
  key: 32,
  name: 'DescribeConfigs',
  valid: '0-4',
  flexible: '4+',
  request: {
    resources: t.array({
      resourceType: t.int8(),
      resourceName: t.string(),
      configurationKeys: t.nullableArray(t.string(), { default: [] }),
    }),
    includeSynonyms: t.bool({ versions: '1+' }),
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
        isDefault: t.bool({ versions: '0' }),
        configSource: t.int8({ versions: '1+', default: -1 }),
        isSensitive: t.bool(),
        synonyms: t.array(
          {
            name: t.string(),
            value: t.nullableString({ default: '' }),
            source: t.int8(),
          },
          { versions: '1+' },
        ),
        configType: t.int8({ versions: '3+' }),
        documentation: t.nullableString({ versions: '3+', default: '' }),
      }),
    }),
  },
})
export type DescribeConfigsRequest = RequestOf<typeof DescribeConfigs>
export type DescribeConfigsResponse = ResponseOf<typeof DescribeConfigs>
