// Runs the PyTorch peer (peer/torch_bench.py) with the same timing scheme as ours, at a given
// thread count (torch.set_num_threads).
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { PeerResult } from './report.js';
import type { TimingOptions } from './measure.js';

export const PYTHON = process.env.DENSITYJS_PYTHON ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../peer/torch_bench.py', import.meta.url));

/** torch's version when `python3 -c 'import torch'` works, else undefined. */
export function torchVersion(): string | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * PyTorch's thread count when none is asked for: 1, the thread count of the backends measured
 * in Node (tfjs cpu and wasm run on one thread), so the ratios compare like with like.
 */
export const DEFAULT_TORCH_THREADS = 1;

export async function runPeer(
  tasks: string[],
  timing: Omit<TimingOptions, 'onProgress'>,
  seed: number,
  onLine?: (line: string) => void,
  threads: number = DEFAULT_TORCH_THREADS,
): Promise<Map<string, PeerResult>> {
  if (tasks.length === 0) return new Map();
  const args = [
    SCRIPT,
    '--tasks', tasks.join(','),
    '--warmup', String(timing.warmup),
    '--repeats', String(timing.repeats),
    '--min-repeat-ms', String(timing.minRepeatMs),
    '--max-steps', String(timing.maxStepsPerRepeat),
    '--min-repeats', String(timing.minRepeats),
    '--budget-ms', String(timing.budgetMs),
    '--seed', String(seed),
    '--threads', String(threads),
  ];
  const child = spawn(PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
    const last = d.toString().trim().split('\n').pop();
    if (last) onLine?.(last);
  });
  const code: number = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  const map = new Map<string, PeerResult>();
  if (code !== 0) {
    const reason = err.trim().split('\n').pop() ?? `exit ${code}`;
    for (const t of tasks) map.set(t, { task: t, error: `torch peer failed: ${reason}` });
    return map;
  }
  const parsed = JSON.parse(out) as { results: Record<string, PeerResult> };
  for (const [k, v] of Object.entries(parsed.results)) map.set(k, v);
  return map;
}
