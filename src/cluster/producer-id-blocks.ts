// Producer ids from blocks a shared store allocates (issue 11 part 2): brokers over one store
// never hand out the same id, as Kafka's brokers take blocks of ids from the controller
// (RPCProducerIdManager with ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE = 1000). Ids are handed out
// synchronously from the block in hand; the next block is fetched once 90% of the current one is
// used (Kafka's prefetch threshold), and with none in hand the caller gets
// COORDINATOR_LOAD_IN_PROGRESS ("Producer ID block is full. Waiting for next block"), which
// clients retry.

import { KafkaError } from '../../protocol/errors.js'

export const PRODUCER_ID_BLOCK_SIZE = 1000
// Kafka's prefetch threshold (90% used), as the ids left in a block.
const PREFETCH_WHEN_LEFT = PRODUCER_ID_BLOCK_SIZE / 10

// Reserves `size` ids starting at or after `floor`, returns the first.
export type AllocateBlock = (floor: number, size: number) => Promise<number>

export class ProducerIdBlocks {
  private next = 0
  private end = 0 // exclusive; next === end: no block in hand
  private prefetched: { start: number; end: number } | null = null
  private fetching: Promise<void> | null = null

  // `floor` is the first id the store may hand out (ids a broker gave out before it shared a
  // store stay unused); `warn` reports a failed fetch (the next allocation retries it).
  constructor(
    private readonly allocateBlock: AllocateBlock,
    private readonly floor: () => number,
    private readonly warn: (err: unknown) => void,
  ) {}

  // The first block, fetched before the broker serves (a failure fails the start).
  async prime(): Promise<void> {
    const start = await this.allocateBlock(this.floor(), PRODUCER_ID_BLOCK_SIZE)
    this.next = start
    this.end = start + PRODUCER_ID_BLOCK_SIZE
  }

  allocate(): number {
    if (this.next >= this.end) {
      if (!this.prefetched) {
        this.prefetch()
        throw new KafkaError('COORDINATOR_LOAD_IN_PROGRESS', 'Producer ID block is full. Waiting for next block')
      }
      this.next = this.prefetched.start
      this.end = this.prefetched.end
      this.prefetched = null
    }
    const id = this.next++
    if (this.end - this.next <= PREFETCH_WHEN_LEFT) this.prefetch()
    return id
  }

  private prefetch(): void {
    if (this.fetching || this.prefetched) return
    this.fetching = this.allocateBlock(this.floor(), PRODUCER_ID_BLOCK_SIZE).then(
      (start) => {
        this.prefetched = { start, end: start + PRODUCER_ID_BLOCK_SIZE }
      },
      (err: unknown) => this.warn(err),
    ).finally(() => (this.fetching = null))
  }

  // Resolves when a fetch under way has finished (tests, and a clean stop).
  settled(): Promise<void> {
    return this.fetching ?? Promise.resolve()
  }
}
