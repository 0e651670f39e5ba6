import { describe, expect, it } from 'vitest'
import { OffsetMap } from '../../src/log/cleaner/offset-map.js'

const key = (i: number) => Buffer.from(`key-${i}`)

describe('OffsetMap', () => {
  it('starts small and doubles as keys come, keeping every key latest offset', () => {
    const map = new OffsetMap(1 << 30)
    expect(map.capacity).toBe(1 << 14)
    for (let i = 0; i < 40_000; i++) map.put(key(i % 20_000), i)
    expect(map.capacity).toBe(1 << 15)
    expect(map.size).toBe(20_000)
    expect(map.get(key(7))).toBe(20_007)
    expect(map.get(Buffer.from('absent'))).toBe(-1)
  })

  it('starts at the size the last pass needed, so it does not grow (rehash) during the pass', () => {
    const map = new OffsetMap(1 << 30, 0.9, 20_000)
    expect(map.capacity).toBe(1 << 15)
    for (let i = 0; i < 20_000; i++) map.put(key(i), i)
    expect(map.capacity).toBe(1 << 15)
    expect(map.get(key(19_999))).toBe(19_999)
  })

  it('never starts above log.cleaner.dedupe.buffer.size, whatever the last pass mapped', () => {
    const bytes = 24 * 50_000 // room for 50,000 entries
    const map = new OffsetMap(bytes, 0.9, 1_000_000)
    expect(map.capacity).toBeLessThanOrEqual(50_000)
    expect(map.capacity).toBe(50_000)
  })

  it('reuses an earlier table (a worker thread\'s next pass) as an empty one', () => {
    const first = new OffsetMap(1 << 30, 0.9, 20_000)
    for (let i = 0; i < 20_000; i++) first.put(key(i), i)
    const next = new OffsetMap(1 << 30, 0.9, 1_000, first.tableBuffer)
    expect(next.tableBuffer.buffer).toBe(first.tableBuffer.buffer)
    expect(next.size).toBe(0)
    expect(next.get(key(5))).toBe(-1)
    next.put(key(5), 99)
    expect(next.get(key(5))).toBe(99)
    // Too small for what the pass needs: a table of its own.
    const bigger = new OffsetMap(1 << 30, 0.9, 100_000, next.tableBuffer)
    expect(bigger.tableBuffer.buffer).not.toBe(first.tableBuffer.buffer)
  })
})
