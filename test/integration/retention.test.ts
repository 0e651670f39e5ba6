// Time retention on the broker's clock, as Kafka schedules it: the first check runs
// log.initial.task.delay.ms (30 s) after start-up, then every log.retention.check.interval.ms.
import { afterEach, expect, it } from 'vitest'
import { buildBatch } from '../../protocol/records/index.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'

let b: TestBroker
afterEach(async () => {
  await b.cleanup()
})

it('deletes expired segments 30 s after start-up, then every check interval', async () => {
  b = await startTestBroker({ clock: 'manual' })
  const clock = b.kit.clock
  b.kit.createTopic('old', { partitions: 1, config: { 'retention.ms': 60000, 'segment.bytes': 1024 } })
  const log = b.broker.partition('old', 0)!
  const append = (ts: number) => log.append(buildBatch({ records: [{ key: 'k', value: 'x'.repeat(300), timestamp: ts }] }), { nowMs: clock.now() })
  for (let i = 0; i < 10; i++) append(clock.now() - 3_600_000)
  expect(log.logStartOffset).toBe(0)
  b.kit.advance(29_999)
  expect(log.logStartOffset).toBe(0)
  b.kit.advance(1)
  const start = log.logStartOffset
  expect(start).toBeGreaterThan(0)
  for (let i = 0; i < 10; i++) append(clock.now())
  b.kit.advance(120_000) // the new records expire: the next check is 300 s after the first
  expect(log.logStartOffset).toBe(start)
  b.kit.advance(180_000)
  expect(log.logStartOffset).toBeGreaterThan(start)
})
