// The log manager's start: whether the last stop was clean (recovery is skipped), and its checkpoints.
import { expect, it } from 'vitest'
import { LogManager } from '../../src/log/log-manager.js'
import { memoryStorage } from '../../src/log/storage.js'
import { DEFAULT_LOG_CONFIG } from '../../src/log/types.js'

it('a new data directory holding only the start-up lock counts as cleanly stopped', () => {
  const storage = memoryStorage()
  storage.writeAtomic('/memory/rivulet.lock', '{}')
  expect(new LogManager({ storage, now: () => 0 }).start().clean).toBe(true)
})

it('a directory with data and no clean-shutdown marker is recovered', () => {
  const storage = memoryStorage()
  storage.writeAtomic('/memory/cluster.json', '{}')
  storage.mkdirp('/memory/t-0')
  expect(new LogManager({ storage, now: () => 0 }).start().clean).toBe(false)
  storage.writeAtomic('/memory/.kafka_cleanshutdown', '')
  expect(new LogManager({ storage, now: () => 0 }).start().clean).toBe(true)
})

it('keeps the cleaner\'s first dirty offsets in cleaner-offset-checkpoint across restarts', () => {
  const storage = memoryStorage()
  const logs = new LogManager({ storage, now: () => 0 })
  logs.start()
  logs.open('t', 0, DEFAULT_LOG_CONFIG)
  logs.setFirstDirtyOffset('t-0', 42)
  expect(storage.readText('/memory/cleaner-offset-checkpoint')).toBe('0\n1\nt 0 42\n')
  const again = new LogManager({ storage, now: () => 0 })
  again.start()
  expect(again.firstDirtyOffset('t-0')).toBe(42)
})
