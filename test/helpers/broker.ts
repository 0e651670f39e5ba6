// Starts a broker for a test: in-process on port 0, in memory or in a temp dir removed afterwards.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach } from 'vitest'
import { startBroker, type RunningBroker, type StartOptions } from '../../src/index.js'

export interface TestBroker extends RunningBroker {
  dataDir: string | null
  cleanup(): Promise<void>
}

// Kafka's group.{consumer,share,streams}.assignment.interval.ms default (1000) holds a new target
// back for a second after the last one; tests of what a target is (not of when) turn it off, as
// Kafka allows (0: every epoch bump computes at once, GroupMetadataManager.canComputeNextTargetAssignment).
export const IMMEDIATE_ASSIGNMENT = {
  'group.consumer.assignment.interval.ms': 0,
  'group.share.assignment.interval.ms': 0,
  'group.streams.assignment.interval.ms': 0,
}

export function tempDir(prefix = 'rivulet-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix))
}

// For a test file: a maker of temp dirs that are all removed after each test.
export function scratchDirs(prefix: string): () => string {
  const dirs: string[] = []
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
  })
  return () => {
    const d = tempDir(prefix)
    dirs.push(d)
    return d
  }
}

export async function startTestBroker(o: StartOptions & { disk?: boolean } = {}): Promise<TestBroker> {
  const dataDir = o.disk ? (o.dataDir ?? tempDir()) : null
  const b = await startBroker({ port: 0, memory: !o.disk, ...o, dataDir: dataDir ?? undefined })
  return Object.assign(b, {
    dataDir,
    async cleanup() {
      await b.stop()
      if (dataDir && !o.dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
    },
  })
}
