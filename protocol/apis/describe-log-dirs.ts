import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// DescribeLogDirs (35). v0 was removed in Kafka 4.0 (KIP-896). Null topics means every partition. v3+ top-level errorCode; v4+ per-dir
// totalBytes/usableBytes (-1 when unknown); v5+ isCordoned (KIP-1066: no new partitions there).
export const DescribeLogDirs = defineApi({
  key: 35,
  name: 'DescribeLogDirs',
  valid: '1-5',
  flexible: '2+',
  request: {
    topics: t.nullableArray(
      {
        topic: t.string(),
        partitions: t.array(t.int32()),
      },
      { default: [] },
    ),
  },
  response: {
    throttleTimeMs: t.int32(),
    errorCode: t.errorCode({ versions: '3+' }),
    results: t.array({
      errorCode: t.errorCode(),
      logDir: t.string(),
      topics: t.array({
        name: t.string(),
        partitions: t.array({
          partitionIndex: t.int32(),
          partitionSize: t.int64(),
          offsetLag: t.int64(),
          isFutureKey: t.bool(),
        }),
      }),
      totalBytes: t.int64({ versions: '4+', default: -1n }),
      usableBytes: t.int64({ versions: '4+', default: -1n }),
      isCordoned: t.bool({ versions: '5+' }),
    }),
  },
})
export type DescribeLogDirsRequest = RequestOf<typeof DescribeLogDirs>
export type DescribeLogDirsResponse = ResponseOf<typeof DescribeLogDirs>
