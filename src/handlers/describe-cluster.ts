// DescribeCluster 0–2 (KafkaApis.handleDescribeCluster, AuthHelper.computeDescribeClusterResponse).
// Every version lists the live brokers (this one with the advertised endpoint the client used),
// the cluster id and the controller id (the lowest live broker, as Metadata reports). v1+ endpointType
// (KIP-919): a broker serves only 1 (brokers); 2 (controllers) gets MISMATCHED_ENDPOINT_TYPE and any
// other value UNSUPPORTED_ENDPOINT_TYPE (INVALID_REQUEST at v0, where the field cannot be sent).
// v2+ includeFencedBrokers (KIP-1073): stopped brokers of the cluster are listed too, fenced.
// clusterAuthorizedOperations: Int.MinValue unless asked for; when asked, every operation Kafka
// supports on the cluster resource without an authorizer; with one, 0 unless the principal may
// DESCRIBE the cluster, else the operations it holds (AuthHelper.computeDescribeClusterResponse).

import { DescribeCluster } from '../../protocol/apis/describe-cluster.js'
import { ErrorCode } from '../../protocol/errors.js'
import { endpointOf } from './cluster-view.js'
import { defineHandler } from './handler.js'
import { clusterOperations } from './metadata.js'

const EndpointType = { BROKER: 1, CONTROLLER: 2 } as const
const NOT_REQUESTED = -2147483648

export default defineHandler({
  api: DescribeCluster,
  handle(req, ctx) {
    const { broker, version } = ctx
    const requested = version >= 1 ? req.endpointType : EndpointType.BROKER
    if (requested !== EndpointType.BROKER && requested !== EndpointType.CONTROLLER) {
      return {
        errorCode: version === 0 ? ErrorCode.INVALID_REQUEST : ErrorCode.UNSUPPORTED_ENDPOINT_TYPE,
        errorMessage: `Unsupported endpoint type ${requested}`,
      }
    }
    if (requested === EndpointType.CONTROLLER) {
      return {
        errorCode: version === 0 ? ErrorCode.INVALID_REQUEST : ErrorCode.MISMATCHED_ENDPOINT_TYPE,
        errorMessage: 'The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER',
      }
    }
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      endpointType: EndpointType.BROKER,
      clusterId: broker.cluster.clusterId,
      controllerId: broker.nodes.controllerId,
      brokers: broker.nodes
        .all()
        .filter((n) => n.state !== 'stopped' || (version >= 2 && req.includeFencedBrokers))
        .map((n) => {
          const { nodeId, ...e } = endpointOf(ctx, n)
          return { brokerId: nodeId, ...e, isFenced: n.state === 'stopped' }
        }),
      clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? clusterOperations(ctx) : NOT_REQUESTED,
    }
  },
  errorResponse: (_req, errorCode) => ({ errorCode, errorMessage: null }),
})
