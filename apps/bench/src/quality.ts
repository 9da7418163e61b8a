// `pnpm bench quality`: the fit targets of the flows and the MDN, each number printed next to
// its target with PASS/FAIL. The training recipes (epochs, learning rates) are in recipes.ts.
// `--quick` runs the same pipeline with a fraction of the epochs: a smoke test of the pipeline,
// not of the targets.
import * as tf from '@tensorflow/tfjs-core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkerboard, eightGaussians, inverseSine, siggraph, twoMoons } from '@densityjs/datasets';
import { distill, fit, fitVariational, iaf, maf, naf, neuralSplineFlow, nice, realNVP, type Flow } from '@densityjs/flows';
import type { BackendName } from './backends.js';
import { useBackend } from './backends.js';
import { scatterPng } from './png.js';
import { trainingProgress, type Progress } from './progress.js';
import { distillRecipe, recipes, type FlowRecipe } from './recipes.js';
import { runMdnQuality } from './mdn-quality.js';
import { oneLine } from './runner.js';

export interface QualityOptions {
  backend: BackendName;
  quick: boolean;
  filter: string[] | undefined;
  progress: Progress;
  seed?: number;
}

export interface QualityLine {
  check: string;
  metric: string;
  value: number | undefined;
  target: string;
  pass: boolean | undefined;
  seconds: number;
  detail?: string;
}

interface Ctx {
  quick: boolean;
  seed: number;
  progress: Progress;
  /** Scales epochs/steps: 1 in full runs, small in quick runs. */
  epochs(full: number, quick: number): number;
}

interface Check {
  id: string;
  title: string;
  run(ctx: Ctx): Promise<Omit<QualityLine, 'check' | 'seconds'>[]>;
}

const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));
const FIGURES_DIR = fileURLToPath(new URL('../figures/', import.meta.url));

interface Dataset {
  data: Float32Array;
  shape: [number, number];
  labels?: Int32Array;
}

const toTensor = (d: Dataset): tf.Tensor2D => tf.tensor2d(d.data, d.shape);
const labelsOf = (d: Dataset): tf.Tensor2D =>
  tf.tensor2d(Float32Array.from(d.labels ?? []), [d.shape[0], 1]);

/** Mean negative log-likelihood of the rows of `x` under `dist`, in chunks (one read each). */
async function meanNll(dist: Flow, x: tf.Tensor2D, context?: tf.Tensor2D): Promise<number> {
  const n = x.shape[0];
  let sum = 0;
  for (let start = 0; start < n; start += 5000) {
    const size = Math.min(5000, n - start);
    const s = tf.tidy(() => {
      const xs = tf.slice(x, [start, 0], [size, -1]);
      const cs = context ? tf.slice(context, [start, 0], [size, -1]) : undefined;
      return tf.sum(tf.neg(cs ? dist.logProb(xs, { context: cs }) : dist.logProb(xs)));
    });
    sum += (await s.data())[0]!;
    s.dispose();
  }
  return sum / n;
}

/** The check's recipe from recipes.ts, or `fallback` for checks without one. */
function recipe(id: string, fallback: FlowRecipe): FlowRecipe & { source: string } {
  const r = recipes[id];
  return r ? { ...fallback, ...r, source: 'recipes.ts' } : { ...fallback, source: 'bench default' };
}

const PRESETS = { maf, iaf, realNVP, nice, neuralSplineFlow, naf } as const;

async function trainFlow(
  ctx: Ctx,
  label: string,
  r: FlowRecipe,
  eventSize: number,
  train: tf.Tensor2D,
  val: tf.Tensor2D,
  extra: { context?: tf.Tensor2D; validationContext?: tf.Tensor2D; contextSize?: number } = {},
): Promise<{ flow: Flow; epochs: number; seconds: number }> {
  const make = PRESETS[r.preset] as unknown as (opts: Record<string, unknown>) => Flow;
  const flow = make({ eventSize, ...r.options, ...(extra.contextSize ? { contextSize: extra.contextSize } : {}), seed: ctx.seed });
  const epochs = ctx.epochs(...r.epochs);
  const t0 = performance.now();
  const result = await fit(flow, train, {
    epochs,
    batchSize: r.batchSize,
    learningRate: r.learningRate,
    ...(r.finalLearningRate !== undefined ? { finalLearningRate: r.finalLearningRate } : {}),
    validationData: val,
    ...(r.patience ? { patience: r.patience } : {}),
    ...(extra.context ? { context: extra.context, validationContext: extra.validationContext } : {}),
    seed: ctx.seed,
    ...trainingProgress(ctx.progress, `quality ${label}`, epochs),
  });
  flow.training = false;
  return { flow, epochs: result.history.loss.length, seconds: (performance.now() - t0) / 1000 };
}

function line(metric: string, value: number | undefined, op: '<=' | '>=' | '<', limit: number, detail?: string) {
  const pass = value === undefined || !Number.isFinite(value) ? false : op === '<=' ? value <= limit : op === '>=' ? value >= limit : value < limit;
  return { metric, value, target: `${op} ${Number.isInteger(limit * 100) ? limit : limit.toFixed(3)}`, pass, ...(detail ? { detail } : {}) };
}

function twoMoonsSplits(seed: number) {
  return {
    train: twoMoons(10_000, { noise: 0.1, seed }) as Dataset,
    val: twoMoons(2_000, { noise: 0.1, seed: seed + 1 }) as Dataset,
    test: twoMoons(10_000, { noise: 0.1, seed: seed + 2 }) as Dataset,
  };
}

function flowCheck(id: string, title: string, preset: FlowRecipe['preset'], limit: number, data: 'moons' | 'checkerboard' | 'eightGaussians', defaults: Partial<FlowRecipe> = {}): Check {
  return {
    id,
    title,
    async run(ctx) {
      let splits: { train: Dataset; val: Dataset; test: Dataset };
      if (data === 'moons') splits = twoMoonsSplits(ctx.seed);
      else {
        const gen = { checkerboard, eightGaussians }[data];
        splits = {
          train: gen(10_000, { seed: ctx.seed }),
          val: gen(2_000, { seed: ctx.seed + 1 }),
          test: gen(10_000, { seed: ctx.seed + 2 }),
        };
      }
      const r = recipe(id, {
        preset,
        options: { numLayers: 5, hiddenUnits: [64, 64] },
        epochs: [150, 4],
        batchSize: 256,
        learningRate: 1e-3,
        patience: 20,
        ...defaults,
      });
      const [train, val, test] = [toTensor(splits.train), toTensor(splits.val), toTensor(splits.test)];
      try {
        const { flow, epochs, seconds } = await trainFlow(ctx, id, r, 2, train, val);
        const nll = await meanNll(flow, test);
        flow.dispose?.();
        return [line(`${title} test NLL (nats)`, nll, '<=', limit, `${r.preset} ${JSON.stringify(r.options)}, ${epochs} epochs, lr ${r.learningRate}, batch ${r.batchSize}, train ${seconds.toFixed(0)} s (${r.source})`)];
      } finally {
        tf.dispose([train, val, test]);
      }
    },
  };
}

/**
 * A conditional flow p(t | s) on the MDN check's inverse sine problem: the same draws as
 * `runMdnQuality` (1000 training points from seed 1000 + seed, 5000 test points from 2000 +
 * seed), no other data (no validation set: the MDN has none either), s and t standardized with
 * the training statistics (the MDN standardizes internally). Returns the test NLL of the
 * original t (the standardized one plus log sd(t)).
 */
async function inverseSineFlow(ctx: Ctx, seed: number): Promise<{ nll: number; epochs: number; seconds: number; r: FlowRecipe & { source: string } }> {
  const train = inverseSine(1000, { inverse: true, seed: 1000 + seed });
  const test = inverseSine(5000, { inverse: true, seed: 2000 + seed });
  const stats = (a: Float32Array): [number, number] => {
    const m = a.reduce((p, v) => p + v, 0) / a.length;
    return [m, Math.sqrt(a.reduce((p, v) => p + (v - m) ** 2, 0) / a.length)];
  };
  const [ms, ss] = stats(train.x);
  const [mt, st] = stats(train.y);
  const column = (a: Float32Array, m: number, s: number): tf.Tensor2D => tf.tensor2d(a.map((v) => (v - m) / s), [a.length, 1]);
  const [s, t, sTest, tTest] = [column(train.x, ms, ss), column(train.y, mt, st), column(test.x, ms, ss), column(test.y, mt, st)];
  const r = recipe('inverse-sine-flow', {
    preset: 'naf',
    options: { numLayers: 1, hiddenUnits: [64, 64], hiddenSigmoids: 8 },
    epochs: [300, 10],
    batchSize: 100,
    learningRate: 3e-3,
    finalLearningRate: 1e-4,
  });
  const make = PRESETS[r.preset] as unknown as (opts: Record<string, unknown>) => Flow;
  const flow = make({ eventSize: 1, contextSize: 1, ...r.options, seed: ctx.seed });
  try {
    const epochs = ctx.epochs(...r.epochs);
    const t0 = performance.now();
    const result = await fit(flow, t, {
      context: s,
      epochs,
      batchSize: r.batchSize,
      learningRate: r.learningRate,
      ...(r.finalLearningRate !== undefined ? { finalLearningRate: r.finalLearningRate } : {}),
      seed: ctx.seed,
      onEpochEnd: (e: number, logs: { loss: number }) => ctx.progress.update(`quality inverse-sine flow: epoch ${e + 1}/${epochs} loss ${logs.loss.toFixed(3)}`),
    });
    const seconds = (performance.now() - t0) / 1000;
    flow.training = false;
    const nll = (await meanNll(flow, tTest, sTest)) + Math.log(st);
    return { nll, epochs: result.history.loss.length, seconds, r };
  } finally {
    flow.dispose();
    tf.dispose([s, t, sTest, tTest]);
  }
}

/** The banana: x1 ~ N(0, 1.5^2), x2 | x1 ~ N(0.5 (x1^2 - 1.5^2), 1); log Z = log(2 pi 1.5). */
function bananaLogDensity(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [x1, x2] = tf.unstack(x, -1) as [tf.Tensor, tf.Tensor];
    const bend = tf.sub(x2, tf.mul(tf.sub(tf.square(x1), 2.25), 0.5));
    return tf.mul(tf.add(tf.div(tf.square(x1), 2.25), tf.square(bend)), -0.5);
  });
}

/**
 * Neal's funnel in D dims: v ~ N(0, 3^2), x_i | v ~ N(0, e^v) (i < D); unnormalized
 * log p~ = -v^2 / 18 - sum x_i^2 e^-v / 2 - (D - 1) v / 2, log Z = log 3 + D log(2 pi) / 2.
 */
function funnelLogDensity(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const d = x.shape[x.rank - 1]!;
    const [v, rest] = tf.split(x, [1, d - 1], -1) as [tf.Tensor, tf.Tensor];
    const vv = tf.squeeze(v, [-1]);
    const spread = tf.mul(tf.sum(tf.square(rest), -1), tf.exp(tf.neg(vv)));
    return tf.sub(tf.mul(tf.add(tf.div(tf.square(vv), 9), spread), -0.5), tf.mul(vv, 0.5 * (d - 1)));
  });
}

/** Standard normal quantiles at 5%, 25%, 50%, 75% and 95%. */
const NORMAL_QUANTILES: [number, number][] = [[0.05, -1.6448536], [0.25, -0.6744898], [0.5, 0], [0.75, 0.6744898], [0.95, 1.6448536]];

/** Largest |sample quantile - true quantile| / sd of the first coordinate, whose law is N(0, sd^2). */
async function firstCoordinateQuantileError(flow: Flow, sd: number, seed: number): Promise<number> {
  const s = flow.sample(20_000, { seed });
  const first = tf.tidy(() => tf.squeeze(tf.slice(s, [0, 0], [-1, 1]), [1]));
  const values = Float64Array.from(await first.data()).sort();
  tf.dispose([s, first]);
  return Math.max(...NORMAL_QUANTILES.map(([p, z]) => Math.abs(values[Math.floor(p * (values.length - 1))]! - z * sd) / sd));
}

function viCheck(id: string, title: string, eventSize: number, target: (x: tf.Tensor) => tf.Tensor, logZ: number, tolerance: number, firstSd: number): Check {
  return {
    id,
    title,
    async run(ctx) {
      const flow = iaf({ eventSize, numLayers: 5, hiddenUnits: [64, 64], seed: ctx.seed });
      const steps = ctx.epochs(4000, 100);
      const t0 = performance.now();
      const res = await fitVariational(flow, target, {
        steps,
        samples: 256,
        learningRate: 1e-3,
        seed: ctx.seed,
        logZSamples: 100_000,
        onReport: (k, { elbo }) => ctx.progress.update(`quality ${id}: step ${(k + 1) * 50}/${steps} ELBO ${elbo.toFixed(3)}`),
      });
      const seconds = (performance.now() - t0) / 1000;
      const quantileError = await firstCoordinateQuantileError(flow, firstSd, ctx.seed + 1);
      flow.dispose();
      const elbo = res.history.elbo.at(-1)!;
      return [
        line(`|log Z estimate - true log Z| (nats)`, Math.abs(res.logZ - logZ), '<=', tolerance, `estimate ${res.logZ.toFixed(3)} ± ${res.logZStandardError.toFixed(3)}, true ${logZ.toFixed(3)}, final ELBO ${elbo.toFixed(3)}; iaf(5, [64,64]), ${steps} steps x 256 samples in ${seconds.toFixed(0)} s`),
        line('max |quantile error| / sd of the first coordinate (5%..95%, 20k samples)', quantileError, '<=', 0.1, `its law: N(0, ${firstSd}^2)`),
      ];
    },
  };
}

const CHECKS: Check[] = [
  flowCheck('moons-maf', 'two moons MAF(5, [64,64])', 'maf', 1.1, 'moons'),
  viCheck('vi-banana', 'variational inference: 2-D banana', 2, bananaLogDensity, Math.log(2 * Math.PI * 1.5), 0.05, 1.5),
  viCheck('vi-funnel', "variational inference: Neal's funnel, 10-D", 10, funnelLogDensity, Math.log(3) + 5 * Math.log(2 * Math.PI), 0.2, 3),
  flowCheck('moons-realnvp', 'two moons RealNVP(5, [64,64])', 'realNVP', 1.15, 'moons'),
  // Spline steps cost ~3.5x an affine one (kernel count): larger batches, fewer steps.
  flowCheck('moons-nsf', 'two moons NSF(5, [64,64])', 'neuralSplineFlow', 1.05, 'moons', { epochs: [80, 3], batchSize: 512, learningRate: 2e-3 }),
  flowCheck('checkerboard', 'checkerboard NSF(5, [64,64])', 'neuralSplineFlow', 3.6, 'checkerboard', { epochs: [80, 3], batchSize: 512, learningRate: 2e-3 }),
  flowCheck('eight-gaussians', 'eight Gaussians NSF(5, [64,64])', 'neuralSplineFlow', 2.95, 'eightGaussians', { epochs: [80, 3], batchSize: 512, learningRate: 2e-3 }),
  // Neural autoregressive flows (deep sigmoidal transformers): recipes in recipes.ts.
  flowCheck('moons-naf', 'two moons NAF', 'naf', 1.03, 'moons'),
  flowCheck('checkerboard-naf', 'checkerboard NAF', 'naf', 3.55, 'checkerboard'),
  flowCheck('eight-gaussians-naf', 'eight Gaussians NAF', 'naf', 2.9, 'eightGaussians'),
  {
    id: 'conditional-maf',
    title: 'conditional MAF (moon label as context) vs unconditional',
    async run(ctx) {
      const s = twoMoonsSplits(ctx.seed);
      const [train, val, test] = [toTensor(s.train), toTensor(s.val), toTensor(s.test)];
      const [ctrain, cval, ctest] = [labelsOf(s.train), labelsOf(s.val), labelsOf(s.test)];
      try {
        const base: FlowRecipe = { preset: 'maf', options: { numLayers: 5, hiddenUnits: [64, 64] }, epochs: [100, 3], batchSize: 256, learningRate: 1e-3, patience: 20 };
        const r = recipe('conditional-maf', base);
        const u = await trainFlow(ctx, 'unconditional', r, 2, train, val);
        const nllU = await meanNll(u.flow, test);
        u.flow.dispose?.();
        const c = await trainFlow(ctx, 'conditional', r, 2, train, val, { context: ctrain, validationContext: cval, contextSize: 1 });
        const nllC = await meanNll(c.flow, test, ctest);
        c.flow.dispose?.();
        return [
          line('conditional MAF test NLL p(x | label) (nats)', nllC, '<', nllU, `unconditional ${nllU.toFixed(3)}; ${c.epochs} / ${u.epochs} epochs`),
        ];
      } finally {
        tf.dispose([train, val, test, ctrain, cval, ctest]);
      }
    },
  },
  {
    id: 'distill',
    title: 'distillation: student IAF from a teacher MAF (8-D)',
    async run(ctx) {
      // 8-D data: four independent two-moons pairs (each pair a different seed).
      const eight = (n: number, seed: number): tf.Tensor2D => {
        const parts = [0, 1, 2, 3].map((k) => tf.tensor2d((twoMoons(n, { noise: 0.1, seed: seed * 10 + k }) as Dataset).data, [n, 2]));
        const out = tf.concat(parts, 1) as tf.Tensor2D;
        tf.dispose(parts);
        return out;
      };
      const train = eight(10_000, ctx.seed);
      const val = eight(2_000, ctx.seed + 1);
      const r = recipe('distill-teacher', { preset: 'maf', options: { numLayers: 5, hiddenUnits: [64, 64] }, epochs: [40, 2], batchSize: 256, learningRate: 1e-3, patience: 10 });
      const teacher = (await trainFlow(ctx, 'distill teacher', r, 8, train, val)).flow;
      const dr = distillRecipe;
      const student = iaf({ eventSize: 8, ...dr.student, seed: ctx.seed + 7 });
      const steps = ctx.epochs(...dr.steps);
      const t0 = performance.now();
      const res = await distill({
        teacher,
        student,
        steps,
        batchSize: dr.batchSize,
        learningRate: dr.learningRate,
        finalLearningRate: dr.finalLearningRate,
        // --quick: distill's default warm-up (0.4 x the few steps), not the full recipe's 800.
        ...(ctx.quick ? {} : { warmup: dr.warmup }),
        seed: ctx.seed,
        onStep: (k: number, logs: { kl: number }) => {
          if (k % 20 === 0) ctx.progress.update(`quality distill: step ${k + 1}/${steps} KL ${logs.kl.toFixed(3)}`);
        },
      });
      const distillSeconds = (performance.now() - t0) / 1000;
      student.training = false;
      const n = 10_000;
      const fromTeacher = teacher.sample(n, { seed: ctx.seed + 11 }) as tf.Tensor2D;
      const fromStudent = student.sample(n, { seed: ctx.seed + 12 }) as tf.Tensor2D;
      const nllTeacher = await meanNll(teacher, fromTeacher);
      const nllStudent = await meanNll(teacher, fromStudent);
      tf.dispose([fromTeacher, fromStudent]);
      // Sampling speed: median of 5 timed draws of 1000 samples each (after one warm-up).
      const timeSample = async (flow: Flow) => {
        const ms: number[] = [];
        for (let i = 0; i < 6; i++) {
          const s = performance.now();
          const t = flow.sample(1000, { seed: i }) as tf.Tensor;
          await t.data();
          t.dispose();
          if (i > 0) ms.push(performance.now() - s);
        }
        return ms.sort((a, b) => a - b)[2]!;
      };
      const teacherMs = await timeSample(teacher);
      const studentMs = await timeSample(student);
      const lastKl = res.history.kl.slice(-50);
      const kl = lastKl.reduce((a: number, b: number) => a + b, 0) / Math.max(1, lastKl.length);
      teacher.dispose?.();
      student.dispose?.();
      tf.dispose([train, val]);
      return [
        line('teacher NLL of student samples minus of teacher samples (nats)', nllStudent - nllTeacher, '<=', 0.1, `teacher samples ${nllTeacher.toFixed(3)}, student samples ${nllStudent.toFixed(3)}; ${steps} distill steps in ${distillSeconds.toFixed(0)} s, final KL ~ ${kl.toFixed(3)}`),
        line('sampling speed-up student IAF vs teacher MAF (x, 1000 samples)', teacherMs / studentMs, '>=', 5, `teacher ${teacherMs.toFixed(1)} ms, student ${studentMs.toFixed(1)} ms`),
      ];
    },
  },
  {
    id: 'mdn',
    title: 'MDN on the inverse sine problem (1000 train, 5000 test)',
    async run(ctx) {
      const epochs = ctx.epochs(3000, 300);
      ctx.progress.update(`quality mdn: mdn-quality.ts recipe, ${epochs} epochs`);
      const r = await runMdnQuality({ backend: tf.getBackend(), epochs, seed: 0, mseEpochs: ctx.epochs(3000, 300) });
      const f = await inverseSineFlow(ctx, 0);
      return [
        line('MDN test NLL (nats)', r.mdnTestNll, '<=', 1.4, `mdn-quality.ts recipe: ${r.epochs} full-batch epochs in ${r.trainSeconds.toFixed(0)} s (${r.msPerEpoch.toFixed(2)} ms/epoch)`),
        line('MSE network scored as a Gaussian, test NLL (nats)', r.mseGaussianTestNll, '>=', 2.7, '1-20 tanh-1 trained on MSE, scored as N(f(x), residual variance)'),
        line(
          'conditional flow p(t | s) vs the MDN, same 1000 train / 5000 test points: test NLL (nats)',
          f.nll,
          '<=',
          1.4,
          `flow ${f.nll.toFixed(3)} vs MDN ${r.mdnTestNll.toFixed(3)}; ${f.r.preset} ${JSON.stringify(f.r.options)} with contextSize 1 on standardized s and t, ${f.epochs} epochs, batch ${f.r.batchSize}, lr ${f.r.learningRate}${f.r.finalLearningRate !== undefined ? ` -> ${f.r.finalLearningRate} (cosine)` : ''}, train ${f.seconds.toFixed(0)} s (${f.r.source})`,
        ),
      ];
    },
  },
  {
    id: 'siggraph',
    title: 'SIGGRAPH figure: samples of a MAF with spline transformers',
    async run(ctx) {
      const train = siggraph(20_000, { seed: ctx.seed }) as Dataset;
      const valD = siggraph(4_000, { seed: ctx.seed + 1 }) as Dataset;
      const test = siggraph(10_000, { seed: ctx.seed + 2 }) as Dataset;
      const r = recipe('siggraph', { preset: 'maf', options: { numLayers: 8, hiddenUnits: [128, 128] }, epochs: [40, 2], batchSize: 256, learningRate: 1e-3, patience: 10 });
      // The word is ~8 wide and 1.2 tall: a flow from N(0, I) learns it far better on per-axis
      // standardized data (training-set mean and std). Samples are mapped back for the figure;
      // the NLL of the original data is the standardized one plus sum(log std) (the Jacobian).
      const mean = [0, 0];
      const std = [1, 1];
      if (r.standardize) {
        const n = train.shape[0];
        for (let d = 0; d < 2; d++) {
          let s = 0;
          let s2 = 0;
          for (let i = 0; i < n; i++) {
            const v = train.data[2 * i + d]!;
            s += v;
            s2 += v * v;
          }
          mean[d] = s / n;
          std[d] = Math.sqrt(Math.max(s2 / n - (s / n) ** 2, 1e-12));
        }
      }
      const scaled = (d: Dataset): tf.Tensor2D =>
        tf.tensor2d(d.data.map((v, i) => (v - mean[i % 2]!) / std[i % 2]!), d.shape);
      const [x, val, xt] = [scaled(train), scaled(valD), scaled(test)];
      const { flow, epochs, seconds } = await trainFlow(ctx, 'siggraph', r, 2, x, val);
      const nll = (await meanNll(flow, xt)) + Math.log(std[0]!) + Math.log(std[1]!);
      const samples = flow.sample(20_000, { seed: ctx.seed + 3 }) as tf.Tensor;
      const pts = ((await samples.data()) as Float32Array).map((v, i) => v * std[i % 2]! + mean[i % 2]!);
      samples.dispose();
      flow.dispose?.();
      tf.dispose([x, val, xt]);
      let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
      for (let i = 0; i < train.data.length; i += 2) {
        x0 = Math.min(x0, train.data[i]!); x1 = Math.max(x1, train.data[i]!);
        y0 = Math.min(y0, train.data[i + 1]!); y1 = Math.max(y1, train.data[i + 1]!);
      }
      const mx = 0.05 * (x1 - x0), my = 0.15 * (y1 - y0);
      const box = { x0: x0 - mx, x1: x1 + mx, y0: y0 - my, y1: y1 + my };
      // One panel above the other, the aspect ratio of the data kept.
      const width = 960;
      const height = Math.max(60, Math.round((width * (box.y1 - box.y0)) / (box.x1 - box.x0)));
      const png = scatterPng([train.data, pts], box, { width, height, stack: 'vertical' });
      mkdirSync(RESULTS_DIR, { recursive: true });
      const path = `${RESULTS_DIR}siggraph-maf.png`;
      writeFileSync(path, png);
      if (!ctx.quick) {
        mkdirSync(FIGURES_DIR, { recursive: true });
        writeFileSync(`${FIGURES_DIR}siggraph-maf.png`, png);
      }
      return [{ metric: 'SIGGRAPH MAF test NLL (nats; figure: data above, samples below)', value: nll, target: 'legible word in the figure', pass: undefined, detail: `${path}; ${r.preset} ${JSON.stringify(r.options)}${r.standardize ? ', standardized data' : ''}, ${epochs} epochs, batch ${r.batchSize}, lr ${r.learningRate}${r.finalLearningRate !== undefined ? ` -> ${r.finalLearningRate} (cosine)` : ''} in ${seconds.toFixed(0)} s` }];
    },
  },
];

export async function runQuality(o: QualityOptions): Promise<QualityLine[]> {
  const reason = await useBackend(o.backend);
  if (reason) throw new Error(`quality: backend ${o.backend} unavailable: ${reason}`);
  const ctx: Ctx = {
    quick: o.quick,
    seed: o.seed ?? 1,
    progress: o.progress,
    epochs: (full, quick) => (o.quick ? quick : full),
  };
  const checks = o.filter ? CHECKS.filter((c) => o.filter!.some((f) => c.id.startsWith(f))) : CHECKS;
  console.log(`quality on ${o.backend}${o.quick ? ' (--quick: a few epochs, a smoke run of the pipeline; targets are not expected to pass)' : ''}: ${checks.map((c) => c.id).join(', ')}`);
  const lines: QualityLine[] = [];
  for (const c of checks) {
    const t0 = performance.now();
    o.progress.update(`quality ${c.id}`);
    try {
      const out = await c.run(ctx);
      const seconds = (performance.now() - t0) / 1000;
      for (const l of out) lines.push({ check: c.id, seconds, ...l });
    } catch (error) {
      lines.push({ check: c.id, metric: c.title, value: undefined, target: '', pass: false, seconds: (performance.now() - t0) / 1000, detail: `error: ${oneLine(error)}` });
    }
    o.progress.done();
    for (const l of lines.filter((x) => x.check === c.id)) printLine(l);
  }
  const failed = lines.filter((l) => l.pass === false).length;
  console.log(`\nquality: ${lines.filter((l) => l.pass).length} passed, ${failed} failed, ${lines.filter((l) => l.pass === undefined).length} for the eye`);
  return lines;
}

function printLine(l: QualityLine): void {
  const mark = l.pass === undefined ? 'LOOK' : l.pass ? 'PASS' : 'FAIL';
  const v = l.value === undefined ? '-' : l.value.toFixed(3);
  console.log(`  ${mark} [${l.check}] ${l.metric}: ${v} (target ${l.target})${l.detail ? `\n         ${l.detail}` : ''}`);
}
