import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // One real browser and server at a time: the machine has two cores.
    fileParallelism: false,
  },
})
