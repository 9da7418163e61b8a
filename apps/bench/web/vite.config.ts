// Vite config of the browser benchmark (apps/bench/web). Every @densityjs/* import resolves to
// the package's TypeScript source, so the page always measures the current code, with the
// task definitions of the CLI (src/tasks/speed.ts).
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const packages = resolve(here, '../../../packages');

// Cross-origin isolation gives wasm SharedArrayBuffer, which its thread pool needs. Sent by
// the dev and preview servers; a static host must send the same two headers for threads.
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: here,
  base: './',
  resolve: {
    alias: [{ find: /^@densityjs\/([a-z-]+)$/, replacement: `${packages}/$1/src/index.ts` }],
    // One tfjs engine: the packages' source and the bench must share the same tfjs-core module.
    dedupe: ['@tensorflow/tfjs-core'],
  },
  server: { headers: isolationHeaders, host: '127.0.0.1', port: 5174 },
  preview: { headers: isolationHeaders, host: '127.0.0.1', port: 5174 },
  worker: { format: 'es' },
  optimizeDeps: {
    entries: ['index.html', '../src/web/worker.ts'],
    include: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu'],
  },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 5000,
    reportCompressedSize: false,
  },
});
