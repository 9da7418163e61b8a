// Vite config of the demo. Every @densityjs/* import resolves to the package's TypeScript
// source, so `pnpm demo` needs no library build and always shows the current code.
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const packages = resolve(here, '../../packages');

// Cross-origin isolation makes SharedArrayBuffer available, which the multi-threaded wasm
// backend needs. Served in dev and preview; a static host must send the same two headers.
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: here,
  base: './',
  resolve: {
    alias: [{ find: /^@densityjs\/([a-z-]+)$/, replacement: `${packages}/$1/src/index.ts` }],
    // One tfjs engine: the packages' source and the demo must share the same tfjs-core module.
    dedupe: ['@tensorflow/tfjs-core'],
  },
  server: { headers: isolationHeaders, host: '127.0.0.1' },
  preview: { headers: isolationHeaders, host: '127.0.0.1' },
  worker: { format: 'es' },
  optimizeDeps: {
    // Workers are discovered late; listing their deps avoids a re-optimisation (and a page
    // reload) in the middle of the first training run.
    entries: ['index.html', 'mdn.html', 'src/training-worker.ts'],
    include: [
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-core/dist/register_all_gradients',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-backend-webgpu',
    ],
  },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 5000,
    reportCompressedSize: false,
    rollupOptions: {
      input: { flows: resolve(here, 'index.html'), mdn: resolve(here, 'mdn.html') },
    },
  },
});
