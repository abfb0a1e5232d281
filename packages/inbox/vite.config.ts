import { defineConfig } from 'vitest/config'

// During `vite dev` the API lives on the Kefu server; in production the server serves this build.
const apiTarget = globalThis.process?.env.KEFU_API_URL ?? 'http://localhost:3000'

export default defineConfig({
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: { outDir: 'dist', assetsDir: 'assets', emptyOutDir: true, target: 'es2022' },
  server: {
    proxy: { '/api': { target: apiTarget, changeOrigin: false, ws: true } },
  },
  test: { environment: 'node', include: ['src/**/*.test.ts'] },
})
