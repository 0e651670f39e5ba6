// Producer ids from store-allocated blocks: handed out in order from the block in hand, the next
// block fetched at 90% use, COORDINATOR_LOAD_IN_PROGRESS (retriable) with no block in hand, and a
// failed fetch retried by the next allocation. The allocator is a fake whose answers the test
// releases, so every step is deterministic.
import { describe, expect, it } from 'vitest'
import { ErrorCode, KafkaError } from '../../protocol/errors.js'
import { PRODUCER_ID_BLOCK_SIZE, ProducerIdBlocks } from '../../src/cluster/producer-id-blocks.js'

function fakeStore(floorAt: number) {
  let next = 0
  const calls: { floor: number; release: (fail?: Error) => void }[] = []
  const allocate = (floor: number, size: number) =>
    new Promise<number>((resolve, reject) => {
      calls.push({
        floor,
        release: (fail) => {
          if (fail) return reject(fail)
          next = Math.max(next, floor)
          resolve(next)
          next += size
        },
      })
    })
  const warned: unknown[] = []
  const blocks = new ProducerIdBlocks(allocate, () => floorAt, (err) => warned.push(err))
  return { blocks, calls, warned }
}

describe('ProducerIdBlocks', () => {
  it('hands out a block in order from the floor and fetches the next at 90% use', async () => {
    const { blocks, calls } = fakeStore(7)
    const primed = blocks.prime()
    calls[0]!.release()
    await primed
    expect(calls[0]!.floor).toBe(7)
    const ids = Array.from({ length: 899 }, () => blocks.allocate())
    expect(ids[0]).toBe(7)
    expect(ids.at(-1)).toBe(905)
    expect(calls).toHaveLength(1)
    // The 900th id leaves 100 of the block: the next block is asked for, once.
    expect(blocks.allocate()).toBe(906)
    expect(calls).toHaveLength(2)
    expect(blocks.allocate()).toBe(907)
    expect(calls).toHaveLength(2)
    calls[1]!.release()
    await blocks.settled()
    for (let i = 0; i < 98; i++) blocks.allocate()
    expect(blocks.allocate()).toBe(7 + PRODUCER_ID_BLOCK_SIZE - 1)
    // The first block is used up: the prefetched one follows on.
    expect(blocks.allocate()).toBe(7 + PRODUCER_ID_BLOCK_SIZE)
  })

  it('answers COORDINATOR_LOAD_IN_PROGRESS with no block in hand, and retries a failed fetch', async () => {
    const { blocks, calls, warned } = fakeStore(0)
    const primed = blocks.prime()
    calls[0]!.release()
    await primed
    for (let i = 0; i < 900; i++) blocks.allocate()
    expect(calls).toHaveLength(2)
    calls[1]!.release(new Error('database away'))
    await blocks.settled()
    expect(warned).toHaveLength(1)
    for (let i = 0; i < 100; i++) blocks.allocate() // the rest of the block; each asks again
    expect(calls).toHaveLength(3)
    let err: unknown = null
    try {
      blocks.allocate()
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(KafkaError)
    expect((err as KafkaError).errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)
    calls[2]!.release()
    await blocks.settled()
    expect(blocks.allocate()).toBe(PRODUCER_ID_BLOCK_SIZE)
  })
})
