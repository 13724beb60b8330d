import { constants } from 'node:zlib';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';
import { compression, defineAlgorithm } from 'vite-plugin-compression2';

// The BFF serves the built app; in dev, Vite proxies the same-origin paths to it.
// changeOrigin stays false: the BFF lets sign-in and socket handshakes through only when the browser's
// Origin matches the Host it receives (auth/origin.ts). Rewriting Host to the BFF's own address would
// make every request from the Vite page (Origin http://localhost:5173) look cross-origin and be refused.
const bff = process.env.QUORATE_BFF_URL ?? 'http://127.0.0.1:8080';
const proxy = {
  '/api': { target: bff, changeOrigin: false },
  '/healthz': { target: bff, changeOrigin: false },
  '/socket.io': { target: bff, changeOrigin: false, ws: true },
};

// Precompressed copies (`x.js.br`, `x.js.gz`) beside the built files, at the highest levels (compressed once, at
// build time): the BFF serves them to clients that accept them (apps/bff/src/web.ts). Files under 1 KiB and
// copies no smaller than the original are skipped.
const precompress = compression({
  algorithms: [
    defineAlgorithm('brotliCompress', { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY } }),
    defineAlgorithm('gzip', { level: 9 }),
  ],
  threshold: 1024,
  logLevel: 'silent',
});

export default defineConfig({
  plugins: [react(), tailwindcss(), precompress],
  server: { proxy },
  preview: { proxy },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    rolldownOptions: {
      treeshake: {
        // @quorate/model is pure: its zod schemas are top-level calls the bundler would otherwise keep.
        // The web uses only its functions at runtime (applyPatch, failureTolerance), so zod stays out.
        moduleSideEffects: (id: string) => !/[\\/]packages[\\/]model[\\/]/.test(id),
      },
    },
  },
});
