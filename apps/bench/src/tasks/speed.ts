// The speed tasks. Sizes are those of the speed targets (report.ts); quick mode changes only
// the number of repeats (cli.ts), never the sizes, so quick numbers compare with the targets.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from '../backends.js';
import type { TaskInstance } from '../measure.js';
import { inverseSine } from '@densityjs/datasets';
import { Categorical, MixtureSameFamily, Normal } from '@densityjs/distributions';
import { iaf, maf, neuralSplineFlow, nice, realNVP, type Flow } from '@densityjs/flows';
import { MADE } from '@densityjs/made';
import { MDN } from '@densityjs/mdn';
import { defaultAdam, flowTrainStep, normalData, parameterCount } from './lib.js';

/** Epochs per timed step of `mdn-epoch` (the PyTorch peer runs as many; peer/torch_bench.py). */
export const MDN_EPOCHS_PER_STEP = 10;

const PRESETS = { maf, iaf, realNVP, nice, neuralSplineFlow } as const;
type PresetOptions = Parameters<typeof neuralSplineFlow>[0];

export interface TaskContext {
  backend: BackendName;
  quick: boolean;
  seed: number;
}

export interface TaskDef {
  id: string;
  title: string;
  /** Task id of the PyTorch peer's equivalent (peer/torch_bench.py), if any. */
  peer?: string;
  /** Quick mode measures only `light` tasks on cpu and webgpu (pure-JS cpu and software
   * webgpu are slow); every task runs on wasm. */
  light?: boolean;
  /** Skipped in quick mode altogether (seconds per step). */
  slow?: boolean;
  /** Runs only on these backends. */
  backends?: BackendName[];
  create(ctx: TaskContext): Promise<TaskInstance>;
}

interface FlowStepSpec {
  preset: 'maf' | 'realNVP' | 'neuralSplineFlow' | 'iaf';
  eventSize: number;
  hiddenUnits: number[];
  batch: number;
}

function flowStepTask(id: string, title: string, spec: FlowStepSpec, peer?: string, light = false): TaskDef {
  return {
    id,
    title,
    ...(peer ? { peer } : {}),
    light,
    async create(ctx) {
      const preset = PRESETS[spec.preset as keyof typeof PRESETS] as (opts: PresetOptions) => Flow;
      const flow = preset({
        eventSize: spec.eventSize,
        numLayers: 5,
        hiddenUnits: spec.hiddenUnits,
        seed: ctx.seed,
      });
      const x = normalData(spec.batch, spec.eventSize, ctx.seed + 1);
      const { optimizer, name } = defaultAdam(1e-3);
      const step = flowTrainStep(flow, x, optimizer);
      const vars = flow.trainableVariables as tf.Variable[];
      return {
        step,
        itemsPerStep: spec.batch,
        info: { params: parameterCount(vars), variables: vars.length, optimizer: name },
        dispose() {
          x.dispose();
          optimizer.dispose();
          flow.dispose?.();
        },
      };
    },
  };
}

function sampleTask(id: string, preset: 'maf' | 'iaf', eventSize: number, hiddenUnits: number[], n: number): TaskDef {
  return {
    id,
    title: `${preset.toUpperCase()}(5) sample ${n} (d=${eventSize}, [${hiddenUnits}])`,
    peer: id,
    light: preset === 'iaf' && eventSize === 8,
    slow: preset === 'maf' && eventSize > 8,
    async create(ctx) {
      const make = PRESETS[preset as keyof typeof PRESETS] as (opts: PresetOptions) => Flow;
      const flow = make({ eventSize, numLayers: 5, hiddenUnits, seed: ctx.seed });
      let s = 0;
      return {
        step: () => flow.sample(n, { seed: ctx.seed + 100 + (s++ % 1000) }) as tf.Tensor,
        itemsPerStep: n,
        dispose: () => flow.dispose?.(),
      };
    },
  };
}

export const SPEED_TASKS: TaskDef[] = [
  flowStepTask('maf-step-small', 'MAF(5) train step (d=2, [64,64], batch 256)', {
    preset: 'maf', eventSize: 2, hiddenUnits: [64, 64], batch: 256,
  }, 'maf-step-small', true),
  flowStepTask('maf-step-big', 'MAF(5) train step (d=6, [256,256], batch 512)', {
    preset: 'maf', eventSize: 6, hiddenUnits: [256, 256], batch: 512,
  }, 'maf-step-big'),
  flowStepTask('realnvp-step', 'RealNVP(5) train step (d=2, [64,64], batch 256)', {
    preset: 'realNVP', eventSize: 2, hiddenUnits: [64, 64], batch: 256,
  }, 'realnvp-step', true),
  flowStepTask('nsf-step', 'NSF(5) train step (d=2, [64,64], batch 256)', {
    preset: 'neuralSplineFlow', eventSize: 2, hiddenUnits: [64, 64], batch: 256,
  }, 'nsf-step'),
  sampleTask('maf-sample-8', 'maf', 8, [64, 64], 512),
  sampleTask('iaf-sample-8', 'iaf', 8, [64, 64], 512),
  sampleTask('maf-sample-32', 'maf', 32, [128, 128], 512),
  sampleTask('iaf-sample-32', 'iaf', 32, [128, 128], 512),
  {
    id: 'made-fwd-bwd',
    title: 'MADE forward+backward (d=6, [256,256], batch 512)',
    peer: 'made-fwd-bwd',
    async create(ctx) {
      const made = new MADE({ eventSize: 6, hiddenUnits: [256, 256], params: 2, seed: ctx.seed });
      const x = normalData(512, 6, ctx.seed + 1);
      const vars = made.trainableVariables as tf.Variable[];
      return {
        step: () => {
          const { value, grads } = tf.variableGrads(
            () => tf.sum(tf.square(made.call(x) as tf.Tensor)) as tf.Scalar,
            vars,
          );
          return [...Object.values(grads), value];
        },
        itemsPerStep: 512,
        info: { params: parameterCount(vars) },
        dispose() {
          x.dispose();
          made.dispose?.();
        },
      };
    },
  },
  {
    id: 'mdn-epoch',
    title: `MDN seed training via mdn.fit, ${MDN_EPOCHS_PER_STEP} full-batch epochs per step (1000 pts, 20 tanh, 5 comps)`,
    peer: 'mdn-epoch',
    light: true,
    async create(ctx) {
      const { mdn, x, y, dispose } = await seedMdn(ctx.seed);
      // fit's default optimizer, created once so every epoch continues the same Adam state.
      const { optimizer, name } = defaultAdam(1e-3);
      return {
        info: { optimizer: name },
        // Full-batch epochs through the public fit (with its per-epoch bookkeeping), several per
        // call as in real training, so fit's once-per-call setup (normalizer, checks, probe) is
        // shared as it is for a user. Weight averaging off (emaMomentum 0): the PyTorch peer's
        // loop is plain Adam, like with like.
        step: async () => {
          await mdn.fit(x, y, { epochs: MDN_EPOCHS_PER_STEP, batchSize: 1000, optimizer, shuffle: false, seed: ctx.seed, emaMomentum: 0 });
        },
        instrument: true,
        itemsPerStep: 1000 * MDN_EPOCHS_PER_STEP,
        dispose() {
          optimizer.dispose();
          dispose();
        },
      };
    },
  },
  {
    id: 'mdn-step',
    title: 'MDN seed Adam step on distribution(x).logProb(y) (1000 pts, no fit loop, no fused loss)',
    peer: 'mdn-step',
    async create(ctx) {
      const { mdn, x, y, dispose } = await seedMdn(ctx.seed);
      const { optimizer, name } = defaultAdam(1e-3);
      const vars = mdn.trainableVariables as tf.Variable[];
      return {
        step: () =>
          optimizer.minimize(
            () => tf.neg(tf.mean(mdn.distribution(x).logProb(y) as tf.Tensor)) as tf.Scalar,
            true,
            vars,
          )!,
        itemsPerStep: 1000,
        info: { params: parameterCount(vars), optimizer: name },
        dispose() {
          optimizer.dispose();
          dispose();
        },
      };
    },
  },
  {
    id: 'normal-logprob',
    title: 'Normal logProb, 100k points',
    peer: 'normal-logprob',
    light: true,
    async create(ctx) {
      const d = new Normal({ loc: 0.5, scale: 2 });
      const x = tf.randomNormal([100_000], 0, 1, 'float32', ctx.seed);
      return {
        step: () => d.logProb(x) as tf.Tensor,
        itemsPerStep: 100_000,
        dispose() {
          x.dispose();
          d.dispose?.();
        },
      };
    },
  },
  {
    id: 'mixture-logprob',
    title: 'MixtureSameFamily(5 Normals) logProb, 100k points',
    peer: 'mixture-logprob',
    async create(ctx) {
      const d = new MixtureSameFamily({
        mixtureDistribution: new Categorical({ logits: [0.1, -0.3, 0.5, 0.0, -1.0] }),
        componentsDistribution: new Normal({ loc: [-2, -1, 0, 1, 2], scale: [0.5, 1, 1.5, 0.7, 0.3] }),
      });
      const x = tf.randomNormal([100_000], 0, 2, 'float32', ctx.seed);
      return {
        step: () => d.logProb(x) as tf.Tensor,
        itemsPerStep: 100_000,
        dispose() {
          x.dispose();
        },
      };
    },
  },
  matMulTask('matmul-512', false),
  matMulTask('matmul-512-tb', true),
];

/** 512x512x512 matMul: the backend's practical peak (GFLOP/s), plain and with transposeB. */
function matMulTask(id: string, transposeB: boolean): TaskDef {
  return {
    id,
    title: `matMul 512x512x512${transposeB ? ' (transposeB: wasm slow path)' : ' (peak GFLOP/s)'}`,
    peer: id,
    async create(ctx) {
      const a = tf.randomNormal([512, 512], 0, 1, 'float32', ctx.seed);
      const b = tf.randomNormal([512, 512], 0, 1, 'float32', ctx.seed + 1);
      return {
        step: () => tf.matMul(a, b, false, transposeB),
        flopsPerStep: 2 * 512 ** 3,
        dispose: () => tf.dispose([a, b]),
      };
    },
  };
}

/** The MDN tutorial's experiment: 1000 points of the inverse sine problem, MDN(1 -> 20 tanh -> 5). */
export async function seedMdn(seed: number): Promise<{ mdn: MDN; x: tf.Tensor2D; y: tf.Tensor2D; dispose(): void }> {
  const { x, y } = inverseSineData(1000, seed);
  const mdn = new MDN({
    inputSize: 1,
    outputSize: 1,
    numComponents: 5,
    hiddenUnits: [20],
    activation: 'tanh',
    seed,
  });
  return {
    mdn,
    x,
    y,
    dispose() {
      tf.dispose([x, y]);
      mdn.dispose();
    },
  };
}

/**
 * Inverse sine data of the MDN tutorial: t ~ U(-10.5, 10.5), s = 7 sin(0.75 t) + 0.5 t + N(0, 1);
 * the MDN predicts t from s (the multi-valued inverse). From @densityjs/datasets' inverseSine.
 */
export function inverseSineData(n: number, seed: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const d = inverseSine(n, { inverse: true, seed });
  return { x: tf.tensor2d(d.x, [n, 1]), y: tf.tensor2d(d.y, [n, 1]) };
}
