import { describe, expect, it } from 'vitest'
import { ApiVersions } from '../../../protocol/apis/api-versions.js'
import { readResponseHeader } from '../../../protocol/header.js'
import { Reader, Writer } from '../../../protocol/primitives.js'
import { checkGolden, goldenFrames } from '../../helpers/golden.js'

const frames = goldenFrames('api-versions')
const supported = frames.filter((f) => f.apiVersion <= 4)
const tooNew = frames.filter((f) => f.apiVersion > 4)

describe('ApiVersions golden frames', () => {
  it.each(supported.map((f) => [f.file, f] as const))('%s decodes and re-encodes byte for byte', (_file, f) => {
    const { request, response } = checkGolden(ApiVersions, f)
    if (f.apiVersion >= 3 && f.client !== 'raw') expect(request.clientSoftwareName).not.toBe('')
    expect(response!.apiKeys.find((k) => k.apiKey === 18)).toBeDefined()
  })

  // KIP-511: Kafka answers a version it does not know with a v0 body under header v0. Ours is
  // the same bytes (connection.ts writes it with this definition at v0).
  it.each(tooNew.map((f) => [f.file, f] as const))('%s: the v0 error answer is what Kafka sends', (_file, f) => {
    const r = new Reader(f.response!)
    const correlationId = readResponseHeader(r, false)
    const body = ApiVersions.response(0).read(r)
    expect(r.remaining).toBe(0)
    expect(body.errorCode).toBe(35)
    expect(body.apiKeys).toEqual([{ apiKey: 18, minVersion: 0, maxVersion: 4 }])
    const w = new Writer()
    w.int32(correlationId)
    ApiVersions.response(0).write(w, { errorCode: 35, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }] })
    expect(w.toBuffer().toString('hex')).toBe(f.response!.toString('hex'))
  })

  it('has frames from real clients', () => {
    expect(new Set(supported.map((f) => f.client.split('-')[0])).size).toBeGreaterThanOrEqual(4)
  })
})
