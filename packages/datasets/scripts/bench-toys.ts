// Times one million points of every toy generator (best of 3 runs after a warm-up).
// Run: pnpm --filter @densityjs/datasets bench   (or: npx tsx scripts/bench-toys.ts [n])
import {
  checkerboard,
  circles,
  eightGaussians,
  inverseSine,
  pinwheel,
  rings,
  siggraph,
  swissRoll,
  twoMoons,
} from '../src/index.js';

const n = Number(process.argv[2] ?? 1_000_000);
const toys: Record<string, (n: number, o: { seed: number }) => unknown> = {
  twoMoons,
  siggraph,
  inverseSine,
  eightGaussians,
  checkerboard,
  pinwheel,
  circles,
  swissRoll,
  rings,
};

import { loadavg } from 'node:os';

console.log(`${n.toLocaleString('en-US')} points, node ${process.version}, load average ${loadavg()[0]!.toFixed(1)}`);
let worst = 0;
for (const [name, make] of Object.entries(toys)) {
  make(1000, { seed: 0 });
  let best = Infinity;
  let bestCpu = Infinity;
  for (let run = 0; run < 3; run++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    make(n, { seed: run });
    best = Math.min(best, performance.now() - start);
    const used = process.cpuUsage(cpu);
    bestCpu = Math.min(bestCpu, (used.user + used.system) / 1000);
  }
  worst = Math.max(worst, best);
  console.log(`${name.padEnd(16)} ${best.toFixed(1).padStart(8)} ms wall ${bestCpu.toFixed(1).padStart(8)} ms cpu`);
}
console.log(`slowest: ${worst.toFixed(1)} ms ${worst < 1000 ? '(under 1 s)' : '(OVER 1 s)'}`);
