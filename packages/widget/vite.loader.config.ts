import { defineConfig } from 'vite'
import { sizeBudget } from './size-budget'

// The loader: one self-contained IIFE for host pages (served as /widget.js). It runs after the
// app build and writes into the same dist/, so it must not empty it.
export default defineConfig({
  publicDir: false,
  plugins: [sizeBudget('widget loader', 3 * 1024)],
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2018',
    modulePreload: false,
    rollupOptions: {
      input: 'src/loader/index.ts',
      // No exports and no `name`: the bundle adds nothing to the host page but window.Kefu.
      output: { format: 'iife', entryFileNames: 'loader.js' },
    },
  },
})
