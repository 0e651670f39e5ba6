import { describe, expect, it } from 'vitest'
import { Metadata } from '../../../protocol/apis/metadata.js'
import { checkGolden, goldenFrames } from '../../helpers/golden.js'

describe('Metadata golden frames', () => {
  it.each(goldenFrames('metadata').map((f) => [f.file, f] as const))('%s decodes and re-encodes byte for byte', (_file, f) => {
    const { response } = checkGolden(Metadata, f)
    expect(response!.brokers.length).toBeGreaterThan(0)
    if (f.apiVersion >= 1) expect(response!.controllerId).toBeGreaterThanOrEqual(0)
  })
})
