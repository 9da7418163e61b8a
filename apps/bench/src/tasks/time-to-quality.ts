// `pnpm bench time-to-quality`: seconds of training until the unseen-test NLL first reaches a
// target, densityjs (a preset trained by `fit` with its defaults) next to the PyTorch peer
// (peer/time_to_quality.py: the same architecture, PyTorch's default initialization, Adam 1e-3)
// on the same data, at the same thread count. The test NLL is evaluated after every epoch,
// outside the timed part, on both sides.
import * as tf from '@tensorflow/tfjs-core';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkerboard, eightGaussians, twoMoons } from '@densityjs/datasets';
import { fit, maf, neuralSplineFlow, realNVP, type Flow } from '@densityjs/flows';
import { useBackend, type BackendName } from '../backends.js';
import { PYTHON, torchVersion } from '../peer.js';
import type { Progress } from '../progress.js';
import { oneLine } from '../runner.js';
import { formatTable } from '../table.js';

const PEER_SCRIPT = fileURLToPath(new URL('../../peer/time_to_quality.py', import.meta.url));

/** Training points and unseen test points per run. */
const TRAIN_SIZE = 10_000;
const TEST_SIZE = 10_000;
const BATCH_SIZE = 256;
/** A run that has not reached its target after this many epochs is reported as not reached. */
export const MAX_EPOCHS = 100;
/** Seeds run when --seed is not given. */
export const DEFAULT_SEEDS = [0, 1, 2];

type DataName = 'twoMoons' | 'checkerboard' | 'eightGaussians';
type Model = 'maf' | 'realNVP' | 'nsf';

export interface TimeToQualityCase {
  id: string;
  model: Model;
  data: DataName;
  /** Mean NLL (nats) of the unseen test points to reach. */
  target: number;
}

/** Five layers, hidden [64, 64], on 2-D toy data; NSF is the coupling variant (8 bins on [-4, 4]). */
export const TIME_TO_QUALITY_CASES: readonly TimeToQualityCase[] = [
  { id: 'maf-moons', model: 'maf', data: 'twoMoons', target: 1.1 },
  { id: 'realnvp-moons', model: 'realNVP', data: 'twoMoons', target: 1.1 },
  { id: 'nsf-moons', model: 'nsf', data: 'twoMoons', target: 1.1 },
  { id: 'nsf-checkerboard', model: 'nsf', data: 'checkerboard', target: 3.6 },
  { id: 'nsf-eight-gaussians', model: 'nsf', data: 'eightGaussians', target: 2.95 },
];

export interface RunResult {
  /** First epoch whose test NLL is <= the target; undefined when not reached within MAX_EPOCHS. */
  epochs?: number;
  /** Training seconds up to that epoch (all epochs run when not reached). */
  seconds: number;
  testNll: number[];
  error?: string;
}

export interface TimeToQualityLine {
  task: string;
  seed: number;
  target: number;
  densityjs: RunResult;
  torch?: RunResult;
}

export interface TimeToQualityOptions {
  backend: BackendName;
  filter: string[] | undefined;
  seeds: number[];
  torchThreads: number;
  /** Run the PyTorch peer too (skipped with a note when torch cannot be imported). */
  peer: boolean;
  progress: Progress;
  maxEpochs?: number;
}

function dataset(name: DataName, n: number, seed: number): Float32Array {
  if (name === 'twoMoons') return twoMoons(n, { noise: 0.1, seed }).data;
  if (name === 'checkerboard') return checkerboard(n, { seed }).data;
  return eightGaussians(n, { seed }).data;
}

function build(model: Model, seed: number): Flow {
  const options = { eventSize: 2, numLayers: 5, hiddenUnits: [64, 64], seed };
  if (model === 'maf') return maf(options);
  if (model === 'realNVP') return realNVP(options);
  return neuralSplineFlow(options);
}

/** Mean NLL of the rows of x, one read. */
async function meanNll(flow: Flow, x: tf.Tensor2D): Promise<number> {
  const s = tf.tidy(() => tf.neg(tf.mean(flow.logProb(x))));
  const v = (await s.data())[0]!;
  s.dispose();
  return v;
}

/** densityjs: `fit` with its defaults (batch 256); the per-epoch evaluation is not timed. */
async function runDensityjs(c: TimeToQualityCase, seed: number, train: tf.Tensor2D, test: tf.Tensor2D, maxEpochs: number, progress: Progress): Promise<RunResult> {
  const flow = build(c.model, seed);
  const testNll: number[] = [];
  const controller = new AbortController();
  let evalMs = 0;
  let epochs: number | undefined;
  const t0 = performance.now();
  try {
    await fit(flow, train, {
      epochs: maxEpochs,
      batchSize: BATCH_SIZE,
      seed,
      signal: controller.signal,
      onEpochEnd: async (epoch: number) => {
        const e0 = performance.now();
        const nll = await meanNll(flow, test);
        testNll.push(nll);
        progress.update(`time-to-quality ${c.id} seed ${seed}: densityjs epoch ${epoch + 1} test NLL ${nll.toFixed(3)}`);
        if (nll <= c.target && epochs === undefined) {
          epochs = epoch + 1;
          controller.abort();
        }
        evalMs += performance.now() - e0;
      },
    });
    const seconds = (performance.now() - t0 - evalMs) / 1000;
    return { ...(epochs !== undefined ? { epochs } : {}), seconds, testNll };
  } finally {
    flow.dispose();
  }
}

/** The PyTorch peer on the same points, in a child process. */
async function runTorch(c: TimeToQualityCase, seed: number, train: Float32Array, test: Float32Array, maxEpochs: number, threads: number): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'densityjs-ttq-'));
  try {
    const file = join(dir, 'run.json');
    writeFileSync(file, JSON.stringify({ model: c.model, target: c.target, maxEpochs, seed, dim: 2, train: Array.from(train), test: Array.from(test) }));
    const child = spawn(PYTHON, [PEER_SCRIPT, '--data', file, '--threads', String(threads)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code: number = await new Promise((resolve) => child.on('close', (k) => resolve(k ?? 1)));
    if (code !== 0) return { seconds: NaN, testNll: [], error: `torch peer failed: ${err.trim().split('\n').pop() ?? `exit ${code}`}` };
    const r = JSON.parse(out) as { epochs: number | null; seconds: number; testNll: number[] };
    return { ...(r.epochs !== null ? { epochs: r.epochs } : {}), seconds: r.seconds, testNll: r.testNll };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const epochsText = (r: RunResult | undefined, max: number) =>
  !r ? '-' : r.error ? 'error' : r.epochs === undefined ? `>${max} (best ${Math.min(...r.testNll).toFixed(3)})` : String(r.epochs);
const secondsText = (r: RunResult | undefined) => (!r || r.error || r.epochs === undefined ? '-' : r.seconds.toFixed(2));

export async function runTimeToQuality(o: TimeToQualityOptions): Promise<TimeToQualityLine[]> {
  const reason = await useBackend(o.backend);
  if (reason) throw new Error(`time-to-quality: backend ${o.backend} unavailable: ${reason}`);
  const maxEpochs = o.maxEpochs ?? MAX_EPOCHS;
  const cases = o.filter ? TIME_TO_QUALITY_CASES.filter((c) => o.filter!.some((f) => c.id.startsWith(f))) : [...TIME_TO_QUALITY_CASES];
  if (cases.length === 0) throw new Error(`--task: no time-to-quality task matches '${o.filter!.join(',')}'; tasks: ${TIME_TO_QUALITY_CASES.map((c) => c.id).join(', ')}`);
  const torch = o.peer ? torchVersion() : undefined;
  console.log(
    `time-to-quality on ${o.backend}, seeds ${o.seeds.join(', ')}: ${cases.map((c) => c.id).join(', ')}; ` +
      (torch ? `torch ${torch} at ${o.torchThreads} thread${o.torchThreads === 1 ? '' : 's'}` : o.peer ? 'torch peer skipped (/usr/bin/python3 cannot import torch)' : 'no peer (add --peer torch)'),
  );
  const lines: TimeToQualityLine[] = [];
  for (const c of cases) {
    for (const seed of o.seeds) {
      const train = dataset(c.data, TRAIN_SIZE, seed);
      const test = dataset(c.data, TEST_SIZE, seed + 10_000);
      const xs = tf.tensor2d(train, [TRAIN_SIZE, 2]);
      const xt = tf.tensor2d(test, [TEST_SIZE, 2]);
      let ours: RunResult;
      try {
        ours = await runDensityjs(c, seed, xs, xt, maxEpochs, o.progress);
      } catch (error) {
        ours = { seconds: NaN, testNll: [], error: oneLine(error) };
      } finally {
        tf.dispose([xs, xt]);
      }
      let peer: RunResult | undefined;
      if (torch) {
        o.progress.update(`time-to-quality ${c.id} seed ${seed}: torch`);
        peer = await runTorch(c, seed, train, test, maxEpochs, o.torchThreads);
      }
      o.progress.done();
      lines.push({ task: c.id, seed, target: c.target, densityjs: ours, ...(peer ? { torch: peer } : {}) });
    }
  }
  const rows = lines.map((l) => {
    const ratio = l.torch && l.densityjs.epochs !== undefined && l.torch.epochs !== undefined ? (l.densityjs.seconds / l.torch.seconds).toFixed(2) : '-';
    const fewer = l.torch?.epochs === undefined ? (l.densityjs.epochs !== undefined ? 'yes' : '-') : l.densityjs.epochs !== undefined && l.densityjs.epochs <= l.torch.epochs ? 'yes' : 'no';
    return [l.task, String(l.seed), l.target.toFixed(2), epochsText(l.densityjs, maxEpochs), secondsText(l.densityjs), epochsText(l.torch, maxEpochs), secondsText(l.torch), ratio, l.torch ? fewer : '-'];
  });
  console.log('');
  console.log(
    formatTable(
      [
        { header: 'task' },
        { header: 'seed', align: 'right' },
        { header: 'target NLL', align: 'right' },
        { header: `densityjs epochs`, align: 'right' },
        { header: `densityjs s (${o.backend})`, align: 'right' },
        { header: 'torch epochs', align: 'right' },
        { header: `torch s (${o.torchThreads} thr)`, align: 'right' },
        { header: 'seconds ratio', align: 'right' },
        { header: 'epochs <= torch', align: 'right' },
      ],
      rows,
    ),
  );
  for (const l of lines) {
    for (const [who, r] of [['densityjs', l.densityjs], ['torch', l.torch]] as const) {
      if (r?.error) console.log(`  ${l.task} seed ${l.seed} ${who}: ${r.error}`);
    }
  }
  return lines;
}
