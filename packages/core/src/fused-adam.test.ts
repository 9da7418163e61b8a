import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { argumentErrorOf, describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
import { FusedAdam, fusedAdam, type FusedAdamOptions } from './fused-adam.js';
import { setDirectKernelsEnabled } from './kernels/direct-backend.js';

describeEachBackend(
  'FusedAdam',
  () => {
    for (const direct of [true, false]) {
      it(`matches tf.train.adam with non-default betas and a large epsilon (${direct ? 'one kernel' : 'composed ops'})`, async () => {
        const previous = setDirectKernelsEnabled(direct);
        const init = [tf.tensor1d([0.5, -1, 2]), tf.tensor2d([[0.3], [-0.2]])];
        const a = init.map((t) => tf.variable(t.clone()));
        const b = init.map((t) => tf.variable(t.clone()));
        const loss = (vs: tf.Variable[]) => () => tf.add(tf.sum(tf.square(tf.sub(vs[0]!, 0.7))), tf.sum(tf.pow(vs[1]!, 4))) as tf.Scalar;
        // ε = 0.1 is comparable to sqrt(v̂): the update depends on where ε enters.
        const ref = tf.train.adam(0.05, 0.7, 0.95, 0.1);
        const fused = new FusedAdam({ learningRate: 0.05, beta1: 0.7, beta2: 0.95, epsilon: 0.1 });
        for (let i = 0; i < 10; i++) {
          ref.minimize(loss(a), false, a);
          fused.minimize(loss(b), false, b);
        }
        for (let i = 0; i < 2; i++) await expectAllClose(b[i]!, a[i]!, { atol: 1e-5, rtol: 1e-5 });
        ref.dispose();
        fused.dispose();
        tf.dispose([...init, ...a, ...b]);
        setDirectKernelsEnabled(previous);
      });

    it(`takes exactly the steps of tf.train.adam over several variables (${direct ? 'one kernel' : 'composed ops'})`, async () => {
      const previous = setDirectKernelsEnabled(direct);
      const init = [tf.tensor2d([[0.5, -1], [2, 0.1]]), tf.tensor1d([0.3, -0.7, 1.5]), tf.scalar(-2)];
      const a = init.map((t) => tf.variable(t.clone()));
      const b = init.map((t) => tf.variable(t.clone()));
      const loss = (vs: tf.Variable[]) => () =>
        tf.add(tf.add(tf.sum(tf.square(tf.sub(vs[0]!, 1))), tf.sum(tf.pow(vs[1]!, 4))), tf.square(tf.mul(vs[2]!, 3))) as tf.Scalar;
      const ref = tf.train.adam(0.05);
      const fused = new FusedAdam({ learningRate: 0.05 });
      await expectNoLeaks(
        () => {
          for (let i = 0; i < 30; i++) {
            ref.minimize(loss(a), false, a);
            fused.minimize(loss(b), false, b);
          }
        },
        { expectedNew: 2 * 3 + 2 }, // tf.train.adam: m, v per variable; FusedAdam: flat m, v
      );
      for (let i = 0; i < 3; i++) await expectAllClose(b[i]!, a[i]!, { atol: 1e-5, rtol: 1e-5 });
      expect(fused.iterations).toBe(30);
      ref.dispose();
      const before = tf.memory().numTensors;
      fused.dispose();
      expect(tf.memory().numTensors).toBe(before - 2);
      tf.dispose([...init, ...a, ...b]);
      setDirectKernelsEnabled(previous);
    });
    }

    for (const direct of [true, false]) {
      it(`saves and restores its state into a new optimizer, non-default betas (${direct ? 'one kernel' : 'composed ops'})`, async () => {
        const previous = setDirectKernelsEnabled(direct);
        const config = { learningRate: 0.05, beta1: 0.8, beta2: 0.95, epsilon: 1e-6 };
        // Constant gradients g = (3, -2 | 0.5): after t steps m = (1 - β1^t) g and v = (1 - β2^t) g².
        const g = [3, -2, 0.5];
        const x = [tf.variable(tf.tensor1d([1, 1])), tf.variable(tf.scalar(1))];
        const loss = (vs: tf.Variable[]) => () => tf.add(tf.sum(tf.mul(vs[0]!, tf.tensor1d(g.slice(0, 2)))), tf.mul(vs[1]!, g[2]!)) as tf.Scalar;
        const first = new FusedAdam(config);
        expect((await first.getWeights()).map((w) => w.name)).toEqual(['iter']);
        for (let i = 0; i < 3; i++) first.minimize(loss(x), false, x);
        const saved = await first.getWeights();
        expect(saved.map((w) => w.name)).toEqual(['iter', 'fused_adam/m', 'fused_adam/v']);
        expect(await saved[0]!.tensor.data()).toEqual(new Int32Array([3]));
        await expectAllClose(saved[1]!.tensor, g.map((gi) => (1 - 0.8 ** 3) * gi), { atol: 1e-6, rtol: 1e-5 });
        await expectAllClose(saved[2]!.tensor, g.map((gi) => (1 - 0.95 ** 3) * gi * gi), { atol: 1e-6, rtol: 1e-5 });
        // A copy of the variables continues with the restored optimizer, the original with its own,
        // on a loss whose gradients change (with constant ones every Adam step is lr * sign(g)).
        const quadratic = (vs: tf.Variable[]) => () => tf.add(tf.sum(tf.square(vs[0]!)), tf.mul(tf.square(vs[1]!), 4)) as tf.Scalar;
        const y = x.map((v) => tf.variable(v.clone()));
        const z = x.map((v) => tf.variable(v.clone()));
        const second = new FusedAdam(config);
        await second.setWeights(saved);
        expect(second.iterations).toBe(3);
        const fresh = new FusedAdam(config);
        for (let i = 0; i < 2; i++) {
          first.minimize(quadratic(x), false, x);
          second.minimize(quadratic(y), false, y);
          fresh.minimize(quadratic(z), false, z);
        }
        for (let i = 0; i < 2; i++) await expectAllClose(y[i]!, x[i]!, { atol: 1e-6, rtol: 1e-6 });
        // Without the restored moments the continuation differs.
        expect(Math.abs((await z[1]!.data())[0]! - (await x[1]!.data())[0]!)).toBeGreaterThan(1e-3);
        tf.dispose(saved.map((w) => w.tensor));
        [first, second, fresh].forEach((o) => o.dispose());
        tf.dispose([...x, ...y, ...z]);
        setDirectKernelsEnabled(previous);
      });
    }

    it('validates its hyperparameters, each at its bounds', () => {
      const refused: [FusedAdamOptions, string, string][] = [
        [{ learningRate: 0 }, 'learningRate', 'a finite number > 0, received 0'],
        [{ learningRate: Infinity }, 'learningRate', 'a finite number > 0, received Infinity'],
        [{ learningRate: '0.1' as never }, 'learningRate', 'a finite number > 0, received "0.1"'],
        [{ beta1: 1 }, 'beta1', 'in [0, 1), received 1'],
        [{ beta1: -0.1 }, 'beta1', 'in [0, 1), received -0.1'],
        [{ beta2: 1 }, 'beta2', 'in [0, 1), received 1'],
        [{ beta2: -0.1 }, 'beta2', 'in [0, 1), received -0.1'],
        [{ beta2: NaN }, 'beta2', 'in [0, 1), received NaN'],
        [{ epsilon: 0 }, 'epsilon', 'a finite number > 0, received 0'],
        [{ epsilon: Infinity }, 'epsilon', 'a finite number > 0, received Infinity'],
      ];
      for (const [options, argument, rest] of refused) {
        const escaped = `FusedAdam: ${argument} must be ${rest}`.replace(/[[\]().]/g, '\\$&');
        argumentErrorOf(() => new FusedAdam(options), { argument, message: new RegExp(`^${escaped}$`) });
      }
      const edge = new FusedAdam({ beta1: 0, beta2: 0, epsilon: 1e-30 });
      expect([edge.beta1, edge.beta2, edge.epsilon]).toEqual([0, 0, 1e-30]);
    });

    it('serializes its configuration; fusedAdam(lr, β1, β2, ε) reads as tf.train.adam', () => {
      const adam = fusedAdam(0.01, 0.7, 0.9, 1e-5);
      expect(FusedAdam.className).toBe('FusedAdam');
      expect(adam.getConfig()).toEqual({ learningRate: 0.01, beta1: 0.7, beta2: 0.9, epsilon: 1e-5 });
      const copy = FusedAdam.fromConfig(FusedAdam, adam.getConfig());
      expect(copy).toBeInstanceOf(FusedAdam);
      expect(copy.getConfig()).toEqual(adam.getConfig());
      expect(fusedAdam().getConfig()).toEqual({ learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    });

    it('refuses gradients of variables that are not registered, changing nothing', () => {
      const adam = new FusedAdam();
      const g = tf.scalar(1);
      argumentErrorOf(() => adam.applyGradients({ 'no such variable': g }), {
        argument: 'variableGradients',
        message: /^FusedAdam\.applyGradients: variableGradients must be gradients keyed by the names of registered variables, received a gradient for "no such variable"$/,
      });
      expect(adam.iterations).toBe(0);
      g.dispose();
    });
  },
  { webgpu: false },
);
