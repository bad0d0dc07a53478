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
  },
});
