// MD5 (RFC 1321) of a key, in JavaScript, for the cleaner's offset map. Kafka's SkimpyOffsetMap
// stores keys as their MD5 digest, so two keys share a slot only on an MD5 collision (odds ~n²/2^129
// for n accidental keys); this is the same function, so the same argument holds. It is written
// here, not taken from node:crypto, because the cleaner hashes every record twice (map, retain) and
// a call into OpenSSL costs microseconds for a 10-byte key, which made hashing most of a pass's CPU;
// in JIT-compiled JavaScript a short key costs a fraction of that. test/log/md5.test.ts checks it
// against node:crypto.

const S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]
const K = new Int32Array(64)
for (let i = 0; i < 64; i++) K[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0

const words = new Int32Array(16)
const tail = new Uint8Array(128)
const state = new Int32Array(4)

// Processes one 64-byte block of `bytes` at `at` into `state`.
function block(bytes: Uint8Array, at: number): void {
  for (let i = 0; i < 16; i++) {
    const p = at + i * 4
    words[i] = bytes[p]! | (bytes[p + 1]! << 8) | (bytes[p + 2]! << 16) | (bytes[p + 3]! << 24)
  }
  let a = state[0]!
  let b = state[1]!
  let c = state[2]!
  let d = state[3]!
  for (let i = 0; i < 64; i++) {
    let f: number
    let g: number
    if (i < 16) {
      f = (b & c) | (~b & d)
      g = i
    } else if (i < 32) {
      f = (d & b) | (~d & c)
      g = (5 * i + 1) & 15
    } else if (i < 48) {
      f = b ^ c ^ d
      g = (3 * i + 5) & 15
    } else {
      f = c ^ (b | ~d)
      g = (7 * i) & 15
    }
    f = (f + a + K[i]! + words[g]!) | 0
    a = d
    d = c
    c = b
    const s = S[((i >> 4) << 2) | (i & 3)]!
    b = (b + ((f << s) | (f >>> (32 - s)))) | 0
  }
  state[0] = (state[0]! + a) | 0
  state[1] = (state[1]! + b) | 0
  state[2] = (state[2]! + c) | 0
  state[3] = (state[3]! + d) | 0
}

// The 16-byte MD5 digest of `key`, written into `out` (which it returns).
export function md5Into(key: Uint8Array, out: Buffer): Buffer {
  state[0] = 0x67452301
  state[1] = 0xefcdab89 | 0
  state[2] = 0x98badcfe | 0
  state[3] = 0x10325476
  const n = key.length
  const whole = n - (n & 63)
  for (let at = 0; at < whole; at += 64) block(key, at)
  // The last partial block, 0x80, zeros, and the bit length (little-endian 64-bit).
  const rest = n - whole
  tail.fill(0)
  for (let i = 0; i < rest; i++) tail[i] = key[whole + i]!
  tail[rest] = 0x80
  const len = rest < 56 ? 64 : 128
  const bits = n * 8
  const lo = bits >>> 0
  const hi = Math.floor(bits / 2 ** 32) >>> 0
  for (let i = 0; i < 4; i++) {
    tail[len - 8 + i] = (lo >>> (8 * i)) & 0xff
    tail[len - 4 + i] = (hi >>> (8 * i)) & 0xff
  }
  block(tail, 0)
  if (len === 128) block(tail, 64)
  for (let i = 0; i < 4; i++) out.writeInt32LE(state[i]!, i * 4)
  return out
}
