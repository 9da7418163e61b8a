// Runs several backend kernels inside ONE engine kernel, on the cpu and wasm backends.
//
// Every `tf.*` op pays the engine's bookkeeping (scopes, tensor tracking, tape, profiling
// hooks: ~20 us on wasm) on top of the work. Small models are made of dozens of small ops, so
// that bookkeeping dominates. A kernel registered with `tf.registerKernel` receives the backend
// itself; from there it can call the backend's own kernel functions (XNNPACK's matMul on wasm,
// the JS loops on cpu) directly, allocate and free scratch tensors, and read or write tensor
// data as Float32Arrays, without the engine in between. This class is that toolbox.
//
// The backends are reached duck-typed (cpu keeps values in `backend.data`, wasm in its heap
// behind `backend.dataIdMap`), so @densityjs/core depends on neither.
import * as tf from '@tensorflow/tfjs-core';
import { jsBiasActivation, jsMatMul } from './js-matmul.js';

/** Backends the direct kernels run on; every other backend uses the composed tfjs ops. */
export const DIRECT_BACKENDS: readonly string[] = ['cpu', 'wasm'];

/**
 * A tensor as kernels see it (tfjs' TensorInfo: dataId, shape, dtype).
 * @inline
 */
type Info = tf.TensorInfo;

interface CpuBackendLike {
  data: { get(dataId: tf.DataId): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): Info;
  disposeIntermediateTensorInfo(info: Info): void;
}

interface WasmBackendLike {
  wasm: { tfjs: { disposeData(id: number): void } };
  dataIdMap: { get(dataId: tf.DataId): { id: number; memoryOffset: number }; delete(dataId: tf.DataId): void };
  makeOutput(shape: number[], dtype: 'float32', memoryOffset?: number): Info;
  typedArrayFromHeap(info: Info): Float32Array;
  disposeData(dataId: tf.DataId): boolean;
}

/** Options of `DirectBackend.matMul`: `act(op(a) @ op(b) + bias)`. */
export interface DirectMatMulOptions {
  /** Use aᵀ instead of a. Default false. */
  transposeA?: boolean;
  /** Use bᵀ instead of b. Default false. */
  transposeB?: boolean;
  /** Bias added to every row of the product. */
  bias?: Info;
  /** One of tfjs' fusable activations ('linear', 'relu', 'leakyrelu', 'elu', 'sigmoid'). */
  activation?: string;
  /** Slope of 'leakyrelu' for negative inputs. */
  leakyreluAlpha?: number;
}

/**
 * Scratch space and kernel calls for one run of a custom kernel. Tensors made by `temp`,
 * `viewOf` and `run` are freed by `release()`; `keep` exempts the ones returned as outputs.
 * Shapes are tracked here: a 2-D matrix is an Info of shape [rows, cols].
 */
export class DirectBackend {
  /** The backend the kernels run on. */
  readonly name: 'cpu' | 'wasm';
  // Keyed by dataId: a reshaped Info shares its tensor's dataId.
  private readonly temps = new Map<tf.DataId, Info>();
  private readonly views = new Map<tf.DataId, Info>();

  constructor(private readonly backend: tf.KernelBackend) {
    this.name = 'wasm' in (backend as object) ? 'wasm' : 'cpu';
  }

  private get cpu(): CpuBackendLike {
    return this.backend as unknown as CpuBackendLike;
  }

  private get wasm(): WasmBackendLike {
    return this.backend as unknown as WasmBackendLike;
  }

  /** A new float32 tensor (zeros on cpu, uninitialized on wasm: write every element). */
  temp(shape: number[]): Info {
    const info =
      this.name === 'wasm'
        ? this.wasm.makeOutput(shape, 'float32')
        : this.cpu.makeTensorInfo(shape, 'float32', new Float32Array(shape.reduce((a, b) => a * b, 1)));
    this.temps.set(info.dataId, info);
    return info;
  }

  /** A zero-filled new tensor. */
  zeros(shape: number[]): Info {
    const info = this.temp(shape);
    if (this.name === 'wasm') this.view(info).fill(0);
    return info;
  }

  /**
   * The data of `info` as a Float32Array (no copy). On wasm a view dies when the heap grows
   * (any allocation may grow it): take views after allocating, right before use.
   */
  view(info: Info): Float32Array {
    if (this.name === 'wasm') return this.wasm.typedArrayFromHeap(info);
    return this.cpu.data.get(info.dataId).values;
  }

  /** A tensor of `shape` over elements [offset, offset + size) of `parent` (no copy). */
  viewOf(parent: Info, offset: number, shape: number[]): Info {
    const size = shape.reduce((a, b) => a * b, 1);
    let info: Info;
    if (this.name === 'wasm') {
      const base = this.wasm.dataIdMap.get(parent.dataId).memoryOffset;
      info = this.wasm.makeOutput(shape, 'float32', base + 4 * offset);
    } else {
      info = this.cpu.makeTensorInfo(shape, 'float32', this.view(parent).subarray(offset, offset + size));
    }
    this.views.set(info.dataId, info);
    return info;
  }

  /** `info` with another shape of the same size (no copy, no new tensor). */
  reshape(info: Info, shape: number[]): Info {
    return { dataId: info.dataId, shape, dtype: info.dtype };
  }

  /** Runs the backend's kernel `kernelName` without the engine; its output is a temp. */
  run(kernelName: string, inputs: Record<string, Info | undefined>, attrs: Record<string, unknown> = {}): Info {
    const kernel = tf.getKernel(kernelName, this.name);
    if (!kernel) throw new Error(`DirectBackend: no ${kernelName} kernel on ${this.name}`);
    const out = kernel.kernelFunc({
      inputs: inputs as tf.NamedTensorInfoMap,
      backend: this.backend,
      attrs: attrs as tf.NamedAttrMap,
    }) as Info | Info[];
    const info = Array.isArray(out) ? out[0]! : out;
    this.temps.set(info.dataId, info);
    return info;
  }

  /**
   * `act(op(a) @ op(b) + bias)` for 2-D `a`, `b`; returns [rows, cols]. On wasm, transposed
   * operands are transposed explicitly first: its matMul with transpose flags leaves XNNPACK.
   */
  matMul(a: Info, b: Info, o: DirectMatMulOptions = {}): Info {
    if (this.name === 'cpu') {
      // Plain JS loops over contiguous rows (js-matmul.ts): faster than tfjs-cpu's matMul.
      const ta0 = Boolean(o.transposeA);
      const tb0 = Boolean(o.transposeB);
      const [m, k] = ta0 ? [a.shape[1]!, a.shape[0]!] : [a.shape[0]!, a.shape[1]!];
      const n = tb0 ? b.shape[0]! : b.shape[1]!;
      const out = this.temp([m, n]);
      const ov = this.view(out);
      jsMatMul(this.view(a), this.view(b), ov, m, k, n, ta0, tb0);
      jsBiasActivation(ov, n, o.bias ? this.view(o.bias) : undefined, o.activation ?? 'linear', o.leakyreluAlpha ?? 0);
      return out;
    }
    let left = a;
    let right = b;
    let ta = Boolean(o.transposeA);
    let tb = Boolean(o.transposeB);
    if (this.name === 'wasm') {
      if (ta) left = this.transpose(a);
      if (tb) right = this.transpose(b);
      ta = false;
      tb = false;
    }
    const m = ta ? left.shape[1]! : left.shape[0]!;
    const n = tb ? right.shape[0]! : right.shape[1]!;
    const out = this.run(
      '_FusedMatMul',
      {
        a: this.reshape(left, [1, ...left.shape]),
        b: this.reshape(right, [1, ...right.shape]),
        ...(o.bias ? { bias: o.bias } : {}),
      },
      {
        transposeA: ta,
        transposeB: tb,
        activation: o.activation ?? 'linear',
        leakyreluAlpha: o.leakyreluAlpha ?? 0,
      },
    );
    if (left !== a) this.free(left);
    if (right !== b) this.free(right);
    return this.reshape(out, [m, n]);
  }

  /**
   * tanh of every element, as a new temp of `x`'s shape. On wasm as 2 sigmoid(2x) - 1 through
   * the Sigmoid kernel (XNNPACK's vectorized sigmoid: tfjs-wasm's Tanh kernel is a scalar loop,
   * about 15x slower); the result differs from tanh by at most ~2 float32 ulps of 1 (absolute).
   * `doubled`: `x` already holds 2x (a matMul by doubled weights, see `tanhWantsDoubled`).
   */
  tanh(x: Info, doubled = false): Info {
    if (this.name !== 'wasm') {
      if (!doubled) return this.reshape(this.run('Tanh', { x }), [...x.shape]);
      const half = this.copy(x);
      const hv = this.view(half);
      for (let i = 0; i < hv.length; i++) hv[i] = 0.5 * hv[i]!;
      const t = this.reshape(this.run('Tanh', { x: half }), [...x.shape]);
      this.free(half);
      return t;
    }
    let arg = x;
    if (!doubled) {
      arg = this.temp([...x.shape]);
      const dv = this.view(arg);
      const xv = this.view(x);
      for (let i = 0; i < dv.length; i++) dv[i] = 2 * xv[i]!;
    }
    const s = this.reshape(this.run('Sigmoid', { x: arg }), [...x.shape]);
    if (arg !== x) this.free(arg);
    const t = this.affine(s, 2, -1);
    this.free(s);
    return t;
  }

  /**
   * `scale * x + shift` elementwise, as a new temp. On wasm through the Multiply and Add
   * kernels (SIMD, about 5x a JS loop over the heap); on cpu one JS loop.
   */
  affine(x: Info, scale: number, shift: number): Info {
    if (this.name === 'wasm') {
      const c = this.temp([2]);
      const cv = this.view(c);
      cv[0] = scale;
      cv[1] = shift;
      const sc = this.viewOf(c, 0, []);
      const sh = this.viewOf(c, 1, []);
      const scaled = this.run('Multiply', { a: x, b: sc });
      const out = this.reshape(this.run('Add', { a: scaled, b: sh }), [...x.shape]);
      this.free(scaled);
      this.free(sc);
      this.free(sh);
      this.free(c);
      return out;
    }
    const out = this.temp([...x.shape]);
    const ov = this.view(out);
    const xv = this.view(x);
    for (let i = 0; i < ov.length; i++) ov[i] = scale * xv[i]! + shift;
    return out;
  }

  /**
   * Whether `tanh` wants its argument doubled: on wasm, a layer `tanh(h W + b)` is cheapest as
   * `tanh(h (2W) + 2b, true)` (the doubling costs a pass over the weights, not the activations).
   */
  get tanhWantsDoubled(): boolean {
    return this.name === 'wasm';
  }

  /** 2 * `a` as a new temp. */
  doubled(a: Info): Info {
    const out = this.temp([...a.shape]);
    const ov = this.view(out);
    const av = this.view(a);
    for (let i = 0; i < ov.length; i++) ov[i] = 2 * av[i]!;
    return out;
  }

  /** The transpose of a 2-D tensor. */
  transpose(a: Info): Info {
    return this.reshape(this.run('Transpose', { x: a }, { perm: [1, 0] }), [a.shape[1]!, a.shape[0]!]);
  }

  /** Column sums of a 2-D tensor [rows, cols] -> [cols] (a matMul by a row of ones on wasm). */
  sumRows(a: Info): Info {
    const [rows, cols] = a.shape as [number, number];
    if (this.name === 'wasm') {
      const ones = this.temp([1, rows]);
      this.view(ones).fill(1);
      const out = this.matMul(ones, a);
      this.free(ones);
      return this.reshape(out, [cols]);
    }
    const out = this.zeros([cols]);
    const o = this.view(out);
    const v = this.view(a);
    for (let r = 0; r < rows; r++) {
      const base = r * cols;
      for (let j = 0; j < cols; j++) o[j] = o[j]! + v[base + j]!;
    }
    return out;
  }

  /** A copy of `a` (a temp). */
  copy(a: Info): Info {
    const out = this.temp([...a.shape]);
    this.view(out).set(this.view(a));
    return out;
  }

  /** Exempts `info` from `release()`: it becomes an output of the kernel. */
  keep(info: Info): Info {
    this.temps.delete(info.dataId);
    return info;
  }

  /**
   * Hands a tensor back to this run's scratch (freed by `release()` or `free`): for the outputs
   * of a kernel function called inside another kernel (`mlpForward`, `mlpBackward`), which keep
   * them for their caller.
   */
  adopt(info: Info): Info {
    this.temps.set(info.dataId, info);
    return info;
  }

  /** Frees one temp now. */
  free(info: Info): void {
    const view = this.views.get(info.dataId);
    if (view) {
      this.views.delete(info.dataId);
      this.dropView(view);
      return;
    }
    const temp = this.temps.get(info.dataId);
    if (!temp) return;
    this.temps.delete(info.dataId);
    info = temp;
    if (this.name === 'wasm') this.wasm.disposeData(info.dataId);
    else this.cpu.disposeIntermediateTensorInfo(info);
  }

  /** Frees every temp and view not kept. Call in a `finally`. */
  release(): void {
    for (const info of [...this.temps.values()]) this.free(info);
    for (const info of [...this.views.values()]) this.free(info);
  }

  private dropView(info: Info): void {
    if (this.name === 'wasm') {
      // A view's memory belongs to its parent: unregister it without freeing.
      const entry = this.wasm.dataIdMap.get(info.dataId);
      this.wasm.wasm.tfjs.disposeData(entry.id);
      this.wasm.dataIdMap.delete(info.dataId);
    } else {
      this.cpu.disposeIntermediateTensorInfo(info);
    }
  }
}

/**
 * Whether a gradient tape is recording (inside tf.grad, variableGrads, optimizer.minimize).
 * Reads the engine's gradientDepth; if a tfjs version hides it, assumes yes (always correct).
 */
export function recordingGradients(): boolean {
  const state = (tf.engine() as unknown as { state?: { gradientDepth?: unknown } }).state;
  return typeof state?.gradientDepth === 'number' ? state.gradientDepth > 0 : true;
}

/** Registers `kernelFunc` as `kernelName` on every direct backend that lacks it. */
export function registerDirectKernel(kernelName: string, kernelFunc: (backend: DirectBackend, args: { inputs: tf.NamedTensorInfoMap; attrs: tf.NamedAttrMap }) => Info | Info[]): void {
  for (const backendName of DIRECT_BACKENDS) {
    if (tf.getKernel(kernelName, backendName)) continue;
    tf.registerKernel({
      kernelName,
      backendName,
      kernelFunc: ({ inputs, attrs, backend }) => {
        const direct = new DirectBackend(backend as tf.KernelBackend);
        try {
          return kernelFunc(direct, { inputs, attrs: attrs ?? {} });
        } finally {
          direct.release();
        }
      },
    });
  }
}

let enabled = true;

/**
 * Turns the direct kernels off (false) or back on (true) for every fused op of densityjs:
 * when off, cpu and wasm run the same composed tfjs ops as every other backend (the
 * reference path, slower). Returns the previous setting.
 */
export function setDirectKernelsEnabled(on: boolean): boolean {
  const previous = enabled;
  enabled = Boolean(on);
  return previous;
}

/** Whether the fused ops use their direct kernels on the active backend. */
export function directKernelsActive(): boolean {
  return enabled && DIRECT_BACKENDS.includes(tf.getBackend());
}
