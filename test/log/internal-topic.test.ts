// Internal topics map keys to partitions as Kafka does: Utils.abs(String.hashCode) % partitions.
import { describe, expect, it } from 'vitest'
import { javaHash, kafkaPartitionFor, legacyGroupPartitionFor } from '../../src/log/internal-topic.js'

describe('internal topic partitioning', () => {
  it('hashes as Java\'s String.hashCode', () => {
    // Values printed by a JDK 17: "".hashCode() == 0, "a" == 97, "hello" == 99162322, ...
    expect([javaHash(''), javaHash('a'), javaHash('hello'), javaHash('orders-service'), javaHash('analytics-group')]).toEqual([0, 97, 99162322, 23943117, -609982088])
    expect(javaHash('Aa')).toBe(javaHash('BB'))
  })

  it('maps Integer.MIN_VALUE to partition 0 (Utils.abs), and negative hashes by their absolute value', () => {
    // "polygenelubricants".hashCode() == Integer.MIN_VALUE.
    expect(javaHash('polygenelubricants')).toBe(-2147483648)
    expect(kafkaPartitionFor('polygenelubricants', 50)).toBe(0)
    expect(kafkaPartitionFor('analytics-group', 50)).toBe(609982088 % 50) // 38
    // The layout before this version masked the sign bit instead: a different partition.
    expect(legacyGroupPartitionFor('analytics-group', 50)).toBe((-609982088 + 2 ** 31) % 50) // 10
    expect(legacyGroupPartitionFor('orders-service', 50)).toBe(kafkaPartitionFor('orders-service', 50))
    expect(kafkaPartitionFor('hello', 1)).toBe(0)
  })
})
