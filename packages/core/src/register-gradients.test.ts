// Our gradients against tfjs' own (registered here as the reference by the test setup's
// import of register_all_gradients), kernel by kernel, on cpu and wasm. Kernels tfjs has no
// usable gradient for (comparisons; gather on wasm) are checked against closed forms.
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from './errors.js';
import { gradientConfigs, registerGradients } from './register-gradients.js';

const ours = new Map(gradientConfigs.map((c) => [c.kernelName, c]));

/** Runs `fn` with our gradient for `kernel` swapped in, restoring tfjs' afterwards. */
function withOurGradient<T>(kernel: string, fn: () => T): T {
  const config = ours.get(kernel);
  if (!config) throw new Error(`no densityjs gradient for ${kernel}`);
  const reference = tf.getGradient(kernel);
  const warn = console.warn;
  console.warn = () => {};
  try {
    tf.registerGradient(config);
    return fn();
  } finally {
    tf.unregisterGradient(kernel);
    if (reference) tf.registerGradient(reference as GradConfig);
    console.warn = warn;
  }
}

const r = (shape: number[], seed: number, lo = -2, hi = 2) => tf.randomUniform(shape, lo, hi, 'float32', seed);
const pos = (shape: number[], seed: number) => tf.randomUniform(shape, 0.2, 3, 'float32', seed);

interface Case {
  kernel: string;
  /** tfjs' own gradient is wrong or missing here (broadcasting, chained ops): use differences. */
  numeric?: boolean;
  inputs: () => tf.Tensor[];
  f: (...xs: tf.Tensor[]) => tf.Tensor;
}

const cases: Case[] = [
  { kernel: 'Add', inputs: () => [r([3, 4], 1), r([4], 2)], f: (a, b) => tf.add(a!, b!) },
  { kernel: 'Sub', inputs: () => [r([3, 1], 1), r([1, 4], 2)], f: (a, b) => tf.sub(a!, b!) },
  { kernel: 'Multiply', inputs: () => [r([2, 3, 4], 1), r([3, 1], 2)], f: (a, b) => tf.mul(a!, b!) },
  { kernel: 'RealDiv', inputs: () => [r([3, 4], 1), pos([4], 2)], f: (a, b) => tf.div(a!, b!) },
  { kernel: 'SquaredDifference', inputs: () => [r([3, 4], 1), r([3, 4], 2)], f: (a, b) => tf.squaredDifference(a!, b!) },
  { kernel: 'Maximum', numeric: true, inputs: () => [r([3, 4], 1), r([4], 2)], f: (a, b) => tf.maximum(a!, b!) },
  { kernel: 'Minimum', inputs: () => [r([3, 4], 1), r([3, 4], 2)], f: (a, b) => tf.minimum(a!, b!) },
  { kernel: 'Pow', inputs: () => [pos([3, 4], 1), r([3, 4], 2)], f: (a, b) => tf.pow(a!, b!) },
  { kernel: 'Exp', inputs: () => [r([3, 4], 1)], f: (x) => tf.exp(x!) },
  { kernel: 'Expm1', inputs: () => [r([3, 4], 1)], f: (x) => tf.expm1(x!) },
  { kernel: 'Log', inputs: () => [pos([3, 4], 1)], f: (x) => tf.log(x!) },
  { kernel: 'Log1p', inputs: () => [pos([3, 4], 1)], f: (x) => tf.log1p(x!) },
  { kernel: 'Sqrt', inputs: () => [pos([3, 4], 1)], f: (x) => tf.sqrt(x!) },
  { kernel: 'Rsqrt', inputs: () => [pos([3, 4], 1)], f: (x) => tf.rsqrt(x!) },
  { kernel: 'Square', inputs: () => [r([3, 4], 1)], f: (x) => tf.square(x!) },
  { kernel: 'Reciprocal', inputs: () => [pos([3, 4], 1)], f: (x) => tf.reciprocal(x!) },
  { kernel: 'Abs', inputs: () => [r([3, 4], 1)], f: (x) => tf.abs(x!) },
  { kernel: 'Neg', inputs: () => [r([3, 4], 1)], f: (x) => tf.neg(x!) },
  { kernel: 'Sigmoid', inputs: () => [r([3, 4], 1)], f: (x) => tf.sigmoid(x!) },
  { kernel: 'Tanh', inputs: () => [r([3, 4], 1)], f: (x) => tf.tanh(x!) },
  { kernel: 'Softplus', inputs: () => [r([3, 4], 1)], f: (x) => tf.softplus(x!) },
  { kernel: 'Relu', inputs: () => [r([3, 4], 1)], f: (x) => tf.relu(x!) },
  { kernel: 'Elu', inputs: () => [r([3, 4], 1)], f: (x) => tf.elu(x!) },
  { kernel: 'LeakyRelu', inputs: () => [r([3, 4], 1)], f: (x) => tf.leakyRelu(x!, 0.1) },
  { kernel: 'Erf', inputs: () => [r([3, 4], 1)], f: (x) => tf.erf(x!) },
  { kernel: 'Sin', inputs: () => [r([3, 4], 1)], f: (x) => tf.sin(x!) },
  { kernel: 'Cos', inputs: () => [r([3, 4], 1)], f: (x) => tf.cos(x!) },
  { kernel: 'Atan', inputs: () => [r([3, 4], 1)], f: (x) => tf.atan(x!) },
  { kernel: 'ClipByValue', inputs: () => [r([3, 4], 1)], f: (x) => tf.clipByValue(x!, -1, 1) },
  { kernel: 'Prelu', inputs: () => [r([3, 4], 1), pos([4], 2)], f: (x, a) => tf.prelu(x!, a!) },
  { kernel: 'Sum', inputs: () => [r([2, 3, 4], 1)], f: (x) => tf.sum(x!, [0, 2]) },
  { kernel: 'Mean', inputs: () => [r([2, 3, 4], 1)], f: (x) => tf.mean(x!, 1, true) },
  { kernel: 'Max', inputs: () => [r([3, 4], 1)], f: (x) => tf.max(x!, 1) },
  { kernel: 'Min', inputs: () => [r([3, 4], 1)], f: (x) => tf.min(x!, 0) },
  { kernel: 'Prod', numeric: true, inputs: () => [pos([3, 4], 1)], f: (x) => tf.prod(x!, 1) },
  { kernel: 'Softmax', inputs: () => [r([3, 4], 1)], f: (x) => tf.softmax(x!) },
  { kernel: 'Cumsum', inputs: () => [r([3, 4], 1)], f: (x) => tf.cumsum(x!, 1) },
  { kernel: 'Reshape', inputs: () => [r([3, 4], 1)], f: (x) => tf.reshape(x!, [2, 6]) },
  { kernel: 'ExpandDims', inputs: () => [r([3, 4], 1)], f: (x) => tf.expandDims(x!, 1) },
  { kernel: 'Transpose', inputs: () => [r([2, 3, 4], 1)], f: (x) => tf.transpose(x!, [2, 0, 1]) },
  { kernel: 'Slice', inputs: () => [r([3, 4], 1)], f: (x) => tf.slice(x!, [1, 1], [2, 2]) },
  { kernel: 'PadV2', inputs: () => [r([3, 4], 1)], f: (x) => tf.pad(x!, [[1, 0], [0, 2]]) },
  { kernel: 'Concat', inputs: () => [r([3, 4], 1), r([3, 2], 2)], f: (a, b) => tf.concat([a!, b!], 1) },
  { kernel: 'SplitV', inputs: () => [r([3, 5], 1)], f: (x) => { const [p, q] = tf.split(x!, [2, 3], 1); return tf.mul(tf.sum(p!, 1), tf.sum(q!, 1)); } },
  { kernel: 'Pack', inputs: () => [r([3, 4], 1), r([3, 4], 2)], f: (a, b) => tf.stack([a!, b!], 1) },
  { kernel: 'Unpack', inputs: () => [r([3, 4], 1)], f: (x) => { const [p, q] = tf.unstack(x!, 1); return tf.mul(p!, q!); } },
  { kernel: 'Tile', inputs: () => [r([2, 3], 1)], f: (x) => tf.tile(x!, [3, 2]) },
  { kernel: 'BroadcastTo', inputs: () => [r([1, 3], 1)], f: (x) => tf.broadcastTo(x!, [4, 3]) },
  { kernel: 'Reverse', inputs: () => [r([3, 4], 1)], f: (x) => tf.reverse(x!, 1) },
  { kernel: 'Select', numeric: true, inputs: () => [r([3, 4], 1), r([3, 4], 2)], f: (a, b) => tf.where(tf.greater(a!, 0.3), a!, b!) },
  { kernel: 'BatchMatMul', inputs: () => [r([3, 4], 1), r([4, 5], 2)], f: (a, b) => tf.matMul(a!, b!) },
  { kernel: 'BatchMatMul', inputs: () => [r([4, 3], 1), r([4, 5], 2)], f: (a, b) => tf.matMul(a!, b!, true, false) },
  { kernel: 'BatchMatMul', inputs: () => [r([3, 4], 1), r([5, 4], 2)], f: (a, b) => tf.matMul(a!, b!, false, true) },
  { kernel: 'BatchMatMul', inputs: () => [r([4, 3], 1), r([5, 4], 2)], f: (a, b) => tf.matMul(a!, b!, true, true) },
  { kernel: 'BatchMatMul', numeric: true, inputs: () => [r([2, 3, 4], 1), r([4, 5], 2)], f: (a, b) => tf.matMul(a!, b!) },
  { kernel: 'Relu6', inputs: () => [r([3, 4], 1, -2, 8)], f: (x) => tf.relu6(x!) },
  { kernel: 'Selu', inputs: () => [r([3, 4], 1)], f: (x) => tf.selu(x!) },
  { kernel: 'Tan', inputs: () => [r([3, 4], 1, -1.2, 1.2)], f: (x) => tf.tan(x!) },
  { kernel: 'Asin', inputs: () => [r([3, 4], 1, -0.9, 0.9)], f: (x) => tf.asin(x!) },
  { kernel: 'Acos', inputs: () => [r([3, 4], 1, -0.9, 0.9)], f: (x) => tf.acos(x!) },
  { kernel: 'Sinh', inputs: () => [r([3, 4], 1)], f: (x) => tf.sinh(x!) },
  { kernel: 'Cosh', inputs: () => [r([3, 4], 1)], f: (x) => tf.cosh(x!) },
  { kernel: 'Asinh', inputs: () => [r([3, 4], 1)], f: (x) => tf.asinh(x!) },
  { kernel: 'Atanh', inputs: () => [r([3, 4], 1, -0.9, 0.9)], f: (x) => tf.atanh(x!) },
  { kernel: 'Atan2', inputs: () => [r([3, 4], 1), pos([4], 2)], f: (a, b) => tf.atan2(a!, b!) },
  { kernel: 'LogSoftmax', inputs: () => [r([3, 4], 1)], f: (x) => tf.logSoftmax(x!) },
  { kernel: 'Identity', inputs: () => [r([3, 4], 1)], f: (x) => tf.mul(tf.clone(x!), x!) },
  { kernel: 'Cast', inputs: () => [r([3, 4], 1)], f: (x) => tf.mul(tf.cast(x!, 'float32'), x!) },
  { kernel: 'AddN', inputs: () => [r([3, 4], 1), r([3, 4], 2)], f: (a, b) => tf.addN([a!, b!, a!]) },
  // mod(a, b) = a - b floor(a / b): d/da = 1, d/db = -floor(a / b) away from the jumps.
  { kernel: 'Mod', numeric: true, inputs: () => [r([3, 4], 1, 0.3, 5), tf.tensor1d([0.7, 1.3, 2.1, 3.4])], f: (a, b) => tf.mod(a!, b!) },
  // Piecewise-constant kernels, times x: the product rule leaves the kernel's own value.
  ...(['Sign', 'Floor', 'Ceil', 'Round', 'Step'] as const).map((kernel): Case => ({
    kernel,
    inputs: () => [r([3, 4], 1)],
    f: (x) => tf.mul({ Sign: tf.sign, Floor: tf.floor, Ceil: tf.ceil, Round: tf.round, Step: (t: tf.Tensor) => tf.step(t) }[kernel](x!), x!),
  })),
];

/** Gradients of sum(f(x) * w) for a fixed random weight w, so every output element counts. */
function gradients(c: Case, xs: tf.Tensor[]): tf.Tensor[] {
  return tf.tidy(() => {
    const probe = c.f(...xs);
    const w = tf.randomUniform(probe.shape, 0.5, 1.5, 'float32', 7);
    return tf.grads((...ins: tf.Tensor[]) => tf.sum(tf.mul(c.f(...ins), w)))(xs);
  });
}

/** Central differences of sum(f(xs) * w), element by element, accumulated in float64. */
async function numericGradients(c: Case, xs: tf.Tensor[]): Promise<number[][]> {
  const eps = 2e-3;
  const probe = tf.tidy(() => c.f(...xs));
  const w = tf.randomUniform(probe.shape, 0.5, 1.5, 'float32', 7);
  probe.dispose();
  const loss = async (ins: tf.Tensor[]) => {
    const y = tf.tidy(() => tf.mul(c.f(...ins), w));
    const v = await y.data();
    y.dispose();
    return Array.from(v).reduce((s, t) => s + t, 0);
  };
  const result: number[][] = [];
  for (let k = 0; k < xs.length; k++) {
    const base = Array.from(await xs[k]!.data());
    const grad: number[] = [];
    for (let i = 0; i < base.length; i++) {
      const shifted = async (delta: number) => {
        const v = base.slice();
        v[i]! += delta;
        const t = tf.tensor(v, xs[k]!.shape);
        const ins = xs.map((x, j) => (j === k ? t : x));
        const out = await loss(ins);
        t.dispose();
        return out;
      };
      grad.push(((await shifted(eps)) - (await shifted(-eps))) / (2 * eps));
    }
    result.push(grad);
  }
  w.dispose();
  return result;
}

describeEachBackend('registerGradients: each gradient equals tfjs\' own', () => {
  for (const c of cases) {
    it(`${c.kernel}: ${c.f.toString().replace(/\s+/g, ' ').slice(0, 60)}`, async () => {
      const xs = c.inputs();
      const reference = c.numeric ? await numericGradients(c, xs) : gradients(c, xs);
      const tolerance = c.numeric ? { atol: 3e-3, rtol: 3e-3 } : { atol: 1e-5, rtol: 1e-4 };
      await expectNoLeaks(async () => {
        const mine = withOurGradient(c.kernel, () => (c.kernel === 'Select' ? withOurGradient('Greater', () => gradients(c, xs)) : gradients(c, xs)));
        for (let i = 0; i < xs.length; i++) {
          await expectAllClose(await mine[i]!.data(), reference[i]! as tf.Tensor, tolerance, `input ${i}`);
        }
        tf.dispose(mine);
      });
      tf.dispose([...xs, ...reference.filter((t): t is tf.Tensor => t instanceof tf.Tensor)]);
    });
  }

  it('GatherV2 scatters gradients back with repeats, on any axis, without UnsortedSegmentSum', async () => {
    const x = r([3, 4, 2], 1);
    const indices = tf.tensor1d([3, 0, 3, 1], 'int32');
    const g = withOurGradient('GatherV2', () =>
      tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, indices, 1), tf.reshape(tf.range(0, 24), [3, 4, 2]))))(x),
    );
    // d/dx[a, j, c] = sum over gathered positions k with indices[k] = j of weight[a, k, c].
    const idx = [3, 0, 3, 1];
    const expected: number[][][] = [];
    for (let a = 0; a < 3; a++) {
      expected.push([]);
      for (let j = 0; j < 4; j++) {
        expected[a]!.push([0, 1].map((c) => idx.reduce((s, v, k) => s + (v === j ? a * 8 + k * 2 + c : 0), 0)));
      }
    }
    await expectAllClose(g, expected);
    tf.dispose([x, indices, g]);
  });

  it('GatherV2 with 2-D indices from the middle of a rank-4 tensor', async () => {
    // x [2, 4, 2, 3], indices [2, 2] on axis 1: gathered [2, 2, 2, 2, 3], weighted by w = 0, 1, 2, ...
    const x = r([2, 4, 2, 3], 3);
    const idx = [[3, 0], [1, 3]];
    const indices = tf.tensor2d(idx, [2, 2], 'int32');
    const w = tf.reshape(tf.range(0, 48), [2, 2, 2, 2, 3]);
    const g = withOurGradient('GatherV2', () => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, indices, 1), w)))(x));
    // d/dx[a, j, b, c] = sum of w[a, k, l, b, c] over the (k, l) with idx[k][l] = j.
    const expected = Array.from({ length: 2 }, (_, a) =>
      Array.from({ length: 4 }, (_, j) =>
        Array.from({ length: 2 }, (_, b) =>
          Array.from({ length: 3 }, (_, c) => {
            let sum = 0;
            for (let k = 0; k < 2; k++) for (let l = 0; l < 2; l++) if (idx[k]![l] === j) sum += (((a * 2 + k) * 2 + l) * 2 + b) * 3 + c;
            return sum;
          }),
        ),
      ),
    );
    await expectAllClose(g, expected.flat(3));
    tf.dispose([x, indices, w, g]);
  });

  it('GatherV2 with batch dimensions has no gradient here, and says so', () => {
    const x = r([2, 3], 1);
    const indices = tf.tensor2d([[0, 2], [1, 1]], [2, 2], 'int32');
    // (The refusal comes from inside tf.grad, whose tape keeps what the forward pass saved.)
    let error: unknown;
    withOurGradient('GatherV2', () => {
      try {
        tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, indices, 1, 1)))(x);
      } catch (e) {
        error = e;
      }
    });
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as ArgumentError).argument).toBe('batchDims');
    expect((error as Error).message).toBe('gather (gradient): batchDims must be 0: the registered gradient of gather has no batch dimensions, received 1');
    tf.dispose([x, indices]);
  });

  it('gives zero gradients through integer index kernels (OneHot, ArgMax, ArgMin, Any, All)', async () => {
    const x = tf.tensor2d([[0.1, 2, -1], [3, 0.5, 0.2]]);
    const g = tf.grad((t: tf.Tensor) => {
      // The one-hots of the argmax and argmin select each row's maximum and minimum: d/dx = their sum.
      const pick = tf.cast(tf.oneHot(tf.argMax(t, 1), 3), 'float32');
      const pickMin = tf.cast(tf.oneHot(tf.argMin(t, 1), 3), 'float32');
      const any = tf.cast(tf.any(tf.greater(t, 2.5)), 'float32');
      const all = tf.cast(tf.all(tf.greater(t, -5)), 'float32');
      return tf.add(tf.add(tf.sum(tf.mul(t, pick)), tf.sum(tf.mul(t, pickMin))), tf.add(any, all));
    })(x);
    await expectAllClose(g, [[0, 1, 1], [1, 0, 1]]);
    tf.dispose([x, g]);
  });

  it('lets tf.where take a condition computed from a taped tensor', async () => {
    const x = tf.tensor1d([-2, -0.5, 0.5, 2]);
    const g = withOurGradient('Greater', () => tf.grad((t: tf.Tensor) => tf.sum(tf.where(tf.greater(t, 0), tf.square(t), tf.neg(t))))(x));
    await expectAllClose(g, [-1, -1, 1, 4]);
    tf.dispose([x, g]);
  });
});

describe('gradients of kernels whose outputs are piecewise constant or not floats', () => {
  const zeroGradient = ['IsNan', 'IsInf', 'IsFinite', 'LogicalNot', 'OnesLike', 'ZerosLike', 'Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal', 'NotEqual', 'LogicalAnd', 'LogicalOr', 'FloorDiv'];
  it.each(zeroGradient)('%s: zero for every input', async (kernel) => {
    const config = ours.get(kernel)!;
    const inputs = [r([3, 4], 1), r([4], 2)];
    const grads = tf.tidy(() => {
      const dy = r([3, 4], 3);
      const saved = [...(config.inputsToSave ?? []).map((_, i) => inputs[i]!), ...(config.outputsToSave ?? []).map(() => dy)];
      const fns = config.gradFunc(dy, saved, {});
      return Object.entries(fns).map(([name, fn]) => [name, fn()] as const);
    });
    expect(grads.length).toBeGreaterThan(0);
    for (const [name, g] of grads) await expectAllClose(g, new Array(g.size).fill(0), { atol: 0 }, name);
    tf.dispose([...inputs, ...grads.map(([, g]) => g)]);
  });

  it('every registered gradient is checked by a test of this file', () => {
    const checked = new Set([...cases.map((c) => c.kernel), ...zeroGradient, 'GatherV2', 'OneHot', 'ArgMax', 'ArgMin', 'Any', 'All']);
    expect([...ours.keys()].filter((k) => !checked.has(k))).toEqual([]);
  });
});

it('registerGradients is idempotent and leaves existing gradients alone by default', () => {
  const before = tf.getGradient('Sum');
  registerGradients();
  registerGradients();
  expect(tf.getGradient('Sum')).toBe(before);
  expect(ours.size).toBeGreaterThan(60);
});
