import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeEachBackend, expectNoLeaks } from '@densityjs/testing';
import { MultivariateNormalDiag } from '@densityjs/distributions';
import { distill, iaf, maf, type Flow } from './index.js';

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * A student with a closed-form reverse KL to a Gaussian teacher: q = N(loc, diag(exp(logScale))^2),
 * sampled as x = loc + exp(logScale) z with log q(x) from the same noise z (one pass, as an IAF).
 */
class AffineGaussianStudent {
  readonly loc: tf.Variable;
  readonly logScale: tf.Variable;
  constructor(loc: number[], logScale: number[]) {
    this.loc = tf.variable(tf.tensor1d(loc));
    this.logScale = tf.variable(tf.tensor1d(logScale));
  }
  get trainableVariables(): tf.Variable[] {
    return [this.loc, this.logScale];
  }
  sampleAndLogProb(n?: number | number[], opts: { seed?: number } = {}): { sample: tf.Tensor; logProb: tf.Tensor } {
    return tf.tidy(() => {
      const d = this.loc.shape[0]!;
      const z = tf.randomNormal([n as number, d], 0, 1, 'float32', opts.seed);
      const sample = tf.add(this.loc, tf.mul(tf.exp(this.logScale), z));
      const logProb = tf.sub(tf.mul(tf.sum(tf.square(z), -1), -0.5), tf.add(tf.sum(this.logScale), 0.5 * d * LOG_2PI));
      return { sample, logProb };
    });
  }
  async params(): Promise<{ loc: number[]; scale: number[] }> {
    return { loc: Array.from(await this.loc.data()), scale: Array.from(await this.logScale.data()).map(Math.exp) };
  }
  dispose(): void {
    tf.dispose([this.loc, this.logScale]);
  }
}

/** KL(N(mq, sq^2) || N(mp, sp^2)) summed over independent coordinates, in float64. */
function gaussianKl(mq: number[], sq: number[], mp: number[], sp: number[]): number {
  return mq.reduce((acc, _, i) => acc + Math.log(sp[i]! / sq[i]!) + (sq[i]! ** 2 + (mq[i]! - mp[i]!) ** 2) / (2 * sp[i]! ** 2) - 0.5, 0);
}

/** Mean and standard error of the per-sample log-ratios log q(x) - log p(x), x ~ q, in float64. */
async function freshKl(
  student: { sampleAndLogProb: AffineGaussianStudent['sampleAndLogProb'] },
  teacher: { logProb(x: tf.Tensor): tf.Tensor },
  n: number,
  seed: number,
): Promise<{ mean: number; se: number }> {
  const l = tf.tidy(() => {
    const { sample, logProb } = student.sampleAndLogProb(n, { seed });
    return tf.sub(logProb, teacher.logProb(sample));
  });
  const v = Array.from(await l.data());
  l.dispose();
  const mean = v.reduce((a, b) => a + b, 0) / n;
  const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { mean, se: Math.sqrt(variance / n) };
}

const teacherLoc = [0.5, -2, 1];
const teacherScale = [0.3, 2, 1.2];
const studentLoc = [1.5, -1, 0.2];
const studentLogScale = [0.8, -0.5, 0.3];

describeEachBackend(
  'distill (Gaussian teacher, affine student: closed-form reverse KL)',
  () => {
    it('reports at its first step the KL of the initial student, within 4 standard errors', async () => {
      const teacher = new MultivariateNormalDiag({ loc: teacherLoc, scaleDiag: teacherScale });
      const student = new AffineGaussianStudent(studentLoc, studentLogScale);
      const exact = gaussianKl(studentLoc, studentLogScale.map(Math.exp), teacherLoc, teacherScale);
      const fresh = await freshKl(student, teacher, 4096, 3);
      const res = await distill({ teacher, student, steps: 1, batchSize: 4096, learningRate: 1e-3, seed: 7, warmup: 0, initialize: false });
      const reported = res.history.kl[0]!;
      // The step-0 estimate is taken before the update: a 4096-draw estimate of the exact KL.
      expect(Math.abs(reported - exact), `reported ${reported} vs exact ${exact} (SE ${fresh.se})`).toBeLessThan(4 * fresh.se);
      expect(Math.abs(fresh.mean - exact), `fresh ${fresh.mean} vs exact ${exact}`).toBeLessThan(4 * fresh.se);
      teacher.dispose?.();
      student.dispose();
    });

    it('reaches the optimum q = p (the exact KL falls from 8.4 to < 5e-3)', async () => {
      const teacher = new MultivariateNormalDiag({ loc: teacherLoc, scaleDiag: teacherScale });
      const student = new AffineGaussianStudent(studentLoc, studentLogScale);
      const initialKl = gaussianKl(studentLoc, studentLogScale.map(Math.exp), teacherLoc, teacherScale);
      await expectNoLeaks(async () => {
        const res = await distill({
          teacher,
          student,
          steps: 400,
          batchSize: 256,
          learningRate: 0.05,
          finalLearningRate: 0.005,
          seed: 11,
          warmup: 0,
          initialize: false,
        });
        expect(res.history.kl).toHaveLength(400);
      });
      const { loc, scale } = await student.params();
      const finalKl = gaussianKl(loc, scale, teacherLoc, teacherScale);
      // From KL 8.4 to the optimum: every mean within 5% of the teacher's scale, every scale within 5%.
      expect(initialKl).toBeGreaterThan(5);
      expect(finalKl, `final exact KL (loc ${loc}, scale ${scale})`).toBeLessThan(5e-3);
      loc.forEach((m, i) => expect(Math.abs(m - teacherLoc[i]!) / teacherScale[i]!, `loc[${i}]`).toBeLessThan(0.05));
      scale.forEach((s, i) => expect(Math.abs(s / teacherScale[i]! - 1), `scale[${i}]`).toBeLessThan(0.05));
      teacher.dispose?.();
      student.dispose();
    });
  },
  { webgpu: false },
);

/** A non-trivial teacher without training: a MAF with weights moved far from the identity. */
function teacherFlow(): Flow {
  const teacher = maf({ eventSize: 3, numLayers: 2, hiddenUnits: [16], seed: 1 });
  const ws = teacher.getWeights();
  const noisy = ws.map((w, i) => tf.add(w, tf.randomNormal(w.shape, 0, 0.5, 'float32', 100 + i)));
  teacher.setWeights(noisy);
  tf.dispose([...ws, ...noisy]);
  return teacher;
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

describeEachBackend(
  'distill',
  () => {
    it('lowers the KL(student || teacher) estimate, updates only the student, leaks nothing', async () => {
      const teacher = teacherFlow();
      const student = iaf({ eventSize: 3, numLayers: 2, hiddenUnits: [16], seed: 2 });
      const teacherBefore = teacher.getWeights();
      const steps: number[] = [];
      let res!: Awaited<ReturnType<typeof distill>>;
      await expectNoLeaks(async () => {
        res = await distill({
          teacher,
          student,
          steps: 200,
          batchSize: 128,
          learningRate: 1e-2,
          seed: 0,
          onStep: (k, { kl }) => {
            steps.push(k);
            expect(Number.isFinite(kl)).toBe(true);
          },
        });
        expect(res.aborted).toBe(false);
        expect(res.history.kl).toHaveLength(200);
        // Default warm-up: 0.4 steps = 80 maximum-likelihood steps on teacher samples.
        expect(res.history.warmupNll!.length).toBeGreaterThan(0);
        expect(res.history.warmupNll!.every(Number.isFinite)).toBe(true);
        const first = mean(res.history.kl.slice(0, 20));
        const last = mean(res.history.kl.slice(-20));
        expect(last).toBeLessThan(first * 0.6);
        expect(last).toBeLessThan(first - 0.1);
      });
      expect(steps).toEqual(Array.from({ length: 200 }, (_, i) => i));
      // Teacher frozen: bit-identical weights.
      const after = teacher.getWeights();
      for (let i = 0; i < after.length; i++) expect(Array.from(await after[i]!.data())).toEqual(Array.from(await teacherBefore[i]!.data()));
      tf.dispose([...teacherBefore, ...after]);
      // The reported estimates of the last 20 steps (20 x 128 draws, learning rate near its final
      // value) agree with a fresh 4000-draw Monte Carlo KL within 4 combined standard errors.
      const fresh = await freshKl(student, teacher, 4000, 99);
      const reported = mean(res.history.kl.slice(-20));
      const se = Math.sqrt(fresh.se ** 2 * (1 + 4000 / 2560));
      expect(Math.abs(reported - fresh.mean), `reported ${reported} vs fresh ${fresh.mean} (SE ${se})`).toBeLessThan(4 * se);
      teacher.dispose();
      student.dispose();
    });

    it('distills conditional flows at context rows drawn from `context`', async () => {
      const teacher = maf({ eventSize: 2, numLayers: 1, hiddenUnits: [8], contextSize: 1, seed: 5 });
      const student = iaf({ eventSize: 2, numLayers: 1, hiddenUnits: [8], contextSize: 1, seed: 6 });
      const context = tf.tensor2d([[0], [1], [2]]);
      await expectNoLeaks(async () => {
        const res = await distill({ teacher, student, steps: 25, batchSize: 16, seed: 2, context });
        expect(res.history.kl).toHaveLength(25);
      });
      await expect(distill({ teacher, student, steps: 2 })).rejects.toThrow(/distill: context must be a 2-D tensor of shape \[m, 1\]/);
      context.dispose();
      teacher.dispose();
      student.dispose();
    });

    it('stops on abort with the steps done so far', async () => {
      const teacher = teacherFlow();
      const student = iaf({ eventSize: 3, numLayers: 1, hiddenUnits: [8], seed: 3 });
      const controller = new AbortController();
      const res = await distill({
        teacher,
        student,
        steps: 500,
        batchSize: 32,
        seed: 1,
        signal: controller.signal,
        onStep: (k) => {
          if (k === 24) controller.abort();
        },
      });
      expect(res.aborted).toBe(true);
      // onStep runs after each group of 20 steps is read: the abort lands at step 39 or 40.
      expect(res.history.kl.length).toBeGreaterThanOrEqual(25);
      expect(res.history.kl.length).toBeLessThanOrEqual(41);
      teacher.dispose();
      student.dispose();
    });
  },
  { webgpu: false },
);

describe('distill errors', () => {
  it('names the bad argument', async () => {
    const teacher = maf({ eventSize: 2, numLayers: 1, hiddenUnits: [4], seed: 0 });
    const student = iaf({ eventSize: 2, numLayers: 1, hiddenUnits: [4], seed: 1 });
    const conditional = iaf({ eventSize: 2, numLayers: 1, hiddenUnits: [4], contextSize: 1, seed: 1 });
    await expect(distill({ teacher: {} as never, student })).rejects.toThrow(/distill: teacher must be a distribution with logProb/);
    await expect(distill({ teacher, student: {} as never })).rejects.toThrow(/distill: student must be a trainable flow with sampleAndLogProb/);
    await expect(distill({ teacher, student: teacher })).rejects.toThrow(/distill: student must be a different object than teacher/);
    await expect(distill({ teacher, student, steps: 0 })).rejects.toThrow(/distill: steps must be a positive integer, received 0/);
    await expect(distill({ teacher, student, batchSize: -2 })).rejects.toThrow(/distill: batchSize must be a positive integer/);
    await expect(distill({ teacher, student, warmup: -1 })).rejects.toThrow(/distill: warmup must be a non-negative integer, received -1/);
    await expect(distill({ teacher, student, damping: 0 })).rejects.toThrow(/distill: damping must be a number > 0/);
    await expect(distill({ teacher, student, clipNorm: -1 })).rejects.toThrow(/distill: clipNorm must be a number > 0/);
    await expect(distill({ teacher, student, dampingRelease: 2 })).rejects.toThrow(/distill: dampingRelease must be a number in \[0, 1\]/);
    await expect(distill({ teacher, student, finalLearningRate: 0 })).rejects.toThrow(/distill: finalLearningRate must be a finite number > 0, received 0/);
    await expect(distill({ teacher, student: conditional })).rejects.toThrow(/distill: student must be a flow with the teacher's contextSize 0, received contextSize 1/);
    teacher.dispose();
    student.dispose();
    conditional.dispose();
  });
});

describe('distill around its loop', () => {
  const small = { eventSize: 2, numLayers: 1, hiddenUnits: [4], seed: 3 };

  it('scores with the teacher in evaluation mode and gives it back in the mode it had; onStep sees the reported KL', async () => {
    const teacher = maf({ ...small, numLayers: 2, batchNorm: true });
    teacher.training = true;
    const student = iaf(small);
    const modes: boolean[] = [];
    const kls: number[] = [];
    const res = await distill({
      teacher,
      student,
      steps: 3,
      batchSize: 8,
      warmup: 0,
      seed: 1,
      onStep: (_, { kl }) => {
        modes.push(teacher.training);
        kls.push(kl);
      },
    });
    expect(modes).toEqual([false, false, false]);
    expect(teacher.training).toBe(true);
    expect(kls).toEqual(res.history.kl);
    teacher.dispose();
    student.dispose();
  });

  it('initializes the student from teacher samples unless told not to', async () => {
    // A teacher far from the origin: an initialized student's data-side bias moves to its mean.
    const teacher = maf(small);
    const shift = teacher.bijector.members[0]!.trainableVariables.at(-1)!;
    shift.assign(tf.tensor1d([8, 0, -6, 0]));
    const bias = async (initialize: boolean | undefined): Promise<number[]> => {
      const student = iaf(small);
      await distill({ teacher, student, steps: 1, batchSize: 8, warmup: 0, seed: 1, learningRate: 1e-9, ...(initialize === undefined ? {} : { initialize }) });
      const own = student.bijector.members[0]!.trainableVariables;
      const values = Array.from(await own[own.length - 1]!.data());
      student.dispose();
      return values;
    };
    const fresh = iaf(small);
    const start = Array.from(await fresh.bijector.members[0]!.trainableVariables.at(-1)!.data());
    fresh.dispose();
    const [byDefault, off] = [await bias(undefined), await bias(false)];
    off.forEach((v, i) => expect(v).toBeCloseTo(start[i]!, 5));
    expect(Math.max(...byDefault.map((v, i) => Math.abs(v - start[i]!)))).toBeGreaterThan(1);
    teacher.dispose();
  });

  it('takes a teacher with only logProb when there is no warm-up, and leaves it as it was; dampingRelease 0 and 1 are in range', async () => {
    const reference = new MultivariateNormalDiag({ loc: [1, -1], scaleDiag: [0.5, 2] });
    const teacher = { logProb: (x: tf.Tensor) => reference.logProb(x) };
    for (const dampingRelease of [0, 1]) {
      const student = iaf(small);
      const res = await distill({ teacher, student, steps: 2, batchSize: 8, warmup: 0, dampingRelease, seed: 1 });
      expect(res.history.kl).toHaveLength(2);
      expect(res.history.kl.every(Number.isFinite)).toBe(true);
      student.dispose();
    }
    expect(Object.keys(teacher)).toEqual(['logProb']);
    reference.dispose();
  });

  it('uses the optimizer it is given, for the warm-up and the reverse-KL steps', async () => {
    const teacher = maf(small);
    const student = iaf(small);
    const before = await Promise.all(student.getWeights().map((w) => w.data()));
    const optimizer = tf.train.sgd(0);
    await distill({ teacher, student, steps: 4, batchSize: 8, warmup: 4, initialize: false, seed: 1, optimizer });
    const after = student.getWeights();
    expect(await Promise.all(after.map((w) => w.data()))).toEqual(before);
    tf.dispose(after);
    optimizer.dispose();
    teacher.dispose();
    student.dispose();
  });
});

