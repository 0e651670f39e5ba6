// Kafka's StandardAuthorizer on a broker with a SASL_PLAINTEXT listener: ACLs created, listed and
// deleted through the ACL APIs (and kept across a restart), every API answering the authorization
// errors Kafka answers, and kafkajs clients seeing them as they would on Kafka: a producer allowed
// one topic prefix and not another, a consumer without READ on its group.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConsumerGroupDescribe } from '../../protocol/apis/consumer-group-describe.js'
import { ConsumerGroupHeartbeat } from '../../protocol/apis/consumer-group-heartbeat.js'
import { CreateAcls } from '../../protocol/apis/create-acls.js'
import { CreateTopics } from '../../protocol/apis/create-topics.js'
import { DeleteAcls } from '../../protocol/apis/delete-acls.js'
import { DeleteTopics } from '../../protocol/apis/delete-topics.js'
import { DescribeAcls } from '../../protocol/apis/describe-acls.js'
import { DescribeCluster } from '../../protocol/apis/describe-cluster.js'
import { DescribeConfigs } from '../../protocol/apis/describe-configs.js'
import { DescribeGroups } from '../../protocol/apis/describe-groups.js'
import { ElectLeaders } from '../../protocol/apis/elect-leaders.js'
import { FindCoordinator } from '../../protocol/apis/find-coordinator.js'
import { InitProducerId } from '../../protocol/apis/init-producer-id.js'
import { JoinGroup } from '../../protocol/apis/join-group.js'
import { ListConfigResources } from '../../protocol/apis/list-config-resources.js'
import { ListGroups } from '../../protocol/apis/list-groups.js'
import { Metadata } from '../../protocol/apis/metadata.js'
import { OffsetCommit } from '../../protocol/apis/offset-commit.js'
import { SaslAuthenticate } from '../../protocol/apis/sasl-authenticate.js'
import { SaslHandshake } from '../../protocol/apis/sasl-handshake.js'
import { ErrorCode } from '../../protocol/errors.js'
import { ZERO_UUID } from '../../protocol/primitives.js'
import { AclOperation as Op, AclPermissionType as Perm, PatternType as Pat, ResourceType as Res, toBitField } from '../../src/security/authorizer/acl.js'
import { startTestBroker, tempDir, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'
import { Kafka, logLevel } from '../helpers/kafkajs.js'

const AUTHORIZER = 'org.apache.kafka.metadata.authorizer.StandardAuthorizer'
const USERS = { admin: 'admin-secret', alice: 'alice-secret', bob: 'bob-secret' }
const NOT_REQUESTED = -2147483648

let b: TestBroker
let dir: string
const clients: TestClient[] = []

function config() {
  return {
    listeners: 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0',
    'authorizer.class.name': AUTHORIZER,
    'super.users': 'User:admin',
  }
}

const saslPort = () => b.listeners.find((l) => l.securityProtocol === 'SASL_PLAINTEXT')!.port

async function login(user: keyof typeof USERS): Promise<TestClient> {
  const c = await TestClient.connect(saslPort())
  clients.push(c)
  expect((await c.send(SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode).toBe(0)
  expect((await c.send(SaslAuthenticate, 2, { authBytes: Buffer.from(`\u0000${user}\u0000${USERS[user]}`) })).errorCode).toBe(0)
  return c
}

function binding(o: Partial<{ resourceType: number; resourceName: string; resourcePatternType: number; principal: string; host: string; operation: number; permissionType: number }>) {
  return { resourceType: Res.TOPIC, resourceName: 'orders', resourcePatternType: Pat.LITERAL, principal: 'User:alice', host: '*', operation: Op.READ, permissionType: Perm.ALLOW, ...o }
}

const ANY = { resourceTypeFilter: Res.ANY, resourceNameFilter: null, patternTypeFilter: Pat.ANY, principalFilter: null, hostFilter: null, operation: Op.ANY, permissionType: Perm.ANY }

beforeAll(async () => {
  dir = tempDir()
  b = await startTestBroker({ disk: true, dataDir: dir, users: USERS, config: config() })
  const admin = await login('admin')
  const created = await admin.send(CreateTopics, 7, { topics: ['allowed-t', 'denied-t', 'hidden-t'].map((name) => ({ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] })) })
  expect(created.topics.map((t) => t.errorCode)).toEqual([0, 0, 0])
  const res = await admin.send(CreateAcls, 3, {
    creations: [
      // alice: produce to allowed-*, nothing on denied-*; WRITE implies DESCRIBE.
      binding({ resourceName: 'allowed-', resourcePatternType: Pat.PREFIXED, operation: Op.WRITE }),
      binding({ resourceName: 'denied-t', operation: Op.DESCRIBE }),
      // bob: READ on allowed-t but nothing on any group.
      binding({ principal: 'User:bob', resourceName: 'allowed-t', operation: Op.READ }),
      binding({ principal: 'User:bob', resourceType: Res.GROUP, resourceName: 'bob-group', operation: Op.DESCRIBE }),
    ],
  })
  expect(res.results).toEqual(Array(4).fill({ errorCode: 0, errorMessage: null }))
})

afterAll(async () => {
  for (const c of clients) await c.close()
  await b?.cleanup()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('ACL APIs with StandardAuthorizer', () => {
  it('refuse the anonymous PLAINTEXT principal (CLUSTER_AUTHORIZATION_FAILED), as Kafka does', async () => {
    const anon = await TestClient.connect(b.port)
    clients.push(anon)
    expect((await anon.send(DescribeAcls, 3, ANY)).errorCode).toBe(ErrorCode.CLUSTER_AUTHORIZATION_FAILED)
    expect((await anon.send(CreateAcls, 3, { creations: [binding({})] })).results[0]!.errorCode).toBe(ErrorCode.CLUSTER_AUTHORIZATION_FAILED)
    expect((await anon.send(DeleteAcls, 3, { filters: [ANY] })).filterResults[0]!.errorCode).toBe(ErrorCode.CLUSTER_AUTHORIZATION_FAILED)
    // No DESCRIBE on any topic: an all-topics Metadata is empty, a named one is refused.
    expect((await anon.send(Metadata, 12, { topics: null })).topics).toEqual([])
    const named = await anon.send(Metadata, 12, { topics: [{ name: 'allowed-t', topicId: ZERO_UUID }] })
    expect(named.topics.map((t) => [t.name, t.errorCode])).toEqual([['allowed-t', ErrorCode.TOPIC_AUTHORIZATION_FAILED]])
  })

  it('describe by MATCH and delete by filter, answering the deleted bindings', async () => {
    const admin = await login('admin')
    const match = await admin.send(DescribeAcls, 3, { ...ANY, resourceTypeFilter: Res.TOPIC, resourceNameFilter: 'allowed-t', patternTypeFilter: Pat.MATCH })
    expect(match.errorCode).toBe(0)
    expect(match.resources.map((r) => [r.resourceName, r.patternType, r.acls.map((a) => a.principal)]).sort()).toEqual([
      ['allowed-', Pat.PREFIXED, ['User:alice']],
      ['allowed-t', Pat.LITERAL, ['User:bob']],
    ])
    const extra = binding({ principal: 'User:carol', operation: Op.ALTER })
    expect((await admin.send(CreateAcls, 3, { creations: [extra, binding({ resourceType: Res.CLUSTER, resourceName: 'x' })] })).results.map((r) => r.errorCode)).toEqual([0, ErrorCode.INVALID_REQUEST])
    const del = await admin.send(DeleteAcls, 3, { filters: [{ ...ANY, principalFilter: 'User:carol' }] })
    expect(del.filterResults[0]!.matchingAcls).toEqual([{ errorCode: 0, errorMessage: null, resourceType: Res.TOPIC, resourceName: 'orders', patternType: Pat.LITERAL, principal: 'User:carol', host: '*', operation: Op.ALTER, permissionType: Perm.ALLOW }])
    expect((await admin.send(DescribeAcls, 3, { ...ANY, principalFilter: 'User:carol' })).resources).toEqual([])
  })

  it('are kept in acls.json and reloaded after a restart', async () => {
    const before = JSON.parse(fs.readFileSync(path.join(dir, 'acls.json'), 'utf8')) as { acls: unknown[] }
    expect(before.acls).toHaveLength(4)
    await b.stop()
    b = await startTestBroker({ disk: true, dataDir: dir, users: USERS, config: config() })
    const admin = await login('admin')
    expect((await admin.send(DescribeAcls, 3, ANY)).resources.flatMap((r) => r.acls)).toHaveLength(4)
  })
})

describe('authorization per API (KafkaApis)', () => {
  it('Metadata leaves out topics alice may not describe and reports her operations', async () => {
    const alice = await login('alice')
    const all = await alice.send(Metadata, 12, { topics: null, includeTopicAuthorizedOperations: true })
    expect(all.topics.map((t) => t.name).sort()).toEqual(['allowed-t', 'denied-t'])
    const ops = Object.fromEntries(all.topics.map((t) => [t.name, t.topicAuthorizedOperations]))
    expect(ops).toEqual({ 'allowed-t': toBitField([Op.WRITE, Op.DESCRIBE]), 'denied-t': toBitField([Op.DESCRIBE]) })
    // Auto-creation needs CREATE: the topic is refused, not created.
    const auto = await alice.send(Metadata, 12, { topics: [{ name: 'allowed-new', topicId: ZERO_UUID }], allowAutoTopicCreation: true })
    expect(auto.topics[0]!.errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED)
    expect(b.broker.cluster.topic('allowed-new')).toBeUndefined()
    const cluster = await alice.send(DescribeCluster, 1, { includeClusterAuthorizedOperations: true, endpointType: 1 })
    expect(cluster.clusterAuthorizedOperations).toBe(0)
    const admin = await login('admin')
    const all2 = await admin.send(Metadata, 12, { topics: null, includeTopicAuthorizedOperations: false })
    expect(all2.topics.map((t) => t.topicAuthorizedOperations)).toEqual([NOT_REQUESTED, NOT_REQUESTED, NOT_REQUESTED])
  })

  it('admin, config and group APIs answer Kafka\'s authorization errors', async () => {
    const alice = await login('alice')
    const create = await alice.send(CreateTopics, 7, { topics: [{ name: 'allowed-x', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }] })
    expect(create.topics[0]).toMatchObject({ name: 'allowed-x', errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: 'Authorization failed.' })
    const del = await alice.send(DeleteTopics, 6, { topics: [{ name: 'denied-t', topicId: ZERO_UUID }, { name: 'hidden-t', topicId: ZERO_UUID }] })
    expect(del.responses.map((r) => r.errorCode)).toEqual([ErrorCode.TOPIC_AUTHORIZATION_FAILED, ErrorCode.TOPIC_AUTHORIZATION_FAILED])
    const configs = await alice.send(DescribeConfigs, 4, { resources: [{ resourceType: 2, resourceName: 'allowed-t', configurationKeys: null }, { resourceType: 4, resourceName: '1', configurationKeys: null }] })
    expect(configs.results.map((r) => r.errorCode)).toEqual([ErrorCode.TOPIC_AUTHORIZATION_FAILED, ErrorCode.CLUSTER_AUTHORIZATION_FAILED])
    // Listing config resources needs DESCRIBE_CONFIGS on the cluster (KafkaApis.handleListConfigResources).
    expect((await alice.send(ListConfigResources, 1, { resourceTypes: [] })).errorCode).toBe(ErrorCode.CLUSTER_AUTHORIZATION_FAILED)
    expect((await (await login('admin')).send(ListConfigResources, 1, { resourceTypes: [] })).errorCode).toBe(0)
    // Leader elections need ALTER on the cluster (ControllerApis.handleElectLeaders).
    expect((await alice.send(ElectLeaders, 2, { electionType: 0, topicPartitions: null, timeoutMs: 1000 })).errorCode).toBe(ErrorCode.CLUSTER_AUTHORIZATION_FAILED)
    // Idempotent producers need IDEMPOTENT_WRITE on the cluster or WRITE on some topic: alice has one.
    expect((await alice.send(InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 })).errorCode).toBe(0)
    expect((await alice.send(InitProducerId, 4, { transactionalId: 'tx', transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 })).errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
    const bob = await login('bob')
    expect((await bob.send(InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 })).errorCode).toBe(ErrorCode.CLUSTER_AUTHORIZATION_FAILED)
    expect((await bob.send(FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['g1', 'bob-group'] })).coordinators.map((c) => c.errorCode)).toEqual([ErrorCode.GROUP_AUTHORIZATION_FAILED, 0])
    expect((await bob.send(FindCoordinator, 3, { keyType: 0, key: 'g1' })).errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED)
    const join = await bob.send(JoinGroup, 5, { groupId: 'bob-group', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId: '', protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }] })
    expect(join.errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED)
    const commit = await bob.send(OffsetCommit, 8, { groupId: 'bob-group', generationIdOrMemberEpoch: -1, memberId: '', topics: [{ name: 'allowed-t', partitions: [{ partitionIndex: 0, committedOffset: 0n }] }] })
    expect(commit.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED)
    const described = await bob.send(DescribeGroups, 5, { groups: ['bob-group', 'other'], includeAuthorizedOperations: true })
    expect(described.groups.map((g) => [g.errorCode, g.authorizedOperations])).toEqual([[0, toBitField([Op.DESCRIBE])], [ErrorCode.GROUP_AUTHORIZATION_FAILED, NOT_REQUESTED]])
    expect((await bob.send(ListGroups, 4, { statesFilter: [] })).errorCode).toBe(0)
  })
})

describe('KIP-848 group APIs with StandardAuthorizer', () => {
  it('ConsumerGroupHeartbeat needs READ on the group and DESCRIBE on each subscribed topic; ConsumerGroupDescribe DESCRIBE on the group', async () => {
    const admin = await login('admin')
    const granted = await admin.send(CreateAcls, 3, { creations: [binding({ resourceType: Res.GROUP, resourceName: 'alice-g', operation: Op.READ })] })
    expect(granted.results[0]!.errorCode).toBe(0)
    const alice = await login('alice')
    const beat = (groupId: string, topics: string[]) => alice.send(ConsumerGroupHeartbeat, 1, { groupId, memberId: `m-${groupId}`, memberEpoch: 0, rebalanceTimeoutMs: 30000, subscribedTopicNames: topics, topicPartitions: [] })
    expect((await beat('other-g', ['allowed-t'])).errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED)
    // alice may DESCRIBE allowed-t (WRITE implies it) but nothing on hidden-t.
    expect((await beat('alice-g', ['allowed-t', 'hidden-t'])).errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED)
    const joined = await beat('alice-g', ['allowed-t'])
    expect(joined.errorCode).toBe(0)
    expect(joined.memberEpoch).toBeGreaterThan(0)
    const described = await alice.send(ConsumerGroupDescribe, 1, { groupIds: ['alice-g', 'other-g'], includeAuthorizedOperations: true })
    expect(described.groups.map((g) => g.errorCode)).toEqual([0, ErrorCode.GROUP_AUTHORIZATION_FAILED])
    expect(described.groups[0]!.authorizedOperations).toBe(toBitField([Op.READ, Op.DESCRIBE]))
    // bob may DESCRIBE no group but bob-group: alice's group is hidden from him.
    const bob = await login('bob')
    expect((await bob.send(ConsumerGroupDescribe, 1, { groupIds: ['alice-g'], includeAuthorizedOperations: false })).groups[0]!.errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED)
  })
})

describe('kafkajs over SASL_PLAINTEXT against the authorizer', () => {
  const kafka = (user: keyof typeof USERS) =>
    new Kafka({ brokers: [`127.0.0.1:${saslPort()}`], logLevel: logLevel.NOTHING, retry: { retries: 0 }, sasl: { mechanism: 'plain', username: user, password: USERS[user] } })

  it('a producer allowed one prefix writes there and gets TOPIC_AUTHORIZATION_FAILED on another', async () => {
    const producer = kafka('alice').producer({ allowAutoTopicCreation: false })
    await producer.connect()
    try {
      const [ok] = await producer.send({ topic: 'allowed-t', messages: [{ value: 'yes' }] })
      expect(ok!.errorCode).toBe(0)
      const err = await producer.send({ topic: 'denied-t', messages: [{ value: 'no' }] }).catch((e: unknown) => e)
      expect(err).toMatchObject({ type: 'TOPIC_AUTHORIZATION_FAILED' })
    } finally {
      await producer.disconnect()
    }
  })

  it('a consumer without READ on its group fails with GROUP_AUTHORIZATION_FAILED', async () => {
    // kafkajs reports a failed FindCoordinator as KafkaJSGroupCoordinatorNotFound and logs the
    // broker's error at debug level: the log shows which error Kafka (here Rivulet) answered.
    const seen: string[] = []
    const logCreator = () => (entry: { log: object }) => {
      const type = (entry.log as { error?: { type?: string } }).error?.type
      if (type) seen.push(type)
    }
    const k = new Kafka({ brokers: [`127.0.0.1:${saslPort()}`], logLevel: logLevel.DEBUG, logCreator, retry: { retries: 0 }, sasl: { mechanism: 'plain', username: 'bob', password: USERS.bob } })
    const consumer = k.consumer({ groupId: 'no-read-group', retry: { retries: 0 } })
    await consumer.connect()
    try {
      await consumer.subscribe({ topic: 'allowed-t', fromBeginning: true })
      const crashed = new Promise<unknown>((resolve) => consumer.on(consumer.events.CRASH, (e) => resolve(e.payload.error)))
      await consumer.run({ eachMessage: async () => {} })
      expect(await crashed).toMatchObject({ name: 'KafkaJSGroupCoordinatorNotFound' })
      expect(seen).toContain('GROUP_AUTHORIZATION_FAILED')
    } finally {
      await consumer.disconnect()
    }
  })
})
