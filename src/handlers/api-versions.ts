// ApiVersions 0–4. The advertised table is derived from the registered handlers (registry.ts,
// through the request context),
// so it lists exactly what is served. v3+ validates the client software name and version
// (KIP-511) and records them for the connection's log lines, and reports the feature levels
// (KIP-584): transaction.version 2 is finalized, as on a freshly formatted Kafka 4.x, so the Java
// client and franz-go run transactions v2 (KIP-890: EndTxn v5, implicit adds on Produce v12+ and
// TxnOffsetCommit v5) here as they do there. Kafka's other features (metadata.version,
// kraft.version, group.version, ...) describe a KRaft controller and KIP-848/share groups, which
// this broker does not have, so they are not reported. Too-new versions never reach here: the
// connection answers them with a v0 UNSUPPORTED_VERSION body (KIP-511).

import { ApiVersions } from '../../protocol/apis/api-versions.js'
import { ErrorCode } from '../../protocol/errors.js'
import { defineHandler } from './handler.js'

const SUPPORTED_FEATURES = [{ name: 'transaction.version', minVersion: 0, maxVersion: 2 }]
const FINALIZED_FEATURES = [{ name: 'transaction.version', minVersionLevel: 2, maxVersionLevel: 2 }]
// Clients keep the finalized features of the highest epoch they have seen; they never change here.
const FINALIZED_FEATURES_EPOCH = 1n

// ApiVersionsRequest.isValid's pattern for software names and versions.
const SOFTWARE = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/

export default defineHandler({
  api: ApiVersions,
  handle(req, ctx) {
    if (ctx.version >= 3) {
      if (!SOFTWARE.test(req.clientSoftwareName) || !SOFTWARE.test(req.clientSoftwareVersion)) {
        return { errorCode: ErrorCode.INVALID_REQUEST, apiKeys: ctx.apiVersions }
      }
      const first = ctx.connection.clientSoftwareName === null
      ctx.connection.clientSoftwareName = req.clientSoftwareName
      ctx.connection.clientSoftwareVersion = req.clientSoftwareVersion
      if (first) {
        ctx.broker.logger.debug({ conn: ctx.connection.id, remote: ctx.connection.remote, clientId: ctx.header.clientId, software: req.clientSoftwareName, version: req.clientSoftwareVersion }, 'client connected')
      }
    }
    return {
      errorCode: 0,
      apiKeys: ctx.apiVersions,
      throttleTimeMs: 0,
      supportedFeatures: SUPPORTED_FEATURES,
      finalizedFeaturesEpoch: FINALIZED_FEATURES_EPOCH,
      finalizedFeatures: FINALIZED_FEATURES,
    }
  },
  errorResponse: (_req, errorCode, ctx) => ({ errorCode, apiKeys: ctx.apiVersions }),
})
