// A test suite's usual shape, run twice against one broker with kafkajs: create a topic, produce,
// consume it from the beginning with a fixed group id (committing), delete the topic. On the second
// run the recreated topic has the same name and as many records as before: with the deleted
// topic's committed offsets still in the group the consumer would start at the end and wait
// forever. Kafka removes a deleted topic's offsets from every group (onPartitionsDeleted).
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { Kafka, logLevel } from '../helpers/kafkajs.js'

let b: TestBroker
beforeAll(async () => {
  b = await startTestBroker()
})
afterAll(async () => {
  await b.cleanup()
})

async function suiteRun(run: number): Promise<string[]> {
  const kafka = new Kafka({ clientId: `suite-${run}`, brokers: [b.bootstrap], logLevel: logLevel.NOTHING })
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic: 'recreated', numPartitions: 1 }], waitForLeaders: true })
  const producer = kafka.producer()
  await producer.connect()
  await producer.send({ topic: 'recreated', messages: [1, 2, 3].map((i) => ({ value: `run${run}-${i}` })) })
  await producer.disconnect()

  const consumer = kafka.consumer({ groupId: 'fixed-group', maxWaitTimeInMs: 100 })
  await consumer.connect()
  await consumer.subscribe({ topics: ['recreated'], fromBeginning: true })
  const seen: string[] = []
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`run ${run}: consumed ${JSON.stringify(seen)} only`)), 20_000)
    void consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message.value!.toString())
        if (seen.length === 3) {
          clearTimeout(timer)
          resolve()
        }
      },
    })
  })
  try {
    await done
  } finally {
    await consumer.disconnect()
  }
  await admin.deleteTopics({ topics: ['recreated'] })
  await admin.disconnect()
  return seen
}

it('a recreated topic is consumed from the beginning by the same group id', async () => {
  expect(await suiteRun(1)).toEqual(['run1-1', 'run1-2', 'run1-3'])
  expect(await suiteRun(2)).toEqual(['run2-1', 'run2-2', 'run2-3'])
}, 60_000)
