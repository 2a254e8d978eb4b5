import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Built with `npx vite build --config dashboard/vite.config.ts` from the repo root; the API server serves
// dashboard/dist at `/`. In `vite dev`, /v1 is proxied to a locally running `omnilane start` (PORT, default 3000).
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // ECharts (tree-shaken) is most of the page; a separate chunk caches across app releases.
    chunkSizeWarningLimit: 700,
    rollupOptions: {
      output: {
        manualChunks: (id) => (id.includes('node_modules/echarts') || id.includes('node_modules/zrender') ? 'echarts' : undefined),
      },
    },
  },
  server: {
    proxy: { '/v1': { target: `http://127.0.0.1:${process.env.PORT ?? 3000}`, changeOrigin: false } },
  },
});
