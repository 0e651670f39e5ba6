// The transaction coordinator (Kafka's TransactionCoordinator / TransactionMetadata /
// TransactionStateManager, as clients observe them): per transactional id a producer id and
// epoch, a state, and the partitions of the open transaction. State changes are appended to the
// internal `__transaction_state` topic (Kafka's record schemas) and replayed at start-up.
//
// One broker owns every partition, so ending a transaction writes the markers at once: the state
// goes to PrepareCommit/PrepareAbort (persisted first, so a crash mid-way resends the markers on
// restart), every partition gets its marker, and the state goes to CompleteCommit/CompleteAbort
// within the same request. Clients therefore never see CONCURRENT_TRANSACTIONS from a pending
// marker write, and InitProducerId on an open transaction aborts it (fencing the old epoch) and
// answers with the next epoch directly, where Kafka answers CONCURRENT_TRANSACTIONS first and the
// client's retry gets that same epoch.
//
// Both transaction protocols are served: TV1 (AddPartitionsToTxn/AddOffsetsToTxn, EndTxn ≤ v4,
// epoch fixed for the producer's life) and TV2 (KIP-890: Produce v12+ and TxnOffsetCommit v5 add
// partitions implicitly, EndTxn v5 bumps the epoch at the end of every transaction).

import { TxnStatus, txnRecord, decodeTxnRecord, txnStatusName, type TxnLogValue, type TxnStatusName } from '../../protocol/txn-records.js'
import type { ErrorName } from '../../protocol/errors.js'
import type { Clock, Timer } from '../clock.js'
import type { InternalTopic } from '../log/internal-topic.js'
import type { AsyncPartitionStore, MaybePromise } from '../store/async-partition-store.js'
import type { Logger } from '../logger.js'

export const TRANSACTION_STATE_TOPIC = '__transaction_state'

const NO_PRODUCER_ID = -1
const NO_PRODUCER_EPOCH = -1
const MAX_EPOCH = 0x7fff
const COORDINATOR_EPOCH = 0 // the __transaction_state partition's leader epoch: always 0 here

const isEpochExhausted = (epoch: number) => epoch >= MAX_EPOCH - 1

export interface TxnMetadata {
  transactionalId: string
  producerId: number
  prevProducerId: number
  nextProducerId: number // TV2: the id the producer moves to once an exhausted epoch's transaction ends
  epoch: number // -1 until the first InitProducerId completes
  lastEpoch: number // the epoch before the last bump, so a retried InitProducerId is recognised (not persisted, as in Kafka 4.1)
  timeoutMs: number
  state: TxnStatusName
  partitions: Map<string, Set<number>>
  startTimestamp: number
  lastUpdateTimestamp: number
  clientTransactionVersion: number // 2: the client runs transactions v2 (KIP-890)
}

export interface ProducerIdAndEpoch {
  producerId: number
  epoch: number
}

export type EndTxnResult = { error: ErrorName | null; producerId: number; epoch: number }

// The coordinator's slice of the broker config, read live.
export interface TxnConfig {
  readonly partitionVerification: boolean // transaction.partition.verification.enable
  readonly idExpirationMs: number // transactional.id.expiration.ms
  readonly abortCheckIntervalMs: number // transaction.abort.timed.out.transaction.cleanup.interval.ms
  readonly expiryCheckIntervalMs: number // transaction.remove.expired.transaction.cleanup.interval.ms
}

// A transactional id as an older Rivulet kept it in cluster.json, before __transaction_state.
export interface LegacyTxnId {
  producerId: number
  epoch: number
  prevProducerId?: number
  timeoutMs?: number
}

export interface TxnDeps {
  clock: Clock
  logger: Logger
  config: TxnConfig
  stateTopic: InternalTopic
  // The partitions markers go to; undefined once deleted.
  partition(topic: string, partition: number): AsyncPartitionStore | undefined
  allocateProducerId(): number
  // A marker was written (the group coordinator settles transactional offsets on it).
  onMarker(topic: string, partition: number, producerId: number, commit: boolean): void
  // Hands over (and forgets) the ids an older Rivulet kept outside __transaction_state.
  takeLegacyIds(): Map<string, LegacyTxnId>
}

export class TransactionCoordinator {
  readonly txns = new Map<string, TxnMetadata>()
  private abortTimer: Timer | null = null
  private expiryTimer: Timer | null = null
  private stopped = false

  constructor(private readonly deps: TxnDeps) {}

  private get now(): number {
    return this.deps.clock.now()
  }

  // ---- persistence ----------------------------------------------------------------------------

  private persist(m: TxnMetadata): void {
    const value: TxnLogValue = {
      producerId: BigInt(m.producerId),
      previousProducerId: BigInt(m.prevProducerId),
      nextProducerId: BigInt(m.nextProducerId),
      producerEpoch: m.epoch,
      nextProducerEpoch: -1,
      transactionTimeoutMs: m.timeoutMs,
      transactionStatus: TxnStatus[m.state],
      transactionPartitions: m.state === 'Empty' ? null : [...m.partitions].map(([topic, ps]) => ({ topic, partitionIds: [...ps].sort((a, b) => a - b) })),
      transactionLastUpdateTimestampMs: BigInt(m.lastUpdateTimestamp),
      transactionStartTimestampMs: BigInt(m.startTimestamp),
      clientTransactionVersion: m.clientTransactionVersion,
    }
    this.write(m.transactionalId, value)
  }

  private write(transactionalId: string, value: TxnLogValue | null): void {
    const topic = this.deps.stateTopic
    topic.append(topic.partitionFor(transactionalId), [txnRecord(transactionalId, value)])
  }

  // Replays `__transaction_state`, adopts the ids an older Rivulet kept in cluster.json, and
  // finishes transactions a stop interrupted between PrepareCommit/PrepareAbort and Complete.
  // `replay` false: the partitions are loaded one by one as their leases are won (a shared store,
  // loadPartition); only the timers start here.
  load(replay = true): void {
    if (replay) this.replayAll()
    this.scheduleAbort()
    this.scheduleExpiry()
  }

  private replayAll(): void {
    const topic = this.deps.stateTopic
    for (let p = 0; p < topic.partitionCount; p++) this.replayPartition(p)
    for (const [id, s] of this.deps.takeLegacyIds()) {
      if (this.txns.has(id)) continue
      const m = this.create(id, s.producerId, s.timeoutMs ?? 60000)
      m.epoch = s.epoch
      m.prevProducerId = s.prevProducerId ?? NO_PRODUCER_ID
      this.persist(m)
    }
    this.completeInterrupted()
  }

  // Over a shared store (issue 11 part 2): this broker took `partition` of __transaction_state,
  // whose local copy was just rebuilt; its transactional ids are loaded again from it and
  // transactions left between Prepare and Complete are finished, as Kafka's
  // TransactionStateManager.loadTransactionsForTxnTopicPartition and its completion do.
  loadPartition(partition: number): void {
    this.unloadPartition(partition)
    this.replayPartition(partition)
    this.completeInterrupted(partition)
  }

  // The partition's lease is gone (TransactionStateManager.removeTransactionsForTxnTopicPartition).
  unloadPartition(partition: number): void {
    const topic = this.deps.stateTopic
    for (const id of [...this.txns.keys()]) if (topic.partitionFor(id) === partition) this.txns.delete(id)
  }

  private completeInterrupted(partition?: number): void {
    const topic = this.deps.stateTopic
    for (const m of this.txns.values()) {
      if (partition !== undefined && topic.partitionFor(m.transactionalId) !== partition) continue
      if (m.state === 'PrepareCommit' || m.state === 'PrepareAbort') this.writeMarkers(m, m.state === 'PrepareCommit')
    }
  }

  private replayPartition(p: number): void {
    const topic = this.deps.stateTopic
    {
      // Each record replaces its transactional id's state: only the last one of each id counts.
      topic.replay(p, (r) => {
        let record: ReturnType<typeof decodeTxnRecord>
        let meta: TxnMetadata | null
        try {
          record = decodeTxnRecord(r.key()!, r.value()) // decodes to strings and numbers: keeps no view
          meta = record.value === null ? null : fromLog(record.transactionalId, record.value)
        } catch (err) {
          // Not a record this version understands (a newer schema): skip it rather than refuse to start.
          this.deps.logger.warn({ err, partition: p, offset: r.offset }, 'skipping an unreadable __transaction_state record')
          return
        }
        if (meta === null) this.txns.delete(record.transactionalId)
        else this.txns.set(record.transactionalId, meta)
      })
    }
  }

  stop(): void {
    this.stopped = true
    this.abortTimer?.cancel()
    this.expiryTimer?.cancel()
  }

  private create(transactionalId: string, producerId: number, timeoutMs: number): TxnMetadata {
    const m: TxnMetadata = {
      transactionalId, producerId, prevProducerId: NO_PRODUCER_ID, nextProducerId: NO_PRODUCER_ID,
      epoch: NO_PRODUCER_EPOCH, lastEpoch: NO_PRODUCER_EPOCH, timeoutMs, state: 'Empty', partitions: new Map(),
      startTimestamp: -1, lastUpdateTimestamp: this.now, clientTransactionVersion: 0,
    }
    this.txns.set(transactionalId, m)
    return m
  }

  // ---- InitProducerId ---------------------------------------------------------------------------

  // TransactionCoordinator.handleInitProducerId / prepareInitProducerIdTransit for a transactional
  // id whose timeout the caller has validated. `expected` is a v3+ caller's current id and epoch.
  initProducerId(transactionalId: string, timeoutMs: number, expected: ProducerIdAndEpoch | null): ProducerIdAndEpoch | ErrorName {
    const m = this.txns.get(transactionalId) ?? this.create(transactionalId, this.deps.allocateProducerId(), timeoutMs)
    if (expected && !this.isValidProducerId(m, expected)) return 'PRODUCER_FENCED'
    if (m.state === 'Ongoing') {
      // Kafka fences the open transaction (epoch + 1, markers written at that epoch), answers
      // CONCURRENT_TRANSACTIONS, and bumps again on the client's retry: done here in one go.
      this.fenceAndAbort(m)
      if (expected && !this.isValidProducerId(m, expected)) return 'PRODUCER_FENCED'
    }
    const lastEpoch = m.lastEpoch
    let producerId = m.producerId
    let epoch: number
    let last: number
    if (isEpochExhausted(m.epoch) && (!expected || expected.epoch === m.epoch)) {
      m.prevProducerId = m.producerId
      producerId = this.deps.allocateProducerId()
      epoch = 0
      last = expected ? m.epoch : NO_PRODUCER_EPOCH
    } else if (!expected) {
      epoch = m.epoch + 1
      last = NO_PRODUCER_EPOCH
    } else if (m.epoch === NO_PRODUCER_EPOCH || expected.epoch === m.epoch) {
      epoch = m.epoch + 1
      last = m.epoch
    } else if (expected.epoch === lastEpoch) {
      // A retry of a bump whose answer was lost: the same epoch again.
      epoch = m.epoch
      last = lastEpoch
    } else {
      return 'PRODUCER_FENCED'
    }
    m.producerId = producerId
    m.epoch = epoch
    m.lastEpoch = last
    m.timeoutMs = timeoutMs
    m.state = 'Empty'
    m.partitions.clear()
    m.startTimestamp = -1
    m.lastUpdateTimestamp = this.now
    this.persist(m)
    return { producerId, epoch }
  }

  // A KIP-360 caller's id must be the current one, or the previous one with an exhausted epoch.
  private isValidProducerId(m: TxnMetadata, e: ProducerIdAndEpoch): boolean {
    return m.epoch === NO_PRODUCER_EPOCH || e.producerId === m.producerId || (e.producerId === m.prevProducerId && isEpochExhausted(e.epoch))
  }

  // ---- AddPartitionsToTxn / AddOffsetsToTxn / implicit adds --------------------------------------

  // handleAddPartitionsToTransaction. `clientTransactionVersion` is 2 for the implicit adds of TV2
  // clients (Produce v12+, TxnOffsetCommit v5, AddPartitionsToTxn v4+), else 0.
  addPartitions(transactionalId: string, producerId: number, epoch: number, partitions: { topic: string; partition: number }[], clientTransactionVersion: number): ErrorName | null {
    const m = this.txns.get(transactionalId)
    if (!m || m.producerId !== producerId) return 'INVALID_PRODUCER_ID_MAPPING'
    if (m.epoch !== epoch) return 'PRODUCER_FENCED'
    if (m.state === 'PrepareCommit' || m.state === 'PrepareAbort' || m.state === 'PrepareEpochFence') return 'CONCURRENT_TRANSACTIONS'
    if (m.state === 'Ongoing' && partitions.every((p) => m.partitions.get(p.topic)?.has(p.partition))) return null
    if (m.state !== 'Ongoing') {
      m.partitions.clear()
      m.startTimestamp = this.now
    }
    for (const p of partitions) {
      let set = m.partitions.get(p.topic)
      if (!set) m.partitions.set(p.topic, (set = new Set()))
      set.add(p.partition)
    }
    m.state = 'Ongoing'
    m.clientTransactionVersion = clientTransactionVersion
    m.lastUpdateTimestamp = this.now
    this.persist(m)
    return null
  }

  // handleVerifyPartitionsInTransaction (AddPartitionsToTxn v4+ verifyOnly, and the Produce and
  // TxnOffsetCommit checks of TV1 clients): TRANSACTION_ABORTABLE when the partition is not part
  // of the open transaction.
  verifyPartition(transactionalId: string, producerId: number, epoch: number, topic: string, partition: number): ErrorName | null {
    const m = this.txns.get(transactionalId)
    if (!m || m.producerId !== producerId) return 'INVALID_PRODUCER_ID_MAPPING'
    if (m.epoch !== epoch) return 'PRODUCER_FENCED'
    if (m.state === 'PrepareCommit' || m.state === 'PrepareAbort') return 'CONCURRENT_TRANSACTIONS'
    if (m.state !== 'Ongoing' || !m.partitions.get(topic)?.has(partition)) return 'TRANSACTION_ABORTABLE'
    return null
  }

  // ReplicaManager's check before a transactional append (KIP-890): `mode` is Kafka's
  // transactionSupportedOperation for the request version — 'default' (Produce ≤ 10,
  // TxnOffsetCommit ≤ 3: a partition outside the transaction is INVALID_TXN_STATE), 'generic'
  // (Produce 11, TxnOffsetCommit 4: TRANSACTION_ABORTABLE) or 'add' (Produce 12+, TxnOffsetCommit
  // 5+: the partition joins the transaction). A partition where this producer epoch already has
  // its transaction open needs no check.
  verifyAppend(transactionalId: string, producerId: number, epoch: number, topic: string, partition: number, log: AsyncPartitionStore, mode: 'default' | 'generic' | 'add'): ErrorName | null {
    const entry = log.producerEpoch(producerId)
    if (entry && entry.epoch > epoch) return 'INVALID_PRODUCER_EPOCH'
    if (entry && entry.epoch === epoch && entry.txnFirstOffset >= 0) return null
    if (mode !== 'add' && !this.deps.config.partitionVerification) return null
    const error = mode === 'add'
      ? this.addPartitions(transactionalId, producerId, epoch, [{ topic, partition }], 2)
      : this.verifyPartition(transactionalId, producerId, epoch, topic, partition)
    switch (error) {
      case null: return null
      case 'PRODUCER_FENCED': return 'INVALID_PRODUCER_EPOCH'
      case 'TRANSACTION_ABORTABLE': return mode === 'default' ? 'INVALID_TXN_STATE' : error
      case 'CONCURRENT_TRANSACTIONS': return mode === 'add' ? error : 'NOT_ENOUGH_REPLICAS'
      default: return error
    }
  }

  // ---- EndTxn -----------------------------------------------------------------------------------

  endTxn(transactionalId: string, producerId: number, epoch: number, commit: boolean, v2: boolean): EndTxnResult {
    const fail = (error: ErrorName): EndTxnResult => ({ error, producerId: NO_PRODUCER_ID, epoch: NO_PRODUCER_EPOCH })
    const m = this.txns.get(transactionalId)
    if (!m) return fail('INVALID_PRODUCER_ID_MAPPING')
    return v2 ? this.endTxnV2(m, producerId, epoch, commit, fail) : this.endTxnV1(m, producerId, epoch, commit, fail)
  }

  // endTransactionWithTV1: the epoch stays; a retry of a completed end answers NONE.
  private endTxnV1(m: TxnMetadata, producerId: number, epoch: number, commit: boolean, fail: (e: ErrorName) => EndTxnResult): EndTxnResult {
    if (m.producerId !== producerId) return fail('INVALID_PRODUCER_ID_MAPPING')
    if (m.epoch !== epoch) return fail('PRODUCER_FENCED')
    const ok: EndTxnResult = { error: null, producerId: NO_PRODUCER_ID, epoch: NO_PRODUCER_EPOCH }
    switch (m.state) {
      case 'Ongoing':
        this.complete(m, commit)
        return ok
      case 'CompleteCommit':
        return commit ? ok : fail('INVALID_TXN_STATE')
      case 'CompleteAbort':
        return commit ? fail('INVALID_TXN_STATE') : ok
      case 'PrepareCommit':
        return fail(commit ? 'CONCURRENT_TRANSACTIONS' : 'INVALID_TXN_STATE')
      case 'PrepareAbort':
        return fail(commit ? 'INVALID_TXN_STATE' : 'CONCURRENT_TRANSACTIONS')
      default:
        return fail('INVALID_TXN_STATE')
    }
  }

  // endTransaction with TV2 (EndTxn v5): every end bumps the epoch (an exhausted one moves to a
  // new producer id), and the answer carries the producer id and epoch to use next. A retry
  // carries the epoch before the bump.
  private endTxnV2(m: TxnMetadata, producerId: number, epoch: number, commit: boolean, fail: (e: ErrorName) => EndTxnResult): EndTxnResult {
    const retryOnEpochBump = m.epoch === epoch + 1
    const retryOnOverflow = producerId === m.prevProducerId && epoch === MAX_EPOCH - 1 && m.epoch === 0
    if (m.producerId !== producerId && !retryOnOverflow) return fail('INVALID_PRODUCER_ID_MAPPING')
    const completed = m.state === 'CompleteCommit' || m.state === 'CompleteAbort'
    const validEpoch = m.state === 'Ongoing' || m.state === 'Empty' ? m.epoch === epoch
      : completed ? retryOnEpochBump || retryOnOverflow || m.epoch === epoch
      : retryOnEpochBump
    if (!validEpoch) return fail('PRODUCER_FENCED')
    const current = (): EndTxnResult => ({ error: null, producerId: m.producerId, epoch: m.epoch })
    const isRetry = retryOnEpochBump || retryOnOverflow
    switch (m.state) {
      case 'Ongoing':
        this.bumpForEnd(m)
        this.complete(m, commit)
        return current()
      case 'CompleteCommit':
        if (isRetry) return commit ? current() : fail('INVALID_TXN_STATE')
        if (commit) return fail('INVALID_TXN_STATE')
        break
      case 'CompleteAbort':
        if (isRetry) return commit ? fail('INVALID_TXN_STATE') : current()
        if (commit) return fail('INVALID_TXN_STATE')
        break
      case 'Empty':
        if (commit) return fail('INVALID_TXN_STATE')
        break
      default:
        return fail('CONCURRENT_TRANSACTIONS')
    }
    // An abort with no transaction open still ends "a transaction": the epoch is bumped.
    this.bumpForEnd(m)
    this.complete(m, false)
    return current()
  }

  private bumpForEnd(m: TxnMetadata): void {
    m.lastEpoch = m.epoch
    if (isEpochExhausted(m.epoch)) {
      m.nextProducerId = this.deps.allocateProducerId()
      m.epoch = MAX_EPOCH
    } else {
      m.epoch += 1
    }
  }

  // Prepare (persisted), markers, Complete (persisted).
  private complete(m: TxnMetadata, commit: boolean): void {
    m.state = commit ? 'PrepareCommit' : 'PrepareAbort'
    m.lastUpdateTimestamp = this.now
    this.persist(m)
    this.writeMarkers(m, commit)
  }

  // A store that answers later (PostgreSQL) commits markers asynchronously: the transaction stays
  // Prepare* (the producer's next step gets CONCURRENT_TRANSACTIONS, retriable) until every marker
  // is committed, each retried while the store fails, as Kafka's TransactionMarkerChannelManager
  // retries a marker until its partition's leader accepts it; Complete is persisted only then.
  private writeMarkers(m: TxnMetadata, commit: boolean): void {
    const now = this.now
    const pending: Promise<void>[] = []
    for (const [topic, partitions] of m.partitions) {
      for (const p of partitions) {
        const log = this.deps.partition(topic, p)
        if (!log) continue // deleted since it joined the transaction
        const write = () => log.appendMarker(m.producerId, m.epoch, commit, COORDINATOR_EPOCH, now)
        const offset = write()
        if (offset instanceof Promise) pending.push(this.untilWritten(offset, write, `${topic}-${p}`).then(() => this.deps.onMarker(topic, p, m.producerId, commit)))
        else this.deps.onMarker(topic, p, m.producerId, commit)
      }
    }
    if (pending.length === 0) return this.markersWritten(m, commit, now)
    void Promise.all(pending).then(
      () => this.markersWritten(m, commit, this.now),
      () => undefined, // stopped: the next start finds Prepare* and writes the markers again
    )
  }

  private async untilWritten(first: Promise<number>, write: () => MaybePromise<number>, partition: string): Promise<void> {
    let attempt: MaybePromise<number> = first
    let backoffMs = 100
    for (;;) {
      try {
        await attempt
        return
      } catch (err) {
        if (this.stopped) throw err
        this.deps.logger.warn({ err, partition }, 'writing a transaction marker failed; retrying')
        await new Promise((resolve) => setTimeout(resolve, backoffMs))
        backoffMs = Math.min(2000, backoffMs * 2)
        try {
          attempt = write()
        } catch (e) {
          attempt = Promise.reject(e)
        }
      }
    }
  }

  private markersWritten(m: TxnMetadata, commit: boolean, now: number): void {
    m.state = commit ? 'CompleteCommit' : 'CompleteAbort'
    m.partitions.clear()
    if (m.nextProducerId !== NO_PRODUCER_ID) {
      m.prevProducerId = m.producerId
      m.producerId = m.nextProducerId
      m.nextProducerId = NO_PRODUCER_ID
      m.epoch = 0
    }
    m.lastUpdateTimestamp = now
    this.persist(m)
  }

  // prepareFenceProducerEpoch + an abort: markers at the bumped epoch fence the old producer. With
  // transactions v2 finalized, Kafka bumps through prepareAbortOrCommit, which remembers the old
  // epoch: the fenced producer's InitProducerId with it then counts as a retry (the current epoch,
  // no further bump), and its EndTxn v5 abort as a completed one.
  private fenceAndAbort(m: TxnMetadata): void {
    m.lastEpoch = m.epoch
    if (m.epoch < MAX_EPOCH) m.epoch += 1
    this.complete(m, false)
  }

  // ---- timers -----------------------------------------------------------------------------------

  // transaction.abort.timed.out.transaction.cleanup.interval.ms: open transactions older than
  // their timeout are aborted, fencing the producer.
  abortTimedOut(): number {
    const now = this.now
    let n = 0
    for (const m of this.txns.values()) {
      if (m.state === 'Ongoing' && m.startTimestamp + m.timeoutMs < now) {
        this.deps.logger.info({ transactionalId: m.transactionalId, producerId: m.producerId, epoch: m.epoch }, 'aborting timed-out transaction')
        this.fenceAndAbort(m)
        n++
      }
    }
    return n
  }

  // transactional.id.expiration.ms: ids idle that long with no transaction open are forgotten.
  expireIds(): number {
    const cutoff = this.now - this.deps.config.idExpirationMs
    let n = 0
    for (const m of [...this.txns.values()]) {
      if ((m.state === 'Empty' || m.state === 'CompleteCommit' || m.state === 'CompleteAbort') && m.lastUpdateTimestamp <= cutoff) {
        this.write(m.transactionalId, null)
        this.txns.delete(m.transactionalId)
        n++
      }
    }
    return n
  }

  private scheduleAbort(): void {
    const every = Math.max(1, this.deps.config.abortCheckIntervalMs)
    this.abortTimer = this.deps.clock.schedule(every, () => {
      if (this.stopped) return
      try {
        this.abortTimedOut()
      } catch (err) {
        this.deps.logger.error({ err }, 'aborting timed-out transactions failed')
      }
      this.scheduleAbort()
    })
  }

  private scheduleExpiry(): void {
    const every = Math.max(1, this.deps.config.expiryCheckIntervalMs)
    this.expiryTimer = this.deps.clock.schedule(every, () => {
      if (this.stopped) return
      try {
        this.expireIds()
      } catch (err) {
        this.deps.logger.error({ err }, 'expiring transactional ids failed')
      }
      this.scheduleExpiry()
    })
  }
}

function fromLog(transactionalId: string, v: TxnLogValue): TxnMetadata {
  const partitions = new Map<string, Set<number>>()
  for (const p of v.transactionPartitions ?? []) partitions.set(p.topic, new Set(p.partitionIds))
  return {
    transactionalId,
    producerId: Number(v.producerId),
    prevProducerId: Number(v.previousProducerId),
    nextProducerId: Number(v.nextProducerId),
    epoch: v.producerEpoch,
    lastEpoch: NO_PRODUCER_EPOCH,
    timeoutMs: v.transactionTimeoutMs,
    state: txnStatusName(v.transactionStatus),
    partitions,
    startTimestamp: Number(v.transactionStartTimestampMs),
    lastUpdateTimestamp: Number(v.transactionLastUpdateTimestampMs),
    clientTransactionVersion: v.clientTransactionVersion,
  }
}
