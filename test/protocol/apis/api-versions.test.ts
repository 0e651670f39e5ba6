import { describe, expect, it } from 'vitest'
import { ApiVersions } from '../../../protocol/apis/api-versions.js'
import { readResponseHeader } from '../../../protocol/header.js'
import { Reader, Writer } from '../../../protocol/primitives.js'
import { checkGolden, goldenFrames } from '../../helpers/golden.js'

const frames = goldenFrames('api-versions')
// A version the capturing broker did not know (v5 on Kafka 4.1.2, v127 anywhere) was answered with
// the v0 error body; the others are ordinary exchanges.
const tooNew = frames.filter((f) => f.label === 'error-unsupported-version')
const supported = frames.filter((f) => !tooNew.includes(f))

describe('ApiVersions golden frames', () => {
  it.each(supported.map((f) => [f.file, f] as const))('%s decodes and re-encodes byte for byte', (_file, f) => {
    const { request, response } = checkGolden(ApiVersions, f)
    if (f.apiVersion >= 3 && f.client !== 'raw') expect(request.clientSoftwareName).not.toBe('')
    expect(response!.apiKeys.find((k) => k.apiKey === 18)).toBeDefined()
    // v5 (KIP-1242): Kafka 4.4's clients send no cluster or node id on their first connection.
    if (f.apiVersion >= 5) expect([request.clusterId, request.nodeId]).toEqual([null, -1])
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
    expect(supported.filter((f) => f.apiVersion === 5).map((f) => f.client).sort()).toEqual(['franz-go-1.22.2', 'java-4.4.0'])
  })

  it('v5 round-trips the cluster id and node id the client means to reach', () => {
    const w = new Writer()
    ApiVersions.request(5).write(w, { clientSoftwareName: 'apache-kafka-java', clientSoftwareVersion: '4.4.0', clusterId: 'abc', nodeId: 3 })
    const bytes = w.toBuffer()
    // compact strings, then the cluster id (compact nullable), the node id, no tagged fields
    expect(bytes.toString('hex')).toBe('12' + Buffer.from('apache-kafka-java').toString('hex') + '06' + Buffer.from('4.4.0').toString('hex') + '04616263' + '00000003' + '00')
    expect(ApiVersions.request(5).read(new Reader(bytes))).toEqual({ clientSoftwareName: 'apache-kafka-java', clientSoftwareVersion: '4.4.0', clusterId: 'abc', nodeId: 3 })
    // v4 has neither field: the same values encode to the bytes before them plus the tag section
    const v4 = new Writer()
    ApiVersions.request(4).write(v4, { clientSoftwareName: 'apache-kafka-java', clientSoftwareVersion: '4.4.0', clusterId: 'abc', nodeId: 3 })
    expect(v4.toBuffer().toString('hex')).toBe(bytes.subarray(0, 24).toString('hex') + '00')
  })
})
