// AlterShareGroupOffsets and DeleteShareGroupOffsets under Kafka's StandardAuthorizer, as KafkaApis
// authorizes them: READ on the group and READ on each topic for Alter (GROUP_AUTHORIZATION_FAILED
// for the whole request, TOPIC_AUTHORIZATION_FAILED for a topic's partitions); DELETE on the group
// and READ on each topic for Delete (READ on the group is not enough).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AlterShareGroupOffsets } from '../../protocol/apis/alter-share-group-offsets.js'
import { CreateAcls } from '../../protocol/apis/create-acls.js'
import { DeleteShareGroupOffsets } from '../../protocol/apis/delete-share-group-offsets.js'
import { SaslAuthenticate } from '../../protocol/apis/sasl-authenticate.js'
import { SaslHandshake } from '../../protocol/apis/sasl-handshake.js'
import { ErrorCode } from '../../protocol/errors.js'
import { AclOperation as Op, AclPermissionType as Perm, PatternType as Pat, ResourceType as Res } from '../../src/security/authorizer/acl.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

const USERS = { admin: 'admin-secret', alice: 'alice-secret' }
let b: TestBroker
const clients: TestClient[] = []
let alice: TestClient
let ok: string

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
  b.broker.createTopic('no', 1, 1, {})
  const admin = await login('admin')
  const acl = (resourceType: number, resourceName: string, operation: number) => ({ resourceType, resourceName, resourcePatternType: Pat.LITERAL, principal: 'User:alice', host: '*', operation, permissionType: Perm.ALLOW })
  const r = await admin.send(CreateAcls, 3, { creations: [acl(Res.GROUP, 'aq', Op.READ), acl(Res.GROUP, 'aq', Op.DELETE), acl(Res.GROUP, 'ro', Op.READ), acl(Res.TOPIC, 'ok', Op.READ)] })
  expect(r.results.map((x) => x.errorCode)).toEqual([0, 0, 0, 0])
  alice = await login('alice')
})
afterAll(async () => {
  for (const c of clients) await c.close()
  await b.cleanup()
})

const topics = [{ topicName: 'ok', partitions: [{ partitionIndex: 0, startOffset: 0n }] }, { topicName: 'no', partitions: [{ partitionIndex: 0, startOffset: 0n }] }]

describe('share-group offset admin authorization', () => {
  it('AlterShareGroupOffsets: READ on the group, then READ on each topic', async () => {
    const denied = await alice.send(AlterShareGroupOffsets, 0, { groupId: 'other', topics })
    expect(denied.errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED)
    expect(denied.responses.map((t) => t.partitions[0]!.errorCode)).toEqual([ErrorCode.GROUP_AUTHORIZATION_FAILED, ErrorCode.GROUP_AUTHORIZATION_FAILED])
    const r = await alice.send(AlterShareGroupOffsets, 0, { groupId: 'aq', topics })
    expect(r.errorCode).toBe(0)
    expect(r.responses.map((t) => [t.topicName, t.partitions[0]!.errorCode])).toEqual([['ok', 0], ['no', ErrorCode.TOPIC_AUTHORIZATION_FAILED]])
    expect(b.broker.shareGroups.partitions.get('aq', ok, 0)?.startOffset).toBe(0)
  })

  it('DeleteShareGroupOffsets: DELETE on the group, then READ on each topic', async () => {
    expect(await alice.send(DeleteShareGroupOffsets, 0, { groupId: 'ro', topics: [{ topicName: 'ok' }] })).toMatchObject({ errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, responses: [] })
    const r = await alice.send(DeleteShareGroupOffsets, 0, { groupId: 'aq', topics: [{ topicName: 'ok' }, { topicName: 'no' }] })
    expect(r.errorCode).toBe(0)
    expect(r.responses.map((t) => [t.topicName, t.errorCode])).toEqual([['no', ErrorCode.TOPIC_AUTHORIZATION_FAILED], ['ok', 0]])
    expect(b.broker.shareGroups.partitions.get('aq', ok, 0)).toBeUndefined()
  })
})
