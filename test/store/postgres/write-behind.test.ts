// The write-behind queue of a broker over PostgreSQL (src/store/postgres/write-behind.ts), with
// jobs standing in for statements: they commit in the order pushed, a failing job is retried until
// it commits and holds back the ones after it, and `durable` is null when a request wrote nothing
// (the hot path pays nothing) or everything has committed, else resolves once it has. A job the
// store refused for good (FencedWrite: a coordinator write at an epoch another broker moved on) is
// not retried, and the requests that wrote before it answer NOT_COORDINATOR; later ones do not.
import { describe, expect, it } from 'vitest'
import { ErrorCode, KafkaError } from '../../../protocol/errors.js'
import { FencedWrite, WriteBehind } from '../../../src/store/postgres/write-behind.js'

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

describe('WriteBehind', () => {
  it('commits in order, retries a failing job until it commits, and says when a write is durable', async () => {
    const warnings: string[] = []
    const q = new WriteBehind((_err, msg) => warnings.push(msg))
    const since = q.seq
    expect(q.durable(since)).toBeNull()

    const order: string[] = []
    const gate = deferred()
    let failures = 2
    q.push(async () => {
      await gate.promise
      order.push('a')
    })
    q.push(async () => {
      if (failures-- > 0) throw new Error('database away')
      order.push('b')
    })
    const afterB = q.seq
    q.push(async () => {
      order.push('c')
    })

    const durable = q.durable(since)
    expect(durable).not.toBeNull()
    // A request that started after every push wrote nothing itself, so it waits for nothing.
    expect(q.durable(q.seq)).toBeNull()
    gate.resolve()
    await durable
    expect(order).toEqual(['a', 'b', 'c'])
    expect(warnings).toEqual(['a write to PostgreSQL failed; retrying until it commits'])
    expect(q.durable(afterB)).toBeNull()
    expect(q.durable(since)).toBeNull()
    await q.close(1000)
  })

  it('does not retry a fenced job; the requests whose writes it carried answer NOT_COORDINATOR', async () => {
    const q = new WriteBehind(() => {})
    const since = q.seq
    let tries = 0
    const order: string[] = []
    q.push(async () => {
      tries++
      throw new FencedWrite('the leader epoch moved on')
    })
    const afterFenced = q.seq
    q.push(async () => {
      order.push('next')
    })
    const err = await q.durable(since)!.then(() => null, (e: unknown) => e)
    expect(err).toBeInstanceOf(KafkaError)
    expect((err as KafkaError).errorCode).toBe(ErrorCode.NOT_COORDINATOR)
    expect(tries).toBe(1)
    expect(order).toEqual(['next'])
    // A request that only wrote after the fenced job is answered normally.
    expect(q.durable(afterFenced)).toBeNull()
    await q.close(1000)
  })
})
