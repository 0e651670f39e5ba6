// The console's produce picks a keyed record's partition with Kafka's murmur2, as the Java
// producer's and kafkajs's default partitioners do: Kafka's own test vectors (UtilsTest) and
// kafkajs's implementation over many keys.
import { createRequire } from 'node:module'
import { expect, it } from 'vitest'
import { murmur2 } from '../../../src/admin/console/actions.js'

const require = createRequire(import.meta.url)
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (key: Buffer) => number

it("matches Kafka's murmur2 test vectors", () => {
  const cases: [string, number][] = [['21', -973932308], ['foobar', -790332482], ['a-little-bit-long-string', -985981536], ['a-little-bit-longer-string', -1486304829], ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971], ['abc', 479470107]]
  for (const [key, hash] of cases) expect(murmur2(Buffer.from(key)), key).toBe(hash)
})

it("agrees with kafkajs's default partitioner hash on keys of every length", () => {
  for (let i = 0; i < 2000; i++) {
    const key = Buffer.from(Array.from({ length: i % 37 }, (_, j) => (i * 31 + j * 7) & 0xff))
    expect(murmur2(key)).toBe(kafkajsMurmur2(key))
  }
})
