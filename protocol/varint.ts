// Zig-zag varints as record batch v2 encodes them (Kafka's ByteUtils.readVarint/readVarlong):
// varint = int32 in at most 5 bytes, varlong = int64 in at most 10. Varlongs are decoded to a
// `number` and rejected beyond 2^53, which no timestamp delta in a sane batch reaches.
// The reader is bounds-checked and throws RangeError; callers turn that into a Kafka error code.

const TWO_POW_53 = 2 ** 53

export class ByteReader {
  pos: number
  constructor(
    public buf: Buffer,
    start = 0,
    public end = buf.length,
  ) {
    this.pos = start
  }

  /** Points the reader at buf[start, end), so one reader can serve many buffers. */
  reset(buf: Buffer, start = 0, end = buf.length): void {
    this.buf = buf
    this.pos = start
    this.end = end
  }

  get remaining(): number {
    return this.end - this.pos
  }

  private need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.end) {
      throw new RangeError(`truncated ${what}: need ${n} bytes at ${this.pos}, ${this.end - this.pos} left`)
    }
  }

  int8(): number {
    this.need(1, 'int8')
    return this.buf.readInt8(this.pos++)
  }

  int16(): number {
    this.need(2, 'int16')
    const v = this.buf.readInt16BE(this.pos)
    this.pos += 2
    return v
  }

  int32(): number {
    this.need(4, 'int32')
    const v = this.buf.readInt32BE(this.pos)
    this.pos += 4
    return v
  }

  varint(): number {
    let raw = 0
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.pos >= this.end) throw new RangeError(`truncated varint at ${this.pos}`)
      const b = this.buf[this.pos++]!
      raw |= (b & 0x7f) << shift
      if ((b & 0x80) === 0) return (raw >>> 1) ^ -(raw & 1)
    }
    throw new RangeError(`varint at ${this.pos - 5} is longer than 5 bytes`)
  }

  varlong(): number {
    let raw = 0
    let scale = 1
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new RangeError(`truncated varlong at ${this.pos}`)
      const b = this.buf[this.pos++]!
      raw += (b & 0x7f) * scale
      if ((b & 0x80) === 0) {
        if (raw > TWO_POW_53) throw new RangeError(`varlong at ${this.pos - i - 1} exceeds 2^53`)
        return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2
      }
      scale *= 128
    }
    throw new RangeError(`varlong at ${this.pos - 10} is longer than 10 bytes`)
  }

  /** A view (not a copy) of the next n bytes. */
  bytes(n: number, what = 'bytes'): Buffer {
    this.need(n, what)
    const v = this.buf.subarray(this.pos, this.pos + n)
    this.pos += n
    return v
  }

  /** Varint length then bytes; -1 is null (record key, value and header value). */
  nullableBytes(what: string): Buffer | null {
    const len = this.varint()
    if (len < -1) throw new RangeError(`negative ${what} length ${len}`)
    return len === -1 ? null : this.bytes(len, what)
  }
}

function zigzag32(v: number): number {
  return ((v << 1) ^ (v >> 31)) >>> 0
}

function zigzag64(v: number): number {
  if (!Number.isSafeInteger(v) || Math.abs(v) > 2 ** 52) throw new RangeError(`varlong value ${v} is out of range`)
  return v >= 0 ? v * 2 : -v * 2 - 1
}

export function sizeOfVarint(v: number): number {
  let u = zigzag32(v)
  let n = 1
  while (u >= 0x80) {
    u >>>= 7
    n++
  }
  return n
}

export function sizeOfVarlong(v: number): number {
  let u = zigzag64(v)
  let n = 1
  while (u >= 0x80) {
    u = Math.floor(u / 128)
    n++
  }
  return n
}

/** Writes v at pos and returns the position after it. The caller sized buf with sizeOfVarint. */
export function writeVarint(buf: Buffer, pos: number, v: number): number {
  let u = zigzag32(v)
  while (u >= 0x80) {
    buf[pos++] = (u & 0x7f) | 0x80
    u >>>= 7
  }
  buf[pos++] = u
  return pos
}

export function writeVarlong(buf: Buffer, pos: number, v: number): number {
  let u = zigzag64(v)
  while (u >= 0x80) {
    buf[pos++] = (u % 128) | 0x80
    u = Math.floor(u / 128)
  }
  buf[pos++] = u
  return pos
}
