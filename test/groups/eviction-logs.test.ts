// Member evictions are part of the broker's story at INFO (issue 15 item 10): a classic member
// whose session expires, classic members that never send SyncGroup, and a KIP-848 member whose
// session or rebalance timeout expires each leave one INFO line naming the group and the member.
// Driven on a ManualClock with Rivulet's own logger (createLogger) writing JSON lines to memory.
import { Writable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../src/clock.js'
import { createLogger } from '../../src/logger.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { joinReq, settled, stableSolo } from './helpers.js'

interface Line { level: number; msg: string; group?: string; member?: string; members?: string[] }

let clock: ManualClock
let b: TestBroker
let out: string

beforeEach(async () => {
  out = ''
  const destination = new Writable({ write: (chunk: Buffer, _enc, done) => ((out += chunk.toString()), done()) })
  clock = new ManualClock()
  b = await startTestBroker({ clock, logger: createLogger({ level: 'info', pretty: false, destination }) })
})
afterEach(() => b.cleanup())

const lines = (): Line[] => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line)
const said = (msg: string) => lines().filter((l) => l.msg === msg)

describe('evictions are logged at INFO', () => {
  it('a classic member whose session expired', async () => {
    const { join } = await stableSolo(b.broker.groups, 'silent')
    expect(said('member session expired')).toEqual([])
    clock.advance(10_000) // joinReq's session timeout
    expect(b.broker.groups.group('silent')!.members.size).toBe(0)
    expect(said('member session expired')).toMatchObject([{ level: 30, group: 'silent', member: join.memberId }])
  })

  it('classic members that did not send SyncGroup within the rebalance timeout', async () => {
    const g = b.broker.groups
    const join = await settled(g.join(joinReq('late', { rebalanceTimeoutMs: 20_000, sessionTimeoutMs: 30_000 })))
    clock.advance(20_000)
    expect(g.group('late')!.members.size).toBe(0)
    expect(said('removed members that did not send SyncGroup in time')).toMatchObject([{ level: 30, group: 'late', members: [join.memberId] }])
    // A member that did sync is not reported.
    await stableSolo(g, 'on-time', { sessionTimeoutMs: 60_000, rebalanceTimeoutMs: 20_000 })
    clock.advance(20_000)
    expect(g.group('on-time')!.members.size).toBe(1)
    expect(said('removed members that did not send SyncGroup in time').map((l) => l.group)).toEqual(['late'])
  })

  it('a KIP-848 member whose session expired', () => {
    b.broker.createTopic('orders', 2, 1, {})
    const r = b.broker.consumerGroups.heartbeat({
      groupId: 'g848', memberId: 'm1', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 30_000,
      subscribedTopicNames: ['orders'], subscribedTopicRegex: null, serverAssignor: null, topicPartitions: [],
      clientId: 'c', clientHost: '/127.0.0.1', version: 1,
    })
    expect(r.errorCode).toBe(0)
    clock.advance(45_000) // group.consumer.session.timeout.ms
    expect(said('consumer group member removed: session timeout expired')).toMatchObject([{ level: 30, group: 'g848', member: 'm1' }])
  })
})
