import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectAllClose } from '@densityjs/testing';
import { it } from 'vitest';
import { bd0, stirlerr } from './saddle-point.js';
import { lgamma } from './test-reference.js';

const f = Math.fround;

describeEachBackend('Loader saddle-point terms', () => {
  it('stirlerr(k) = log k! - (k + 1/2) log k + k - log(2π)/2 against float64, both sides of its switch at 15', async () => {
    const ks = [1, 2, 5, 14, 15, 16, 30, 100, 1e4, 1e6];
    // Float64: the definition, which cancels too much beyond k = 1000; Stirling's series there.
    const reference = (k: number) =>
      k < 1000 ? lgamma(k + 1) - (k + 0.5) * Math.log(k) + k - 0.5 * Math.log(2 * Math.PI) : 1 / (12 * k) - 1 / (360 * k ** 3) + 1 / (1260 * k ** 5);
    const k = tf.tensor1d(ks);
    const value = stirlerr(k);
    // The direct form below 15 subtracts terms near 40 (absolute precision); the series holds
    // its relative precision, which the -1/(360 k³) term (3e-4 of the value at 15) needs.
    const below = tf.slice(value, 0, 4);
    const above = tf.slice(value, 4, 6);
    await expectAllClose(below, ks.slice(0, 4).map(reference), { rtol: 0, atol: 1e-5 }, 'direct');
    await expectAllClose(above, ks.slice(4).map(reference), { rtol: 2e-6, atol: 0 }, 'series');
    tf.dispose([k, value, below, above]);
  });

  it('bd0(x, m) = x log(x/m) + m - x against float64, near x = m (the series) and far from it', async () => {
    const pairs: [number, number][] = [[10, 10.5], [100, 99], [1000, 1001], [3, 3.2], [50, 45.1], [1, 20], [40, 2], [1e5, 1e5 + 30]];
    const xs = pairs.map(([x]) => f(x));
    const ms = pairs.map(([, m]) => f(m));
    const [x, m] = [tf.tensor1d(xs), tf.tensor1d(ms)];
    const value = bd0(x, m);
    // Float64 by the same alternating series where d = (x - m)/m is small, where the direct
    // form cancels even in float64.
    const reference = xs.map((xv, i) => {
      const mv = ms[i]!;
      const d = (xv - mv) / mv;
      if (Math.abs(d) > 0.1) return xv * Math.log(xv / mv) + mv - xv;
      let s = 0;
      for (let n = 2; n < 40; n++) s += ((n % 2 === 0 ? 1 : -1) * d ** n) / (n * (n - 1));
      return mv * s;
    });
    await expectAllClose(value, reference, { rtol: 1e-5, atol: 0 });
    tf.dispose([x, m, value]);
  });
});
