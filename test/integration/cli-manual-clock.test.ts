// `rivulet --manual-clock` (the built CLI as a subprocess): the broker's time stands still until
// the test kit advances it, which a client sees in LogAppendTime timestamps. On the system clock
// a record produced after "ready" is stamped later than "ready"; on the manual clock every record
// carries the start-up time, however much real time passes.
import { afterEach, expect, it } from 'vitest'
import { CreateTopics } from '../../protocol/apis/create-topics.js'
import { Produce } from '../../protocol/apis/produce.js'
import { buildBatch } from '../../protocol/records/index.js'
import { TestClient } from '../helpers/client.js'
import { startChildBroker, type ChildBroker } from '../helpers/process.js'

let child: ChildBroker | null = null
let client: TestClient | null = null
afterEach(async () => {
  await client?.close()
  await child?.kill()
  client = child = null
})

async function appendTimes(args: string[]): Promise<{ ready: number; stamps: bigint[] }> {
  child = await startChildBroker(['--memory', ...args])
  const ready = Date.now()
  client = await TestClient.connect(child.port)
  const created = await client.send(CreateTopics, 4, { topics: [{ name: 'lat', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] }], timeoutMs: 1000, validateOnly: false })
  expect(created.topics[0]!.errorCode).toBe(0)
  const stamps: bigint[] = []
  for (let i = 0; i < 2; i++) {
    const res = await client.send(Produce, 9, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'lat', partitionData: [{ index: 0, records: buildBatch({ records: [{ key: null, value: Buffer.from('x') }] }) }] }] })
    const p = res.responses[0]!.partitionResponses[0]!
    expect(p.errorCode).toBe(0)
    stamps.push(p.logAppendTimeMs)
  }
  return { ready, stamps }
}

it('stamps records with the start-up time under --manual-clock', async () => {
  const { ready, stamps } = await appendTimes(['--manual-clock'])
  expect(stamps[0]).toBe(stamps[1])
  expect(Number(stamps[0])).toBeLessThanOrEqual(ready)
})

it('stamps records with the real time without it', async () => {
  const { ready, stamps } = await appendTimes([])
  expect(Number(stamps[0])).toBeGreaterThanOrEqual(ready)
})
