/**
 * Builds the panel into ui/dist, served by the sidecar at /ui/: index.html (standalone sign-in
 * page) and embed.js, the stable entry addon-bridge imports inside Odoo. `npm run dev:ui` serves
 * the sources with hot reload and forwards /api to a running sidecar (SYNC_STUDIO_URL).
 */
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const sidecar = process.env.SYNC_STUDIO_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root,
  // Relative URLs: inside Odoo embed.js is imported cross-origin or behind a proxy prefix.
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: true,
    // The editor chunk (CodeMirror, ~170 KB gzipped) loads only when code is shown.
    chunkSizeWarningLimit: 600,
    rollupOptions: {
      input: { index: `${root}index.html`, embed: `${root}src/embed.ts` },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'embed' ? 'embed.js' : 'assets/[name]-[hash].js'),
      },
      preserveEntrySignatures: 'exports-only',
    },
  },
  server: { proxy: { '/api': sidecar, '/sync': sidecar, '/healthz': sidecar } },
});
