// StreamsGroupHeartbeat and StreamsGroupDescribe under Kafka's StandardAuthorizer, as KafkaApis
// authorizes them: READ on the group (GROUP_AUTHORIZATION_FAILED), DESCRIBE on every topic of the
// topology (TOPIC_AUTHORIZATION_FAILED), internal topics created only with CREATE (else the
// MISSING_INTERNAL_TOPICS status says who may not create them); DESCRIBE on the group to describe it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CreateAcls } from '../../protocol/apis/create-acls.js'
import { SaslAuthenticate } from '../../protocol/apis/sasl-authenticate.js'
import { SaslHandshake } from '../../protocol/apis/sasl-handshake.js'
import { StreamsGroupDescribe } from '../../protocol/apis/streams-group-describe.js'
import { StreamsGroupHeartbeat } from '../../protocol/apis/streams-group-heartbeat.js'
import { ErrorCode } from '../../protocol/errors.js'
import { AclOperation as Op, AclPermissionType as Perm, PatternType as Pat, ResourceType as Res } from '../../src/security/authorizer/acl.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

const USERS = { admin: 'admin-secret', alice: 'alice-secret' }
let b: TestBroker
const clients: TestClient[] = []
let alice: TestClient

async function login(user: keyof typeof USERS): Promise<TestClient> {
  const port = b.listeners.find((l) => l.securityProtocol === 'SASL_PLAINTEXT')!.port
  const c = await TestClient.connect(port)
  clients.push(c)
  expect((await c.send(SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode).toBe(0)
  expect((await c.send(SaslAuthenticate, 2, { authBytes: Buffer.from(`\u0000${user}\u0000${USERS[user]}`) })).errorCode).toBe(0)
  return c
}

beforeAll(async () => {
  b = await startTestBroker({ users: USERS, config: { listeners: 'SASL_PLAINTEXT://127.0.0.1:0', 'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer', 'super.users': 'User:admin' } })
  b.broker.createTopic('in', 2, 1, {})
  b.broker.createTopic('secret', 2, 1, {})
  const admin = await login('admin')
  const acl = (resourceType: number, resourceName: string, operation: number, pattern: number = Pat.LITERAL) => ({ resourceType, resourceName, resourcePatternType: pattern, principal: 'User:alice', host: '*', operation, permissionType: Perm.ALLOW })
  const r = await admin.send(CreateAcls, 3, { creations: [acl(Res.GROUP, 'app', Op.READ), acl(Res.TOPIC, 'in', Op.DESCRIBE), acl(Res.TOPIC, 'app-', Op.DESCRIBE, Pat.PREFIXED)] })
  expect(r.results.map((x) => x.errorCode)).toEqual([0, 0, 0])
  alice = await login('alice')
})
afterAll(async () => {
  for (const c of clients) await c.close()
  await b.cleanup()
})

const topology = (source: string) => ({
  epoch: 0,
  subtopologies: [{
    subtopologyId: '0', sourceTopics: [source], sourceTopicRegex: [], repartitionSinkTopics: [], repartitionSourceTopics: [], copartitionGroups: [],
    stateChangelogTopics: [{ name: 'app-store-changelog', partitions: 0, replicationFactor: 0, topicConfigs: [] }],
  }],
})
const join = (groupId: string, source: string) => alice.send(StreamsGroupHeartbeat, 1, {
  groupId, memberId: 'm1', memberEpoch: 0, endpointInformationEpoch: -1, rebalanceTimeoutMs: 30000, topology: topology(source),
  activeTasks: [], standbyTasks: [], warmupTasks: [], processId: 'p', clientTags: [],
})

describe('streams group authorization', () => {
  it('needs READ on the group and DESCRIBE on the topology topics', async () => {
    expect((await join('other', 'in')).errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED)
    expect((await join('app', 'secret')).errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED)
  })

  it('creates internal topics only with CREATE: without it the status says so and nothing is assigned', async () => {
    const r = await join('app', 'in')
    expect(r.errorCode).toBe(0)
    expect(r.status).toEqual([{ statusCode: 3, statusDetail: 'Internal topics are missing: app-store-changelog; Unauthorized to CREATE on topics app-store-changelog.' }])
    expect(r.activeTasks).toEqual([])
    expect(b.broker.cluster.topic('app-store-changelog')).toBeUndefined()
  })

  it('describes only with DESCRIBE on the group (READ implies it)', async () => {
    const d = await alice.send(StreamsGroupDescribe, 1, { groupIds: ['app', 'other'], includeAuthorizedOperations: true })
    expect(d.groups[0]).toMatchObject({ errorCode: 0, groupId: 'app', groupState: 'NotReady' })
    expect(d.groups[0]!.authorizedOperations).toBe((1 << Op.READ) | (1 << Op.DESCRIBE))
    expect(d.groups[1]).toMatchObject({ errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, errorMessage: 'Group authorization failed.' })
  })
})
