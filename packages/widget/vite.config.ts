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
    // Terser (a build-time devDependency, nothing of it ships) packs the app about 0.4 KiB
    // gzipped tighter than esbuild's minifier: it inlines and folds across functions, which
    // esbuild does not. Private class members are #names, which both minifiers shorten safely.
    minify: 'terser',
    terserOptions: { module: true, compress: { passes: 2 } },
    // The frame has one entry chunk, so the preload polyfill would be dead weight.
    modulePreload: { polyfill: false },
    rollupOptions: { input: 'frame.html' },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
})
