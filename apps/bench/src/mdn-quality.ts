// The MDN tutorial's experiment at full strength: Bishop's inverse problem (t from s = 7 sin(0.75 t) +
// 0.5 t + N(0, 1), t ~ U(-10.5, 10.5)), 1000 training points, an MDN with 20 tanh hidden units
// and 5 components trained by Adam; test NLL on 5000 fresh points (target <= 1.40 nats; the
// seed's PyTorch recipe reaches ~1.46, the true conditional density ~1.29). Beside it, a plain
// MSE network (same 20 tanh units) scored as a Gaussian with its residual variance: a single
// mode cannot describe the branches (expected >= 2.7 nats).
//
//   pnpm --filter @densityjs/bench exec tsx src/mdn-quality.ts [backend] [epochs] [seeds] [learningRate] [fineTuneEpochs] [firstSeed]
//
// `runMdnQuality` is the MDN check of `pnpm bench quality`.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { MDN } from '@densityjs/mdn';
import { inverseSine } from '@densityjs/datasets';

/** Bishop's inverse problem: inputs s, targets t (the multi-valued direction). */
function inverseSineData(n: number, seed: number): { x: Float32Array; y: Float32Array } {
  const d = inverseSine(n, { inverse: true, seed });
  return { x: d.x, y: d.y };
}

export interface MdnQualityOptions {
  backend?: string;
  /**
   * Epochs at `learningRate` (default 2000 at 1e-2; the first `screenEpochs` of them run once per
   * restart), then `fineTuneEpochs` at a tenth of it.
   */
  epochs?: number;
  learningRate?: number;
  /** Default 1000. */
  fineTuneEpochs?: number;
  /** Seeds the data, the weights and the shuffling. */
  seed?: number;
  /** MSE baseline epochs. */
  mseEpochs?: number;
  /**
   * Scale floor of the MDN in standardized units (default 0.03, i.e. 0.03 x the standard
   * deviation of t ~ 0.18; the narrowest true branch is ~1 / max|ds/dt| ~ 0.17 wide). Chosen on
   * a separate validation draw (never the test set): vs the library default 1e-3 it lowered the
   * validation NLL by 0.012-0.015 nats on seeds 0 and 3, by keeping components from narrowing
   * onto small clusters of training points.
   */
  minScale?: number;
  /**
   * Random restarts (default 3): that many initializations (weight seeds seed, seed + 1000, ...)
   * each train `screenEpochs` epochs; the one with the lowest *training* NLL (min over its last
   * 100 epochs) continues. Some initializations land in a poor basin (seed 4 alone: 1.68 nats
   * test NLL, where the others reach 1.33-1.38); the training loss shows it, no held-out data
   * is needed to pick.
   */
  restarts?: number;
  /** Default 1000 (capped at `epochs`). */
  screenEpochs?: number;
}

export interface MdnQualityResult {
  backend: string;
  seed: number;
  epochs: number;
  /** Mean -log p(t | s) of the MDN on 5000 fresh points, nats. */
  mdnTestNll: number;
  /** Same for the MSE network scored as N(f(s), residual variance). */
  mseGaussianTestNll: number;
  trainSeconds: number;
  msPerEpoch: number;
}

/** Test NLL of a 1-20-tanh-1 network trained by MSE, scored as a homoscedastic Gaussian. */
async function mseBaseline(
  train: { x: Float32Array; y: Float32Array },
  test: { x: Float32Array; y: Float32Array },
  epochs: number,
  seed: number,
): Promise<number> {
  const n = train.x.length;
  // Standardized input (as the MDN does), so the baseline is not handicapped by scaling.
  const mean = train.x.reduce((a, v) => a + v, 0) / n;
  const std = Math.sqrt(train.x.reduce((a, v) => a + (v - mean) ** 2, 0) / n);
  const x = tf.tensor2d(train.x.map((v) => (v - mean) / std), [n, 1]);
  const y = tf.tensor2d(train.y, [n, 1]);
  const xt = tf.tensor2d(test.x.map((v) => (v - mean) / std), [test.x.length, 1]);
  const yt = tf.tensor2d(test.y, [test.y.length, 1]);
  const w1 = tf.variable(tf.randomUniform([1, 20], -1, 1, 'float32', seed));
  const b1 = tf.variable(tf.zeros([20]));
  const w2 = tf.variable(tf.randomUniform([20, 1], -0.5, 0.5, 'float32', seed + 1));
  const b2 = tf.variable(tf.zeros([1]));
  const f = (input: tf.Tensor2D) => tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(input, w1), b1)), w2), b2);
  const optimizer = tf.train.adam(1e-2);
  for (let e = 0; e < epochs; e++) {
    optimizer.minimize(() => tf.mean(tf.square(tf.sub(f(x), y))) as tf.Scalar, false);
  }
  const nll = tf.tidy(() => {
    const variance = tf.mean(tf.square(tf.sub(f(x), y))); // residual variance on the training set
    const r2 = tf.square(tf.sub(f(xt), yt));
    return tf.mean(tf.add(tf.mul(0.5, tf.log(tf.mul(2 * Math.PI, variance))), tf.div(r2, tf.mul(2, variance))));
  });
  const value = (await nll.data())[0]!;
  tf.dispose([x, y, xt, yt, w1, b1, w2, b2, nll]);
  optimizer.dispose();
  return value;
}

export async function runMdnQuality(opts: MdnQualityOptions = {}): Promise<MdnQualityResult> {
  const backend = opts.backend ?? 'wasm';
  const epochs = opts.epochs ?? 2000;
  const fineTune = opts.fineTuneEpochs ?? 1000;
  const learningRate = opts.learningRate ?? 1e-2;
  const seed = opts.seed ?? 0;
  const minScale = opts.minScale ?? 0.03;
  await tf.setBackend(backend);
  await tf.ready();
  const train = inverseSineData(1000, 1000 + seed);
  const test = inverseSineData(5000, 2000 + seed);
  const x = tf.tensor2d(train.x, [1000, 1]);
  const y = tf.tensor2d(train.y, [1000, 1]);
  const xt = tf.tensor2d(test.x, [5000, 1]);
  const yt = tf.tensor2d(test.y, [5000, 1]);
  const restarts = Math.max(1, opts.restarts ?? 3);
  const screen = Math.min(epochs, opts.screenEpochs ?? 1000);
  const t0 = performance.now();
  // Full batch, Adam. Screen the restarts, keep the best by training loss, continue it at lr,
  // then lr / 10 to settle into the minimum (a step schedule).
  let mdn: MDN | undefined;
  let bestScore = Infinity;
  for (let k = 0; k < restarts; k++) {
    const candidate = new MDN({ inputSize: 1, outputSize: 1, numComponents: 5, hiddenUnits: 20, activation: 'tanh', seed: seed + 1000 * k, minScale });
    const { history } = await candidate.fit(x, y, { epochs: screen, batchSize: 1000, learningRate, seed });
    const score = Math.min(...history.loss.slice(-100));
    if (score < bestScore) {
      mdn?.dispose();
      mdn = candidate;
      bestScore = score;
    } else {
      candidate.dispose();
    }
  }
  if (epochs > screen) await mdn!.fit(x, y, { epochs: epochs - screen, batchSize: 1000, learningRate, seed: seed + 2 });
  if (fineTune > 0) await mdn!.fit(x, y, { epochs: fineTune, batchSize: 1000, learningRate: learningRate / 10, seed: seed + 1 });
  const trainMs = performance.now() - t0;
  const nll = mdn!.loss(xt, yt);
  const mdnTestNll = (await nll.data())[0]!;
  tf.dispose([x, y, xt, yt, nll]);
  mdn!.dispose();
  const mseGaussianTestNll = await mseBaseline(train, test, opts.mseEpochs ?? 3000, seed);
  const total = restarts * screen + (epochs - screen) + fineTune;
  return { backend, seed, epochs: total, mdnTestNll, mseGaussianTestNll, trainSeconds: trainMs / 1000, msPerEpoch: trainMs / total };
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const backend = process.argv[2] ?? 'wasm';
  const epochs = Number(process.argv[3] ?? 2000);
  const seeds = Number(process.argv[4] ?? 1);
  const learningRate = Number(process.argv[5] ?? 1e-2);
  const fineTuneEpochs = Number(process.argv[6] ?? 1000);
  const firstSeed = Number(process.argv[7] ?? 0);
  const rows: MdnQualityResult[] = [];
  for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
    const r = await runMdnQuality({ backend, epochs, seed, learningRate, fineTuneEpochs });
    console.log(`seed ${seed}: MDN test NLL ${r.mdnTestNll.toFixed(4)}, MSE-as-Gaussian ${r.mseGaussianTestNll.toFixed(4)}`);
    rows.push(r);
  }
  console.table(
    rows.map((r) => ({
      backend: r.backend,
      seed: r.seed,
      epochs: r.epochs,
      'MDN test NLL': r.mdnTestNll.toFixed(4),
      'MSE-as-Gaussian test NLL': r.mseGaussianTestNll.toFixed(4),
      'train s': r.trainSeconds.toFixed(1),
      'ms/epoch': r.msPerEpoch.toFixed(2),
    })),
  );
  const mean = rows.reduce((a, r) => a + r.mdnTestNll, 0) / rows.length;
  console.log(`mean MDN test NLL over ${rows.length} seed(s): ${mean.toFixed(4)}`);
}
