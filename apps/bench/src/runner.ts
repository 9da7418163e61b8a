// Runs speed tasks on one backend and collects everything the table and the JSON report show.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from './backends.js';
import {
  profile,
  time,
  type MatMulFigures,
  type Measurement,
  type ProfileFigures,
  type TimingOptions,
} from './measure.js';
import type { TaskDef } from './tasks/speed.js';
import { Unavailable } from './tasks/lib.js';

export interface TaskResult {
  task: string;
  title: string;
  backend: BackendName | 'torch';
  status: 'ok' | 'skipped' | 'unavailable' | 'error';
  reason?: string;
  timing?: Measurement;
  profile?: ProfileFigures;
  matmul?: MatMulFigures;
  itemsPerStep?: number;
  /** FLOPs per step (matMuls only) and the resulting GFLOP/s at the median time. */
  flopsPerStep?: number;
  gflops?: number;
  info?: Record<string, string | number>;
}

export interface RunOptions {
  timing: Omit<TimingOptions, 'onProgress'>;
  seed: number;
  quick: boolean;
  onProgress?: (what: string) => void;
}

export async function runTask(def: TaskDef, backend: BackendName, o: RunOptions): Promise<TaskResult> {
  const base: TaskResult = { task: def.id, title: def.title, backend, status: 'ok' };
  let instance;
  try {
    o.onProgress?.('building');
    instance = await def.create({ backend, quick: o.quick, seed: o.seed });
  } catch (error) {
    const unavailable = error instanceof Unavailable;
    return { ...base, status: unavailable ? 'unavailable' : 'error', reason: oneLine(error) };
  }
  const before = tf.memory().numTensors;
  try {
    const timing = await time(instance, {
      ...o.timing,
      onProgress: (f) => o.onProgress?.(`timing ${Math.round(f * 100)}%`),
    });
    o.onProgress?.('profiling');
    // matMul kernel wall times are only meaningful where kernels run synchronously.
    const { matmul, ...prof } = await profile(instance, { matmul: instance.instrument !== false && backend !== 'webgpu' });
    const flops = instance.flopsPerStep ?? matmul?.flops;
    const result: TaskResult = { ...base, timing, profile: prof };
    if (matmul) result.matmul = matmul;
    if (instance.itemsPerStep) result.itemsPerStep = instance.itemsPerStep;
    if (instance.info) result.info = instance.info;
    if (flops) {
      result.flopsPerStep = flops;
      result.gflops = flops / (timing.summary.median * 1e6);
    }
    return result;
  } catch (error) {
    return { ...base, status: 'error', reason: oneLine(error) };
  } finally {
    try {
      instance.dispose();
    } catch {
      // a failing dispose must not hide the measurement
    }
    const leaked = tf.memory().numTensors - before;
    if (leaked > 0 && typeof process !== 'undefined' && process.env.DENSITYJS_BENCH_DEBUG) {
      console.error(`[bench] ${def.id} on ${backend}: ${leaked} tensors left after dispose`);
    }
  }
}

export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const first = message.split('\n')[0] ?? '';
  return first.length > 200 ? `${first.slice(0, 197)}...` : first;
}
