// tfjs wiring for the demo's workers: one engine, every backend, tfjs' own gradients.
//
// tfjs-core registers no gradients by itself; in a bundler its `register_all_gradients`
// module imports fine, so the demo installs them for every kernel. Then densityjs' own
// gradients replace tfjs' where it has one: its matMul gradient avoids the transposed matMuls
// that wasm runs 10-20x slower.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { registerGradients } from '@densityjs/core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgpu';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// `?url` makes Vite copy the binaries into the build and hand back their final URLs.
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

registerGradients({ override: true });

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

export type BackendChoice = 'auto' | 'webgpu' | 'wasm' | 'cpu';

export interface BackendResult {
  backend: string;
  /** The backend with its features, e.g. "wasm (SIMD, 4 threads)", for display. */
  label: string;
  /** One sentence per backend that was tried and skipped, for the user. */
  notes: string[];
}

interface GpuLike {
  requestAdapter(): Promise<unknown>;
}

async function webgpuUnavailable(): Promise<string | undefined> {
  const gpu = (globalThis.navigator as unknown as { gpu?: GpuLike } | undefined)?.gpu;
  if (!gpu) {
    return 'WebGPU is not available in this browser (navigator.gpu is missing: try a recent Chrome or Edge, or enable WebGPU)';
  }
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) return 'WebGPU is present but no GPU adapter was found (blocklisted or disabled GPU)';
  return undefined;
}

/** The order tried for each choice: webgpu, then wasm, then cpu as the last resort. */
function fallbackOrder(choice: BackendChoice): string[] {
  switch (choice) {
    case 'cpu':
      return ['cpu'];
    case 'wasm':
      return ['wasm', 'cpu'];
    default:
      return ['webgpu', 'wasm', 'cpu'];
  }
}

/**
 * Sets the wasm thread pool before the backend starts: 1 runs wasm single-threaded, n > 1
 * caps the pool at n threads; undefined keeps tfjs' default (threads when the page is
 * cross-origin isolated, one per core).
 */
export function configureWasmThreads(threads: number | undefined): void {
  if (threads === 1) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  else if (threads !== undefined && threads > 1) setThreadsCount(threads);
}

/** Activates the first usable backend for `choice`; says in words why others were skipped. */
export async function selectBackend(choice: BackendChoice): Promise<BackendResult> {
  const notes: string[] = [];
  for (const name of fallbackOrder(choice)) {
    if (name === 'webgpu') {
      const why = await webgpuUnavailable();
      if (why) {
        notes.push(`${why}; falling back.`);
        continue;
      }
    }
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return { backend: tf.getBackend(), label: await describeBackend(), notes };
      }
      notes.push(`The ${name} backend failed to start; falling back.`);
    } catch (error) {
      notes.push(`The ${name} backend failed to start (${(error as Error).message}); falling back.`);
    }
  }
  throw new Error(`No tfjs backend could start: ${notes.join(' ')}`);
}

/** The active backend and the features that matter for speed. */
async function describeBackend(): Promise<string> {
  const name = tf.getBackend();
  if (name !== 'wasm') return name;
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  const features = [simd ? 'SIMD' : 'no SIMD', threads ? 'threads' : 'single-threaded'];
  return `wasm (${features.join(', ')})`;
}

export { tf };
