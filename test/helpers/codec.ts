// Shared checks for API definitions: every version round-trips byte for byte, and every
// truncated prefix of an encoding fails with a ProtocolError instead of a crash or a bogus value.
import { expect } from 'vitest'
import { Reader, Writer, ProtocolError } from '../../protocol/primitives.js'
import type { ApiDefinition, DeepPartial } from '../../protocol/schema.js'

export function encode<T>(codec: { write(w: Writer, v: DeepPartial<T> | undefined): void }, value: DeepPartial<T>): Buffer {
  const w = new Writer(16)
  codec.write(w, value)
  return w.toBuffer()
}

export function decodeAll<T>(codec: { read(r: Reader): T }, buf: Buffer): T {
  const r = new Reader(buf)
  const v = codec.read(r)
  expect(r.remaining, 'decoder left bytes unread').toBe(0)
  return v
}

export function versionsOf(api: ApiDefinition<unknown, unknown>): number[] {
  const out: number[] = []
  for (let v = api.valid.min; v <= api.valid.max; v++) out.push(v)
  return out
}

export function checkRoundTrip<Q, S>(api: ApiDefinition<Q, S>, version: number, request: DeepPartial<Q>, response: DeepPartial<S>): { request: Q; response: S } {
  const reqBytes = encode(api.request(version), request)
  const req = decodeAll(api.request(version), reqBytes)
  expect(encode(api.request(version), req as DeepPartial<Q>).equals(reqBytes)).toBe(true)
  const resBytes = encode(api.response(version), response)
  const res = decodeAll(api.response(version), resBytes)
  expect(encode(api.response(version), res as DeepPartial<S>).equals(resBytes)).toBe(true)
  checkTruncation(api.request(version), reqBytes)
  checkTruncation(api.response(version), resBytes)
  return { request: req, response: res }
}

export function checkTruncation(codec: { read(r: Reader): unknown }, bytes: Buffer): void {
  for (let n = 0; n < bytes.length; n++) {
    const prefix = Buffer.from(bytes.subarray(0, n))
    let threw: unknown = null
    try {
      codec.read(new Reader(prefix))
    } catch (e) {
      threw = e
    }
    expect(threw, `prefix of ${n}/${bytes.length} bytes decoded without error`).toBeInstanceOf(ProtocolError)
  }
}
