// Request and response headers. The header version follows from (api key, version): a flexible
// API version uses request header v2 and response header v1, otherwise v1 and v0. ApiVersions
// responses always use header v0 (KIP-511), so a client can read them before it knows our
// versions. The client id is a nullable string with an int16 length even in header v2.

import { Reader, Writer } from './primitives.js'

export const API_VERSIONS_KEY = 18

export interface RequestHeader {
  apiKey: number
  apiVersion: number
  correlationId: number
  clientId: string | null
}

// Reads key, version and correlation id: enough to route a request, or to answer it with an
// error, before its body is understood.
export function peekHeader(frame: Buffer): { apiKey: number; apiVersion: number; correlationId: number } | null {
  if (frame.length < 8) return null
  return { apiKey: frame.readInt16BE(0), apiVersion: frame.readInt16BE(2), correlationId: frame.readInt32BE(4) }
}

export function readRequestHeader(r: Reader, flexible: boolean): RequestHeader {
  const apiKey = r.int16()
  const apiVersion = r.int16()
  const correlationId = r.int32()
  const n = r.int16()
  const clientId = n < 0 ? null : r.stringOf(n)
  if (flexible) skipTaggedFields(r)
  return { apiKey, apiVersion, correlationId, clientId }
}

export function writeRequestHeader(w: Writer, h: RequestHeader, flexible: boolean): void {
  w.int16(h.apiKey)
  w.int16(h.apiVersion)
  w.int32(h.correlationId)
  if (h.clientId === null) {
    w.int16(-1)
  } else {
    const n = Buffer.byteLength(h.clientId)
    w.int16(n)
    w.string(h.clientId, n)
  }
  if (flexible) w.uvarint(0)
}

export function responseHeaderFlexible(apiKey: number, flexibleApiVersion: boolean): boolean {
  return flexibleApiVersion && apiKey !== API_VERSIONS_KEY
}

export function writeResponseHeader(w: Writer, correlationId: number, flexible: boolean): void {
  w.int32(correlationId)
  if (flexible) w.uvarint(0)
}

export function readResponseHeader(r: Reader, flexible: boolean): number {
  const correlationId = r.int32()
  if (flexible) skipTaggedFields(r)
  return correlationId
}

function skipTaggedFields(r: Reader): void {
  const n = r.uvarint()
  for (let i = 0; i < n; i++) {
    r.uvarint()
    r.skip(r.uvarint())
  }
}
