// The base class on its own: what a family gets without overriding anything (typed
// NotImplementedErrors, cdf and the survival function derived from logCdf), empty draws, and
// the checks every public method makes before the family's code runs.
import * as tf from '@tensorflow/tfjs-core';
import { argumentErrorOf, expectAllClose, expectNoLeaks, notImplementedErrorOf } from '@densityjs/testing';
import { describe, expect, it } from 'vitest';
import { BaseDistribution } from './distribution.js';
import { Normal } from './normal.js';
import { MultivariateNormalDiag } from './multivariate-normal-diag.js';

/**
 * The standard exponential with a batch of two, defining only what the base class requires
 * (log p and sampling) plus, when `withLogCdf`, log F(x) = log(1 - e^{-x}).
 */
class Minimal extends BaseDistribution {
  constructor(
    private readonly withLogCdf = false,
    eventShape: number[] = [],
  ) {
    super('Minimal', undefined);
    this._batchShape = [2];
    this._eventShape = eventShape;
  }
  protected _logProb(x: tf.Tensor): tf.Tensor {
    const perElement = tf.neg(x);
    return this._eventShape.length ? tf.sum(perElement, -1) : tf.add(perElement, tf.zeros(this._batchShape));
  }
  protected _sample(sampleShape: number[]): tf.Tensor {
    return tf.ones(this.drawShape(sampleShape));
  }
  protected override _logCdf(x: tf.Tensor): tf.Tensor {
    if (!this.withLogCdf) return super._logCdf(x);
    return tf.log(tf.neg(tf.expm1(tf.neg(x))));
  }
}

describe('BaseDistribution', () => {
  it('with validateArgs: false, gives NaN for probabilities outside [0, 1] instead of refusing them', async () => {
    const d = new Normal({ loc: 0, scale: 1, validateArgs: false });
    const p = tf.tensor1d([-0.25, 0.5, 1.5]);
    const q = d.quantile(p);
    const v = Array.from(await q.data());
    expect([Number.isNaN(v[0]), v[1], Number.isNaN(v[2])]).toEqual([true, 0, true]);
    tf.dispose([p, q]);
    d.dispose();
  });

  it('throws a NotImplementedError naming the method a family does not define', () => {
    const d = new Minimal();
    const x = tf.tensor1d([0.5, 1]);
    const says = (method: string) => `Minimal: ${method} is not implemented for this distribution`;
    notImplementedErrorOf(() => d.mean(), says('mean'));
    notImplementedErrorOf(() => d.variance(), says('variance'));
    notImplementedErrorOf(() => d.stddev(), says('variance'));
    notImplementedErrorOf(() => d.mode(), says('mode'));
    notImplementedErrorOf(() => d.entropy(), says('entropy'));
    notImplementedErrorOf(() => d.cdf(x), says('cdf/logCdf'));
    notImplementedErrorOf(() => d.logCdf(x), says('cdf/logCdf'));
    notImplementedErrorOf(() => d.survivalFunction(x), says('cdf/logCdf'));
    notImplementedErrorOf(() => d.quantile(x), says('quantile'));
    notImplementedErrorOf(() => new Minimal(false, [3]).quantile(x), says('quantile (scalar events only)'));
    x.dispose();
  });

  it('derives cdf and the survival function from logCdf, on both sides of the log1mexp switch', async () => {
    const d = new Minimal(true);
    // log1mexp switches formulas where -log F(x) = ln 2, i.e. F = 1/2 at x = ln 2: points on both sides.
    const points = [0.05, 0.3, Math.LN2 - 0.01, Math.LN2 + 0.01, 2, 4];
    const x = tf.tensor2d(points.map((v) => [v, v]));
    const expected = (f: (v: number) => number) => points.map((v) => [f(v), f(v)]);
    await expectNoLeaks(async () => {
      const results = [d.cdf(x), d.survivalFunction(x), d.logSurvivalFunction(x)];
      await expectAllClose(results[0]!, expected((v) => -Math.expm1(-v)), { rtol: 1e-5 });
      await expectAllClose(results[1]!, expected((v) => Math.exp(-v)), { rtol: 1e-5 });
      await expectAllClose(results[2]!, expected((v) => -v), { rtol: 1e-5, atol: 1e-6 });
      tf.dispose(results);
    });
    x.dispose();
  });

  it('returns empty draws and log-densities of the right shape and dtype without calling the family', async () => {
    const d = new Minimal(true);
    await expectNoLeaks(() => {
      const s = d.sample([0, 3]);
      expect([s.shape, s.dtype]).toEqual([[0, 3, 2], 'float32']);
      const both = d.sampleAndLogProb([4, 0]);
      expect([both.sample.shape, both.logProb.shape]).toEqual([[4, 0, 2], [4, 0, 2]]);
      const empty = tf.zeros([0, 2]);
      for (const r of [d.logProb(empty), d.prob(empty), d.cdf(empty), d.logCdf(empty), d.survivalFunction(empty), d.logSurvivalFunction(empty), d.quantile(empty)]) {
        expect(r.shape).toEqual([0, 2]);
        r.dispose();
      }
      tf.dispose([s, both.sample, both.logProb, empty]);
      // Vector events: the event axis is not part of logProb's shape.
      const vector = new Minimal(false, [3]);
      const rows = tf.zeros([0, 1, 3]);
      const lp = vector.logProb(rows);
      expect(lp.shape).toEqual([0, 2]);
      tf.dispose([rows, lp]);
    });
  });

  it('draws and scores through the family for non-empty shapes', async () => {
    const d = new Minimal();
    await expectNoLeaks(async () => {
      const both = d.sampleAndLogProb(3, { seed: 0 });
      expect(both.sample.shape).toEqual([3, 2]);
      await expectAllClose(both.logProb, [[-1, -1], [-1, -1], [-1, -1]]);
      const x = tf.tensor1d([0, 2], 'int32');
      const p = d.prob(x);
      await expectAllClose(p, [1, Math.exp(-2)], { rtol: 1e-6 });
      tf.dispose([both.sample, both.logProb, x, p]);
    });
  });

  it('refuses bad options and probabilities before the family runs', () => {
    const d = new Minimal(true);
    argumentErrorOf(() => d.sample(2, null as never), { argument: 'options', message: 'Minimal: options must be an object, received null' });
    argumentErrorOf(() => d.sampleAndLogProb(2, 3 as never), { argument: 'options', message: 'Minimal: options must be an object, received 3' });
    argumentErrorOf(() => d.sample(2, { context: [1] as never }), { argument: 'context', message: 'Minimal: context must be a tf.Tensor, received [1]' });
    const p = tf.tensor1d([0.5, 1.5]);
    argumentErrorOf(() => d.quantile(p), { argument: 'p', message: 'Minimal: p must be a probability in [0, 1], received 1.5 (at flat index 1)' });
    const negative = tf.tensor1d([-0.25, 0.5]);
    argumentErrorOf(() => d.quantile(negative), { argument: 'p', message: 'Minimal: p must be a probability in [0, 1], received -0.25 (at flat index 0)' });
    p.dispose();
    argumentErrorOf(() => d.sample(-1), { argument: 'sampleShape' });
    // Every method that takes a value names it x and checks it the same way.
    const text = tf.tensor1d(['a', 'b'] as never, 'string');
    for (const method of ['logProb', 'prob', 'cdf', 'logCdf', 'survivalFunction', 'logSurvivalFunction'] as const) {
      argumentErrorOf(() => d[method](text), { argument: 'x', message: 'Minimal: x must be a float32 or int32 or bool tensor (convert with tf.cast(x, \'float32\')), received a string tensor of shape [2]' });
    }
    // quantile's argument is p.
    argumentErrorOf(() => d.quantile(text), { argument: 'p', message: 'Minimal: p must be a float32 or int32 or bool tensor (convert with tf.cast(p, \'float32\')), received a string tensor of shape [2]' });
    text.dispose();
    const vector = new Minimal(false, [3]);
    const ends = 'Minimal: x must be a tensor whose shape ends with the event shape [3], received a float32 tensor of shape';
    for (const shape of [[], [2], [4, 2]]) {
      const x = tf.zeros(shape);
      argumentErrorOf(() => vector.logProb(x), { argument: 'x', message: `${ends} [${shape.join(', ')}]` });
      x.dispose();
    }
    negative.dispose();
    expect(d.reparameterized).toBe(false);
    expect(d.validateArgs).toBe(true);
    expect([d.batchShape, d.eventShape]).toEqual([[2], []]);
    // The shapes are copies: changing one changes nothing in the distribution.
    d.batchShape.push(7);
    d.eventShape.push(7);
    expect([d.batchShape, d.eventShape]).toEqual([[2], []]);
  });

  it('broadcasts a size-1 dimension of x over the event, never the event over x', async () => {
    // MultivariateNormalDiag with event [3]: x of shape [2, 1] is x broadcast to [2, 3].
    const three = new MultivariateNormalDiag({ loc: [0.5, -1, 2], scaleDiag: [1, 2, 0.5] });
    const column = tf.tensor2d([[0.3], [-1.2]]);
    const spread = tf.tensor2d([[0.3, 0.3, 0.3], [-1.2, -1.2, -1.2]]);
    await expectAllClose(three.logProb(column), await three.logProb(spread).data(), { atol: 1e-6, rtol: 0 });
    // With event [1], x of shape [2, 4] is not four points of R^1 summed into one density.
    const one = new MultivariateNormalDiag({ loc: [0], scaleDiag: [1] });
    argumentErrorOf(() => one.logProb(spread), {
      argument: 'x',
      message: 'MultivariateNormalDiag: x must be a tensor whose shape ends with the event shape [1], received a float32 tensor of shape [2, 3]',
    });
    tf.dispose([column, spread]);
    three.dispose();
    one.dispose();
  });
});
