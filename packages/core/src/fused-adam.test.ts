import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { argumentErrorOf, argumentErrorOfAsync, describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
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

    it('moves a variable without a gradient in a step by its moments alone (a zero gradient), as float64 Adam does', async () => {
      const [lr, b1, b2, eps] = [0.1, 0.8, 0.9, 1e-3];
      const a = tf.variable(tf.tensor1d([1, -2]));
      const b = tf.variable(tf.tensor1d([0.5]));
      const adam = new FusedAdam({ learningRate: lr, beta1: b1, beta2: b2, epsilon: eps });
      const ga = tf.tensor1d([0.3, -0.6]);
      const gb = tf.tensor1d([2]);
      adam.applyGradients({ [a.name]: ga, [b.name]: gb });
      adam.applyGradients([{ name: a.name, tensor: ga }, { name: b.name, tensor: undefined as never }]);
      // b: m = (1 - β1) g b1^(1), v = (1 - β2) g² β2 after the zero-gradient step; t = 2.
      const adamStep = (p: number, g: number[]) => {
        let [m, v, x] = [0, 0, p];
        g.forEach((gt, i) => {
          const t = i + 1;
          m = b1 * m + (1 - b1) * gt;
          v = b2 * v + (1 - b2) * gt * gt;
          x -= (lr * (m / (1 - b1 ** t))) / (Math.sqrt(v / (1 - b2 ** t)) + eps);
        });
        return x;
      };
      await expectAllClose(b, [adamStep(0.5, [2, 0])], { atol: 1e-6, rtol: 1e-6 });
      await expectAllClose(a, [adamStep(1, [0.3, 0.3]), adamStep(-2, [-0.6, -0.6])], { atol: 1e-6, rtol: 1e-6 });
      tf.dispose([a, b, ga, gb]);
      adam.dispose();
    });

    it('starts fresh moments for another set of variables, frees the old ones, and keeps them out of the trainable variables', async () => {
      const trainable = () => Object.values(tf.engine().registeredVariables).filter((v) => v.trainable).length;
      const x = tf.variable(tf.tensor1d([1, 2]));
      const y = tf.variable(tf.tensor1d([3, -1, 0.5]));
      const loss = (v: tf.Variable) => () => tf.sum(tf.square(tf.sub(v, 0.25))) as tf.Scalar;
      const adam = new FusedAdam({ learningRate: 0.05 });
      const before = trainable();
      adam.minimize(loss(x), false, [x]);
      adam.minimize(loss(x), false, [x]);
      expect(trainable()).toBe(before);
      // Switching to y: the same steps as a fresh optimizer, and the old moments are freed.
      const yFresh = tf.variable(y.clone());
      const fresh = new FusedAdam({ learningRate: 0.05 });
      await expectNoLeaks(() => {
        adam.minimize(loss(y), false, [y]);
        fresh.minimize(loss(yFresh), false, [yFresh]);
      }, { expectedNew: 2 });
      await expectAllClose(y, yFresh, { atol: 0 });
      tf.dispose([x, y, yFresh]);
      adam.dispose();
      fresh.dispose();
    });

    it('restores a state saved before any step, or with its entries in another order; restoring frees the moments it replaces', async () => {
      const x = tf.variable(tf.tensor1d([1, 2]));
      const loss = () => tf.sum(tf.square(x)) as tf.Scalar;
      const empty = await new FusedAdam().getWeights();
      const adam = new FusedAdam({ beta1: 0.5 });
      await adam.setWeights(empty);
      expect(adam.iterations).toBe(0);
      adam.minimize(loss, false, [x]);
      adam.minimize(loss, false, [x]);
      const saved = await adam.getWeights();
      const [iter, m, v] = saved;
      const copy = new FusedAdam({ beta1: 0.5 });
      await copy.setWeights([iter!, v!, m!]);
      const restored = await copy.getWeights();
      await expectAllClose(restored[1]!.tensor, m!.tensor, { atol: 0 });
      await expectAllClose(restored[2]!.tensor, v!.tensor, { atol: 0 });
      await expectNoLeaks(() => copy.setWeights(saved));
      // The moments are optimizer state, not trainable variables (minimize() without a list of
      // variables would otherwise differentiate them).
      const state = await copy.getWeights();
      expect(state.slice(1).map((w) => (w.tensor as tf.Variable).trainable)).toEqual([false, false]);
      // Half a state, or moments of different sizes, is refused before anything changes.
      const before = copy.iterations;
      const odd = tf.zeros([3]);
      for (const [weights, received] of [
        [[iter!, m!], '[iter, fused_adam/m]'],
        [[iter!, v!], '[iter, fused_adam/v]'],
        [[iter!, m!, { name: 'fused_adam/v', tensor: odd }], '[iter, fused_adam/m, fused_adam/v] with moments of different sizes'],
      ] as const) {
        await argumentErrorOfAsync(() => copy.setWeights([...weights]), {
          argument: 'weightValues',
          message: `FusedAdam.setWeights: weightValues must be a state from getWeights: both fused_adam/m and fused_adam/v, of one size, or neither, received ${received}`,
        });
      }
      expect(copy.iterations).toBe(before);
      odd.dispose();
      tf.dispose([x, ...saved.map((w) => w.tensor), ...empty.map((w) => w.tensor), restored[0]!.tensor]);
      adam.dispose();
      copy.dispose();
    });

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
