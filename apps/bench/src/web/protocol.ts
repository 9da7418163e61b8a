// Messages between the benchmark page and its per-backend worker.
import type { TaskResult } from '../runner.js';

/**
 * A backend as the page offers it: a tfjs backend plus the settings that change its speed.
 * wasm runs twice, with its thread pool (needs a cross-origin isolated page) and without.
 */
export type BrowserBackend = 'webgpu' | 'wasm-threads' | 'wasm-single' | 'webgl' | 'cpu';

export const BROWSER_BACKENDS: readonly BrowserBackend[] = ['webgpu', 'wasm-threads', 'wasm-single', 'webgl', 'cpu'];

/** What the page learned about a backend once it started (or why it could not). */
export interface BackendInfo {
  backend: BrowserBackend;
  /** The tfjs backend that ran ('wasm' for both wasm rows). */
  tfBackend?: string;
  status: 'ok' | 'unavailable';
  reason?: string;
  /** webgpu: the adapter's vendor, architecture, device and description. */
  adapter?: Record<string, string>;
  /** wasm: the features the backend started with. */
  wasm?: { simd: boolean; threads: boolean; threadsCount: number };
}

/** One result row: a task on a browser backend (TaskResult's backend is the tfjs name). */
export interface BrowserResult extends Omit<TaskResult, 'backend'> {
  backend: BrowserBackend;
}

export interface RunRequest {
  type: 'run';
  backend: BrowserBackend;
  tasks: string[];
  quick: boolean;
  seed: number;
  /** wasm-threads: the thread pool size; undefined keeps tfjs' default. */
  threads?: number;
}

export type WorkerReply =
  | { type: 'ready'; info: BackendInfo }
  | { type: 'progress'; task: string; what: string }
  | { type: 'result'; result: BrowserResult }
  | { type: 'done' }
  | { type: 'error'; message: string };
