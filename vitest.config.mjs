// Tests that start brokers as subprocesses or drive real clients can take seconds on a loaded
// 2-core machine; vitest's 5 s default made them fail for load alone. Waits inside tests are
// event-driven and bounded by their own timers; these bounds only catch a hang.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})
