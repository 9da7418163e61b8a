// The timing scheme shared by every task (and mirrored by the PyTorch peer, peer/common.py):
// warm up, pick a number of steps per repeat so a repeat lasts long enough for the clock, then
// time `repeats` repeats and report the median and spread of the per-step time. One extra,
// separate step runs under tf.profile for kernel counts and memory, and one with the matMul
// kernels instrumented for FLOPs and transposed-operand counts: neither is part of the timings.
import * as tf from '@tensorflow/tfjs-core';
import { summarize, type Summary } from './stats.js';

/** What a task's step may return: tensors to wait for (then disposed by the harness). */
export type StepResult = tf.Tensor | tf.Tensor[] | void;

export interface TaskInstance {
  /** One unit of work. Tensors it returns are awaited (device sync) and disposed. */
  step(): StepResult | Promise<StepResult>;
  /** Frees everything the instance holds. */
  dispose(): void;
  /** Items processed per step (points scored, samples drawn) for a throughput column. */
  itemsPerStep?: number;
  /** Extra facts shown in the details (sizes, parameter counts). */
  info?: Record<string, string | number>;
  /** Overrides the FLOPs counted from the matMul kernels (e.g. a plain matMul task). */
  flopsPerStep?: number;
  /** false: skip the matMul-instrumented step (tasks whose steps are not pure tfjs). */
  instrument?: boolean;
}

export interface TimingOptions {
  /** Warm-up steps after the first one (fewer when they would eat over 30% of the budget). */
  warmup: number;
  /** Repeats wanted (fewer, but at least `minRepeats`, when the budget is exceeded). */
  repeats: number;
  minRepeats: number;
  /** Target wall time of one repeat, in ms (sets the steps per repeat). */
  minRepeatMs: number;
  /** Cap on steps per repeat. */
  maxStepsPerRepeat: number;
  /** Rough wall-time budget of one task's timing, in ms. */
  budgetMs: number;
  /** Called with a progress fraction in [0, 1]. */
  onProgress?: (fraction: number) => void;
}

export interface KernelStat {
  name: string;
  count: number;
  ms: number;
}

export interface ProfileFigures {
  kernels: number;
  /** Live tensors at the peak of the step, minus those alive before it. */
  peakTensors: number;
  /** Bytes at the peak of the step, minus those allocated before it. */
  peakBytes: number;
  /** Tensors and bytes alive before the step (parameters, optimizer slots, data). */
  baseTensors: number;
  baseBytes: number;
  /** Tensors left behind by a step (should be 0: the harness disposes what the step returns). */
  leakedTensors: number;
  /** Per kernel name: calls and total time in the profiled step, slowest first. */
  byKernel: KernelStat[];
}

export interface MatMulFigures {
  calls: number;
  /** Calls with transposeA or transposeB set: wasm runs those without XNNPACK (slow path). */
  transposedCalls: number;
  flops: number;
  /** ms spent in matMul kernels during the instrumented step (wall time, cpu/wasm only). */
  ms: number;
  transposedMs: number;
}

export interface Measurement {
  stepsPerRepeat: number;
  /** ms per step, one value per repeat. */
  samples: number[];
  summary: Summary;
  /**
   * Process CPU time (user + system, all threads) per step, one value per repeat. Unlike wall
   * time it barely grows when other processes compete for the cores, so it is the figure to
   * compare across runs on a loaded machine (single-threaded backends: cpu ~ wall when idle).
   */
  cpuSamples: number[];
  /** Absent where the process CPU clock is not available (browsers). */
  cpuSummary?: Summary;
}

/** Process CPU time (user + system) in microseconds, or undefined outside Node. */
function cpuMicros(): number | undefined {
  if (typeof process === 'undefined' || typeof process.cpuUsage !== 'function') return undefined;
  const u = process.cpuUsage();
  return u.user + u.system;
}

async function settle(result: StepResult): Promise<void> {
  if (!result) return;
  const list = Array.isArray(result) ? result : [result];
  // Reading the last output waits for everything queued before it (webgpu); on cpu and wasm
  // kernels run synchronously anyway. Read a single element to keep the transfer negligible.
  const last = list[list.length - 1];
  if (last && !last.isDisposed) {
    const one = last.size > 1 ? tf.tidy(() => tf.slice(tf.reshape(last, [-1]), [0], [1])) : last;
    await one.data();
    if (one !== last) one.dispose();
  }
  tf.dispose(list);
}

async function runSteps(task: TaskInstance, n: number): Promise<void> {
  // Steps queue up on the device; only the last one is awaited (plus every 16th, so that
  // webgpu's queue and tensors cannot pile up without bound).
  for (let i = 0; i < n; i++) {
    const r = await task.step();
    if (i === n - 1 || i % 16 === 15) await settle(r);
    else tf.dispose(r ? (Array.isArray(r) ? r : [r]) : []);
  }
}

export async function time(task: TaskInstance, o: TimingOptions): Promise<Measurement> {
  const t0 = performance.now();
  await runSteps(task, 1);
  const first = performance.now() - t0;
  let warmSteps = 0;
  const t1 = performance.now();
  while (warmSteps < o.warmup && performance.now() - t1 < 0.3 * o.budgetMs) {
    await runSteps(task, 1);
    warmSteps += 1;
  }
  const perStep = warmSteps > 0 ? (performance.now() - t1) / warmSteps : first;
  const stepsPerRepeat = Math.max(
    1,
    Math.min(o.maxStepsPerRepeat, Math.round(o.minRepeatMs / Math.max(perStep, 1e-3))),
  );
  const affordable = Math.floor((0.7 * o.budgetMs) / (perStep * stepsPerRepeat));
  const repeats = Math.max(o.minRepeats, Math.min(o.repeats, affordable));
  const samples: number[] = [];
  const cpuSamples: number[] = [];
  for (let r = 0; r < repeats; r++) {
    o.onProgress?.(r / repeats);
    const c = cpuMicros();
    const s = performance.now();
    await runSteps(task, stepsPerRepeat);
    samples.push((performance.now() - s) / stepsPerRepeat);
    const c2 = cpuMicros();
    if (c !== undefined && c2 !== undefined) cpuSamples.push((c2 - c) / 1000 / stepsPerRepeat);
  }
  o.onProgress?.(1);
  return {
    stepsPerRepeat,
    samples,
    summary: summarize(samples),
    cpuSamples,
    ...(cpuSamples.length ? { cpuSummary: summarize(cpuSamples) } : {}),
  };
}

/**
 * Runs one step under tf.profile (kernels, memory) and, unless `matmul` is false, with the
 * matMul kernels instrumented (FLOPs, transposed operands).
 */
export async function profile(task: TaskInstance, opts: { matmul?: boolean } = {}): Promise<ProfileFigures & { matmul?: MatMulFigures }> {
  const before = tf.memory();
  let returned: StepResult = undefined;
  let matmul: MatMulFigures | undefined;
  const info = await tf.profile(async () => {
    if (opts.matmul === false) {
      returned = await task.step();
    } else {
      matmul = await withMatMulInstrumented(async () => {
        returned = await task.step();
      });
    }
    return [];
  });
  await settle(returned);
  const after = tf.memory();
  const byName = new Map<string, KernelStat>();
  let peakTensors = before.numTensors;
  const backend = tf.getBackend();
  // tf.customGrad ops appear as one extra entry ('unnamed scope' or the scope's name) whose
  // time includes the kernels inside it, which are recorded too: count only real kernels.
  const kernels = info.kernels.filter((k) => tf.getKernel(k.name, backend) !== undefined);
  for (const k of kernels) {
    peakTensors = Math.max(peakTensors, k.totalTensorsSnapshot);
    const s = byName.get(k.name) ?? { name: k.name, count: 0, ms: 0 };
    s.count += 1;
    const ms = await k.kernelTimeMs;
    s.ms += typeof ms === 'number' ? ms : 0;
    byName.set(k.name, s);
  }
  return {
    kernels: kernels.length,
    peakTensors: peakTensors - before.numTensors,
    peakBytes: Math.max(0, info.peakBytes - before.numBytes),
    baseTensors: before.numTensors,
    baseBytes: before.numBytes,
    leakedTensors: after.numTensors - before.numTensors,
    byKernel: [...byName.values()].sort((a, b) => b.ms - a.ms || b.count - a.count),
    ...(matmul ? { matmul } : {}),
  };
}

interface MatMulAttrs {
  transposeA?: boolean;
  transposeB?: boolean;
}

/**
 * Runs `fn` with the backend's matMul kernels (BatchMatMul and _FusedMatMul) wrapped, to
 * count their FLOPs (2·M·N·K per batch entry) and how many get a transposed operand.
 */
export async function withMatMulInstrumented(fn: () => Promise<void>): Promise<MatMulFigures> {
  const backend = tf.getBackend();
  const figures: MatMulFigures = { calls: 0, transposedCalls: 0, flops: 0, ms: 0, transposedMs: 0 };
  const restores: (() => void)[] = [];
  for (const name of ['BatchMatMul', '_FusedMatMul']) {
    const config = tf.getKernel(name, backend) as unknown as
      | { kernelFunc: (args: { inputs: Record<string, tf.TensorInfo>; attrs?: MatMulAttrs }) => unknown }
      | undefined;
    if (!config) continue;
    const original = config.kernelFunc;
    config.kernelFunc = (args) => {
      const a = args.inputs.a!.shape;
      const b = args.inputs.b!.shape;
      const ta = Boolean(args.attrs?.transposeA);
      const tb = Boolean(args.attrs?.transposeB);
      const m = ta ? a[a.length - 1]! : a[a.length - 2]!;
      const k = ta ? a[a.length - 2]! : a[a.length - 1]!;
      const n = tb ? b[b.length - 2]! : b[b.length - 1]!;
      const batch = Math.max(
        a.slice(0, -2).reduce((p, d) => p * d, 1),
        b.slice(0, -2).reduce((p, d) => p * d, 1),
      );
      const s = performance.now();
      const out = original(args);
      const ms = performance.now() - s;
      figures.calls += 1;
      figures.flops += 2 * batch * m * n * k;
      figures.ms += ms;
      if (ta || tb) {
        figures.transposedCalls += 1;
        figures.transposedMs += ms;
      }
      return out;
    };
    restores.push(() => {
      config.kernelFunc = original;
    });
  }
  try {
    await fn();
  } finally {
    restores.forEach((r) => r());
  }
  return figures;
}
