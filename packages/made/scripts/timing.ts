// MADE forward+backward timing and kernel counts, fused (this package) vs naive autodiff.
//   cd packages/made && npx tsx --tsconfig scripts/tsconfig.json scripts/timing.ts [backend] [eventSize] [hidden] [batch]
//   e.g. scripts/timing.ts wasm 6 256,256 512
// "naive" is the textbook formula act(x @ (W * M) + b) differentiated by tfjs autodiff, once with
// tfjs' own gradients and once with @densityjs/core's registerGradients().
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { fusedAdam, gradientConfigs } from '@densityjs/core';
import { MADE } from '@densityjs/made';

const backend = process.argv[2] ?? 'wasm';
const eventSize = Number(process.argv[3] ?? 6);
const hiddenUnits = (process.argv[4] ?? '256,256').split(',').map(Number);
const batch = Number(process.argv[5] ?? 512);
const reps = Number(process.env.REPS ?? 30);

await tf.setBackend(backend);
await tf.ready();

function naiveCall(made: MADE, masks: tf.Tensor[], x: tf.Tensor): tf.Tensor {
  const vars = made.trainableVariables;
  let h = x;
  const n = masks.length;
  for (let i = 0; i < n; i++) {
    const z = tf.add(tf.matMul(h, tf.mul(vars[2 * i]!, masks[i]!)), vars[2 * i + 1]!);
    h = i < n - 1 ? tf.relu(z) : z;
  }
  return tf.reshape(h, [batch, eventSize, made.params]);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Variant {
  label: string;
  loss: () => tf.Scalar;
  /** Installs the gradients this variant runs with. */
  setup: () => void;
  wall: number[];
  cpu: number[];
  kernels: string[];
}

async function step(v: Variant, vars: tf.Variable[]): Promise<void> {
  const { value, grads } = tf.variableGrads(v.loss, vars);
  await value.data(); // sync point (no-op cost on cpu/wasm)
  for (const g of Object.values(grads)) await g.data();
  tf.dispose([value, ...Object.values(grads)]);
}

/** Runs the variants interleaved (the machine is shared: noise hits all alike). */
async function measure(variants: Variant[], vars: tf.Variable[]): Promise<void> {
  for (const v of variants) {
    v.setup();
    const profile = await tf.profile(() => step(v, vars));
    // Kernels run inside our customGrad op appear both nested and as the op itself: count kernels.
    v.kernels = profile.kernels.map((k) => k.name).filter((n) => n !== 'unnamed scope');
    for (let i = 0; i < 3; i++) await step(v, vars);
  }
  for (let i = 0; i < reps; i++) {
    for (const v of variants) {
      v.setup();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await step(v, vars);
      v.wall.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      v.cpu.push((c.user + c.system) / 1000);
    }
  }
  for (const v of variants) {
    const counts: Record<string, number> = {};
    for (const n of v.kernels) counts[n] = (counts[n] ?? 0) + 1;
    console.log(
      `${v.label.padEnd(44)} wall ${median(v.wall).toFixed(1).padStart(7)} ms  cpu ${median(v.cpu).toFixed(1).padStart(7)} ms  kernels ${String(v.kernels.length).padStart(3)}: ` +
        Object.entries(counts).map(([k, n]) => `${k}x${n}`).join(' '),
    );
  }
}

const made = new MADE({ eventSize, hiddenUnits, params: 2, seed: 0, outputScale: 1 });
const x = tf.randomNormal([batch, eventSize], 0, 1, 'float32', 1);
const r = tf.randomNormal([batch, eventSize, 2], 0, 1, 'float32', 2);
const masks = made.masks.map((m, i) =>
  i === made.masks.length - 1 ? tf.tensor2d(m.map((row) => row.flatMap((v) => [v, v]))) : tf.tensor2d(m),
);
const vars = made.trainableVariables;
console.log(`backend ${tf.getBackend()}  eventSize ${eventSize}  hidden [${hiddenUnits}]  batch ${batch}  (loss = sum(MADE(x) * r), grads to all weights)`);

const naiveLoss = () => tf.sum(tf.mul(naiveCall(made, masks, x), r)) as tf.Scalar;
// tfjs' own BatchMatMul gradient (what a user of tfjs' register_all_gradients gets): products
// with transposeA / transposeB, which wasm runs without XNNPACK.
const tfjsMatMulGradient: tf.GradConfig = {
  kernelName: 'BatchMatMul',
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, saved) => {
    const [a, b] = saved as [tf.Tensor, tf.Tensor];
    return { a: () => tf.matMul(dy as tf.Tensor, b, false, true), b: () => tf.matMul(a, dy as tf.Tensor, true, false) };
  },
};
const coreMatMulGradient = gradientConfigs.find((g) => g.kernelName === 'BatchMatMul')!;
for (const config of gradientConfigs) tf.registerGradient(config);
const variants: Variant[] = [
  { label: 'naive autodiff, tfjs matMul gradient', loss: naiveLoss, setup: () => tf.registerGradient(tfjsMatMulGradient), wall: [], cpu: [], kernels: [] },
  { label: 'naive autodiff, core gradients', loss: naiveLoss, setup: () => tf.registerGradient(coreMatMulGradient), wall: [], cpu: [], kernels: [] },
  { label: 'MADE.call (fused customGrad op)', loss: () => tf.sum(tf.mul(made.call(x), r)) as tf.Scalar, setup: () => {}, wall: [], cpu: [], kernels: [] },
];
await measure(variants, vars);
const fwd: number[] = [];
for (let i = 0; i < reps; i++) {
  const t0 = performance.now();
  const y = made.call(x);
  await y.data();
  fwd.push(performance.now() - t0);
  y.dispose();
}
console.log(`MADE forward only                  ${median(fwd).toFixed(2).padStart(8)} ms`);
const [tfjsV, coreV, fusedV] = variants as [Variant, Variant, Variant];
console.log(
  `speed-up of MADE.call (cpu time): vs tfjs-gradient autodiff ${(median(tfjsV.cpu) / median(fusedV.cpu)).toFixed(1)}x, ` +
    `vs core-gradient autodiff ${(median(coreV.cpu) / median(fusedV.cpu)).toFixed(1)}x`,
);
// One MADE-Gaussian training step (NLL + Adam), as a flow layer trains: kernel count and time.
const gaussianNll = () =>
  tf.tidy(() => {
    const [mu, s] = tf.unstack(made.call(x), 2);
    const z = tf.mul(tf.sub(x, mu!), tf.exp(tf.neg(s!)));
    return tf.mean(tf.sum(tf.add(tf.mul(0.5, tf.square(z)), s!), 1)) as tf.Scalar;
  });
for (const [label, optimizer] of [
  ['train step, tf.train.adam', tf.train.adam(1e-4)],
  ['train step, core fusedAdam', fusedAdam(1e-4)],
] as const) {
  const trainStep = () => tf.dispose(optimizer.minimize(gaussianNll, true, vars) ?? []);
  for (let i = 0; i < 3; i++) trainStep();
  const kernels = (await tf.profile(() => trainStep())).kernels.filter((k) => k.name !== 'unnamed scope').length;
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    trainStep();
    await vars[0]!.data();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  console.log(`${label.padEnd(44)} wall ${median(wall).toFixed(1).padStart(7)} ms  cpu ${median(cpu).toFixed(1).padStart(7)} ms  kernels ${String(kernels).padStart(3)}`);
  optimizer.dispose();
}
tf.dispose([x, r, ...masks]);
made.dispose();
