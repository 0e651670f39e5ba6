// Classic group flows over the wire with TestClient. A parked JoinGroup/SyncGroup holds back every
// later response of its connection (responses leave in request order), so each member uses its
// own client.
import { JoinGroup } from '../../protocol/apis/join-group.js'
import { SyncGroup } from '../../protocol/apis/sync-group.js'
import { encodeSubscription } from '../../protocol/consumer-protocol.js'
import { ErrorCode } from '../../protocol/errors.js'
import type { TestClient } from './client.js'

export const subscription = (topics: string[]) => encodeSubscription(0, { topics, userData: null })

// A JoinGroup body every version accepts (the fields a version lacks are not sent).
export function joinBody(groupId: string, o: Record<string, unknown> = {}) {
  return {
    groupId,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 10_000,
    memberId: '',
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: subscription(['t']) }],
    ...o,
  }
}

// Joins at `version`, answering MEMBER_ID_REQUIRED (v4+) with the id the broker gave.
export async function join(client: TestClient, version: number, groupId: string, o: Record<string, unknown> = {}) {
  let res = await client.send(JoinGroup, version, joinBody(groupId, o))
  if (res.errorCode === ErrorCode.MEMBER_ID_REQUIRED) res = await client.send(JoinGroup, version, joinBody(groupId, { ...o, memberId: res.memberId }))
  return res
}

// One member joins an empty group and syncs: a Stable group of one, generation 1.
export async function soloGroup(client: TestClient, groupId: string, o: Record<string, unknown> = {}) {
  const j = await join(client, 5, groupId, o)
  const s = await client.send(SyncGroup, 3, {
    groupId,
    generationId: j.generationId,
    memberId: j.memberId,
    groupInstanceId: (o.groupInstanceId as string | undefined) ?? null,
    assignments: [{ memberId: j.memberId, assignment: Buffer.from('assigned') }],
  })
  if (j.errorCode !== 0 || s.errorCode !== 0) throw new Error(`soloGroup ${groupId}: join ${j.errorCode}, sync ${s.errorCode}`)
  return { memberId: j.memberId, generationId: j.generationId }
}
