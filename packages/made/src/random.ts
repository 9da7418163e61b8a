// Seeds for the pure (tensor-free) parts: degree orders must be reproducible from `seed`
// without touching a tfjs backend (core's mulberry32 draws them).

/** A fresh random 32-bit seed when the user gave none. */
export function freshSeed(): number {
  return Math.floor(Math.random() * 4294967296) >>> 0;
}
