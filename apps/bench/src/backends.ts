// Backend setup for the benchmark: cpu and wasm always; webgpu through the `webgpu` npm package
// (Dawn) when it finds an adapter. Without a GPU, Dawn needs a software Vulkan driver: Mesa >= 25
// lavapipe (about 15x faster than SwiftShader) or the SwiftShader that Debian's chromium ships.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
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
  return undefined;
}

let gradients: Promise<string> | undefined;

/**
 * Makes sure gradients are registered. The packages call @densityjs/core's registerGradients();
 * while it does not cover a kernel yet, the bench falls back to tfjs-core's own gradient configs
 * (its `dist/register_all_gradients` cannot be imported in Node ESM, so it is bundled once with
 * esbuild into a temporary file). Resolves to a line saying which was used.
 */
export function ensureGradients(): Promise<string> {
  gradients ??= (async () => {
    registerGradients();
    const needed = ['Sum', 'BatchMatMul', 'Add', 'Multiply', 'Tanh', 'Relu', 'Exp', 'Sub', 'Neg', 'Mean'];
    const missing = needed.filter((k) => tf.getGradient(k) === undefined);
    if (missing.length === 0) return '@densityjs/core registerGradients()';
    const require = createRequire(createRequire(import.meta.url).resolve('tsx'));
    const esbuild = require('esbuild') as typeof import('esbuild');
    const entry = createRequire(import.meta.url).resolve(
      '@tensorflow/tfjs-core/dist/register_all_gradients.js',
    );
    const out = join(tmpdir(), `densityjs-bench-grads-${process.pid}.mjs`);
    const result = esbuild.buildSync({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      platform: 'node',
      write: false,
      logLevel: 'silent',
      // the bundled copy shares tfjs' global engine and gradient registry (both live on the
      // global object), so registering there registers for our tfjs-core too.
    });
    writeFileSync(out, result.outputFiles[0]!.text);
    await import(pathToFileURL(out).href);
    const still = needed.filter((k) => tf.getGradient(k) === undefined);
    if (still.length) throw new Error(`gradients still missing after fallback: ${still.join(', ')}`);
    return `tfjs-core's register_all_gradients (fallback: core registerGradients() lacks ${missing.join(', ')})`;
  })();
  return gradients;
}
