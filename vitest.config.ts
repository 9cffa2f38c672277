import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // No test may depend on timing: a timeout only catches a hang. The heaviest test takes about a minute
    // on an idle core and ran five times slower on a machine shared by eight jobs; ten minutes is far above.
    testTimeout: 600_000,
    hookTimeout: 900_000,
    // Two cores: files run in parallel, two at a time.
    maxWorkers: 2,
    minWorkers: 1
  }
})
