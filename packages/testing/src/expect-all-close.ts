import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

export type Numeric = tf.Tensor | number | ArrayLike<number> | number[][] | number[][][];

export interface Tolerance {
  atol?: number;
  rtol?: number;
}

async function flatten(x: Numeric): Promise<{ values: ArrayLike<number>; shape?: number[] }> {
  if (x instanceof tf.Tensor) return { values: (await x.data()) as ArrayLike<number>, shape: x.shape };
  if (typeof x === 'number') return { values: [x], shape: [] };
  if (Array.isArray(x) && x.length > 0 && Array.isArray(x[0])) {
    const flat = (x as unknown[]).flat(Infinity) as number[];
    const shape: number[] = [];
    let level: unknown = x;
    while (Array.isArray(level)) {
      shape.push(level.length);
      level = level[0];
    }
    return { values: flat, shape };
  }
  return { values: x as ArrayLike<number> };
}

/**
 * numpy.testing.assert_allclose semantics: |actual - expected| <= atol + rtol * |expected|
 * elementwise; NaN matches NaN, infinities match infinities of the same sign. Shapes must match
 * when both sides carry one; a scalar `expected` broadcasts.
 */
export async function expectAllClose(
  actual: Numeric,
  expected: Numeric,
  { atol = 1e-5, rtol = 1e-5 }: Tolerance = {},
  label = '',
): Promise<void> {
  const a = await flatten(actual);
  const e = await flatten(expected);
  const prefix = label ? `${label}: ` : '';
  const broadcast = e.values.length === 1 && a.values.length !== 1;
  if (!broadcast && a.shape && e.shape && a.shape.join(',') !== e.shape.join(',')) {
    throw new Error(`${prefix}shape mismatch: actual [${a.shape}] vs expected [${e.shape}]`);
  }
  if (!broadcast && a.values.length !== e.values.length) {
    throw new Error(`${prefix}size mismatch: actual ${a.values.length} vs expected ${e.values.length}`);
  }
  const bad: string[] = [];
  let worst = 0;
  for (let i = 0; i < a.values.length; i++) {
    const av = a.values[i]!;
    const ev = broadcast ? e.values[0]! : e.values[i]!;
    let ok: boolean;
    if (Number.isNaN(ev) || Number.isNaN(av)) ok = Number.isNaN(ev) && Number.isNaN(av);
    else if (!Number.isFinite(ev) || !Number.isFinite(av)) ok = av === ev;
    else {
      const err = Math.abs(av - ev);
      worst = Math.max(worst, err);
      ok = err <= atol + rtol * Math.abs(ev);
    }
    if (!ok && bad.length < 8) bad.push(`[${i}] actual ${av} expected ${ev}`);
    else if (!ok) bad.push('');
  }
  if (bad.length) {
    throw new Error(
      `${prefix}${bad.length} of ${a.values.length} elements differ beyond atol=${atol}, rtol=${rtol} ` +
        `(max abs err among finite ${worst.toExponential(3)}):\n  ${bad.filter(Boolean).join('\n  ')}`,
    );
  }
  // Counted as an assertion (expect.hasAssertions) of the running test.
  expect(bad).toEqual([]);
}
