// The cleaner's JavaScript MD5 must be MD5: compared with node:crypto on keys of every length
// around the block and padding boundaries and on random keys.
import crypto from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { md5Into } from '../../src/log/cleaner/md5.js'

describe('md5Into', () => {
  it('matches node:crypto for lengths 0..300 and RFC 1321 test vectors', () => {
    const out = Buffer.alloc(16)
    expect(md5Into(Buffer.from(''), out).toString('hex')).toBe('d41d8cd98f00b204e9800998ecf8427e')
    expect(md5Into(Buffer.from('abc'), out).toString('hex')).toBe('900150983cd24fb0d6963f7d28e17f72')
    expect(md5Into(Buffer.from('12345678901234567890123456789012345678901234567890123456789012345678901234567890'), out).toString('hex'))
      .toBe('57edf4a22be3c955ac49da2e2107b67a')
    let seed = 42
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff
    for (let n = 0; n <= 300; n++) {
      const key = Buffer.from(Array.from({ length: n }, rand))
      expect(md5Into(key, out).toString('hex'), `length ${n}`).toBe(crypto.createHash('md5').update(key).digest('hex'))
    }
  })

  it('hashes a view into a larger buffer by its own bytes only', () => {
    const big = Buffer.from('xxxxkey-123yyyy')
    expect(md5Into(big.subarray(4, 11), Buffer.alloc(16)).toString('hex')).toBe(crypto.createHash('md5').update('key-123').digest('hex'))
  })
})
