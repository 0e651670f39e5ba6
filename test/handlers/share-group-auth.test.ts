// Share-group APIs under Kafka's StandardAuthorizer, as KafkaApis authorizes them: READ on the group
// for ShareGroupHeartbeat, ShareFetch and ShareAcknowledge (else GROUP_AUTHORIZATION_FAILED),
// DESCRIBE on subscribed topics for the heartbeat, READ on each topic for ShareFetch and
// ShareAcknowledge (per partition TOPIC_AUTHORIZATION_FAILED), DESCRIBE on the group for
// ShareGroupDescribe.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CreateAcls } from '../../protocol/apis/create-acls.js'
import { SaslAuthenticate } from '../../protocol/apis/sasl-authenticate.js'
import { SaslHandshake } from '../../protocol/apis/sasl-handshake.js'
import { ShareAcknowledge } from '../../protocol/apis/share-acknowledge.js'
import { ShareFetch } from '../../protocol/apis/share-fetch.js'
import { ShareGroupDescribe } from '../../protocol/apis/share-group-describe.js'
import { ShareGroupHeartbeat } from '../../protocol/apis/share-group-heartbeat.js'
import { ErrorCode } from '../../protocol/errors.js'
import { AclOperation as Op, AclPermissionType as Perm, PatternType as Pat, ResourceType as Res } from '../../src/security/authorizer/acl.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

const USERS = { admin: 'admin-secret', alice: 'alice-secret' }
let b: TestBroker
const clients: TestClient[] = []
let alice: TestClient
let ok: string
let no: string

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
  ok = b.broker.createTopic('ok', 1, 1, {}).id
  no = b.broker.createTopic('no', 1, 1, {}).id
  const admin = await login('admin')
  const acl = (resourceType: number, resourceName: string, operation: number) => ({ resourceType, resourceName, resourcePatternType: Pat.LITERAL, principal: 'User:alice', host: '*', operation, permissionType: Perm.ALLOW })
  const r = await admin.send(CreateAcls, 3, { creations: [acl(Res.GROUP, 'q', Op.READ), acl(Res.TOPIC, 'ok', Op.READ)] })
  expect(r.results.map((x) => x.errorCode)).toEqual([0, 0])
  alice = await login('alice')
})
afterAll(async () => {
  for (const c of clients) await c.close()
  await b.cleanup()
})

describe('share-group authorization', () => {
  it('ShareGroupHeartbeat: READ on the group, DESCRIBE on subscribed topics', async () => {
    expect((await alice.send(ShareGroupHeartbeat, 1, { groupId: 'other', memberId: 'm', memberEpoch: 0, subscribedTopicNames: ['ok'] })).errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED)
    expect((await alice.send(ShareGroupHeartbeat, 1, { groupId: 'q', memberId: 'm', memberEpoch: 0, subscribedTopicNames: ['no'] })).errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED)
    expect((await alice.send(ShareGroupHeartbeat, 1, { groupId: 'q', memberId: 'm', memberEpoch: 0, subscribedTopicNames: ['ok'] })).errorCode).toBe(0)
  })

  it('ShareGroupDescribe: DESCRIBE on the group (READ implies it)', async () => {
    const r = await alice.send(ShareGroupDescribe, 1, { groupIds: ['q', 'other'], includeAuthorizedOperations: false })
    expect(r.groups.map((g) => g.errorCode)).toEqual([0, ErrorCode.GROUP_AUTHORIZATION_FAILED])
  })

  it('ShareFetch and ShareAcknowledge: READ on the group, then READ on each topic', async () => {
    const topics = [{ topicId: ok, partitions: [{ partitionIndex: 0 }] }, { topicId: no, partitions: [{ partitionIndex: 0 }] }]
    const fetch = (groupId: string) => alice.send(ShareFetch, 1, { groupId, memberId: 'm', shareSessionEpoch: 0, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, maxRecords: 10, batchSize: 10, topics })
    expect((await fetch('other')).errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED)
    const r = await fetch('q')
    expect(r.errorCode).toBe(0)
    expect(r.responses.map((t) => [t.topicId, t.partitions[0]!.errorCode])).toEqual([[ok, 0], [no, ErrorCode.TOPIC_AUTHORIZATION_FAILED]])
    const acks = [{ topicId: no, partitions: [{ partitionIndex: 0, acknowledgementBatches: [{ firstOffset: 0n, lastOffset: 0n, acknowledgeTypes: [1] }] }] }]
    const a = await alice.send(ShareAcknowledge, 1, { groupId: 'q', memberId: 'm', shareSessionEpoch: 1, topics: acks })
    expect(a.responses[0]!.partitions[0]!.errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED)
    expect((await alice.send(ShareAcknowledge, 1, { groupId: 'other', memberId: 'm', shareSessionEpoch: 2, topics: [] })).errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED)
  })
})
