import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The embeddable web chat widget: one IIFE file, dashboard/dist/widget.js, served by the app at /widget.js.
// Build after the dashboard (whose build empties dashboard/dist):
//   npx vite build --config dashboard/widget.vite.config.ts
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2020',
    copyPublicDir: false,
    lib: {
      entry: fileURLToPath(new URL('./widget/widget.ts', import.meta.url)),
      name: 'OmnilaneWidget',
      formats: ['iife'],
      fileName: () => 'widget.js',
    },
  },
});
