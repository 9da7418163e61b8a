// Training-step speed of the flow presets: `npx tsx scripts/perf.ts [backend]` (default wasm).
// Times `optimizer.minimize(-mean logProb(batch))` (the step fit() runs, with its gather) and
// counts the kernels of one step with tf.profile.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { FusedAdam } from '@densityjs/core';
import { maf, iaf, realNVP, nice, neuralSplineFlow, type Flow } from '../src/index.js';

const backend = process.argv[2] ?? 'wasm';
await tf.setBackend(backend);
await tf.ready();

const presets = { maf, iaf, realNVP, nice, neuralSplineFlow } as const;

async function measure(name: keyof typeof presets, eventSize: number, hiddenUnits: number[], batch: number, steps = 50) {
  const flow: Flow = presets[name]({ eventSize, numLayers: 5, hiddenUnits, seed: 0 });
  const data = tf.randomNormal([batch * 4, eventSize], 0, 1, 'float32', 1);
  const opt = new FusedAdam({ learningRate: 1e-3 }); // fit()'s default optimizer
  const vars = flow.trainableVariables;
  const idx = tf.range(0, batch, 1, 'int32') as tf.Tensor1D;
  const step = () => {
    const cost = opt.minimize(() => tf.neg(tf.mean(flow.logProb(tf.gather(data, idx)))) as tf.Scalar, true, vars);
    return cost!;
  };
  for (let i = 0; i < 5; i++) (await step().data(), undefined);
  const info = await tf.profile(() => {
    step().dispose();
  });
  const t0 = performance.now();
  // CPU time of this (single-threaded) process: close to the wall time of an idle machine, and
  // robust when other jobs share the cores.
  const c0 = process.cpuUsage();
  let last: tf.Tensor | undefined;
  for (let i = 0; i < steps; i++) {
    last?.dispose();
    last = step();
  }
  await last!.data();
  last!.dispose();
  const ms = (performance.now() - t0) / steps;
  const cpu = process.cpuUsage(c0);
  const cpuMs = (cpu.user + cpu.system) / 1000 / steps;
  const byKernel = new Map<string, number>();
  for (const k of info.kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + 1);
  const top = [...byKernel.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, n]) => `${k}:${n}`).join(' ');
  console.log(`${backend} ${name}(5) D=${eventSize} hidden=[${hiddenUnits}] batch=${batch}: ${ms.toFixed(2)} ms/step wall, ${cpuMs.toFixed(2)} ms/step CPU, ${info.kernels.length} kernels/step  [${top}]`);
  tf.dispose([data, idx]);
  opt.dispose();
  flow.dispose();
}

const which = (process.argv[3] ?? 'maf').split(',') as (keyof typeof presets)[];
Error.stackTraceLimit = 200;
try {
for (const name of which) {
  await measure(name, 2, [64, 64], 256);
  await measure(name, 6, [256, 256], 512, 20);
}
} catch (error) {
  console.error((error as Error).stack);
  process.exit(1);
}
