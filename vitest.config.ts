import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 660_000,
    // Two cores: files run in parallel, two at a time.
    maxWorkers: 2,
    minWorkers: 1
  }
})
