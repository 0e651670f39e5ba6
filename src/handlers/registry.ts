// Every API this broker serves. ApiVersions reports exactly this table.

import type { AnyHandler } from './handler.js'
import { servedRange } from './handler.js'
import apiVersions from './api-versions.js'
import metadata from './metadata.js'
import produce from './produce.js'
import fetch from './fetch.js'
// topic admin
import createTopics from './create-topics.js'
import deleteTopics from './delete-topics.js'
import createPartitions from './create-partitions.js'
import deleteRecords from './delete-records.js'
import describeCluster from './describe-cluster.js'
import describeTopicPartitions from './describe-topic-partitions.js'
import listPartitionReassignments from './list-partition-reassignments.js'
import describeLogDirs from './describe-log-dirs.js'
// configs, offsets, producers
import describeConfigs from './describe-configs.js'
import alterConfigs from './alter-configs.js'
import incrementalAlterConfigs from './incremental-alter-configs.js'
import listConfigResources from './list-config-resources.js'
import listOffsets from './list-offsets.js'
import offsetForLeaderEpoch from './offset-for-leader-epoch.js'
import initProducerId from './init-producer-id.js'
// transactions
import addPartitionsToTxn from './add-partitions-to-txn.js'
import addOffsetsToTxn from './add-offsets-to-txn.js'
import endTxn from './end-txn.js'
import txnOffsetCommit from './txn-offset-commit.js'
import describeProducers from './describe-producers.js'
import describeTransactions from './describe-transactions.js'
import listTransactions from './list-transactions.js'
// groups
import findCoordinator from './find-coordinator.js'
import joinGroup from './join-group.js'
import syncGroup from './sync-group.js'
import heartbeat from './heartbeat.js'
import leaveGroup from './leave-group.js'
import offsetCommit from './offset-commit.js'
import offsetFetch from './offset-fetch.js'
import describeGroups from './describe-groups.js'
import listGroups from './list-groups.js'
import deleteGroups from './delete-groups.js'
import offsetDelete from './offset-delete.js'
import consumerGroupHeartbeat from './consumer-group-heartbeat.js'
import consumerGroupDescribe from './consumer-group-describe.js'
import shareGroupHeartbeat from './share-group-heartbeat.js'
import shareGroupDescribe from './share-group-describe.js'
import streamsGroupHeartbeat from './streams-group-heartbeat.js'
import streamsGroupDescribe from './streams-group-describe.js'
import shareFetch from './share-fetch.js'
import shareAcknowledge from './share-acknowledge.js'
import describeShareGroupOffsets from './describe-share-group-offsets.js'
import alterShareGroupOffsets from './alter-share-group-offsets.js'
import deleteShareGroupOffsets from './delete-share-group-offsets.js'
// security
import { guardCoordinator } from './coordinator-guard.js'
import electLeaders from './elect-leaders.js'
import alterPartitionReassignments from './alter-partition-reassignments.js'
import saslHandshake from './sasl-handshake.js'
import saslAuthenticate from './sasl-authenticate.js'
import { createAcls, deleteAcls, describeAcls } from './acls.js'
import { alterUserScramCredentials, describeUserScramCredentials } from './user-scram-credentials.js'
import { alterClientQuotas, describeClientQuotas } from './client-quotas.js'
import { createDelegationToken, describeDelegationToken, expireDelegationToken, renewDelegationToken } from './delegation-tokens.js'

export const handlers: readonly AnyHandler[] = [
  apiVersions, metadata, produce, fetch,
  // topic admin
  createTopics, deleteTopics, createPartitions, deleteRecords,
  describeCluster, describeTopicPartitions, listPartitionReassignments, describeLogDirs,
  electLeaders, alterPartitionReassignments,
  // configs, offsets, producers
  describeConfigs, alterConfigs, incrementalAlterConfigs, listConfigResources, listOffsets, offsetForLeaderEpoch, initProducerId,
  // transactions
  addPartitionsToTxn, addOffsetsToTxn, endTxn, txnOffsetCommit, describeProducers, describeTransactions, listTransactions,
  // groups
  findCoordinator, joinGroup, syncGroup, heartbeat, leaveGroup, offsetCommit, offsetFetch,
  describeGroups, listGroups, deleteGroups, offsetDelete, consumerGroupHeartbeat, consumerGroupDescribe,
  shareGroupHeartbeat, shareGroupDescribe, shareFetch, shareAcknowledge, describeShareGroupOffsets,
  alterShareGroupOffsets, deleteShareGroupOffsets, streamsGroupHeartbeat, streamsGroupDescribe,
  // security
  saslHandshake, saslAuthenticate, describeAcls, createAcls, deleteAcls, describeUserScramCredentials, alterUserScramCredentials,
  createDelegationToken, renewDelegationToken, expireDelegationToken, describeDelegationToken,
  describeClientQuotas, alterClientQuotas,
]

export const handlerMap: ReadonlyMap<number, AnyHandler> = new Map(handlers.map((h) => [h.api.key, guardCoordinator(h)]))
