import { describe, expect, it } from 'vitest'
import { int64At } from '../../protocol/records/index.js'

describe('int64At', () => {
  it('reads what readBigInt64BE reads, for every value an offset, timestamp or producer id takes', () => {
    const buf = Buffer.alloc(8)
    for (const v of [0n, 1n, -1n, 4294967295n, 4294967296n, -4294967296n, 1_795_324_279_375n, 2n ** 53n - 1n, -(2n ** 53n) + 1n, 123456789012n]) {
      buf.writeBigInt64BE(v)
      expect(int64At(buf, 0)).toBe(Number(v))
    }
  })
})
