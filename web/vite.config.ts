/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { visualizer } from 'rollup-plugin-visualizer';

// The API lives on the same origin in production (the Go router serves
// web/dist); during `npm run dev` we proxy /api to the stack `make run` serves.
const apiTarget = process.env.API_TARGET ?? 'http://localhost:8080';

export default defineConfig({
  plugins: [
    react(),
    visualizer({
      filename: 'dist/stats.html',
      template: 'treemap',
      gzipSize: true,
      title: 'ArchStudio bundle analysis',
    }),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    sourcemap: false,
    target: 'es2022',
    // One stylesheet: the pages' few KB of CSS ride with the shell's instead
    // of each lazy page waiting for its own stylesheet (and restyling the
    // page when it lands) before it can render.
    cssCodeSplit: false,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // The few small modules several pages share, as one chunk: split
            // apart they are five requests of a few hundred bytes each, and a
            // slow phone pays a round trip for every one before a page shows.
            {
              name: 'pages-shared',
              includeDependenciesRecursively: false,
              test: /[\\/]src[\\/](components[\\/](ConfirmDialog|useDocumentTitle)|share[\\/]sharesApi|chat[\\/]ChatListContext|voice[\\/]capabilities)\.tsx?$/,
            },
          ],
        },
      },
    },
    chunkSizeWarningLimit: 1500, // mermaid is large but lazy; the size report guards the initial load
  },
  // The React preview runtime is imported with ?worker&url to get a
  // self-contained bundle; it runs inside the sandboxed iframe as a classic
  // script, so it must be an IIFE, not an ES module.
  worker: { format: 'iife' },
  server: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
      '/health': { target: apiTarget },
    },
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./vitest.setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
    restoreMocks: true,
    // A bound, not a speed target: jsdom tests that render the whole app take
    // seconds on a loaded 2-core CI machine, where 5 s failed a passing test.
    testTimeout: 20_000,
  },
});
