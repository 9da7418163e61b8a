// Test-only conditioners with fixed random weights ("trained-looking" transforms), so the
// bijector tests do not depend on @densityjs/made. Excluded from the build (test-*.ts).
import * as tf from '@tensorflow/tfjs-core';
import type { ConditionerObject } from './conditioner.js';

function flatten(x: tf.Tensor): [tf.Tensor2D, number[]] {
  const lead = x.shape.slice(0, -1);
  return [tf.reshape(x, [-1, x.shape[x.rank - 1]!]) as tf.Tensor2D, lead];
}

interface Net extends ConditionerObject {
  trainableVariables: tf.Variable[];
  dispose(): void;
}

/**
 * One-hidden-layer tanh MLP `x [.., inSize] (+ context) -> [.., ...outShape]` with N(0, gain^2 /
 * fanIn) weights from `seed`.
 */
export function randomMlp(opts: {
  inSize: number;
  hidden: number;
  outShape: number[];
  seed: number;
  gain?: number;
  contextSize?: number;
}): Net {
  const gain = opts.gain ?? 1;
  const out = opts.outShape.reduce((a, b) => a * b, 1);
  const inTotal = opts.inSize + (opts.contextSize ?? 0);
  const w1 = tf.variable(tf.randomNormal([inTotal, opts.hidden], 0, gain / Math.sqrt(inTotal), 'float32', opts.seed));
  const b1 = tf.variable(tf.randomNormal([opts.hidden], 0, 0.3, 'float32', opts.seed + 1));
  const w2 = tf.variable(tf.randomNormal([opts.hidden, out], 0, gain / Math.sqrt(opts.hidden), 'float32', opts.seed + 2));
  const b2 = tf.variable(tf.randomNormal([out], 0, 0.3, 'float32', opts.seed + 3));
  const vars = [w1, b1, w2, b2];
  return {
    trainableVariables: vars,
    call(x, o) {
      return tf.tidy(() => {
        const [x2, lead] = flatten(x);
        let input: tf.Tensor2D = x2;
        if (opts.contextSize) {
          if (!o?.context) throw new Error('randomMlp: context missing');
          input = tf.concat([x2, flatten(o.context)[0]], -1);
        }
        const h = tf.tanh(tf.add(tf.matMul(input, w1), b1));
        return tf.reshape(tf.add(tf.matMul(h, w2), b2), [...lead, ...opts.outShape]);
      });
    },
    dispose: () => tf.dispose(vars),
  };
}

/**
 * A one-hidden-layer MADE: output [.., D, params] where unit i's parameters depend on inputs
 * < i only (degrees 1..D for inputs, hidden degrees cycling 1..D-1, strict `<` at the output),
 * plus an unmasked context path into the hidden layer.
 */
export function randomMade(opts: {
  eventSize: number;
  hidden: number;
  params: number;
  seed: number;
  gain?: number;
  contextSize?: number;
}): Net {
  const D = opts.eventSize;
  const P = opts.params;
  const H = opts.hidden;
  const gain = opts.gain ?? 1;
  const inDeg = Array.from({ length: D }, (_, i) => i + 1);
  const hidDeg = Array.from({ length: H }, (_, k) => (D > 1 ? (k % (D - 1)) + 1 : 0));
  const m1 = tf.tensor2d(inDeg.map((di) => hidDeg.map((dk) => (dk >= di ? 1 : 0))));
  // Output column i*P + p belongs to unit i (degree i+1): connect hidden units of degree < i+1.
  const m2 = tf.tensor2d(hidDeg.map((dk) => Array.from({ length: D * P }, (_, c) => (dk < Math.floor(c / P) + 1 ? 1 : 0))));
  const w1 = tf.variable(tf.randomNormal([D, H], 0, gain / Math.sqrt(D), 'float32', opts.seed));
  const b1 = tf.variable(tf.randomNormal([H], 0, 0.3, 'float32', opts.seed + 1));
  const w2 = tf.variable(tf.randomNormal([H, D * P], 0, gain / Math.sqrt(H), 'float32', opts.seed + 2));
  const b2 = tf.variable(tf.randomNormal([D * P], 0, 0.3, 'float32', opts.seed + 3));
  const wc = opts.contextSize
    ? tf.variable(tf.randomNormal([opts.contextSize, H], 0, 1 / Math.sqrt(opts.contextSize), 'float32', opts.seed + 4))
    : undefined;
  const vars = [w1, b1, w2, b2, ...(wc ? [wc] : [])];
  return {
    trainableVariables: vars,
    call(x, o) {
      return tf.tidy(() => {
        const [x2, lead] = flatten(x);
        let pre = tf.add(tf.matMul(x2, tf.mul(w1, m1)), b1);
        if (wc) {
          if (!o?.context) throw new Error('randomMade: context missing');
          pre = tf.add(pre, tf.matMul(flatten(o.context)[0], wc));
        }
        const out = tf.add(tf.matMul(tf.tanh(pre), tf.mul(w2, m2)), b2);
        return tf.reshape(out, [...lead, D, P]);
      });
    },
    dispose: () => tf.dispose([...vars, m1, m2]),
  };
}
