// Backend setup shared by every package's tests.
//
// cpu and wasm always run in Node. webgpu runs where the `webgpu` npm package (Dawn) finds an
// adapter: on a machine without a GPU that needs a software Vulkan driver, Mesa >= 25
// lavapipe (faster) or the SwiftShader that Debian's chromium package ships. Dawn rejects
// bookworm's own Mesa 22 lavapipe.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';

export type BackendName = 'cpu' | 'wasm' | 'webgpu';

const VULKAN_DRIVERS = [
  '/usr/share/vulkan/icd.d/lvp_icd.json',
  '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json',
  '/usr/share/vulkan/icd.d/lvp_icd.aarch64.json',
  '/usr/lib/chromium/vk_swiftshader_icd.json',
];

let webgpuProbe: Promise<string | undefined> | undefined;
/** The WebGPU adapter (vendor, architecture, description, Vulkan driver) once probed. */
export let webgpuAdapterInfo = '';

/**
 * Installs Dawn's WebGPU into `globalThis` and registers tfjs' webgpu backend. Resolves to
 * `undefined` when webgpu is usable, else to the reason it is not.
 */
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
    webgpuAdapterInfo =
      [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') +
      (process.env.VK_ICD_FILENAMES ? ` (${process.env.VK_ICD_FILENAMES})` : '');
    await import('@tensorflow/tfjs-backend-webgpu');
    return undefined;
  })();
  return webgpuProbe;
}

/** Switches tfjs to `name` and waits until it is ready. */
export async function useBackend(name: BackendName): Promise<void> {
  if (name === 'webgpu') {
    const reason = await probeWebGPU();
    if (reason) throw new Error(`webgpu backend unavailable: ${reason}`);
  }
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tf.setBackend('${name}') failed`);
  await tf.ready();
}

/**
 * The backends this test run covers. `DENSITYJS_BACKENDS=cpu,wasm` narrows them; webgpu joins
 * when an adapter is found. The first call prints one line saying which ran and why.
 */
export async function availableBackends(): Promise<BackendName[]> {
  const requested = (process.env.DENSITYJS_BACKENDS ?? 'cpu,wasm,webgpu')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean) as BackendName[];
  const result: BackendName[] = requested.filter((b) => b === 'cpu' || b === 'wasm');
  let note = '';
  if (requested.includes('webgpu')) {
    const reason = await probeWebGPU();
    if (reason) note = ` (webgpu skipped: ${reason})`;
    else result.push('webgpu');
  }
  if (!announced) {
    announced = true;
    console.log(`[densityjs] backends: ${result.join(', ')}${note}`);
  }
  return result;
}
let announced = false;

/** Reads a tensor's values on any backend (webgpu in Node has no dataSync). */
export async function values(t: tf.Tensor): Promise<Float64Array> {
  return Float64Array.from(await t.data() as Iterable<number>);
}
