import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// ApiVersions (18). v3+ carries the client's software name and version (KIP-511). A response to a
// version we do not know is a v0 body with UNSUPPORTED_VERSION, always under response header v0.
// v5 (KIP-1242) adds the cluster id and node id the client means to reach, so a broker that is
// not that node can answer REBOOTSTRAP_REQUIRED.
export const ApiVersions = defineApi({
  key: 18,
  name: 'ApiVersions',
  valid: '0-5',
  flexible: '3+',
  request: {
    clientSoftwareName: t.string({ versions: '3+' }),
    clientSoftwareVersion: t.string({ versions: '3+' }),
    clusterId: t.nullableString({ versions: '5+', nullable: '5+', default: null }),
    nodeId: t.int32({ versions: '5+', default: -1 }),
  },
  response: {
    errorCode: t.errorCode(),
    apiKeys: t.array({
      apiKey: t.int16(),
      minVersion: t.int16(),
      maxVersion: t.int16(),
    }),
    throttleTimeMs: t.int32({ versions: '1+' }),
    supportedFeatures: t.array(
      { name: t.string(), minVersion: t.int16(), maxVersion: t.int16() },
      { versions: '3+', tag: 0, taggedVersions: '3+' },
    ),
    finalizedFeaturesEpoch: t.int64({ versions: '3+', tag: 1, taggedVersions: '3+', default: -1n }),
    finalizedFeatures: t.array(
      { name: t.string(), maxVersionLevel: t.int16(), minVersionLevel: t.int16() },
      { versions: '3+', tag: 2, taggedVersions: '3+' },
    ),
    zkMigrationReady: t.bool({ versions: '3+', tag: 3, taggedVersions: '3+' }),
  },
})
export type ApiVersionsRequest = RequestOf<typeof ApiVersions>
export type ApiVersionsResponse = ResponseOf<typeof ApiVersions>
