import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { mulberry32 } from '@densityjs/core';
import { availableBackends, describeEachBackend } from '@densityjs/testing';
import { fit, maf, realNVP } from './index.js';

/**
 * A banana: x1 ~ N(0, 1), x2 = x1^2 / 2 - 1 + N(0, 0.3^2) (Box-Muller on core's mulberry32).
 * Its entropy is 1.42 + 0.22 = 1.63 nats.
 */
function banana(n: number, seed: number): tf.Tensor2D {
  const random = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const a = gauss();
    out[2 * i] = a;
    out[2 * i + 1] = 0.5 * a * a - 1 + 0.3 * gauss();
  }
  return tf.tensor2d(out, [n, 2]);
}

/**
 * Mean training loss of the first epoch (10000 points, batch 256: 40 Adam steps at 1e-3, no
 * warmup; fit's defaults before they became 2e-3 with warmup and weight averaging, pinned here
 * so the test checks the initialization alone) of a 5-layer [64, 64] flow. Measured on wasm,
 * seeds 0-9 (the same banana, flow and
 * shuffling seed s, data seed s):
 *
 *   initialization                                              maf           realNVP
 *   Glorot kernels, zero biases, output layer x 0.01 (before)   2.495-2.537   2.513-2.555
 *   PyTorch nn.Linear default, masked fan-in (now)              1.907-2.108   1.951-2.164
 *
 * The bound 2.3 sits between the two: the near-identity start could not reach it in one
 * epoch at any of the ten seeds.
 */
const FIRST_EPOCH_BOUND = 2.3;

// One backend is enough (the loss does not depend on it); wasm when present, it is the fastest.
const backend = (await availableBackends()).includes('wasm') ? 'wasm' : 'cpu';

describeEachBackend(
  'fresh flows learn in the first epoch',
  () => {
    for (const [name, build] of [['maf', maf], ['realNVP', realNVP]] as const) {
      it(`${name}(5, [64, 64]): first-epoch loss < ${FIRST_EPOCH_BOUND} at seeds 0 and 1`, async () => {
        for (const seed of [0, 1]) {
          const x = banana(10_000, seed);
          const flow = build({ eventSize: 2, numLayers: 5, hiddenUnits: [64, 64], seed });
          const { history } = await fit(flow, x, { epochs: 1, batchSize: 256, seed, learningRate: 1e-3, warmup: 0 });
          expect(history.loss[0]).toBeLessThan(FIRST_EPOCH_BOUND);
          expect(Number.isFinite(history.loss[0])).toBe(true);
          flow.dispose();
          x.dispose();
        }
      }, 120_000);
    }
  },
  { webgpu: false, only: [backend] },
);
