// Rack-aware standby placement (streams.rack.aware.assignment.tags) as Kafka's
// RackAwareStandbyPicker places standbys: a new value of the highest-priority tag first, then the
// most new values of the lower-priority tags, then the assignor's tag-blind rules.
import { describe, expect, it } from 'vitest'
import { StandbyTagPicker, parseTagKeys } from '../../../src/groups/streams/standby-tags.js'
import { assignTasks, type AssignorMember } from '../../../src/groups/streams/streams-assignor.js'
import { noTasks } from '../../../src/groups/streams/streams-group.js'

const member = (memberId: string, zone: string, cluster?: string): AssignorMember => ({
  memberId, processId: `p-${memberId}`, clientTags: cluster ? { zone, cluster } : { zone }, previous: noTasks(),
})
const standbyOf = (out: Map<string, ReturnType<typeof noTasks>>) => [...out].filter(([, t]) => t.standby.size > 0).map(([id]) => id)
const activeOf = (out: Map<string, ReturnType<typeof noTasks>>) => [...out].filter(([, t]) => t.active.size > 0).map(([id]) => id)

describe('rack-aware standby placement', () => {
  const members = [member('m1', 'a'), member('m2', 'a'), member('m3', 'b')]
  const input = { tasks: new Map([['0', 1]]), stateful: new Set(['0']), members, numStandbyReplicas: 1 }

  it('puts the standby in another zone than the active task, where the tag-blind rule would not', () => {
    // Without tags the least loaded free member wins by id: m2, in the active owner's zone.
    const blind = assignTasks(input)
    expect(activeOf(blind)).toEqual(['m1'])
    expect(standbyOf(blind)).toEqual(['m2'])
    const tagged = assignTasks({ ...input, rackAwareTags: ['zone'] })
    expect(activeOf(tagged)).toEqual(['m1'])
    expect(standbyOf(tagged)).toEqual(['m3'])
  })

  it('falls back to the tag-blind rule once no member brings a new value', () => {
    // Two standbys, two zones: the first goes to zone b, the second to the remaining member of zone a.
    const out = assignTasks({ ...input, numStandbyReplicas: 2, rackAwareTags: ['zone'] })
    expect(standbyOf(out).sort()).toEqual(['m2', 'm3'])
  })

  it('prefers, among new values of the priority key, the member that also brings a new lower-priority value', () => {
    const ms = [member('m1', 'a', 'x'), member('m2', 'b', 'x'), member('m3', 'c', 'y')]
    const picker = new StandbyTagPicker(['zone', 'cluster'], ms, (m) => m.clientTags!)
    picker.startTask()
    picker.markUsed(ms[0]!)
    expect(picker.candidates((m) => m !== ms[0]).map((m) => m.memberId)).toEqual(['m3'])
    picker.markUsed(ms[2]!)
    expect(picker.candidates((m) => m !== ms[0] && m !== ms[2]).map((m) => m.memberId)).toEqual(['m2'])
    picker.markUsed(ms[1]!)
    expect(picker.candidates(() => true)).toEqual([])
  })

  it('gives up a key no eligible member can diversify and tries the next one', () => {
    // Every member is in zone a: the zone key is given up, the cluster key decides.
    const ms = [member('m1', 'a', 'x'), member('m2', 'a', 'x'), member('m3', 'a', 'y')]
    const picker = new StandbyTagPicker(['zone', 'cluster'], ms, (m) => m.clientTags!)
    picker.startTask()
    picker.markUsed(ms[0]!)
    expect(picker.candidates((m) => m !== ms[0]).map((m) => m.memberId)).toEqual(['m3'])
  })

  it('reads the group config list in priority order', () => {
    expect(parseTagKeys(' zone , cluster,,')).toEqual(['zone', 'cluster'])
    expect(parseTagKeys('')).toEqual([])
  })
})
