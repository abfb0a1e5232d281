import { defineConfig } from 'vitest/config'
import { sizeBudget } from './size-budget'

// The widget app: frame.html and its assets, served by the Kefu server under /widget/.
export default defineConfig({
  base: '/widget/',
  publicDir: false,
  plugins: [sizeBudget('widget app', 25 * 1024)],
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The frame has one entry chunk, so the preload polyfill would be dead weight.
    modulePreload: { polyfill: false },
    rollupOptions: { input: 'frame.html' },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
})
