// Kafka 4.4.0's own answers, replayed: the kafka-configs requests captured against Kafka 4.4.0
// (test/golden/{alter,describe}-client-quotas, compat/quotas/capture-golden.mjs) are sent to a
// fresh Rivulet in the order they were captured, and every response must equal Kafka's byte for
// byte (error messages, entity order, values).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { goldenFrames, type GoldenFrame } from '../helpers/golden.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

let b: TestBroker
let client: TestClient

beforeAll(async () => {
  b = await startTestBroker()
  client = await TestClient.connect(b.port)
})
afterAll(async () => {
  await client.close()
  await b.cleanup()
})

const byLabel = (frames: GoldenFrame[], label: string) => frames.find((f) => f.label === label)!
const alters = goldenFrames('alter-client-quotas')
const describes = goldenFrames('describe-client-quotas')
// The capture order (each alter changes what the describes after it see).
const sequence = [
  byLabel(alters, 'user'), byLabel(alters, 'user-client-default'), byLabel(alters, 'delete'), byLabel(alters, 'error-invalid-request'),
  byLabel(describes, 'user'), byLabel(describes, 'user-client-default'), byLabel(describes, 'specified'),
]

async function exchange(f: GoldenFrame): Promise<Buffer> {
  const correlationId = f.request.readInt32BE(4)
  const size = Buffer.alloc(4)
  size.writeInt32BE(f.request.length)
  const pending = client.rawResponse(correlationId)
  client.writeRaw(Buffer.concat([size, f.request]))
  return pending
}

describe('client quota APIs answer as Kafka 4.4.0', () => {
  it('replays kafka-configs against Rivulet with the answers Kafka gave', async () => {
    expect(sequence.every((f) => f !== undefined)).toBe(true)
    for (const f of sequence) {
      expect((await exchange(f)).toString('hex'), f.file).toBe(f.response!.toString('hex'))
    }
  })
})
