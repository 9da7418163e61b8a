// Backend setup for the benchmark: cpu and wasm always; webgpu through the `webgpu` npm package
// (Dawn) when it finds an adapter. Without a GPU, Dawn needs a software Vulkan driver: Mesa >= 25
// lavapipe (about 15x faster than SwiftShader) or the SwiftShader that Debian's chromium ships.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { registerGradients } from '@densityjs/core';

export type BackendName = 'cpu' | 'wasm' | 'webgpu';
export const ALL_BACKENDS: readonly BackendName[] = ['cpu', 'wasm', 'webgpu'];

const VULKAN_DRIVERS = [
  '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json',
  '/usr/share/vulkan/icd.d/lvp_icd.aarch64.json',
  '/usr/share/vulkan/icd.d/lvp_icd.json',
  '/usr/lib/chromium/vk_swiftshader_icd.json',
];

let webgpuProbe: Promise<string | undefined> | undefined;
/** Description of the WebGPU adapter once probed (vendor/architecture/description). */
export let webgpuAdapterInfo = '';

/** Resolves to undefined when tfjs' webgpu backend is usable, else to the reason it is not. */
export function probeWebGPU(): Promise<string | undefined> {
  webgpuProbe ??= (async () => {
    if (process.env.DENSITYJS_WEBGPU === '0') return 'disabled by DENSITYJS_WEBGPU=0';
    const g = globalThis as unknown as { navigator?: { gpu?: unknown } };
    if (!g.navigator?.gpu) {
      if (!process.env.VK_ICD_FILENAMES) {
        const driver = VULKAN_DRIVERS.find((path) => existsSync(path));
        if (driver) process.env.VK_ICD_FILENAMES = driver;
      }
      try {
        const dawn = (await import('webgpu')) as unknown as {
          create: (flags: string[]) => unknown;
          globals: Record<string, unknown>;
        };
        Object.assign(globalThis, dawn.globals);
        const gpu = dawn.create([]);
        Object.defineProperty(globalThis, 'navigator', {
          value: { ...(g.navigator ?? {}), gpu },
          configurable: true,
          writable: true,
        });
      } catch (error) {
        return `the webgpu package failed to load: ${(error as Error).message}`;
      }
    }
    const gpu = (globalThis as unknown as {
      navigator: { gpu: { requestAdapter(): Promise<{ info?: Record<string, string> } | null> } };
    }).navigator.gpu;
    const adapter = await gpu.requestAdapter().catch(() => null);
    if (!adapter) {
      return `no WebGPU adapter (VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES ?? 'unset'}; install Mesa >= 25 lavapipe or chromium's SwiftShader)`;
    }
    const info = adapter.info ?? {};
    webgpuAdapterInfo = [info.vendor, info.architecture, info.description]
      .filter(Boolean)
      .join(' ') + (process.env.VK_ICD_FILENAMES ? ` (${process.env.VK_ICD_FILENAMES})` : '');
    await import('@tensorflow/tfjs-backend-webgpu');
    return undefined;
  })();
  return webgpuProbe;
}

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
