// The package's argument checks called directly: each names its argument, states the expected
// and received values, and a rejected call leaves no tensor behind and trains nothing.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { StateError } from '@densityjs/core';
import { MaskedAutoregressiveFlow, Reverse } from '@densityjs/bijectors';
import { MultivariateNormalDiag } from '@densityjs/distributions';
import { MADE } from '@densityjs/made';
import { argumentErrorOf, argumentErrorOfAsync, type ExpectedArgumentError } from '@densityjs/testing';
import { DenseNetwork, distill, fitVariational, Flow, iaf, maf, neuralSplineFlow, realNVP } from './index.js';

const small = { eventSize: 2, numLayers: 1, hiddenUnits: [4], seed: 1 };
const target = (x: tf.Tensor): tf.Tensor => tf.mul(tf.sum(tf.square(x), -1), -0.5);

/** The call is refused with the expected ArgumentError, and `flow`'s weights are unchanged. */
async function expectRefusalKeepsWeights(flow: Flow, call: () => Promise<unknown>, expected: ExpectedArgumentError): Promise<void> {
  const before = await Promise.all(flow.getWeights().map((w) => w.data()));
  await argumentErrorOfAsync(call, expected);
  const after = flow.getWeights();
  expect(await Promise.all(after.map((w) => w.data()))).toEqual(before);
  tf.dispose(after);
}

describe('fitVariational', () => {
  const cases: [string, (flow: Flow) => Promise<unknown>, string, RegExp][] = [
    ['flow {}', () => fitVariational({} as never, target), 'flow', /^fitVariational: flow must be a trainable flow with sampleAndLogProb \(e\.g\. iaf\(\) or realNVP\(\)\), received an empty object$/],
    ['flow null', () => fitVariational(null as never, target), 'flow', /^fitVariational: flow must be a trainable flow with sampleAndLogProb \(e\.g\. iaf\(\) or realNVP\(\)\), received null$/],
    ['flow without sampleAndLogProb', () => fitVariational({ trainableVariables: [] } as never, target), 'flow', /^fitVariational: flow must be a trainable flow with sampleAndLogProb/],
    ['target null', (f) => fitVariational(f, null as never), 'target', /^fitVariational: target must be a function x => log p~\(x\) or an object with logProb\(x\), received null$/],
    ['target "p"', (f) => fitVariational(f, 'p' as never), 'target', /^fitVariational: target must be a function .*, received "p"$/],
    ['target 3', (f) => fitVariational(f, 3 as never), 'target', /^fitVariational: target must be a function x => log p~\(x\) or an object with logProb\(x\), received 3$/],
    ['target {}', (f) => fitVariational(f, {} as never), 'target', /^fitVariational: target must be a function/],
    ['options null', (f) => fitVariational(f, target, null as never), 'options', /^fitVariational: options must be an object, received null$/],
    ['options [1]', (f) => fitVariational(f, target, [1] as never), 'options', /^fitVariational: options must be an object, received \[1\]$/],
    ['steps 0', (f) => fitVariational(f, target, { steps: 0 }), 'steps', /^fitVariational: steps must be a positive integer, received 0$/],
    ['samples 1.5', (f) => fitVariational(f, target, { samples: 1.5 }), 'samples', /^fitVariational: samples must be a positive integer, received 1\.5$/],
    ['stepsPerReport "5"', (f) => fitVariational(f, target, { stepsPerReport: '5' as never }), 'stepsPerReport', /^fitVariational: stepsPerReport must be a positive integer, received "5"$/],
    ['logZSamples -1', (f) => fitVariational(f, target, { logZSamples: -1 }), 'logZSamples', /^fitVariational: logZSamples must be a non-negative integer \(0: no log Z estimate\), received -1$/],
    ['gradient "reinforce"', (f) => fitVariational(f, target, { gradient: 'reinforce' as never }), 'gradient', /^fitVariational: gradient must be 'pathwise' or 'stl', received "reinforce"$/],
    ['onReport 3', (f) => fitVariational(f, target, { onReport: 3 as never }), 'onReport', /^fitVariational: onReport must be a function \(report, \{elbo\}\) => void, received 3$/],
    ['onStep "x"', (f) => fitVariational(f, target, { onStep: 'x' as never }), 'onStep', /^fitVariational: onStep must be a function \(step, \{elbo\}\) => void, received "x"$/],
    ['damping 0', (f) => fitVariational(f, target, { damping: 0 }), 'damping', /^fitVariational: damping must be a number > 0 \(Infinity: no damping\), received 0$/],
    ['dampingRelease 2', (f) => fitVariational(f, target, { dampingRelease: 2 }), 'dampingRelease', /^fitVariational: dampingRelease must be a number in \[0, 1\], received 2$/],
    ['dampingRelease -0.5', (f) => fitVariational(f, target, { dampingRelease: -0.5 }), 'dampingRelease', /^fitVariational: dampingRelease must be a number in \[0, 1\], received -0\.5$/],
    ['dampingRelease "0.5"', (f) => fitVariational(f, target, { dampingRelease: '0.5' as never }), 'dampingRelease', /^fitVariational: dampingRelease must be a number in \[0, 1\], received "0\.5"$/],
    ['damping "3"', (f) => fitVariational(f, target, { damping: '3' as never }), 'damping', /^fitVariational: damping must be a number > 0 \(Infinity: no damping\), received "3"$/],
    ['logZSamples 1.5', (f) => fitVariational(f, target, { logZSamples: 1.5 }), 'logZSamples', /^fitVariational: logZSamples must be a non-negative integer \(0: no log Z estimate\), received 1\.5$/],
    [
      'a context for an unconditional flow',
      async (f) => {
        const c = tf.zeros([4, 1]);
        try {
          return await fitVariational(f, target, { context: c });
        } finally {
          c.dispose();
        }
      },
      'context',
      /^fitVariational: context must be undefined \(the flow is unconditional\), received a float32 tensor of shape \[4, 1\]$/,
    ],
  ];
  for (const [label, call, argument, message] of cases) {
    it(label, async () => {
      const flow = iaf(small);
      await expectRefusalKeepsWeights(flow, () => call(flow), { argument, message });
      flow.dispose();
    });
  }

  it('a conditional flow without a context, and a flow with nothing to train', async () => {
    const conditional = iaf({ ...small, contextSize: 2 });
    await argumentErrorOfAsync(() => fitVariational(conditional, target), {
      argument: 'context',
      message: /^fitVariational: context must be a 2-D tensor of shape \[m, 2\] \(the flow is conditional\), received undefined$/,
    });
    for (const shape of [[4], [4, 1], [0, 2], [2, 2, 1]]) {
      const c = tf.zeros(shape);
      await argumentErrorOfAsync(() => fitVariational(conditional, target, { context: c, steps: 1 }), {
        argument: 'context',
        message: new RegExp(`^fitVariational: context must be a 2-D tensor of shape \\[m, 2\\] \\(the flow is conditional\\), received a float32 tensor of shape \\[${shape.join(', ')}\\]$`),
      });
      c.dispose();
    }
    conditional.dispose();
    const fixed = new Flow({ bijector: new Reverse(), base: new MultivariateNormalDiag({ loc: [0, 0], scaleDiag: [1, 1] }) });
    await argumentErrorOfAsync(() => fitVariational(fixed, target), { argument: 'flow', message: /^fitVariational: flow must be a flow with trainable variables, received a Flow$/ });
    fixed.dispose();
  });

  it("gradient: 'stl' needs a Flow", async () => {
    const flow = iaf(small);
    const notAFlow = { sampleAndLogProb: flow.sampleAndLogProb.bind(flow), trainableVariables: flow.trainableVariables };
    await argumentErrorOfAsync(() => fitVariational(notAFlow as never, target, { gradient: 'stl', steps: 1 }), {
      argument: 'flow',
      message: /^fitVariational: flow must be a Flow for gradient: 'stl' \(it scores samples with a frozen copy\), received an object with keys/,
    });
    flow.dispose();
  });
});

describe('distill', () => {
  const cases: [string, (teacher: Flow, student: Flow) => Promise<unknown>, string, RegExp][] = [
    ['options null', () => distill(null as never), 'options', /^distill: options must be an object, received null$/],
    ['options undefined', () => distill(undefined as never), 'options', /^distill: options must be an object, received undefined$/],
    ['options "x"', () => distill('x' as never), 'options', /^distill: options must be an object, received "x"$/],
    ['teacher {}', (_, s) => distill({ teacher: {} as never, student: s }), 'teacher', /^distill: teacher must be a distribution with logProb \(e\.g\. a trained maf\(\)\), received an empty object$/],
    ['student {}', (t) => distill({ teacher: t, student: {} as never }), 'student', /^distill: student must be a trainable flow with sampleAndLogProb \(e\.g\. iaf\(\)\), received an empty object$/],
    ['student null', (t) => distill({ teacher: t, student: null as never }), 'student', /^distill: student must be a trainable flow with sampleAndLogProb \(e\.g\. iaf\(\)\), received null$/],
    ['a student with variables but no sampleAndLogProb', (t) => distill({ teacher: t, student: { trainableVariables: [] } as never }), 'student', /^distill: student must be a trainable flow with sampleAndLogProb/],
    ['a student without a variable list', (t, s) => distill({ teacher: t, student: { sampleAndLogProb: s.sampleAndLogProb } as never }), 'student', /^distill: student must be a trainable flow with sampleAndLogProb/],
    ['the teacher as its own student', (t) => distill({ teacher: t, student: t }), 'student', /^distill: student must be a different object than teacher, received "the teacher itself"$/],
    ['steps 0', (t, s) => distill({ teacher: t, student: s, steps: 0 }), 'steps', /^distill: steps must be a positive integer, received 0$/],
    ['onStep 3', (t, s) => distill({ teacher: t, student: s, onStep: 3 as never }), 'onStep', /^distill: onStep must be a function \(step, \{kl\}\) => void, received 3$/],
    ['initialize "yes"', (t, s) => distill({ teacher: t, student: s, initialize: 'yes' as never }), 'initialize', /^distill: initialize must be a boolean, received "yes"$/],
    ['damping 0', (t, s) => distill({ teacher: t, student: s, damping: 0 }), 'damping', /^distill: damping must be a number > 0 \(Infinity: the plain KL\), received 0$/],
    ['warmup -1', (t, s) => distill({ teacher: t, student: s, warmup: -1 }), 'warmup', /^distill: warmup must be a non-negative integer, received -1$/],
    ['clipNorm 0', (t, s) => distill({ teacher: t, student: s, clipNorm: 0 }), 'clipNorm', /^distill: clipNorm must be a number > 0 \(Infinity: no clipping\), received 0$/],
    ['damping "5"', (t, s) => distill({ teacher: t, student: s, damping: '5' as never }), 'damping', /^distill: damping must be a number > 0 \(Infinity: the plain KL\), received "5"$/],
    ['clipNorm "5"', (t, s) => distill({ teacher: t, student: s, clipNorm: '5' as never }), 'clipNorm', /^distill: clipNorm must be a number > 0 \(Infinity: no clipping\), received "5"$/],
    ['dampingRelease "0.5"', (t, s) => distill({ teacher: t, student: s, dampingRelease: '0.5' as never }), 'dampingRelease', /^distill: dampingRelease must be a number in \[0, 1\], received "0\.5"$/],
    ['dampingRelease -0.1', (t, s) => distill({ teacher: t, student: s, dampingRelease: -0.1 }), 'dampingRelease', /^distill: dampingRelease must be a number in \[0, 1\], received -0\.1$/],
    ['dampingRelease 1.5', (t, s) => distill({ teacher: t, student: s, dampingRelease: 1.5 }), 'dampingRelease', /^distill: dampingRelease must be a number in \[0, 1\], received 1\.5$/],
    [
      'a context for unconditional flows',
      async (t, s) => {
        const c = tf.zeros([3, 1]);
        try {
          return await distill({ teacher: t, student: s, context: c });
        } finally {
          c.dispose();
        }
      },
      'context',
      /^distill: context must be undefined \(the flows are unconditional\), received a float32 tensor of shape \[3, 1\]$/,
    ],
    ['a teacher without sample() before a warmup', (_, s) => distill({ teacher: { logProb: target } as never, student: s, steps: 2, batchSize: 4 }), 'teacher', /^distill: teacher must be a distribution with sample\(\) for a warmup \(pass warmup: 0 otherwise\), received an object with keys \{logProb\}$/],
  ];
  for (const [label, call, argument, message] of cases) {
    it(label, async () => {
      const [teacher, student] = [maf({ ...small, seed: 2 }), iaf(small)];
      await expectRefusalKeepsWeights(student, () => call(teacher, student), { argument, message });
      teacher.dispose();
      student.dispose();
    });
  }

  it('a student without logProb() cannot take a warm-up', async () => {
    const [teacher, flow] = [maf(small), iaf(small)];
    // It has a bijector, so the initialization would change it: the refusal must come first.
    const student = { sampleAndLogProb: flow.sampleAndLogProb.bind(flow), trainableVariables: flow.trainableVariables, contextSize: 0, bijector: flow.bijector };
    await expectRefusalKeepsWeights(flow, () => distill({ teacher, student: student as never, steps: 2, batchSize: 4 }), {
      argument: 'student',
      message: /^distill: student must be a flow with logProb\(\) for a warmup \(pass warmup: 0 otherwise\), received an object with keys/,
    });
    teacher.dispose();
    flow.dispose();
  });

  it('a conditional pair refuses a context of the wrong rank, width or no rows', async () => {
    const [teacher, student] = [maf({ ...small, contextSize: 2 }), iaf({ ...small, contextSize: 2, seed: 5 })];
    for (const shape of [[4], [4, 3], [0, 2]]) {
      const context = tf.zeros(shape);
      await argumentErrorOfAsync(() => distill({ teacher, student, context }), {
        argument: 'context',
        message: /^distill: context must be a 2-D tensor of shape \[m, 2\] \(the flows are conditional\), received a float32 tensor of shape/,
      });
      context.dispose();
    }
    teacher.dispose();
    student.dispose();
  });

  it('a student sharing even one of its variables with the teacher', async () => {
    const [flow, student] = [maf(small), iaf(small)];
    const teacher = { logProb: flow.logProb.bind(flow), sample: flow.sample.bind(flow), trainableVariables: [student.trainableVariables[0]!] };
    await argumentErrorOfAsync(() => distill({ teacher: teacher as never, student }), { argument: 'student', message: /shares no variables with the teacher/ });
    flow.dispose();
    student.dispose();
  });

  it("a student sharing the teacher's variables", async () => {
    const teacher = maf(small);
    const student = new Flow({ bijector: teacher.bijector });
    await argumentErrorOfAsync(() => distill({ teacher, student }), {
      argument: 'student',
      message: /^distill: student must be a flow that shares no variables with the teacher, received a student that shares variables with the teacher$/,
    });
    teacher.dispose();
  });

  it('flows of different context sizes, a conditional pair without context, a student with nothing to train', async () => {
    const [teacher, student] = [maf({ ...small, contextSize: 1 }), iaf(small)];
    await argumentErrorOfAsync(() => distill({ teacher, student }), { argument: 'student', message: /^distill: student must be a flow with the teacher's contextSize 1, received contextSize 0$/ });
    const conditional = iaf({ ...small, contextSize: 1 });
    await argumentErrorOfAsync(() => distill({ teacher, student: conditional }), {
      argument: 'context',
      message: /^distill: context must be a 2-D tensor of shape \[m, 1\] \(the flows are conditional\), received undefined$/,
    });
    const fixed = new Flow({ bijector: new Reverse(), base: new MultivariateNormalDiag({ loc: [0, 0], scaleDiag: [1, 1] }) });
    await argumentErrorOfAsync(() => distill({ teacher: student, student: fixed }), { argument: 'student', message: /^distill: student must be a flow with trainable variables, received a Flow$/ });
    for (const f of [teacher, student, conditional, fixed]) f.dispose();
  });
});

describe('Flow', () => {
  it('constructor options', () => {
    const maf2 = () => new MaskedAutoregressiveFlow({ conditioner: new MADE({ eventSize: 2, hiddenUnits: [4], seed: 1 }), eventSize: 2 });
    argumentErrorOf(() => new Flow(null as never), { argument: 'options', message: /^Flow: options must be an object \{bijector, base\?, contextSize\?\}, received null$/ });
    const b = maf2();
    const base = new MultivariateNormalDiag({ loc: [0, 0, 0], scaleDiag: [1, 1, 1] });
    argumentErrorOf(() => new Flow({ bijector: b, base }), {
      argument: 'base',
      message: /^Flow: base must be a distribution of event shape \[2\] \(the bijector's event size\), received event shape \[3\]$/,
    });
    argumentErrorOf(() => new Flow({ bijector: b, contextSize: -1 }), { argument: 'contextSize', message: /^Flow: contextSize must be a non-negative integer, received -1$/ });
    argumentErrorOf(() => new Flow({ bijector: b, contextSize: 1.5 }), { argument: 'contextSize', message: /^Flow: contextSize must be a non-negative integer, received 1\.5$/ });
    argumentErrorOf(() => new Flow({ bijector: b, contextSize: '1' as never }), { argument: 'contextSize', message: /^Flow: contextSize must be a non-negative integer, received "1"$/ });
    argumentErrorOf(() => new Flow(5 as never), { argument: 'options', message: /^Flow: options must be an object \{bijector, base\?, contextSize\?\}, received 5$/ });
    argumentErrorOf(() => new Flow({ bijector: { members: [] } as never }), { argument: 'bijector', message: /^Flow: bijector must be a Bijector from @densityjs\/bijectors, received an object with keys \{members\}$/ });
    argumentErrorOf(() => new Flow({ bijector: b, base: {} as never }), { argument: 'base', message: /^Flow: base must be a distribution with event shape \[D\] and no batch shape \(wrap scalar families in Independent\), received an empty object$/ });
    const batched = new MultivariateNormalDiag({ loc: [[0, 0], [1, 1], [2, 2]], scaleDiag: [[1, 1], [1, 1], [1, 1]] });
    argumentErrorOf(() => new Flow({ bijector: b, base: batched }), { argument: 'base', message: /^Flow: base must be a distribution with event shape \[D\] and no batch shape .*, received a distribution with batch shape \[3\] and event shape \[2\]$/ });
    batched.dispose();
    const wrongBase = /^Flow: base must be a distribution with event shape \[D\] and no batch shape \(wrap scalar families in Independent\), received /;
    argumentErrorOf(() => new Flow({ bijector: b, base: null as never }), { argument: 'base', message: new RegExp(`${wrongBase.source}null$`) });
    // Shapes alone are not a distribution; a scalar family has event shape [].
    argumentErrorOf(() => new Flow({ bijector: b, base: { eventShape: [2], batchShape: [] } as never }), {
      argument: 'base',
      message: new RegExp(`${wrongBase.source}a distribution with batch shape \\[\\] and event shape \\[2\\]$`),
    });
    argumentErrorOf(() => new Flow({ bijector: b, base: { logProb: () => 0, eventShape: [], batchShape: [] } as never }), {
      argument: 'base',
      message: new RegExp(`${wrongBase.source}a distribution with batch shape \\[\\] and event shape \\[\\]$`),
    });
    argumentErrorOf(() => new Flow({ bijector: b, base: { logProb: () => 0, eventShape: 2, batchShape: [] } as never }), {
      argument: 'base',
      message: new RegExp(`${wrongBase.source}an object with keys \\{logProb, eventShape, batchShape\\}$`),
    });
    // A hand-built flow has no preset configuration.
    const handBuilt = new Flow({ bijector: b });
    expect(handBuilt.config).toBeUndefined();
    b.dispose();
    base.dispose();
  });

  it('setWeights checks the count and each shape, and changes nothing when it refuses', async () => {
    const flow = realNVP(small);
    const weights = flow.getWeights();
    const before = await Promise.all(weights.map((w) => w.data()));
    argumentErrorOf(() => flow.setWeights(weights.slice(1)), { argument: 'weights', message: new RegExp(`^realNVP\\.setWeights: weights must be an array of ${weights.length} tensors, received ${weights.length - 1} tensors$`) });
    argumentErrorOf(() => flow.setWeights('w' as never), { argument: 'weights', message: /^realNVP\.setWeights: weights must be an array of \d+ tensors, received "w"$/ });
    const gone = tf.zeros(weights[0]!.shape);
    gone.dispose();
    argumentErrorOf(() => flow.setWeights([gone, ...weights.slice(1)]), { argument: 'weights[0]', message: /^realNVP\.setWeights: weights\[0\] must be a tensor of shape \[.*\], received a disposed float32 tensor/ });
    const wrong = tf.zeros([7]);
    const noisy = weights.map((w) => tf.add(w, 1));
    argumentErrorOf(() => flow.setWeights([...noisy.slice(0, -1), wrong]), {
      argument: `weights[${weights.length - 1}]`,
      message: new RegExp(`^realNVP\\.setWeights: weights\\[${weights.length - 1}\\] must be a tensor of shape \\[.*\\], received a float32 tensor of shape \\[7\\]$`),
    });
    const after = flow.getWeights();
    expect(await Promise.all(after.map((w) => w.data()))).toEqual(before);
    tf.dispose([...weights, ...after, ...noisy, wrong]);
    flow.dispose();
  });

  it('setWeights takes int32 tensors as their float32 values', async () => {
    const flow = realNVP(small);
    const weights = flow.getWeights();
    const ints = weights.map((w) => tf.cast(tf.round(tf.mul(w, 10)), 'int32'));
    flow.setWeights(ints);
    const after = flow.getWeights();
    for (let i = 0; i < ints.length; i++) {
      expect(after[i]!.dtype).toBe('float32');
      expect(Array.from(await after[i]!.data())).toEqual(Array.from(await ints[i]!.data()));
    }
    tf.dispose([...weights, ...ints, ...after]);
    flow.dispose();
  });

  it('prob of a conditional flow takes one context row for every x', async () => {
    const flow = maf({ ...small, contextSize: 1 });
    const x = tf.tensor2d([[0.5, -1], [2, 0.1]]);
    const c = tf.tensor1d([0.7]);
    const rows = tf.tensor2d([[0.7], [0.7]]);
    const [p, lp] = [flow.prob(x, { context: c }), flow.logProb(x, { context: rows })];
    const pv = await p.data();
    (await lp.data()).forEach((v, i) => expect(pv[i]).toBeCloseTo(Math.exp(v), 6));
    tf.dispose([x, c, rows, p, lp]);
    flow.dispose();
  });

  it('a shared context row equals one row per x, for a batch, a single event and samples, without leaks', async () => {
    const flow = maf({ ...small, contextSize: 1 });
    const x = tf.tensor2d([[0.5, -1], [2, 0.1], [-0.3, 0.4]]);
    const row = tf.tensor1d([0.7]);
    const rows = tf.tensor2d([[0.7], [0.7], [0.7]]);
    const before = tf.memory().numTensors;
    const [shared, each] = [flow.logProb(x, { context: row }), flow.logProb(x, { context: rows })];
    expect(tf.memory().numTensors - before).toBe(2);
    expect(Array.from(await shared.data())).toEqual(Array.from(await each.data()));
    const one = tf.tensor1d([0.5, -1]);
    const single = flow.logProb(one, { context: row });
    expect(single.shape).toEqual([]);
    expect((await single.data())[0]).toBeCloseTo((await each.data())[0]!, 5);
    const a = flow.sampleAndLogProb(3, { context: row, seed: 2 });
    const b = flow.sampleAndLogProb(3, { context: rows, seed: 2 });
    expect(Array.from(await a.sample.data())).toEqual(Array.from(await b.sample.data()));
    expect(Array.from(await a.logProb.data())).toEqual(Array.from(await b.logProb.data()));
    const scalar = tf.scalar(1);
    const twoRows = tf.tensor2d([[0.7], [0.1]]);
    argumentErrorOf(() => flow.logProb(scalar, { context: row }), { argument: 'x', message: /^maf\.logProb: x must be a tensor of shape \[\.\.\., 2\] \(eventSize 2\), received a float32 tensor of shape \[\]$/ });
    argumentErrorOf(() => flow.logProb(x, { context: twoRows }), { argument: 'context' });
    tf.dispose([x, row, rows, shared, each, one, single, a.sample, a.logProb, b.sample, b.logProb, scalar, twoRows]);
    expect(flow.isDisposed).toBe(false);
    flow.dispose();
    expect(flow.isDisposed).toBe(true);
    flow.dispose(); // a second dispose is a no-op
  });

  it('prob is exp(logProb) and checks x the same way', async () => {
    const flow = maf(small);
    const x = tf.tensor2d([[0.5, -1], [2, 0.1]]);
    const [p, lp] = [flow.prob(x), flow.logProb(x)];
    const lpv = await lp.data();
    const pv = await p.data();
    lpv.forEach((v, i) => expect(pv[i]).toBeCloseTo(Math.exp(v), 6));
    const wide = tf.zeros([2, 3]);
    argumentErrorOf(() => flow.prob(wide), { argument: 'x', message: /^maf\.prob: x must be a tensor of shape \[\.\.\., 2\] \(eventSize 2\), received a float32 tensor of shape \[2, 3\]$/ });
    tf.dispose([x, p, lp, wide]);
    flow.dispose();
    expect(() => flow.logProb(x)).toThrow(StateError);
    expect(() => flow.getWeights()).toThrow(/^maf\.getWeights: this flow was disposed$/);
    expect(() => flow.setWeights([])).toThrow(/^maf\.setWeights: this flow was disposed$/);
  });
});

describe('presets', () => {
  const cases: [string, () => unknown, string, RegExp][] = [
    ['numLayers 2.5', () => maf({ ...small, numLayers: 2.5 }), 'numLayers', /^maf: numLayers must be a positive integer, received 2\.5$/],
    ['numLayers "3"', () => maf({ ...small, numLayers: '3' as never }), 'numLayers', /^maf: numLayers must be a positive integer, received "3"$/],
    ['hiddenUnits with one bad width', () => maf({ ...small, hiddenUnits: [64, 0] }), 'hiddenUnits', /^maf: hiddenUnits must be an array of positive integers such as \[64, 64\], received \[64, 0\]$/],
    ['hiddenUnits with a fraction', () => maf({ ...small, hiddenUnits: [64, 1.5] }), 'hiddenUnits', /^maf: hiddenUnits must be an array of positive integers/],
    ['hiddenUnits with a string', () => maf({ ...small, hiddenUnits: [64, '8' as never] }), 'hiddenUnits', /^maf: hiddenUnits must be an array of positive integers/],
    ['contextSize 1.5', () => maf({ ...small, contextSize: 1.5 }), 'contextSize', /^maf: contextSize must be a non-negative integer, received 1\.5$/],
    ['contextSize "1"', () => maf({ ...small, contextSize: '1' as never }), 'contextSize', /^maf: contextSize must be a non-negative integer, received "1"$/],
    ['batchNorm "yes"', () => maf({ ...small, batchNorm: 'yes' as never }), 'batchNorm', /^maf: batchNorm must be a boolean, received "yes"$/],
    ['actnorm 1', () => realNVP({ ...small, actnorm: 1 as never }), 'actnorm', /^realNVP: actnorm must be a boolean, received 1$/],
    ['activation "gelu"', () => maf({ ...small, activation: 'gelu' as never }), 'activation', /^maf: activation must be 'relu', .*'tanh'.*, received "gelu"$/],
    ['numBins and bins that disagree', () => neuralSplineFlow({ ...small, numBins: 4, bins: 5 }), 'numBins / bins', /^neuralSplineFlow: numBins \/ bins must be one of them \(bins is another name for numBins\), received 5$/],
    ['linear "householder"', () => realNVP({ ...small, linear: 'householder' as never }), 'linear', /^realNVP: linear must be 'lu' or false, received "householder"$/],
    ['variant "mixed"', () => neuralSplineFlow({ ...small, variant: 'mixed' as never }), 'variant', /^neuralSplineFlow: variant must be 'coupling' or 'autoregressive', received "mixed"$/],
  ];
  for (const [label, call, argument, message] of cases) {
    it(label, () => {
      argumentErrorOf(call, { argument, message });
    });
  }

  it('the documented defaults: 5 layers of [64, 64] relu units, reversed orders, no context, no normalization', () => {
    const flow = maf({ eventSize: 3, seed: 1 });
    expect(flow.config).toEqual({
      eventSize: 3,
      numLayers: 5,
      hiddenUnits: [64, 64],
      contextSize: 0,
      batchNorm: false,
      actnorm: false,
      linear: false,
      permutation: 'reverse',
      activation: 'relu',
      seed: 1,
    });
    flow.dispose();
  });

  it('eventSize is a positive integer, "2" and 2.5 included', () => {
    for (const eventSize of ['2', 2.5, 0]) {
      argumentErrorOf(() => maf({ eventSize: eventSize as never }), { argument: 'eventSize', message: new RegExp(`^maf: eventSize must be a positive integer \\(the data dimension\\), received ${eventSize === '2' ? '"2"' : eventSize}$`) });
    }
    argumentErrorOf(() => maf(null as never), { argument: 'options', message: /^maf: options must be an object such as \{eventSize: 2\}, received null$/ });
  });

  it('numBins and bins may both be given when they agree; the variant defaults to coupling', () => {
    const flow = neuralSplineFlow({ ...small, numBins: 5, bins: 5 });
    expect(flow.config).toMatchObject({ bins: 5, variant: 'coupling' });
    flow.dispose();
  });

  it('coupling flows: Reverse between layers, a seeded Permute per layer for random, nothing for false', () => {
    const names = (permutation: 'reverse' | 'random' | false) => {
      const flow = realNVP({ ...small, eventSize: 3, numLayers: 3, permutation });
      const members = flow.bijector.members.map((m) => m.name);
      const orders = flow.bijector.members.filter((m) => m.name === 'Permute').map((m) => (m as unknown as { permutation: number[] }).permutation.join());
      flow.dispose();
      return { members, orders };
    };
    expect(names('reverse').members).toEqual(['RealNVP', 'Reverse', 'RealNVP', 'Reverse', 'RealNVP']);
    expect(names(false).members).toEqual(['RealNVP', 'RealNVP', 'RealNVP']);
    const random = names('random');
    expect(random.members).toEqual(['RealNVP', 'Permute', 'RealNVP', 'Permute', 'RealNVP']);
    expect(names('random').orders).toEqual(random.orders);
  });

  it('permutation false keeps one MADE order in every layer', () => {
    const flow = maf({ ...small, numLayers: 2, permutation: false });
    const orders = flow.bijector.members.map((m) => ((m as MaskedAutoregressiveFlow).conditioner as MADE).getConfig().inputOrder);
    expect(orders).toEqual([
      [1, 2],
      [1, 2],
    ]);
    flow.dispose();
  });

  it("permutation 'reverse' alternates the MADE orders of a MAF", () => {
    const flow = maf({ ...small, numLayers: 3, permutation: 'reverse' });
    const orders = flow.bijector.members.map((m) => ((m as MaskedAutoregressiveFlow).conditioner as MADE).getConfig().inputOrder);
    // As input degrees: left-to-right, right-to-left, left-to-right.
    expect(orders).toEqual([
      [1, 2],
      [2, 1],
      [1, 2],
    ]);
    flow.dispose();
  });
});

describe('DenseNetwork', () => {
  it('a conditional network refuses a call without its context', () => {
    const net = new DenseNetwork({ inputSize: 2, outputShape: [3], hiddenUnits: [4], contextSize: 2, seed: 1 });
    const x = tf.zeros([5, 2]);
    argumentErrorOf(() => net.call(x), { argument: 'context', message: /^DenseNetwork\.call: context must be a tensor of shape \[\.\.\., 2\], received undefined$/ });
    x.dispose();
    net.dispose();
  });
});
