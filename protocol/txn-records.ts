// Records of the internal `__transaction_state` topic, in Kafka's own schemas
// (TransactionLogKey v0, TransactionLogValue v0–1, v1 flexible): an int16 schema version, then the
// struct. Kafka 4.x writes key v0 and value v1. A null value is a tombstone (an expired id).

import { ProtocolError, Reader, Writer } from './primitives.js'
import { defineStruct, t } from './schema.js'

const txnKey = defineStruct({ transactionalId: t.string() }, '0')
const txnValue = defineStruct({
  producerId: t.int64(),
  previousProducerId: t.int64({ versions: '1+', tag: 0, taggedVersions: '1+', default: -1n }),
  nextProducerId: t.int64({ versions: '1+', tag: 1, taggedVersions: '1+', default: -1n }),
  producerEpoch: t.int16(),
  nextProducerEpoch: t.int16({ versions: '1+', tag: 3, taggedVersions: '1+', default: -1 }),
  transactionTimeoutMs: t.int32(),
  transactionStatus: t.int8(),
  transactionPartitions: t.nullableArray({ topic: t.string(), partitionIds: t.array(t.int32()) }),
  transactionLastUpdateTimestampMs: t.int64(),
  transactionStartTimestampMs: t.int64(),
  clientTransactionVersion: t.int16({ versions: '1+', tag: 2, taggedVersions: '1+', default: 0 }),
}, '0-1', '1+')

const KEY_VERSION = 0
const VALUE_VERSION = 1

export type TxnLogValue = ReturnType<ReturnType<typeof txnValue>['read']>

// TransactionState.java's codes.
export const TxnStatus = {
  Empty: 0,
  Ongoing: 1,
  PrepareCommit: 2,
  PrepareAbort: 3,
  CompleteCommit: 4,
  CompleteAbort: 5,
  Dead: 6,
  PrepareEpochFence: 7,
} as const
export type TxnStatusName = keyof typeof TxnStatus
export const txnStatusName = (code: number): TxnStatusName => {
  const name = (Object.keys(TxnStatus) as TxnStatusName[]).find((k) => TxnStatus[k] === code)
  if (!name) throw new ProtocolError(`unknown transaction status ${code}`)
  return name
}

export function txnRecord(transactionalId: string, value: TxnLogValue | null): { key: Buffer; value: Buffer | null } {
  const k = new Writer(32)
  k.int16(KEY_VERSION)
  txnKey(KEY_VERSION).write(k, { transactionalId })
  if (value === null) return { key: k.toBuffer(), value: null }
  const v = new Writer(64)
  v.int16(VALUE_VERSION)
  txnValue(VALUE_VERSION).write(v, value)
  return { key: k.toBuffer(), value: v.toBuffer() }
}

export function decodeTxnRecord(key: Buffer, value: Buffer | null): { transactionalId: string; value: TxnLogValue | null } {
  const r = new Reader(key)
  const kv = r.int16()
  if (kv !== KEY_VERSION) throw new ProtocolError(`unknown __transaction_state key version ${kv}`)
  const { transactionalId } = txnKey(kv).read(r)
  if (value === null) return { transactionalId, value: null }
  const vr = new Reader(value)
  return { transactionalId, value: txnValue(vr.int16()).read(vr) }
}
