// The one seeded uniform generator of the JS-side (tensor-free) randomness of every package:
// shuffles, permutations, MADE degrees, plain-JS initializations and test inputs. Identical on
// every backend, because it never touches one.

/**
 * mulberry32 (Tommy Ettinger's 32-bit generator): uniform floats in [0, 1) from a 32-bit seed,
 * period 2^32. Fast and small; not for cryptography.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
