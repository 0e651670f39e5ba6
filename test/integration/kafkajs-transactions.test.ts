// kafkajs 2.2.4 transactions end to end: a transactional producer commits and aborts; a
// read_committed consumer (kafkajs's default) sees only committed records and nothing past an open
// transaction, a readUncommitted one sees everything; consume-transform-produce with sendOffsets,
// whose offsets a group sees only once the transaction commits; a second producer with the same
// transactional id fences the first. Every wait is on a kafkajs event or message; timers only bound
// a wait so a failure does not hang.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Consumer, Producer } from 'kafkajs'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { Kafka, logLevel } from '../helpers/kafkajs.js'

let b: TestBroker
const open: { disconnect(): Promise<void> }[] = []
let n = 0
const uniq = (prefix: string) => `${prefix}-${++n}`

beforeAll(async () => {
  b = await startTestBroker()
})
afterAll(async () => {
  for (const x of open.reverse()) await x.disconnect().catch(() => {})
  await b?.cleanup()
})

const kafka = () => new Kafka({ clientId: 'kafkajs-txn', brokers: [b.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 50 } })

function topic(partitions = 1): string {
  return b.broker.createTopic(uniq('kt'), partitions, 1, {}).name
}

async function transactional(transactionalId: string): Promise<Producer> {
  const p = kafka().producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 })
  await p.connect()
  open.push(p)
  return p
}

async function plain(): Promise<Producer> {
  const p = kafka().producer()
  await p.connect()
  open.push(p)
  return p
}

// A consumer reading `topic` from the beginning; `values` fills as messages arrive and `until`
// resolves once a condition on them (or on its fetch count) holds.
async function consume(t: string, o: { readUncommitted?: boolean; groupId?: string; autoCommit?: boolean } = {}) {
  const consumer: Consumer = kafka().consumer({ groupId: o.groupId ?? uniq('kg'), readUncommitted: o.readUncommitted ?? false, maxWaitTimeInMs: 50, retry: { retries: 2, initialRetryTime: 50 } })
  const messages: { offset: string; value: string }[] = []
  let fetches = 0
  const waiters = new Set<() => void>()
  const poke = () => {
    for (const w of [...waiters]) w()
  }
  consumer.on(consumer.events.FETCH, () => {
    fetches++
    poke()
  })
  await consumer.connect()
  open.push(consumer)
  await consumer.subscribe({ topics: [t], fromBeginning: true })
  await consumer.run({
    autoCommit: o.autoCommit ?? true,
    eachMessage: async ({ message }) => {
      messages.push({ offset: message.offset, value: message.value!.toString() })
      poke()
    },
  })
  const until = (what: string, cond: () => boolean, ms = 8000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check)
        reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(messages.map((m) => m.value))}`))
      }, ms)
      function check() {
        if (!cond()) return
        waiters.delete(check)
        clearTimeout(timer)
        resolve()
      }
      waiters.add(check)
      check()
    })
  return {
    consumer,
    values: () => messages.map((m) => m.value),
    messages,
    until,
    // Resolves after `count` more fetch responses have reached the consumer.
    fetched: (count: number) => {
      const target = fetches + count
      return until(`${count} fetches`, () => fetches >= target)
    },
  }
}

describe('kafkajs transactions', () => {
  it('commits and aborts: read_committed sees only committed records, readUncommitted all of them', async () => {
    const t = topic()
    const producer = await transactional(uniq('kjs-txn'))
    const send = async (values: string[], commit: boolean) => {
      const txn = await producer.transaction()
      await txn.send({ topic: t, messages: values.map((value) => ({ value })) })
      await (commit ? txn.commit() : txn.abort())
    }
    await send(['c1', 'c2'], true)
    await send(['a1', 'a2'], false)
    await send(['c3'], true)
    await (await plain()).send({ topic: t, messages: [{ value: 'end' }] })

    const committed = await consume(t)
    const uncommitted = await consume(t, { readUncommitted: true })
    await committed.until('end (read_committed)', () => committed.values().includes('end'))
    await uncommitted.until('end (read_uncommitted)', () => uncommitted.values().includes('end'))
    expect(committed.values()).toEqual(['c1', 'c2', 'c3', 'end'])
    expect(uncommitted.values()).toEqual(['c1', 'c2', 'a1', 'a2', 'c3', 'end'])

    // An open transaction holds back read_committed consumers, also from later plain records.
    const txn = await producer.transaction()
    await txn.send({ topic: t, messages: [{ value: 'o1' }] })
    await (await plain()).send({ topic: t, messages: [{ value: 'after-open' }] })
    await uncommitted.until('after-open (read_uncommitted)', () => uncommitted.values().includes('after-open'))
    await committed.fetched(3)
    expect(committed.values()).toEqual(['c1', 'c2', 'c3', 'end'])
    await txn.commit()
    await committed.until('after-open (read_committed)', () => committed.values().includes('after-open'))
    expect(committed.values()).toEqual(['c1', 'c2', 'c3', 'end', 'o1', 'after-open'])
  })

  it('consume-transform-produce: offsets sent in a transaction are visible to the group only after it commits', async () => {
    const [input, output] = [topic(), topic()]
    const group = uniq('ctp')
    await (await plain()).send({ topic: input, messages: ['a', 'b', 'c', 'd', 'e'].map((value) => ({ value })) })
    const admin = kafka().admin()
    await admin.connect()
    open.push(admin)
    const committedOffset = async () => (await admin.fetchOffsets({ groupId: group, topics: [input] }))[0]!.partitions[0]!.offset

    const producer = await transactional(uniq('kjs-ctp'))
    const source = await consume(input, { groupId: group, autoCommit: false })
    await source.until('the 5 input records', () => source.messages.length === 5)
    const txn = await producer.transaction()
    await txn.send({ topic: output, messages: source.values().map((v) => ({ value: v.toUpperCase() })) })
    await txn.sendOffsets({ consumerGroupId: group, topics: [{ topic: input, partitions: [{ partition: 0, offset: '5' }] }] })
    expect(await committedOffset()).toBe('-1') // pending
    await txn.commit()
    expect(await committedOffset()).toBe('5')

    const aborted = await producer.transaction()
    await aborted.send({ topic: output, messages: [{ value: 'NEVER' }] })
    await aborted.sendOffsets({ consumerGroupId: group, topics: [{ topic: input, partitions: [{ partition: 0, offset: '3' }] }] })
    await aborted.abort()
    expect(await committedOffset()).toBe('5')

    // The group resumes after the committed offset; the output holds the committed transform only.
    await source.consumer.disconnect()
    await (await plain()).send({ topic: input, messages: [{ value: 'f' }] })
    const resumed = await consume(input, { groupId: group, autoCommit: false })
    await resumed.until('the record after the committed offset', () => resumed.messages.length > 0)
    expect(resumed.messages[0]).toEqual({ offset: '5', value: 'f' })
    await (await plain()).send({ topic: output, messages: [{ value: 'end' }] })
    const out = await consume(output)
    await out.until('end of output', () => out.values().includes('end'))
    expect(out.values()).toEqual(['A', 'B', 'C', 'D', 'E', 'end'])
  })

  it('a second producer with the same transactional id fences the first', async () => {
    const t = topic()
    const id = uniq('kjs-fence')
    const first = await transactional(id)
    const txn = await first.transaction()
    await txn.send({ topic: t, messages: [{ value: 'zombie-1' }] })

    // kafkajs sends the transactional InitProducerId at the first transaction(): that aborts the
    // first producer's transaction and bumps the epoch past it.
    const second = await transactional(id)
    const next = await second.transaction()
    // kafkajs sends EndTxn and Produce at versions below 2, where Kafka answers a fenced epoch with
    // INVALID_PRODUCER_EPOCH (PRODUCER_FENCED is v2+).
    const errorType = (p: Promise<unknown>) => p.then(() => 'no error', (e: { type?: string; name?: string }) => e.type ?? e.name)
    await expect(errorType(txn.send({ topic: t, messages: [{ value: 'zombie-2' }] }))).resolves.toBe('INVALID_PRODUCER_EPOCH')
    await expect(errorType(txn.commit())).resolves.toBe('INVALID_PRODUCER_EPOCH')

    await next.send({ topic: t, messages: [{ value: 'live' }] })
    await next.commit()
    await (await plain()).send({ topic: t, messages: [{ value: 'end' }] })
    const reader = await consume(t)
    await reader.until('end', () => reader.values().includes('end'))
    expect(reader.values()).toEqual(['live', 'end'])
  })
})
