// Golden frames captured from real clients against a real Kafka broker (see test/golden/README.md):
// each file holds one request frame and its response frame, without the 4-byte size prefix.
// checkGolden proves that a definition reads every byte a real client or broker wrote, writes the
// same bytes back, and fails cleanly on truncated prefixes.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import { readRequestHeader, readResponseHeader, responseHeaderFlexible } from '../../protocol/header.js'
import { ProtocolError, Reader } from '../../protocol/primitives.js'
import type { ApiDefinition, Codec, DeepPartial } from '../../protocol/schema.js'
import { encode } from './codec.js'

export interface GoldenFrame {
  file: string
  apiKey: number
  apiVersion: number
  client: string
  label?: string
  request: Buffer
  response?: Buffer
}

const GOLDEN_DIR = fileURLToPath(new URL('../golden/', import.meta.url))

// Every golden frame of one API (its kebab-case directory), in file-name order; [] if none.
export function goldenFrames(apiKebab: string): GoldenFrame[] {
  const dir = join(GOLDEN_DIR, apiKebab)
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const j = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
        apiKey: number
        apiVersion: number
        client: string
        label?: string
        request: string
        response?: string
      }
      return {
        file: `${apiKebab}/${file}`,
        apiKey: j.apiKey,
        apiVersion: j.apiVersion,
        client: j.client,
        label: j.label,
        request: Buffer.from(j.request, 'hex'),
        response: j.response === undefined ? undefined : Buffer.from(j.response, 'hex'),
      }
    })
}

// Every truncated prefix must fail with a ProtocolError. All prefixes of a body up to 4 KiB; past
// that (a DescribeConfigs answer runs to ~30 KiB and each attempt parses up to its cut), the first
// and last 512 and about a thousand spread evenly between.
function checkTruncationOf(file: string, codec: Codec<unknown>, body: Buffer): void {
  const n = body.length
  const step = n <= 4096 ? 1 : Math.ceil((n - 1024) / 1024)
  for (let k = 0; k < n; k++) {
    if (step > 1 && k >= 512 && k < n - 512 && k % step !== 0) continue
    let threw: unknown = null
    try {
      codec.read(new Reader(Buffer.from(body.subarray(0, k))))
    } catch (e) {
      threw = e
    }
    expect(threw, `${file}: prefix of ${k}/${n} bytes decoded without error`).toBeInstanceOf(ProtocolError)
  }
}

function checkBody<T>(file: string, what: string, codec: Codec<T>, frame: Buffer, r: Reader): T {
  const body = frame.subarray(r.pos)
  const value = codec.read(r)
  expect(r.remaining, `${file}: ${what} left bytes unread`).toBe(0)
  expect(encode(codec, value as DeepPartial<T>).toString('hex'), `${file}: ${what} re-encodes differently`).toBe(body.toString('hex'))
  checkTruncationOf(file, codec, body)
  return value
}

// Decodes the frame's request (and response, when captured) with the API's definition at the
// frame's version, consuming exactly every byte, and re-encodes each body to the same bytes.
export function checkGolden<Q, S>(api: ApiDefinition<Q, S>, frame: GoldenFrame): { request: Q; response: S | undefined } {
  expect(frame.apiKey, frame.file).toBe(api.key)
  const version = frame.apiVersion
  const flexible = api.isFlexible(version)

  const rq = new Reader(frame.request)
  const header = readRequestHeader(rq, flexible)
  expect(header.apiKey, frame.file).toBe(api.key)
  expect(header.apiVersion, frame.file).toBe(version)
  const request = checkBody(frame.file, 'request', api.request(version), frame.request, rq)

  let response: S | undefined
  if (frame.response) {
    const rs = new Reader(frame.response)
    expect(readResponseHeader(rs, responseHeaderFlexible(api.key, flexible)), `${frame.file}: correlation id`).toBe(header.correlationId)
    response = checkBody(frame.file, 'response', api.response(version), frame.response, rs)
  }
  return { request, response }
}
