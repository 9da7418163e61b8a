// Backend setup for an esbuild bundle: WebGPU when the browser has a GPU adapter, else the wasm
// backend, whose .wasm binaries esbuild copies next to the bundle.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// esbuild's `file` loader (build.mjs) copies each binary into dist/ (with a hashed name) and
// makes the import its URL, relative to the page.
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm';

// The wasm backend fetches its binaries by file name, next to the script by default: in a bundle
// they live elsewhere, so map every name to its URL (one of the three is picked at run time:
// threads need a cross-origin-isolated page, SIMD a browser with wasm SIMD).
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
});

/** Why WebGPU cannot be used here, or undefined when an adapter is available. */
async function webgpuUnavailable(): Promise<string | undefined> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return 'this browser has no WebGPU (navigator.gpu is missing)';
  const adapter = await gpu.requestAdapter().catch(() => null);
  return adapter ? undefined : 'no WebGPU adapter was found (no GPU, or a blocklisted one)';
}

/**
 * Selects WebGPU, falling back to wasm with a note saying why; `'wasm'` skips WebGPU.
 * Resolves to the backend in use.
 */
export async function chooseBackend(preferred: 'webgpu' | 'wasm' = 'webgpu'): Promise<{ backend: string; note?: string }> {
  let note: string | undefined;
  if (preferred === 'webgpu') {
    const why = (await webgpuUnavailable()) ?? ((await tf.setBackend('webgpu')) ? undefined : 'the WebGPU backend failed to start');
    if (!why) return { backend: 'webgpu' };
    note = `WebGPU skipped: ${why}. Training on wasm instead.`;
  }
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to start (see the console: are the .wasm files served?)');
  return { backend: 'wasm', ...(note ? { note } : {}) };
}
