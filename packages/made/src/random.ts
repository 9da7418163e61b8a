// A tiny seeded PRNG for the pure (tensor-free) parts: degree orders must be reproducible from
// `seed` without touching a tfjs backend.

/** mulberry32: uniform floats in [0, 1) from a 32-bit seed. */
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

/** A fresh random 32-bit seed when the user gave none. */
export function freshSeed(): number {
  return Math.floor(Math.random() * 4294967296) >>> 0;
}
