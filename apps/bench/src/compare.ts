// `pnpm bench compare a.json b.json`: two result files (from `--json`, or the browser page's
// download) side by side, per task and backend: medians, their ratio and the kernel counts.
import { readFileSync } from 'node:fs';
import type { TaskResult } from './runner.js';
import { formatTable } from './table.js';

interface ResultFile {
  command?: string;
  timestamp?: string;
  results: TaskResult[];
}

function load(path: string): ResultFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`compare: cannot read ${path} as JSON (${(error as Error).message.split('\n')[0]})`);
  }
  const file = parsed as ResultFile;
  if (!file || !Array.isArray(file.results)) throw new Error(`compare: ${path} has no "results" array (write one with pnpm bench --json)`);
  return file;
}

const median = (r: TaskResult | undefined): number | undefined => (r?.status === 'ok' ? r.timing?.summary.median : undefined);
const fmt = (v: number | undefined, digits = 3): string => (v === undefined ? '-' : Number(v.toPrecision(digits)).toString());

/** The side-by-side table of two result files (rows: task and backend present in either). */
export function compareResults(a: ResultFile, b: ResultFile, names: [string, string]): string {
  const key = (r: TaskResult): string => `${r.task}\u0000${r.backend}`;
  const byA = new Map(a.results.map((r) => [key(r), r]));
  const byB = new Map(b.results.map((r) => [key(r), r]));
  const keys = [...new Set([...byA.keys(), ...byB.keys()])];
  const rows = keys.map((k) => {
    const [task, backend] = k.split('\u0000') as [string, string];
    const ra = byA.get(k);
    const rb = byB.get(k);
    const ma = median(ra);
    const mb = median(rb);
    return [
      task,
      backend,
      fmt(ma),
      fmt(mb),
      ma !== undefined && mb !== undefined ? `${(mb / ma).toFixed(2)}x` : '-',
      String(ra?.profile?.kernels ?? '-'),
      String(rb?.profile?.kernels ?? '-'),
    ];
  });
  const headers = ['task', 'backend', `${names[0]} median ms`, `${names[1]} median ms`, `${names[1]} / ${names[0]}`, `kernels ${names[0]}`, `kernels ${names[1]}`];
  return formatTable(headers.map((header) => ({ header })), rows);
}

export function runCompare(paths: readonly string[]): number {
  if (paths.length !== 2) throw new Error('compare: expected two result files: pnpm bench compare a.json b.json');
  const [a, b] = paths.map(load) as [ResultFile, ResultFile];
  for (const [name, f] of [['a', a], ['b', b]] as const) console.log(`${name}: ${paths[name === 'a' ? 0 : 1]}${f.command ? ` (${f.command}${f.timestamp ? `, ${f.timestamp}` : ''})` : ''}`);
  console.log(compareResults(a, b, ['a', 'b']));
  return 0;
}
