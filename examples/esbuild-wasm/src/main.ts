// The @densityjs/flows README example in a page: a masked autoregressive flow fitted to two moons.
// URL parameters shrink the run: ?backend=wasm&epochs=5&points=2000&layers=2&hidden=16.
import * as tf from '@tensorflow/tfjs-core';
import { twoMoons } from '@densityjs/datasets';
import { fit, maf } from '@densityjs/flows';
import { chooseBackend } from './backend.js';

const params = new URLSearchParams(location.search);
const option = (name: string, fallback: number): number => Number(params.get(name) ?? fallback);
const log = document.querySelector<HTMLPreElement>('#log')!;
const show = (line: string): void => {
  log.textContent += `${line}\n`;
};

/** The run's outcome, for scripts driving the page (the repository's browser test reads it). */
const run = {
  state: 'starting' as 'starting' | 'training' | 'done' | 'error',
  backend: '',
  note: '',
  loss: [] as number[],
  valLoss: [] as number[],
  testNll: NaN,
  error: '',
  trainingStart: 0,
  trainingEnd: 0,
};
(window as unknown as { densityjsExample: typeof run }).densityjsExample = run;

async function main(): Promise<void> {
  const { backend, note } = await chooseBackend(params.get('backend') === 'wasm' ? 'wasm' : 'webgpu');
  run.backend = backend;
  if (note) {
    run.note = note;
    show(note);
  }
  show(`backend: ${backend}`);

  const train = twoMoons(option('points', 10_000), { noise: 0.1, seed: 0 });
  const test = twoMoons(2_000, { noise: 0.1, seed: 1 });
  const x = tf.tensor2d(train.data, train.shape);
  const xTest = tf.tensor2d(test.data, test.shape);
  const hidden = option('hidden', 64);
  const flow = maf({ eventSize: 2, numLayers: option('layers', 5), hiddenUnits: [hidden, hidden], seed: 0 });

  run.state = 'training';
  run.trainingStart = performance.now();
  // fit yields to the browser every ~50 ms (yieldEvery: 'auto'), so the page stays responsive
  // on the main thread; verbose: 1 also logs one line per epoch to the console.
  await fit(flow, x, {
    epochs: option('epochs', 50),
    batchSize: 256, // fit's defaults otherwise: Adam 2e-3 after a short warmup, averaged weights
    validationData: xTest,
    patience: 10,
    seed: 0,
    verbose: 1,
    onEpochEnd: (epoch, { loss, valLoss }) => {
      run.loss.push(loss);
      run.valLoss.push(valLoss!);
      show(`epoch ${epoch + 1}: loss ${loss.toFixed(3)}, validation ${valLoss!.toFixed(3)} nats`);
    },
  });
  run.trainingEnd = performance.now();

  const nll = tf.tidy(() => tf.neg(tf.mean(flow.logProb(xTest))));
  run.testNll = (await nll.data())[0]!;
  show(`test NLL: ${run.testNll.toFixed(3)} nats per point`);
  tf.dispose([nll, x, xTest]);
  flow.dispose();
  run.state = 'done';
}

main().catch((error: unknown) => {
  run.error = error instanceof Error ? error.message : String(error);
  run.state = 'error';
  show(`error: ${run.error}`);
});
