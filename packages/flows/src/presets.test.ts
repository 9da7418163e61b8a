import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { batchJacobian, describeEachBackend, expectAllClose, expectNoLeaks, logAbsDet } from '@densityjs/testing';
import { TransformedDistribution } from '@densityjs/distributions';
import { iaf, maf, naf, neuralSplineFlow, nice, realNVP, type Flow } from './index.js';

type Make = (o: { eventSize: number; numLayers?: number; hiddenUnits?: number[]; seed?: number; batchNorm?: boolean; contextSize?: number; permutation?: 'reverse' | 'random' | false }) => Flow;

const PRESETS: [string, Make][] = [
  ['maf', maf],
  ['iaf', iaf],
  ['realNVP', realNVP],
  ['nice', nice],
  ['nsf coupling', (o) => neuralSplineFlow({ ...o, variant: 'coupling', bins: 6, bound: 3 })],
  ['nsf autoregressive', (o) => neuralSplineFlow({ ...o, variant: 'autoregressive', bins: 6, bound: 3 })],
  ['naf', (o) => naf({ ...o, hiddenSigmoids: 3 })],
  ['maf residual', (o) => maf({ ...o, residual: true })],
  ['iaf residual', (o) => iaf({ ...o, residual: true })],
];

/** Moves every weight away from the near-identity initialization, so the map is far from trivial. */
function scramble(flow: Flow, seed: number, scale = 0.4): void {
  const ws = flow.getWeights();
  const noisy = ws.map((w, i) => tf.add(w, tf.randomNormal(w.shape, 0, scale, 'float32', seed + i)));
  flow.setWeights(noisy);
  tf.dispose([...ws, ...noisy]);
}

/** log N(z; 0, I) in float64. */
function logStdNormal(z: number[]): number {
  return z.reduce((a, v) => a - 0.5 * v * v - 0.5 * Math.log(2 * Math.PI), 0);
}

describeEachBackend(
  'flow presets',
  () => {
    for (const [name, make] of PRESETS) {
      describe(name, () => {
        it('logProb is the change of variables with the autodiff Jacobian (float64 reference)', async () => {
          const D = 3;
          const flow = make({ eventSize: D, numLayers: 3, hiddenUnits: [8, 8], seed: 3 });
          scramble(flow, 10);
          const x = tf.tensor2d([[0.3, -1.2, 0.8], [1.5, 0.2, -0.4], [-0.7, 0.9, 2.1]]);
          const lp = flow.logProb(x);
          const bij = flow.bijector;
          const z = bij.inverse(x);
          const jac = await batchJacobian((xi) => bij.inverse(xi), x);
          const zv = Array.from(await z.data());
          const expected = jac.map((J, b) => logStdNormal(zv.slice(b * D, (b + 1) * D)) + logAbsDet(J));
          await expectAllClose(lp, expected, { atol: 2e-3, rtol: 1e-3 });
          // Round trip through the bijector.
          await expectAllClose(bij.forward(z), x, { atol: 1e-3, rtol: 1e-3 });
          tf.dispose([x, lp, z]);
          flow.dispose();
        });

        it('sampleAndLogProb agrees with logProb of the same samples; seeds reproduce; nothing leaks', async () => {
          const flow = make({ eventSize: 2, numLayers: 2, hiddenUnits: [8], seed: 5 });
          scramble(flow, 20, 0.3);
          await expectNoLeaks(async () => {
            const { sample, logProb } = flow.sampleAndLogProb(16, { seed: 7 });
            expect(sample.shape).toEqual([16, 2]);
            expect(logProb.shape).toEqual([16]);
            const again = flow.sample(16, { seed: 7 });
            await expectAllClose(again, sample, { atol: 1e-6, rtol: 0 });
            const other = flow.sample(16, { seed: 8 });
            expect(Array.from(await other.data())).not.toEqual(Array.from(await sample.data()));
            const lp = flow.logProb(sample);
            await expectAllClose(lp, logProb, { atol: 2e-3, rtol: 1e-3 });
            tf.dispose([sample, logProb, again, other, lp]);
          });
          expect(flow).toBeInstanceOf(TransformedDistribution);
          expect(flow.eventShape).toEqual([2]);
          expect(flow.batchShape).toEqual([]);
          flow.dispose();
        });
      });
    }
  },
  { webgpu: false },
);

describeEachBackend(
  'flow presets: structure',
  (backend) => {
    // 40k-point grid: wasm only (cpu is ~10x slower here).
    it.skipIf(backend !== 'wasm')('integrates to one on a 2-D grid (trained-looking MAF and RealNVP)', async () => {
      for (const make of [maf, realNVP]) {
        const flow = make({ eventSize: 2, numLayers: 3, hiddenUnits: [16, 16], seed: 1 });
        scramble(flow, 30, 0.25);
        // Riemann sum over [-7, 7]^2 with step 0.07.
        const h = 0.07;
        const ticks = Array.from({ length: 201 }, (_, i) => -7 + i * h);
        const pts = new Float32Array(ticks.length * ticks.length * 2);
        let k = 0;
        for (const a of ticks) for (const b of ticks) (pts[k++] = a), (pts[k++] = b);
        const grid = tf.tensor2d(pts, [ticks.length * ticks.length, 2]);
        const p = flow.prob(grid);
        const total = (await tf.sum(p).data())[0]! * h * h;
        expect(Math.abs(total - 1)).toBeLessThan(0.01);
        tf.dispose([grid, p]);
        flow.dispose();
      }
    });

    it('MAF/IAF alternate MADE orders (no Permute bijector); coupling flows reverse between layers', () => {
      const m = maf({ eventSize: 3, numLayers: 3, hiddenUnits: [8], seed: 0 });
      const names = (m.bijector as unknown as { bijectors: { name: string }[] }).bijectors.map((b) => b.name);
      expect(names).toEqual(['MaskedAutoregressiveFlow', 'MaskedAutoregressiveFlow', 'MaskedAutoregressiveFlow']);
      const orders = (m.bijector as unknown as { bijectors: { conditioner: { inputOrder: number[] } }[] }).bijectors.map((b) => b.conditioner.inputOrder);
      expect(orders).toEqual([[1, 2, 3], [3, 2, 1], [1, 2, 3]]);
      m.dispose();
      const r = realNVP({ eventSize: 3, numLayers: 3, hiddenUnits: [8], seed: 0, batchNorm: true });
      expect((r.bijector as unknown as { bijectors: { name: string }[] }).bijectors.map((b) => b.name)).toEqual([
        'RealNVP', 'BatchNormalization', 'Reverse', 'RealNVP', 'BatchNormalization', 'Reverse', 'RealNVP',
      ]);
      r.dispose();
      const p = realNVP({ eventSize: 4, numLayers: 2, hiddenUnits: [8], seed: 0, permutation: 'random' });
      expect((p.bijector as unknown as { bijectors: { name: string }[] }).bijectors.map((b) => b.name)).toEqual(['RealNVP', 'Permute', 'RealNVP']);
      p.dispose();
    });

    it('training switch drives BatchNorm; dispose frees every tensor', async () => {
      const before = tf.memory().numTensors;
      const flow = maf({ eventSize: 2, numLayers: 3, hiddenUnits: [8], seed: 2, batchNorm: true });
      expect(flow.training).toBe(false);
      expect(flow.stateVariables).toHaveLength(4); // 2 BatchNorms x (mean, variance)
      const x = tf.tensor2d([[5, 5], [7, 9], [6, 2], [8, 4]]);
      const evalLp = flow.logProb(x);
      flow.training = true;
      expect(flow.training).toBe(true);
      const trainLp = flow.logProb(x); // batch statistics, and the running averages move
      expect(Array.from(await trainLp.data())).not.toEqual(Array.from(await evalLp.data()));
      const mean = await flow.stateVariables[0]!.data();
      expect(mean[0]).not.toBe(0);
      flow.training = false;
      tf.dispose([x, evalLp, trainLp]);
      flow.dispose();
      flow.dispose(); // idempotent
      expect(tf.memory().numTensors).toBe(before);
      expect(() => flow.trainableVariables).toThrow(/maf.trainableVariables: this flow was disposed/);
    });
  },
  { webgpu: false },
);

describe('coupling presets split the units', () => {
  it('the first floor(D / 2) units pass through each coupling layer (at least one)', () => {
    for (const [eventSize, masked] of [[2, 1], [3, 1], [5, 2], [8, 4]] as const) {
      for (const preset of [realNVP, nice, neuralSplineFlow]) {
        const flow = preset({ eventSize, numLayers: 2, hiddenUnits: [4], seed: 1 });
        const couplings = flow.bijector.members.filter((m) => 'numMasked' in m) as unknown as { numMasked: number }[];
        expect(couplings).toHaveLength(2);
        couplings.forEach((c) => expect(c.numMasked).toBe(masked));
        flow.dispose();
      }
    }
  });
});

describe('flow preset errors', () => {
  it('validates options with clear messages', () => {
    expect(() => maf({ eventSize: 0 })).toThrow('maf: eventSize must be a positive integer (the data dimension), received 0');
    expect(() => maf({ eventSize: 2, numLayers: 0 })).toThrow(/maf: numLayers must be a positive integer, received 0/);
    expect(() => maf({ eventSize: 2, hiddenUnits: [0] })).toThrow(/maf: hiddenUnits must be an array of positive integers/);
    expect(() => maf({ eventSize: 4, hiddenUnits: [2] })).toThrow(/maf: hiddenUnits\[0\] must be >= eventSize - 1 = 3/);
    expect(() => iaf({ eventSize: 4, hiddenUnits: [8, 2] })).toThrow(/^iaf: hiddenUnits\[1\] must be >= eventSize - 1 = 3 for a MADE conditioner, received 2$/);
    // Exactly eventSize - 1 units reach every output.
    for (const preset of [maf, iaf]) preset({ eventSize: 4, numLayers: 1, hiddenUnits: [3], seed: 1 }).dispose();
    expect(() => realNVP({ eventSize: 1 })).toThrow(/realNVP: eventSize must be an integer >= 2 for an unconditional coupling flow/);
    expect(() => nice({ eventSize: 1 })).toThrow(/^nice: eventSize must be an integer >= 2 for an unconditional coupling flow/);
    expect(() => neuralSplineFlow({ eventSize: 1 })).toThrow(/^neuralSplineFlow: eventSize must be an integer >= 2 for an unconditional coupling flow/);
    expect(() => nice({ eventSize: 2, permutation: 'shuffle' as never })).toThrow(/nice: permutation must be 'reverse', 'random' or false/);
    expect(() => iaf({ eventSize: 2, contextSize: -1 })).toThrow(/iaf: contextSize must be a non-negative integer/);
    expect(() => neuralSplineFlow({ eventSize: 2, variant: 'x' as never })).toThrow(/neuralSplineFlow: variant must be 'coupling' or 'autoregressive'/);
    expect(() => neuralSplineFlow({ eventSize: 2, bins: 1 })).toThrow(/neuralSplineFlow: numBins must be an integer >= 2/);
    expect(() => neuralSplineFlow({ eventSize: 2, bound: -1 })).toThrow(/neuralSplineFlow: bound must be a finite number > 0/);
    expect(() => maf(undefined as never)).toThrow(/maf: options must be an object/);
  });

  it('rejects wrong event sizes and context misuse', () => {
    const flow = maf({ eventSize: 2, numLayers: 1, hiddenUnits: [4], seed: 0 });
    const x3 = tf.zeros([4, 3]);
    expect(() => flow.logProb(x3)).toThrow('maf.logProb: x must be a tensor of shape [..., 2] (eventSize 2), received a float32 tensor of shape [4, 3]');
    expect(() => flow.logProb([1, 2] as never)).toThrow(/maf.logProb: x must be a tensor/);
    const x = tf.zeros([4, 2]);
    const c = tf.zeros([4, 1]);
    expect(() => flow.logProb(x, { context: c })).toThrow(/maf.logProb: context must be undefined \(the flow is unconditional/);
    expect(() => flow.sample(3, { context: c })).toThrow(/maf.sample: context must be undefined/);
    const cond = maf({ eventSize: 2, numLayers: 1, hiddenUnits: [4], contextSize: 1, seed: 0 });
    expect(() => cond.logProb(x)).toThrow(/maf.logProb: context must be a tensor of shape \[4, 1\] or \[1\] \(the flow is conditional, contextSize 1\), received undefined/);
    expect(() => cond.sample(3)).toThrow(/maf.sample: context must be a tensor of shape \[3, 1\]/);
    const c2 = tf.zeros([5, 1]);
    expect(() => cond.logProb(x, { context: c2 })).toThrow(/received a float32 tensor of shape \[5, 1\]/);
    tf.dispose([x3, x, c, c2]);
    flow.dispose();
    cond.dispose();
  });
});

// The small subset that also runs on webgpu (no synchronous reads anywhere on these paths).
describeEachBackend('flow presets: every backend', () => {
  for (const make of [maf, iaf, realNVP] as Make[]) {
    it(`${make.name}: sampleAndLogProb agrees with logProb, and a save/load round trip`, async () => {
      const flow = make({ eventSize: 2, numLayers: 2, hiddenUnits: [8], seed: 4 });
      scramble(flow, 40, 0.3);
      const { sample, logProb } = flow.sampleAndLogProb(8, { seed: 1 });
      const lp = flow.logProb(sample);
      await expectAllClose(lp, logProb, { atol: 2e-3, rtol: 1e-3 });
      const { loadFlow, saveFlow } = await import('./index.js');
      const loaded = loadFlow(await saveFlow(flow));
      const lp2 = loaded.logProb(sample);
      await expectAllClose(lp2, lp, { atol: 1e-5, rtol: 1e-5 });
      tf.dispose([sample, logProb, lp, lp2]);
      loaded.dispose();
      flow.dispose();
    });
  }
});

describe('one-pass sampling and scoring', () => {
  /** Counts conditioner calls of every layer of `flow` while `fn` runs. */
  function countCalls(flow: Flow, fn: () => void): number {
    let calls = 0;
    const layers = (flow.bijector as unknown as { bijectors: unknown[] }).bijectors;
    const nets = layers
      .map((b) => (b as { conditioner?: unknown; bijector?: { conditioner?: unknown } }).conditioner ?? (b as { bijector?: { conditioner?: unknown } }).bijector?.conditioner)
      .filter(Boolean) as { call: (...a: unknown[]) => tf.Tensor }[];
    const originals = nets.map((n) => n.call);
    nets.forEach((n, i) => {
      n.call = (...a: unknown[]) => {
        calls++;
        return originals[i]!.apply(n, a);
      };
    });
    try {
      fn();
    } finally {
      nets.forEach((n, i) => (n.call = originals[i]!));
    }
    return calls;
  }

  it('IAF and RealNVP sample and score their samples with one conditioner pass per layer; MAF needs D', () => {
    const D = 4;
    const L = 3;
    const run = (flow: Flow, what: 'sampleAndLogProb' | 'logProb') =>
      countCalls(flow, () => {
        if (what === 'sampleAndLogProb') {
          const { sample, logProb } = flow.sampleAndLogProb(5, { seed: 1 });
          tf.dispose([sample, logProb]);
        } else {
          const x = tf.zeros([5, D]);
          tf.dispose([x, flow.logProb(x)]);
        }
      });
    const i = iaf({ eventSize: D, numLayers: L, hiddenUnits: [8], seed: 0 });
    expect(run(i, 'sampleAndLogProb')).toBe(L); // no inverse anywhere
    expect(run(i, 'logProb')).toBe(L * D); // external data: the sequential direction
    const r = realNVP({ eventSize: D, numLayers: L, hiddenUnits: [8], seed: 0 });
    expect(run(r, 'sampleAndLogProb')).toBe(L);
    expect(run(r, 'logProb')).toBe(L);
    const m = maf({ eventSize: D, numLayers: L, hiddenUnits: [8], seed: 0 });
    expect(run(m, 'logProb')).toBe(L);
    expect(run(m, 'sampleAndLogProb')).toBe(L * D);
    [i, r, m].forEach((f) => f.dispose());
  });
});

describeEachBackend('ResMADE conditioners', () => {
  it('residual: true builds ResMADE conditioners, is saved with the flow, and names unequal widths', async () => {
    const { loadFlow, saveFlow } = await import('./index.js');
    expect(() => maf({ eventSize: 2, hiddenUnits: [16, 8], residual: true })).toThrow(/maf: hiddenUnits must be equal widths such as \[64, 64\] with residual: true/);
    expect(() => iaf({ eventSize: 2, residual: 1 as never })).toThrow(/iaf: residual must be a boolean/);
    const flow = maf({ eventSize: 2, numLayers: 2, hiddenUnits: [8, 8], residual: true, seed: 3 });
    const conditioners = flow.bijector.members.map((b) => (b as unknown as { conditioner?: { residual?: boolean } }).conditioner);
    expect(conditioners.map((c) => c?.residual)).toEqual([true, true]);
    expect(maf({ eventSize: 2, seed: 3 }).config).not.toHaveProperty('residual');
    scramble(flow, 30, 0.3);
    const x = tf.randomNormal([8, 2], 0, 1, 'float32', 2);
    const saved = await saveFlow(flow);
    expect(saved.config?.residual).toBe(true);
    const loaded = loadFlow(JSON.parse(JSON.stringify(saved)));
    await expectAllClose(loaded.logProb(x), flow.logProb(x), { atol: 1e-5, rtol: 1e-5 });
    tf.dispose([x]);
    flow.dispose();
    loaded.dispose();
  });
});
