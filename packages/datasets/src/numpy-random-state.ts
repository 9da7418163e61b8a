// A bit-exact port of the parts of numpy's legacy `np.random.RandomState` that the MAF
// preprocessing uses (`RandomState(42)`, `shuffle` of rows, `rand`), so that the POWER splits
// and noise here equal those of the paper's code (github.com/gpapamak/maf, datasets/power.py).
//
// Engine: MT19937 (Matsumoto & Nishimura 1998) with numpy's integer seeding (`mt19937_seed`,
// identical to the reference `init_genrand`). `rand` is numpy's `random_sample`:
// ((a >>> 5) * 2^26 + (b >>> 6)) / 2^53 from two outputs. `shuffle` is numpy's legacy
// Fisher-Yates: for i = n-1 .. 1, j = random_interval(i) (masked rejection sampling), swap i, j.
import { ArgumentError } from './errors.js';

const N = 624;
const M = 397;

export class NumpyRandomState {
  private readonly mt = new Uint32Array(N);
  private index = N;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new ArgumentError(`NumpyRandomState: seed must be an integer in [0, 2^32), received ${seed}`);
    }
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]!;
      mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
  }

  private twist(): void {
    const mt = this.mt;
    for (let k = 0; k < N; k++) {
      const y = (mt[k]! & 0x80000000) | (mt[(k + 1) % N]! & 0x7fffffff);
      mt[k] = mt[(k + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.index = 0;
  }

  /** The next tempered 32-bit output. */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** numpy's `rand()`: a double in [0, 1) with 53 random bits. */
  rand(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** numpy's `random_interval(max)`: uniform integer in [0, max], max < 2^32. */
  randomInterval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value: number;
    do value = (this.nextUint32() & mask) >>> 0;
    while (value > max);
    return value;
  }

  /** numpy's `shuffle` along the first axis: calls swap(i, j) exactly where numpy swaps rows. */
  shuffle(count: number, swap: (i: number, j: number) => void): void {
    for (let i = count - 1; i > 0; i--) {
      const j = this.randomInterval(i);
      if (i !== j) swap(i, j);
    }
  }
}
