import { describe, it, expect } from 'vitest'
import { DescribeLogDirs } from '../../../protocol/apis/describe-log-dirs.js'
import { goldenFrames, checkGolden } from '../../helpers/golden.js'
import { checkRoundTrip, versionsOf } from '../../helpers/codec.js'

describe('DescribeLogDirs', () => {
  it.each(versionsOf(DescribeLogDirs))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      DescribeLogDirs,
      v,
      {
        topics: [
          { topic: 'orders', partitions: [0, 1, 2] },
          { topic: 'none', partitions: [] },
        ],
      },
      {
        throttleTimeMs: 5,
        errorCode: 31,
        results: [
          {
            errorCode: 0,
            logDir: '/var/lib/rivulet',
            topics: [
              {
                name: 'orders',
                partitions: [
                  { partitionIndex: 0, partitionSize: 4096n, offsetLag: 0n, isFutureKey: false },
                  { partitionIndex: 1, partitionSize: 0n, offsetLag: 2n, isFutureKey: true },
                ],
              },
            ],
            totalBytes: 1000000000n,
            usableBytes: 250000000n,
            isCordoned: true,
          },
          { errorCode: 57, logDir: '/broken', topics: [] },
        ],
      },
    )
    expect(request.topics).toEqual([
      { topic: 'orders', partitions: [0, 1, 2] },
      { topic: 'none', partitions: [] },
    ])
    expect(response.throttleTimeMs).toBe(5)
    expect(response.errorCode).toBe(v >= 3 ? 31 : 0)
    const dir = response.results[0]!
    expect(dir.topics[0]!.partitions[1]).toEqual({ partitionIndex: 1, partitionSize: 0n, offsetLag: 2n, isFutureKey: true })
    expect(dir.totalBytes).toBe(v >= 4 ? 1000000000n : -1n)
    expect(dir.usableBytes).toBe(v >= 4 ? 250000000n : -1n)
    expect(response.results[1]!.totalBytes).toBe(-1n)
    // v5 (KIP-1066): whether the dir is cordoned; older versions decode the default, false.
    expect(dir.isCordoned).toBe(v >= 5)
    expect(response.results[1]!.isCordoned).toBe(false)
  })

  it.each(versionsOf(DescribeLogDirs))('v%i keeps null topics (all partitions) distinct from none', (v) => {
    const { request } = checkRoundTrip(DescribeLogDirs, v, { topics: null }, { results: [] })
    expect(request.topics).toBeNull()
  })
})

describe('DescribeLogDirs golden frames', () => {
  const frames = goldenFrames('describe-log-dirs')
  it.each(frames.map((f) => [f.file, f] as const))('%s decodes and re-encodes byte for byte', (_, frame) => {
    checkGolden(DescribeLogDirs, frame)
  })
})
