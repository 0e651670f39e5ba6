// Drives the group coordinator engine directly (no sockets) on a ManualClock.
import type { JoinRequest, SyncRequest } from '../../src/groups/coordinator.js'
import type { GroupCoordinator } from '../../src/groups/coordinator.js'
import type { JoinResult, SyncResult } from '../../src/groups/group.js'

export const range = { name: 'range', metadata: Buffer.from('range-meta') }
export const roundrobin = { name: 'roundrobin', metadata: Buffer.from('rr-meta') }

export function joinReq(groupId: string, o: Partial<JoinRequest> = {}): JoinRequest {
  return {
    groupId,
    memberId: '',
    groupInstanceId: null,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 30_000,
    protocolType: 'consumer',
    protocols: [range],
    clientId: 'client',
    clientHost: '/127.0.0.1',
    requireKnownMemberId: false,
    supportsSkipAssignment: false,
    ...o,
  }
}

export function syncReq(groupId: string, j: JoinResult, assignments: SyncRequest['assignments'] = []): SyncRequest {
  return { groupId, generationId: j.generationId, memberId: j.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments }
}

// The value of a promise that has settled, or 'pending'. Engine promises settle synchronously inside
// the call that completes them, so one macrotask turn is enough.
export async function peek<T>(p: Promise<T>): Promise<T | 'pending'> {
  let out: T | 'pending' = 'pending'
  void p.then((v) => (out = v))
  await new Promise((r) => setImmediate(r))
  return out
}

export async function settled<T>(p: Promise<T>): Promise<T> {
  const v = await peek(p)
  if (v === 'pending') throw new Error('expected the request to be answered')
  return v
}

// One member joins an empty group and becomes its Stable leader with the given assignment.
export async function stableSolo(g: GroupCoordinator, groupId: string, o: Partial<JoinRequest> = {}, assignment = Buffer.from('a0')): Promise<{ join: JoinResult; sync: SyncResult }> {
  const join = await settled(g.join(joinReq(groupId, o)))
  const sync = await settled(g.sync({ ...syncReq(groupId, join, [{ memberId: join.memberId, assignment }]), groupInstanceId: o.groupInstanceId ?? null }))
  return { join, sync }
}
