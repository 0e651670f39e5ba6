// The consumer-group soak's verdict (compat/soak/check.mjs): what it must catch in the members'
// own logs, and what it must let pass.
import { describe, expect, it } from 'vitest'
import { checkSoak, parseLog, type SoakEvent } from '../../compat/soak/check.mjs'

let t = 0
const m = (p: number, o: number): SoakEvent => ({ e: 'm', t: ++t, p, o })
const commit = (offsets: [number, number][]): SoakEvent => ({ e: 'commit', t: ++t, why: 'revoke', offsets })
const assign = (parts: number[]): SoakEvent => ({ e: 'assign', t: ++t, parts })
const range = (p: number, from: number, to: number) => Array.from({ length: to - from }, (_, i) => m(p, from + i))

describe('checkSoak', () => {
  it('passes a hand-over where each member commits what it received', () => {
    const a = { name: 'a', events: [assign([0]), ...range(0, 0, 5), commit([[0, 5]])] }
    const b = { name: 'b', events: [assign([0]), ...range(0, 5, 10), commit([[0, 10]])] }
    const r = checkSoak([a, b], { 0: 10 }, { 0: 10 })
    expect(r.problems).toEqual([])
    expect(r.ok).toBe(true)
    expect(r.stats).toMatchObject({ messages: 10, received: 10, lost: 0, commitsPastDelivered: 0, commits: 2 })
  })

  it('catches a commit past what its committer received, and the messages it loses', () => {
    const a = { name: 'a', events: [assign([0]), ...range(0, 0, 5), commit([[0, 8]])] }
    const b = { name: 'b', events: [assign([0]), ...range(0, 8, 10), commit([[0, 10]])] }
    const r = checkSoak([a, b], { 0: 10 }, { 0: 10 })
    expect(r.ok).toBe(false)
    expect(r.stats.commitsPastDelivered).toBe(1)
    expect(r.stats.lost).toBe(3)
    expect(r.stats.lostByPartition).toEqual({ 0: ['5..7'] })
    expect(r.problems).toContain('a committed offset 8 on partition 0 (revoke) but had received only up to 4')
  })

  it('lets a member re-commit a position already committed, with nothing received', () => {
    const a = { name: 'a', events: [assign([0]), ...range(0, 0, 5), commit([[0, 5]])] }
    const b = { name: 'b', events: [assign([0]), commit([[0, 5]]), ...range(0, 5, 6), commit([[0, 6]])] }
    const r = checkSoak([a, b], { 0: 6 }, { 0: 6 })
    expect(r.stats.commitsPastDelivered).toBe(0)
    expect(r.ok).toBe(true)
  })

  it('reports a range a member skipped within one assignment, but not across assignments', () => {
    const a = { name: 'a', events: [assign([0]), ...range(0, 0, 3), ...range(0, 5, 6), assign([0]), ...range(0, 9, 10)] }
    const b = { name: 'b', events: [assign([0]), ...range(0, 3, 5), assign([0]), ...range(0, 6, 9)] }
    const r = checkSoak([a, b], { 0: 10 })
    expect(r.stats.jumps).toBe(1)
    expect(r.problems).toEqual(['a skipped offsets 3..4 of partition 0 (received 2 then 5)'])
    expect(r.stats.lost).toBe(0)
  })

  it('fails when the final commits do not reach the end offsets', () => {
    const a = { name: 'a', events: [assign([0, 1]), ...range(0, 0, 2), ...range(1, 0, 2), commit([[0, 2]])] }
    const r = checkSoak([a], { 0: 2, 1: 2 }, { 0: 2, 1: 1 })
    expect(r.ok).toBe(false)
    expect(r.problems).toEqual(['partition 1: final committed offset 1, end offset 2'])
  })

  it('counts commit errors by name and ignores a torn last log line', () => {
    const text = `${JSON.stringify({ e: 'commit', t: 1, err: 'ILLEGAL_GENERATION', offsets: [] })}\n${JSON.stringify({ e: 'commit', t: 2, offsets: [], failed: [[0, 3, 'REBALANCE_IN_PROGRESS']] })}\n{"e":"m","t":3,"p"`
    const events = parseLog(text)
    expect(events).toHaveLength(2)
    const r = checkSoak([{ name: 'a', events }], { 0: 0 })
    expect(r.stats.commitErrors).toEqual({ ILLEGAL_GENERATION: 1, REBALANCE_IN_PROGRESS: 1 })
  })
})
