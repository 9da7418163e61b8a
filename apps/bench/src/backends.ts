// Backend setup for the benchmark: cpu and wasm always; webgpu through the `webgpu` npm package
// (Dawn) when it finds an adapter (see @densityjs/testing/backends for the driver search).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerGradients } from '@densityjs/core';
import { probeWebGPU } from '@densityjs/testing/backends';

export type BackendName = 'cpu' | 'wasm' | 'webgpu';
export const ALL_BACKENDS: readonly BackendName[] = ['cpu', 'wasm', 'webgpu'];

// The Dawn/Vulkan setup is the one the test suites use.
export { probeWebGPU, webgpuAdapterInfo } from '@densityjs/testing/backends';

/** Switches tfjs to `name`; resolves to undefined on success, else to the reason it failed. */
export async function useBackend(name: BackendName): Promise<string | undefined> {
  if (name === 'webgpu') {
    const reason = await probeWebGPU();
    if (reason) return reason;
  }
  const ok = await tf.setBackend(name).catch(() => false);
  if (!ok) return `tf.setBackend('${name}') failed`;
  await tf.ready();
  // The cpu backend prints a hint about tfjs-node on its first tensor write in Node; the bench
  // knows, and keeps its output to the table.
  if (name === 'cpu') (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  return undefined;
}

let gradients: string | undefined;

/**
 * Registers gradients the way a user of the packages gets them: @densityjs/core's
 * registerGradients() (tfjs-core alone registers none). Throws, naming the kernels, when a
 * kernel the bench differentiates has no gradient.
 */
export function ensureGradients(): string {
  if (gradients) return gradients;
  registerGradients();
  const needed = ['Sum', 'BatchMatMul', 'Add', 'Multiply', 'Tanh', 'Relu', 'Exp', 'Sub', 'Neg', 'Mean'];
  const missing = needed.filter((k) => tf.getGradient(k) === undefined);
  if (missing.length) {
    throw new Error(`@densityjs/core registerGradients() left kernels without gradients: ${missing.join(', ')}`);
  }
  gradients = '@densityjs/core registerGradients()';
  return gradients;
}
