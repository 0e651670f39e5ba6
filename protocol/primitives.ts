// Wire primitives shared by every API: a bounds-checked reader over one frame and a writer that
// builds a response as a list of buffers, so large byte ranges (record batches) are sent by
// reference instead of being copied into the frame.

export class ProtocolError extends Error {
  readonly code = 'ERR_KAFKA_PROTOCOL'
  constructor(message: string) {
    super(message)
    this.name = 'ProtocolError'
  }
}

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA'
export { ZERO_UUID }

export class Reader {
  pos: number
  readonly end: number
  constructor(readonly buf: Buffer, start = 0, end = buf.length) {
    this.pos = start
    this.end = end
  }

  get remaining(): number {
    return this.end - this.pos
  }

  need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.end) {
      throw new ProtocolError(`truncated ${what}: need ${n} bytes at ${this.pos}, ${this.end - this.pos} left`)
    }
  }

  int8(): number {
    this.need(1, 'int8')
    return this.buf.readInt8(this.pos++)
  }
  uint8(): number {
    this.need(1, 'uint8')
    return this.buf[this.pos++]!
  }
  bool(): boolean {
    return this.int8() !== 0
  }
  int16(): number {
    this.need(2, 'int16')
    const v = this.buf.readInt16BE(this.pos)
    this.pos += 2
    return v
  }
  uint16(): number {
    this.need(2, 'uint16')
    const v = this.buf.readUInt16BE(this.pos)
    this.pos += 2
    return v
  }
  int32(): number {
    this.need(4, 'int32')
    const v = this.buf.readInt32BE(this.pos)
    this.pos += 4
    return v
  }
  uint32(): number {
    this.need(4, 'uint32')
    const v = this.buf.readUInt32BE(this.pos)
    this.pos += 4
    return v
  }
  int64(): bigint {
    this.need(8, 'int64')
    const v = this.buf.readBigInt64BE(this.pos)
    this.pos += 8
    return v
  }
  float64(): number {
    this.need(8, 'float64')
    const v = this.buf.readDoubleBE(this.pos)
    this.pos += 8
    return v
  }
  uuid(): string {
    this.need(16, 'uuid')
    const v = this.buf.toString('base64url', this.pos, this.pos + 16)
    this.pos += 16
    return v
  }

  // Unsigned LEB128, at most 5 bytes (Kafka's ByteUtils.readUnsignedVarint).
  uvarint(): number {
    let value = 0
    let shift = 0
    for (let i = 0; i < 5; i++) {
      this.need(1, 'varint')
      const b = this.buf[this.pos++]!
      value |= (b & 0x7f) << shift
      if ((b & 0x80) === 0) return value >>> 0
      shift += 7
    }
    throw new ProtocolError('varint is longer than 5 bytes')
  }
  varint(): number {
    const u = this.uvarint()
    return (u >>> 1) ^ -(u & 1)
  }

  bytesOf(n: number, what: string): Buffer {
    this.need(n, what)
    const v = this.buf.subarray(this.pos, this.pos + n)
    this.pos += n
    return v
  }
  stringOf(n: number): string {
    this.need(n, 'string')
    const v = this.buf.toString('utf8', this.pos, this.pos + n)
    this.pos += n
    return v
  }

  // Length prefixes. Compact lengths are stored +1 so that 0 means null (KIP-482).
  length16(): number {
    return this.int16()
  }
  length32(): number {
    return this.int32()
  }
  compactLength(): number {
    return this.uvarint() - 1
  }

  skip(n: number): void {
    this.need(n, 'skipped field')
    this.pos += n
  }
}

// Chunks at least this large are referenced rather than copied into the frame.
const BY_REFERENCE = 512

export class Writer {
  private chunks: Buffer[] = []
  private buf: Buffer
  private start = 0
  pos = 0
  private total = 0

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial)
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return
    this.flushCurrent()
    this.buf = Buffer.allocUnsafe(Math.max(n, this.buf.length * 2, 256))
    this.start = 0
    this.pos = 0
  }

  private flushCurrent(): void {
    if (this.pos > this.start) {
      this.chunks.push(this.buf.subarray(this.start, this.pos))
      this.total += this.pos - this.start
    }
    this.start = this.pos
  }

  get length(): number {
    return this.total + (this.pos - this.start)
  }

  int8(v: number): void {
    this.ensure(1)
    this.buf.writeInt8(v, this.pos++)
  }
  uint8(v: number): void {
    this.ensure(1)
    this.buf[this.pos++] = v
  }
  bool(v: boolean): void {
    this.uint8(v ? 1 : 0)
  }
  int16(v: number): void {
    this.ensure(2)
    this.buf.writeInt16BE(v, this.pos)
    this.pos += 2
  }
  uint16(v: number): void {
    this.ensure(2)
    this.buf.writeUInt16BE(v, this.pos)
    this.pos += 2
  }
  int32(v: number): void {
    this.ensure(4)
    this.buf.writeInt32BE(v, this.pos)
    this.pos += 4
  }
  uint32(v: number): void {
    this.ensure(4)
    this.buf.writeUInt32BE(v, this.pos)
    this.pos += 4
  }
  int64(v: bigint): void {
    this.ensure(8)
    this.buf.writeBigInt64BE(v, this.pos)
    this.pos += 8
  }
  float64(v: number): void {
    this.ensure(8)
    this.buf.writeDoubleBE(v, this.pos)
    this.pos += 8
  }
  uuid(v: string): void {
    this.ensure(16)
    const n = this.buf.write(v, this.pos, 16, 'base64url')
    if (n !== 16) throw new ProtocolError(`invalid uuid ${JSON.stringify(v)}`)
    this.pos += 16
  }
  uvarint(v: number): void {
    this.ensure(5)
    let u = v >>> 0
    while (u >= 0x80) {
      this.buf[this.pos++] = (u & 0x7f) | 0x80
      u >>>= 7
    }
    this.buf[this.pos++] = u
  }
  varint(v: number): void {
    this.uvarint((v << 1) ^ (v >> 31))
  }

  string(v: string, byteLength: number): void {
    this.ensure(byteLength)
    this.buf.write(v, this.pos, byteLength, 'utf8')
    this.pos += byteLength
  }

  raw(b: Buffer): void {
    if (b.length >= BY_REFERENCE) {
      this.flushCurrent()
      this.chunks.push(b)
      this.total += b.length
      return
    }
    this.ensure(b.length)
    b.copy(this.buf, this.pos)
    this.pos += b.length
  }

  // Reserves n bytes and returns their absolute position in the current buffer, for values
  // known only later (a frame size). Valid until the next write that needs a new buffer, so
  // callers patch through the returned setter.
  reserve(n: number): (fill: (buf: Buffer, at: number) => void) => void {
    this.ensure(n)
    const buf = this.buf
    const at = this.pos
    this.pos += n
    return (fill) => fill(buf, at)
  }

  chunksOut(): Buffer[] {
    this.flushCurrent()
    return this.chunks
  }

  toBuffer(): Buffer {
    const chunks = this.chunksOut()
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.total)
  }
}
