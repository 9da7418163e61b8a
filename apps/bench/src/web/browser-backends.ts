// Starts one browser backend in the current (worker) scope and reports what it started with:
// the WebGPU adapter, or wasm's SIMD and thread pool. One backend per worker, so every row
// starts from a fresh tfjs engine and wasm can run once with threads and once without.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// `?url` makes Vite copy the binaries into the build and hand back their final URLs.
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { BackendInfo, BrowserBackend } from './protocol.js';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

interface AdapterLike {
  info?: Record<string, unknown>;
  requestAdapterInfo?: () => Promise<Record<string, unknown>>;
}

/** The adapter WebGPU would use, with its vendor and architecture; or why there is none. */
async function webgpuAdapter(): Promise<{ adapter?: Record<string, string>; reason?: string }> {
  const gpu = (globalThis.navigator as unknown as { gpu?: { requestAdapter(): Promise<AdapterLike | null> } }).gpu;
  if (!gpu) return { reason: 'navigator.gpu is missing (no WebGPU in this browser or context)' };
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) return { reason: 'navigator.gpu.requestAdapter() found no adapter' };
  const raw = adapter.info ?? (await adapter.requestAdapterInfo?.().catch(() => undefined)) ?? {};
  const info: Record<string, string> = {};
  for (const key of ['vendor', 'architecture', 'device', 'description']) {
    const value = (raw as Record<string, unknown>)[key];
    info[key] = typeof value === 'string' ? value : '';
  }
  return { adapter: info };
}

/**
 * Activates `backend` in this scope; the info says what it runs with, or why it cannot run.
 * `threads` sets wasm-threads' pool size; undefined keeps tfjs' default.
 */
export async function startBackend(backend: BrowserBackend, threads?: number): Promise<BackendInfo> {
  const unavailable = (reason: string): BackendInfo => ({ backend, status: 'unavailable', reason });
  let tfName: string = backend;
  let adapter: Record<string, string> | undefined;
  if (backend === 'webgl') {
    return unavailable('@tensorflow/tfjs-backend-webgl is not a dependency of the bench (tfjs recommends webgpu or wasm)');
  }
  if (backend === 'webgpu') {
    const found = await webgpuAdapter();
    if (!found.adapter) return unavailable(found.reason ?? 'no adapter');
    adapter = found.adapter;
  }
  if (backend === 'wasm-threads' || backend === 'wasm-single') {
    tfName = 'wasm';
    if (backend === 'wasm-threads' && !globalThis.crossOriginIsolated) {
      return unavailable('the page is not cross-origin isolated (COOP/COEP headers), so wasm has no SharedArrayBuffer for threads');
    }
    if (backend === 'wasm-single') tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    else if (threads !== undefined) setThreadsCount(threads);
  }
  try {
    if (!(await tf.setBackend(tfName))) return unavailable(`tf.setBackend('${tfName}') failed`);
    await tf.ready();
  } catch (error) {
    return unavailable(`tf.setBackend('${tfName}') failed: ${(error as Error).message}`);
  }
  const info: BackendInfo = { backend, tfBackend: tf.getBackend(), status: 'ok' };
  if (adapter) info.adapter = adapter;
  if (tfName === 'wasm') {
    const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    const threads = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
    info.wasm = { simd, threads, threadsCount: threads ? getThreadsCount() : 1 };
    if (backend === 'wasm-threads' && !threads) {
      return { ...info, status: 'unavailable', reason: 'the wasm backend started without threads (no SharedArrayBuffer support)' };
    }
  }
  return info;
}

export { tf };
