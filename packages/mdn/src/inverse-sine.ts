import { mulberry32 } from '@densityjs/core';

/**
 * The seed's inverse problem (Bishop 1994, section 5): t ~ U(-10.5, 10.5),
 * s = 7 sin(0.75 t) + 0.5 t + eps, eps ~ N(0, 1); the MDN predicts t from s, a multi-valued
 * map with up to 5 branches. Returns inputs `x` = s and targets `y` = t, float32, from a
 * seeded PRNG (Box-Muller normals), so runs are reproducible.
 */
export function inverseSineData(n: number, seed: number): { x: Float32Array; y: Float32Array } {
  const random = mulberry32(seed);
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = random() * 21 - 10.5;
    const u1 = 1 - random();
    const u2 = random();
    const eps = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    x[i] = 7 * Math.sin(0.75 * t) + 0.5 * t + eps;
    y[i] = t;
  }
  return { x, y };
}
