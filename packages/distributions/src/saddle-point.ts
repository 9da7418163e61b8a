// The two terms of Loader's saddle-point evaluation of Poisson and binomial log-probabilities
// (C. Loader, "Fast and accurate computation of binomial probabilities", 2000).
import * as tf from '@tensorflow/tfjs-core';
import { lgamma } from '@densityjs/core';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * bd0(x, m) = x log(x/m) + m - x for x > 0, m > 0 (the deviance term), without cancellation:
 * m Σ_{n>=2} (-1)^n d^n / (n(n-1)) with d = (x - m)/m for |d| < 0.1 (ten terms), the direct form
 * beyond.
 */
export function bd0(x: tf.Tensor, m: tf.Tensor): tf.Tensor {
  const d = tf.div(tf.sub(x, m), m);
  const near = tf.less(tf.abs(d), tf.scalar(0.1));
  const dn = tf.clipByValue(d, -0.1, 0.1);
  let series: tf.Tensor = tf.scalar(0);
  for (let n = 11; n >= 2; n--) series = tf.add(tf.mul(series, dn), tf.scalar((n % 2 === 0 ? 1 : -1) / (n * (n - 1))));
  const nearValue = tf.mul(m, tf.mul(tf.square(dn), series));
  const farValue = tf.sub(tf.add(tf.mul(x, tf.log(tf.div(x, m))), m), x);
  return tf.where(near, nearValue, farValue);
}

/**
 * stirlerr(k) = log k! - (k + 1/2) log k + k - log(2π)/2 for k >= 1: directly below 15, the
 * series 1/(12k) - 1/(360k³) + 1/(1260k⁵) from 15 on.
 */
export function stirlerr(k: tf.Tensor): tf.Tensor {
  const kl = tf.maximum(k, tf.scalar(15));
  const r = tf.reciprocal(kl);
  const r2 = tf.square(r);
  const series = tf.mul(r, tf.add(tf.scalar(1 / 12), tf.mul(r2, tf.add(tf.scalar(-1 / 360), tf.mul(r2, tf.scalar(1 / 1260))))));
  const ks = tf.clipByValue(k, 1, 15);
  const direct = tf.sub(tf.add(tf.sub(lgamma(tf.add(ks, tf.scalar(1))), tf.mul(tf.add(ks, tf.scalar(0.5)), tf.log(ks))), ks), tf.scalar(HALF_LOG_TWO_PI));
  return tf.where(tf.greaterEqual(k, tf.scalar(15)), series, direct);
}
