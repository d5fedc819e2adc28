/**
 * The renderer's build: React via @vitejs/plugin-react, monaco's workers via `?worker` imports,
 * output in dist/renderer with relative URLs so Electron can load it from file://.
 * Paths are relative to the repository root, where the npm scripts run.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // monaco is one large chunk by nature; it is loaded lazily with the code panel.
    chunkSizeWarningLimit: 4000,
  },
  worker: { format: 'es' },
  server: { fs: { allow: ['..'] } },
});
