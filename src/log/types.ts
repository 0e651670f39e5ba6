// Settings a partition log reads on every append or maintenance pass. Resolved from topic
// configs over broker defaults by the cluster layer; the log never sees config names.
export interface LogConfig {
  // cleanup.policy: 'delete' applies retention.ms/retention.bytes; 'compact' keeps the last record
  // per key (the cleaner); Kafka never time- or size-deletes a compact-only log.
  compact: boolean
  delete: boolean
  minCleanableDirtyRatio: number // min.cleanable.dirty.ratio
  minCompactionLagMs: number // min.compaction.lag.ms
  maxCompactionLagMs: number // max.compaction.lag.ms
  deleteRetentionMs: number // delete.retention.ms: how long tombstones and markers outlive a clean
  segmentBytes: number
  segmentMs: number
  retentionMs: number // -1: keep forever
  retentionBytes: number // -1: no size limit
  maxMessageBytes: number
  logAppendTime: boolean // message.timestamp.type=LogAppendTime
  indexIntervalBytes: number
  flushMessages: number // fsync after this many messages; Kafka's default (Long.MAX) means never
  flushMs: number
  fileDeleteDelayMs: number
  timestampAfterMaxMs: number
  timestampBeforeMaxMs: number
}

export const DEFAULT_LOG_CONFIG: LogConfig = {
  compact: false,
  delete: true,
  minCleanableDirtyRatio: 0.5,
  minCompactionLagMs: 0,
  maxCompactionLagMs: Number.MAX_SAFE_INTEGER,
  deleteRetentionMs: 86_400_000,
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 3600 * 1000,
  retentionMs: 7 * 24 * 3600 * 1000,
  retentionBytes: -1,
  maxMessageBytes: 1048588,
  logAppendTime: false,
  indexIntervalBytes: 4096,
  flushMessages: Number.MAX_SAFE_INTEGER,
  flushMs: Number.MAX_SAFE_INTEGER,
  fileDeleteDelayMs: 60000,
  timestampAfterMaxMs: 3600000,
  timestampBeforeMaxMs: Number.MAX_SAFE_INTEGER,
}

// One batch as the log sees it: header fields only, never the records inside; `position` is its
// file position within the segment (or within the produced buffer before it is appended).
export type { BatchHeader as BatchMeta } from '../../protocol/records/index.js'

export class LogError extends Error {
  constructor(
    readonly code: 'OFFSET_OUT_OF_RANGE' | 'MESSAGE_TOO_LARGE' | 'KAFKA_STORAGE_ERROR' | 'CORRUPT_MESSAGE' | 'INVALID_RECORD' | 'INVALID_TIMESTAMP' | 'UNSUPPORTED_COMPRESSION_TYPE' | 'INVALID_PRODUCER_EPOCH' | 'OUT_OF_ORDER_SEQUENCE_NUMBER' | 'INVALID_TXN_STATE' | 'NOT_LEADER_OR_FOLLOWER',
    message: string,
    options?: { cause?: unknown; recordErrors?: { batchIndex: number; message: string }[] },
  ) {
    super(message, options)
    this.name = 'LogError'
    this.recordErrors = options?.recordErrors ?? []
  }

  // Kafka's RecordErrors: the records of the batch that were rejected, and why.
  readonly recordErrors: { batchIndex: number; message: string }[]
}
