// The 2-D toy datasets the flows page offers, all from @densityjs/datasets (no tfjs inside).
import { checkerboard, eightGaussians, pinwheel, rings, siggraph, twoMoons } from '@densityjs/datasets';

export interface Points {
  /** Row-major [n, dim]. */
  data: Float32Array;
  n: number;
  dim: number;
}

interface Generated {
  data: Float32Array;
  shape: number[];
}

export const DATASETS: Record<string, { label: string; make: (n: number, seed: number) => Generated }> = {
  twoMoons: { label: 'Two moons', make: (n, seed) => twoMoons(n, { noise: 0.1, seed }) },
  siggraph: { label: 'SIGGRAPH', make: (n, seed) => siggraph(n, { seed }) },
  checkerboard: { label: 'Checkerboard', make: (n, seed) => checkerboard(n, { seed }) },
  eightGaussians: { label: 'Eight Gaussians', make: (n, seed) => eightGaussians(n, { seed }) },
  pinwheel: { label: 'Pinwheel', make: (n, seed) => pinwheel(n, { seed }) },
  rings: { label: 'Rings', make: (n, seed) => rings(n, { seed }) },
};

export function makeDataset(name: string, n: number, seed: number): Points {
  const entry = DATASETS[name];
  if (!entry) throw new Error(`Unknown dataset "${name}"; choose one of ${Object.keys(DATASETS).join(', ')}.`);
  const { data, shape } = entry.make(n, seed);
  const [rows, dim] = shape as [number, number];
  if (dim !== 2) throw new Error(`Dataset ${entry.label} has ${dim} dimensions; the page draws 2-D data only.`);
  return { data, n: rows, dim };
}
