import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeEachBackend, expectNoLeaks } from '@densityjs/testing';
import { distill, iaf, maf, type Flow } from './index.js';

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
      await expectNoLeaks(async () => {
        const res = await distill({
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
      // The student's own estimate agrees with a fresh Monte Carlo KL (student samples, teacher logProb).
      const kl = tf.tidy(() => {
        const { sample, logProb } = student.sampleAndLogProb(4000, { seed: 99 });
        return tf.mean(tf.sub(logProb, teacher.logProb(sample)));
      });
      const klValue = (await kl.data())[0]!;
      kl.dispose();
      expect(klValue).toBeGreaterThan(-0.05); // a KL, up to Monte Carlo noise
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
  { webgpu: false, only: ['wasm'] },
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
