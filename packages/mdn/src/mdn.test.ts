import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
import { MixtureSameFamily } from '@densityjs/distributions';
import { MDN } from './mdn.js';
import { fusedLoss, fusedLossValue } from './fused-kernel.js';
import { genericLoss } from './network.js';
import { useWasmMdnKernel, wasmMdnKernelAvailable } from './wasm-mdn-loss.js';
import { mulberry32 } from '@densityjs/core';
import { initialParams, layerOffsets, numParams, type MdnLayout } from './layout.js';
import { referenceGradient, referenceHead, referenceLogProb, referenceLoss, rowsOf } from './test-reference.js';

function randomArray(n: number, seed: number, scale = 1): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, () => (2 * r() - 1) * scale);
}

const CASES: { name: string; layout: MdnLayout; rows: number }[] = [
  { name: 'seed config 1-20-tanh, K=5, D=1', layout: { sizes: [1, 20, 15], numComponents: 5, outputSize: 1, activation: 'tanh', minScale: 1e-3 }, rows: 7 },
  { name: '3-8-relu-6-relu, K=3, D=2', layout: { sizes: [3, 8, 6, 15], numComponents: 3, outputSize: 2, activation: 'relu', minScale: 1e-3 }, rows: 5 },
  { name: '2-sigmoid-4, K=2, D=3, no tricks', layout: { sizes: [2, 4, 14], numComponents: 2, outputSize: 3, activation: 'sigmoid', minScale: 0.01 }, rows: 4 },
  // Row counts that fill the WebAssembly kernel's four-row groups partly (7, 5, 70, 66) or exactly.
  { name: 'seed config, 80 rows', layout: { sizes: [1, 20, 15], numComponents: 5, outputSize: 1, activation: 'tanh', minScale: 1e-3 }, rows: 80 },
  { name: '3-8-relu-6-relu, K=3, D=2, 70 rows', layout: { sizes: [3, 8, 6, 15], numComponents: 3, outputSize: 2, activation: 'relu', minScale: 1e-3 }, rows: 70 },
  { name: '2-sigmoid-4, K=2, D=3, 66 rows', layout: { sizes: [2, 4, 14], numComponents: 2, outputSize: 3, activation: 'sigmoid', minScale: 0.01 }, rows: 66 },
  // Odd widths: the remainders after the loops' blocks of 4 outputs and pairs of inputs.
  { name: '3-5-tanh-3-tanh, K=3, D=2, 9 rows', layout: { sizes: [3, 5, 3, 15], numComponents: 3, outputSize: 2, activation: 'tanh', minScale: 1e-3 }, rows: 9 },
];

/**
 * The fused kernel's two implementations: the WebAssembly SIMD module (float32, four rows per
 * lane group) and the float64 JS loop nest it falls back to.
 */
const IMPLEMENTATIONS = [
  { impl: 'wasm simd', wasm: true },
  { impl: 'js', wasm: false },
] as const;

/** Runs `body` with the fused kernel's WebAssembly module switched on or off. */
async function withImplementation(wasm: boolean, body: () => Promise<void>): Promise<void> {
  useWasmMdnKernel(wasm);
  try {
    await body();
  } finally {
    useWasmMdnKernel(true);
  }
}

/**
 * The fused loss of rows (x, y) and its gradient to the weights `pv` equal the float64
 * reference (loss and central differences) within the given tolerances, leaking nothing.
 */
async function expectFusedMatchesReference(
  layout: MdnLayout,
  pv: Float32Array,
  xr: number[][],
  yr: number[][],
  lossTolerance: { atol: number; rtol: number },
  gradTolerance: { atol: number; rtol: number },
  label: string,
): Promise<void> {
  const refLoss = referenceLoss(layout, pv, xr, yr);
  const refGrad = referenceGradient(layout, pv, xr, yr);
  const params = tf.tensor1d(pv);
  const x = tf.tensor2d(xr.flat(), [xr.length, layout.sizes[0]!]);
  const y = tf.tensor2d(yr.flat(), [yr.length, layout.outputSize]);
  await expectNoLeaks(async () => {
    const { value, grad } = tf.tidy(() => {
      const g = tf.valueAndGrad((p: tf.Tensor) => fusedLoss(layout, p as tf.Tensor1D, x, y, null))(params);
      return { value: g.value, grad: g.grad };
    });
    await expectAllClose(value, refLoss, lossTolerance, `${label} loss`);
    await expectAllClose(grad, refGrad, gradTolerance, `${label} gradient`);
    tf.dispose([value, grad]);
  });
  tf.dispose([params, x, y]);
}

describeEachBackend('MDN loss: fused kernel vs composed ops vs float64 reference', (backend) => {
  it.skipIf(backend === 'webgpu')('the WebAssembly SIMD kernel compiles in this engine (otherwise the JS path would silently take over)', () => {
    expect(wasmMdnKernelAvailable(CASES[0]!.layout)).toBe(true);
  });

  for (const { name, layout, rows } of CASES) for (const { impl, wasm } of IMPLEMENTATIONS) {
    it.skipIf(backend === 'webgpu' && !wasm)(`${name} (${impl})`, () => withImplementation(wasm, async () => {
      const P = numParams(layout.sizes);
      // Weights of scale ~1 (larger than the init) so every component matters.
      const pv = randomArray(P, 1, 0.8);
      const xv = randomArray(rows * layout.sizes[0]!, 2, 2);
      const yv = randomArray(rows * layout.outputSize, 3, 2);
      const xr = rowsOf(xv, layout.sizes[0]!);
      const yr = rowsOf(yv, layout.outputSize);
      const refLoss = referenceLoss(layout, pv, xr, yr);
      const refGrad = referenceGradient(layout, pv, xr, yr);
      const params = tf.tensor1d(pv);
      const x = tf.tensor2d(xv, [rows, layout.sizes[0]!]);
      const y = tf.tensor2d(yv, [rows, layout.outputSize]);
      const paths: [string, (p: tf.Tensor1D) => tf.Scalar][] = [['composed', (p) => genericLoss(layout, p, x, y)]];
      if (backend !== 'webgpu') paths.push(['fused', (p) => fusedLoss(layout, p, x, y, null)]);
      for (const [label, f] of paths) {
        await expectNoLeaks(async () => {
          const { value, grad } = tf.tidy(() => {
            const g = tf.valueAndGrad((p: tf.Tensor) => f(p as tf.Tensor1D));
            const r = g(params);
            return { value: r.value, grad: r.grad };
          });
          await expectAllClose(value, refLoss, { atol: 1e-4, rtol: 1e-4 }, `${label} loss`);
          await expectAllClose(grad, refGrad, { atol: 2e-4, rtol: 2e-3 }, `${label} gradient`);
          tf.dispose([value, grad]);
        }, { label });
      }
      if (backend !== 'webgpu') {
        const v = fusedLossValue(layout, params, x, y);
        await expectAllClose(v, refLoss, { atol: 1e-4, rtol: 1e-4 }, 'fused value-only');
        v.dispose();
        // A minibatch through `indices` equals the loss of the gathered rows.
        const pick = rows >= 64 ? Array.from({ length: 65 }, (_, i) => (7 * i + 3) % rows) : [rows - 1, 0, 1];
        const idx = tf.tensor1d(pick, 'int32');
        const sub = fusedLossValue(layout, params, x, y, idx);
        await expectAllClose(sub, referenceLoss(layout, pv, pick.map((i) => xr[i]!), pick.map((i) => yr[i]!)), { atol: 1e-4, rtol: 1e-4 }, 'fused minibatch');
        tf.dispose([sub, idx]);
      }
      tf.dispose([params, x, y]);
    }));
  }

  // The fused kernel exists on cpu and wasm only (other backends take the composed ops).
  for (const { impl, wasm } of IMPLEMENTATIONS) it.skipIf(backend === 'webgpu')(`keeps float64 accuracy where prod_d 1 / sigma_kd leaves float64 range (log-space rows; ${impl})`, () => withImplementation(wasm, async () => {
    // D = 120 scales at the floor 1e-3: prod 1 / sigma = 1e360 overflows, so every row takes the
    // log-space form. Zero weights: the head is its bias, so mu is exact and z = (y - mu) / sigma
    // is of order 1.
    const K = 2;
    const D = 120;
    const layout: MdnLayout = { sizes: [1, 2, K * (1 + 2 * D)], numComponents: K, outputSize: D, activation: 'tanh', minScale: 1e-3 };
    const pv = new Float32Array(numParams(layout.sizes));
    const head = layerOffsets(layout.sizes)[1]!.b;
    const r = mulberry32(5);
    pv[head] = 0.3;
    pv[head + 1] = -0.2;
    for (let j = 0; j < K * D; j++) {
      pv[head + K + j] = 2 * r() - 1;
      pv[head + K + K * D + j] = -30;
    }
    const rows = 3;
    const yv = new Float32Array(rows * D);
    for (let n = 0; n < rows; n++) for (let d = 0; d < D; d++) yv[n * D + d] = pv[head + K + (n % K) * D + d]! + 1e-3 * (2 * r() - 1);
    const xr = [[0.1], [-0.5], [2]];
    await expectFusedMatchesReference(layout, pv, xr, rowsOf(yv, D), { atol: 1e-3, rtol: 1e-4 }, { atol: 2e-4, rtol: 2e-3 }, 'log-space');
  }));

  // The SIMD kernel's exp, log, log1p and tanh are float32 polynomials: heads far from the
  // initialization (logits 40 apart, scales from softplus(-25) to softplus(25), saturated tanh
  // units, targets up to 3000 scales from a component) must still give the float64 reference's loss and gradient.
  for (const { impl, wasm } of IMPLEMENTATIONS) {
    it.skipIf(backend === 'webgpu')(`matches the float64 reference for extreme heads (${impl})`, () => withImplementation(wasm, async () => {
      const K = 4;
      const layout: MdnLayout = { sizes: [2, 6, K * 5], numComponents: K, outputSize: 2, activation: 'tanh', minScale: 1e-3 };
      const pv = randomArray(numParams(layout.sizes), 11, 1);
      const head = layerOffsets(layout.sizes)[1]!.b;
      const logits = [20, -20, 5, 0];
      const raws = [-25, 25, 0.5, 3, 8, -8, 2, -15];
      for (let k = 0; k < K; k++) pv[head + k] = logits[k]!;
      for (let j = 0; j < 2 * K; j++) pv[head + 3 * K + j] = raws[j]!;
      const rows = 13;
      const xv = randomArray(rows * 2, 12, 4);
      const yv = randomArray(rows * 2, 13, 3);
      await expectFusedMatchesReference(layout, pv, rowsOf(xv, 2), rowsOf(yv, 2), { atol: 1e-4, rtol: 1e-5 }, { atol: 1e-4, rtol: 2e-3 }, 'extreme heads');
    }));
  }

  it('stays finite for far targets (|y| = 1000) and a collapsed component', async () => {
    const layout = CASES[0]!.layout;
    const pv = initialParams(layout, 7);
    // Collapse component 0: raw-scale bias -80 puts its scale at the floor (minScale), and a
    // large logit makes it dominate.
    const headBias = numParams(layout.sizes) - 15;
    pv[headBias + 0] = 30;
    pv[headBias + 5 + 5 + 0] = -80;
    const params = tf.tensor1d(pv);
    const x = tf.tensor2d([0, 0.5, -3, 10], [4, 1]);
    const y = tf.tensor2d([1000, -1000, 0, 1e4], [4, 1]);
    const paths: [string, (p: tf.Tensor1D) => tf.Scalar][] = [['composed', (p) => genericLoss(layout, p, x, y)]];
    if (backend !== 'webgpu') paths.push(['fused', (p) => fusedLoss(layout, p, x, y, null)]);
    for (const [label, f] of paths) {
      const { value, grad } = tf.tidy(() => {
        const r = tf.valueAndGrad((p: tf.Tensor) => f(p as tf.Tensor1D))(params);
        return { value: r.value, grad: r.grad };
      });
      const v = (await value.data())[0]!;
      expect(Number.isFinite(v), `${label} loss ${v}`).toBe(true);
      // The reference agrees (relative: the loss is ~1e13 nats here).
      const ref = referenceLoss(layout, pv, [[0], [0.5], [-3], [10]], [[1000], [-1000], [0], [1e4]]);
      expect(Math.abs(v - ref) / ref).toBeLessThan(1e-4);
      const g = await grad.data();
      expect(g.every(Number.isFinite), `${label} gradient finite`).toBe(true);
      tf.dispose([value, grad]);
    }
    tf.dispose([params, x, y]);
  });
});

describeEachBackend('MDN', (backend) => {
  it('distribution(x) is a MixtureSameFamily whose logProb, sample and mean fit the reference', async () => {
    const mdn = new MDN({ inputSize: 2, outputSize: 2, numComponents: 3, hiddenUnits: [6], seed: 3 });
    const xa = [[0.5, -1], [2, 0.1], [-0.3, 0.3]];
    const ya = [[0.1, 0.2], [1, -1], [0, 3]];
    const x = tf.tensor2d(xa);
    const y = tf.tensor2d(ya);
    const pv = await mdn.params.data();
    const layout: MdnLayout = { sizes: [2, 6, 15], numComponents: 3, outputSize: 2, activation: 'tanh', minScale: 1e-3 };
    const ref = [0, 1, 2].map((n) => referenceLogProb(layout, pv, xa[n]!, ya[n]!));
    await expectNoLeaks(async () => {
      const dist = mdn.distribution(x);
      expect(dist).toBeInstanceOf(MixtureSameFamily);
      expect(dist.batchShape).toEqual([3]);
      expect(dist.eventShape).toEqual([2]);
      const lp = dist.logProb(y);
      await expectAllClose(lp, ref, { atol: 1e-4, rtol: 1e-4 }, 'distribution logProb');
      const lp2 = mdn.logProb(x, y);
      await expectAllClose(lp2, ref, { atol: 1e-4, rtol: 1e-4 }, 'mdn.logProb');
      const s = dist.sample(4, { seed: 1 });
      expect(s.shape).toEqual([4, 3, 2]);
      const m = dist.mean!();
      expect(m.shape).toEqual([3, 2]);
      tf.dispose([lp, lp2, s, m]);
      dist.dispose();
    });
    tf.dispose([x, y]);
    mdn.dispose();
  });

  it('mode(x) is the component location of highest mixture density (float64 reference)', async () => {
    const mdn = new MDN({ inputSize: 1, outputSize: 2, numComponents: 4, hiddenUnits: [5], seed: 11, minScale: 0.05 });
    const layout: MdnLayout = { sizes: [1, 5, 20], numComponents: 4, outputSize: 2, activation: 'tanh', minScale: 0.05 };
    const pv = randomArray(numParams(layout.sizes), 4, 1.5);
    mdn.params.assign(tf.tensor1d(pv));
    const xs = [[-1], [0.3], [2]];
    const x = tf.tensor2d(xs);
    const expected = xs.map((row) => {
      const head = referenceHead(layout, pv, row);
      const locs = [0, 1, 2, 3].map((k) => [head[4 + 2 * k]!, head[4 + 2 * k + 1]!]);
      const scores = locs.map((loc) => referenceLogProb(layout, pv, row, loc));
      return locs[scores.indexOf(Math.max(...scores))]!;
    });
    await expectNoLeaks(async () => {
      const m = mdn.mode(x);
      await expectAllClose(m, expected, { atol: 1e-4, rtol: 1e-4 });
      m.dispose();
    });
    x.dispose();
    mdn.dispose();
  });

  it('sample(x, {seed}) is reproducible and shaped [N, D] (or sampleShape + [N, D])', async () => {
    const mdn = new MDN({ inputSize: 1, outputSize: 1, numComponents: 4, hiddenUnits: 8, seed: 1 });
    const x = tf.tensor2d([[0], [1], [2]]);
    await expectNoLeaks(async () => {
      const a = mdn.sample(x, { seed: 5 });
      const b = mdn.sample(x, { seed: 5 });
      expect(a.shape).toEqual([3, 1]);
      await expectAllClose(a, b, { atol: 0, rtol: 0 });
      const c = mdn.sample(x, { seed: 5, sampleShape: [2] });
      expect(c.shape).toEqual([2, 3, 1]);
      tf.dispose([a, b, c]);
    });
    tf.dispose(x);
    mdn.dispose();
  });

  it('the same seed gives the same initial weights on every backend (JS PRNG)', async () => {
    const mdn = new MDN({ inputSize: 1, outputSize: 1, numComponents: 5, hiddenUnits: 20, seed: 42 });
    const layout: MdnLayout = { sizes: [1, 20, 15], numComponents: 5, outputSize: 1, activation: 'tanh', minScale: 1e-3 };
    await expectAllClose(mdn.params, initialParams(layout, 42), { atol: 0, rtol: 0 });
    expect(mdn.trainableVariables).toEqual([mdn.params]);
    expect(mdn.numParams).toBe(20 + 20 + 20 * 15 + 15);
    mdn.dispose();
    // Construction holds exactly one tensor (the weights), and dispose() frees it.
    await expectNoLeaks(() => new MDN({ inputSize: 1, outputSize: 1, numComponents: 2, hiddenUnits: 3 }), { expectedNew: 1 });
    await expectNoLeaks(() => new MDN({ inputSize: 1, outputSize: 1, numComponents: 2, hiddenUnits: 3 }).dispose());
  });

  it('toJSON / fromJSON round-trips config and weights', async () => {
    const mdn = new MDN({ inputSize: 2, outputSize: 1, numComponents: 2, hiddenUnits: [5, 4], activation: 'relu', seed: 9, minScale: 0.01 });
    const json = JSON.stringify(await mdn.toJSONAsync());
    const back = MDN.fromJSON(json);
    expect(back.config).toEqual(mdn.config);
    await expectAllClose(back.params, mdn.params, { atol: 0, rtol: 0 });
    const x = tf.tensor2d([[1, 2]]);
    const y = tf.tensor2d([[0.5]]);
    const a = mdn.logProb(x, y);
    const b = back.logProb(x, y);
    await expectAllClose(a, b, { atol: 0, rtol: 0 });
    expect(() => MDN.fromJSON({ ...JSON.parse(json), formatVersion: 99 })).toThrow(/formatVersion must be 1/);
    expect(() => MDN.fromJSON({ ...JSON.parse(json), weights: [1, 2] })).toThrow(/json.weights must be an array of \d+ finite numbers, received an array of length 2/);
    expect(() => MDN.fromJSON({ format: 'other' } as never)).toThrow(/format 'densityjs-mdn'/);
    tf.dispose([x, y, a, b]);
    mdn.dispose();
    back.dispose();
  });

  it('rejects bad input with errors naming the argument', async () => {
    expect(() => new MDN({ inputSize: 1, outputSize: 1, numComponents: 0, hiddenUnits: 4 })).toThrow(
      'MDN: numComponents must be an integer >= 1, received 0',
    );
    expect(() => new MDN({ inputSize: 0, outputSize: 1, numComponents: 2, hiddenUnits: 4 })).toThrow(/inputSize must be a positive integer/);
    expect(() => new MDN({ inputSize: 1, outputSize: 1, numComponents: 2, hiddenUnits: [4, 0] })).toThrow(/hiddenUnits must be/);
    expect(() => new MDN({ inputSize: 1, outputSize: 1, numComponents: 2, hiddenUnits: 4, activation: 'gelu' as never })).toThrow(
      /activation must be one of 'tanh', 'relu', 'sigmoid', received "gelu"/,
    );
    const mdn = new MDN({ inputSize: 2, outputSize: 1, numComponents: 2, hiddenUnits: 4, seed: 0 });
    const x = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    const y = tf.tensor2d([[1], [2]]);
    const y3 = tf.tensor2d([[1], [2], [NaN]]);
    const xWide = tf.tensor2d([[1, 2, 3]]);
    await expect(mdn.fit(x, y, { epochs: 1 })).rejects.toThrow('fit: context must be a 2-D tensor of shape [2, 2] (contextSize 2, one row per example), received a float32 tensor of shape [3, 2]');
    expect(() => mdn.logProb(xWide, tf.tensor2d([[1]]))).toThrow(
      'MDN: x must be a 2-D tensor of shape [batch, 2] (inputSize 2), received shape [1, 3]',
    );
    expect(() => mdn.distribution(tf.tensor1d([1, 2]))).toThrow(/x must be a 2-D tensor of shape \[batch, 2\]/);
    if (backend !== 'webgpu') {
      // NaN checks read the data synchronously, which webgpu in Node cannot.
      await expect(mdn.fit(x, y3, { epochs: 1 })).rejects.toThrow('fit: data must be finite values (no NaN or Infinity), received a non-finite value in row 2 of a tensor of shape [3, 1]');
      await expect(mdn.fit(x, tf.tensor2d([[1], [2], [3]]), { epochs: 1, validationData: [tf.tensor2d([[NaN, 1]]), tf.tensor2d([[1]])] })).rejects.toThrow(
        /fit: validationData\[0\] must be finite values/,
      );
    }
    await expect(mdn.fit(x, tf.tensor2d([[1], [2], [3]]), { epochs: 0 })).rejects.toThrow(/epochs must be a positive integer/);
    await expect(
      mdn.fit(x, tf.tensor2d([[1], [2], [3]]), { epochs: 1, validationData: [tf.tensor2d([[1, 2]]), tf.tensor2d([[1], [2]])] }),
    ).rejects.toThrow('fit: validationData[0] must be a 2-D tensor of shape [2, 2] (contextSize 2, one row per example), received a float32 tensor of shape [1, 2]');
    await expect(mdn.fit(x, tf.tensor2d([[1], [2], [3]]), { validationData: x as never })).rejects.toThrow(
      /validationData must be an array \[x, y\] of two 2-D tensors/,
    );
    mdn.dispose();
    expect(() => mdn.logProb(x, y)).toThrow(/disposed/);
    tf.dispose([x, y, y3, xWide]);
  });
});
