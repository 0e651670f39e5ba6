// ApiVersions 0–5. The advertised table is derived from the registered handlers (registry.ts,
// through the request context), so it lists exactly what is served, with one exception copied from
// Kafka 4.x: Produce is listed from v0 though served from v3 (KAFKA-18659, see produce.ts). The
// ranges equal Kafka 4.4.0's (test/handlers/kip896.test.ts). v3+ validates the client
// software name and version (KIP-511) and records them for the connection's log lines, and
// reports the feature levels (KIP-584) of the Kafka 4.4 features this broker behaves as (see
// FEATURES). v5 (KIP-1242) may name the cluster and node the client means to reach: both or neither
// (one alone is INVALID_REQUEST), and a broker that is not that node answers REBOOTSTRAP_REQUIRED so
// the client rebootstraps instead of trusting stale metadata. Kafka 4.4 answers both errors, and a
// bad software name (any version), with no API list (ApiVersionsRequest.getErrorResponse). Too-new versions never reach here: the connection answers them with a v0
// UNSUPPORTED_VERSION body (KIP-511).

import { ApiVersions } from '../../protocol/apis/api-versions.js'
import { ErrorCode } from '../../protocol/errors.js'
import { defineHandler } from './handler.js'

// The features a freshly formatted Kafka 4.4.0 finalizes, where this broker behaves accordingly
// (`kafka-features describe` lists them):
// - metadata.version 4.4-IV2 (level 33, Kafka 4.4's latest production level; Kafka supports from
//   3.3-IV3, level 7): the API versions served here are the ones clients pick against a 4.4 broker.
// - transaction.version 2: transactions v2 (KIP-890: EndTxn v5, implicit adds on Produce v12+ and
//   TxnOffsetCommit v5), which the Java client and franz-go then use here as they do on Kafka.
// - eligible.leader.replicas.version 1 (KIP-966): with a single replica the ISR never shrinks, so a
//   one-node Kafka with ELR behaves as this broker does; DescribeTopicPartitions reports the empty
//   ELR lists Kafka reports.
// - group.version 1 (KIP-848): consumer groups, ConsumerGroupHeartbeat/Describe served.
// - share.version 2 (KIP-932 share groups; 2 adds the renew acknowledgement of KIP-1222):
//   ShareGroupHeartbeat/Describe v1 and ShareFetch/ShareAcknowledge v1-2 served.
// - kraft.version 1, as a single-node Kafka formatted with --standalone (a dynamic quorum,
//   KIP-853) reports it. No client acts on it: kafka-clients never reads it, kafka-features only
//   lists it, and what a quorum-aware tool would call (DescribeQuorum, Add/RemoveRaftVoter,
//   UpdateFeatures) is not advertised, so those tools fail as before, on the missing API.
// - streams.version 1 (KIP-1071 streams groups): StreamsGroupHeartbeat/Describe v0-1 served.
const FEATURES = [
  { name: 'metadata.version', minVersion: 7, maxVersion: 33, level: 33 },
  { name: 'transaction.version', minVersion: 0, maxVersion: 2, level: 2 },
  { name: 'eligible.leader.replicas.version', minVersion: 0, maxVersion: 1, level: 1 },
  { name: 'group.version', minVersion: 0, maxVersion: 1, level: 1 },
  { name: 'share.version', minVersion: 0, maxVersion: 2, level: 2 },
  { name: 'streams.version', minVersion: 0, maxVersion: 1, level: 1 },
  { name: 'kraft.version', minVersion: 0, maxVersion: 1, level: 1 },
]
const SUPPORTED_FEATURES = FEATURES.map(({ name, minVersion, maxVersion }) => ({ name, minVersion, maxVersion }))
// KAFKA-17011: clients before ApiVersions v4 reject a supported range starting at 0, so Kafka
// leaves those features out of a v3 answer (ApiVersionsResponse.maybeFilterSupportedFeatureKeys);
// the finalized levels are sent at every version.
const SUPPORTED_FEATURES_V3 = SUPPORTED_FEATURES.filter((f) => f.minVersion > 0)
const FINALIZED_FEATURES = FEATURES.map(({ name, level }) => ({ name, minVersionLevel: level, maxVersionLevel: level }))
// Clients keep the finalized features of the highest epoch they have seen; they never change here.
const FINALIZED_FEATURES_EPOCH = 1n

// ApiVersionsRequest.isValid's pattern for software names and versions.
const SOFTWARE = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/

// KIP-1242: the client's idea of which broker it is talking to, checked only when it has one. In a
// cluster every node shares one Broker: the node is the one whose listener took the connection.
function targetError(clusterId: string | null, nodeId: number, ourClusterId: string, ourNodeId: number): number {
  if ((clusterId === null) !== (nodeId === -1)) return ErrorCode.INVALID_REQUEST
  if (clusterId === null) return 0
  return clusterId === ourClusterId && nodeId === ourNodeId ? 0 : ErrorCode.REBOOTSTRAP_REQUIRED
}

export default defineHandler({
  api: ApiVersions,
  handle(req, ctx) {
    if (ctx.version >= 3) {
      if (!SOFTWARE.test(req.clientSoftwareName) || !SOFTWARE.test(req.clientSoftwareVersion)) {
        return { errorCode: ErrorCode.INVALID_REQUEST, apiKeys: [] }
      }
      const target = ctx.version >= 5 ? targetError(req.clusterId, req.nodeId, ctx.broker.cluster.clusterId, ctx.node.id) : 0
      if (target !== 0) return { errorCode: target, apiKeys: [] }
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
      supportedFeatures: ctx.version >= 4 ? SUPPORTED_FEATURES : SUPPORTED_FEATURES_V3,
      finalizedFeaturesEpoch: FINALIZED_FEATURES_EPOCH,
      finalizedFeatures: FINALIZED_FEATURES,
    }
  },
  errorResponse: (_req, errorCode, ctx) => ({ errorCode, apiKeys: ctx.apiVersions }),
})
