// Turns results into the terminal table, the speed-target lines and the diagnostics.
import type { TaskResult } from './runner.js';
import type { Summary } from './stats.js';
import { formatBytes, formatCount, formatMs, type Column } from './table.js';

export interface PeerResult {
  task: string;
  summary?: Summary;
  cpuSummary?: Summary;
  samples?: number[];
  stepsPerRepeat?: number;
  flopsPerStep?: number;
  error?: string;
}

export const COLUMNS: Column[] = [
  { header: 'task' },
  { header: 'backend', align: 'left' },
  { header: 'median ms' },
  { header: 'IQR ms' },
  { header: 'min-max ms' },
  { header: 'cpu ms' },
  { header: 'steps/s' },
  { header: 'items/s' },
  { header: 'GFLOP/s' },
  { header: 'kernels' },
  { header: 'peak tensors' },
  { header: 'peak bytes' },
  { header: 'torch ms' },
  { header: 'torch cpu ms' },
  { header: 'ours/torch' },
];

export function resultRows(results: readonly TaskResult[], peer: ReadonlyMap<string, PeerResult>, peerOf: (task: string) => string | undefined): string[][] {
  return results.map((r) => {
    if (r.status !== 'ok' || !r.timing) {
      return [r.task, r.backend, `${r.status}: ${r.reason ?? ''}`];
    }
    const s = r.timing.summary;
    const p = peerOf(r.task);
    const torch = p ? peer.get(p)?.summary : undefined;
    const torchCpu = p ? peer.get(p)?.cpuSummary : undefined;
    return [
      r.task,
      r.backend,
      formatMs(s.median),
      formatMs(s.iqr),
      `${formatMs(s.min)}-${formatMs(s.max)}`,
      r.timing.cpuSummary ? formatMs(r.timing.cpuSummary.median) : '',
      formatCount(1000 / s.median),
      r.itemsPerStep ? formatCount((r.itemsPerStep * 1000) / s.median) : '',
      r.gflops !== undefined ? r.gflops.toFixed(2) : '',
      r.profile ? String(r.profile.kernels) : '',
      r.profile ? String(r.profile.peakTensors) : '',
      r.profile ? formatBytes(r.profile.peakBytes) : '',
      torch ? formatMs(torch.median) : '',
      torchCpu ? formatMs(torchCpu.median) : '',
      torch ? `${(s.median / torch.median).toFixed(2)}x` : '',
    ];
  });
}

export interface TargetLine {
  target: string;
  measured: string;
  met: boolean | undefined;
  note?: string;
}

function find(results: readonly TaskResult[], task: string, backend: string): TaskResult | undefined {
  return results.find((r) => r.task === task && r.backend === backend && r.status === 'ok');
}

/** The speed targets of issue 8 (wasm backend), each with its measured value. */
export function speedTargets(results: readonly TaskResult[], peer: ReadonlyMap<string, PeerResult>): TargetLine[] {
  const lines: TargetLine[] = [];
  const timed = (task: string, limit: number, label: string) => {
    const r = find(results, task, 'wasm');
    if (!r?.timing) {
      lines.push({ target: label, measured: 'not measured', met: undefined });
      return;
    }
    const ms = r.timing.summary.median;
    const cpu = r.timing.cpuSummary?.median;
    const torch = peer.get(task)?.summary?.median;
    const line: TargetLine = {
      target: label,
      measured:
        `${formatMs(ms)} ms wall, ${cpu !== undefined ? formatMs(cpu) : '-'} ms cpu` +
        `${torch ? ` (torch ${formatMs(torch)} ms, ours/torch ${(ms / torch).toFixed(2)}x)` : ''}`,
      met: ms <= limit,
    };
    const cause = diagnose(r);
    if (ms > limit && cpu !== undefined && cpu <= limit) {
      line.note = `met on CPU time (${formatMs(cpu)} ms): the wall time is inflated by other load on the machine`;
    } else if (ms > limit && cause) line.note = cause;
    lines.push(line);
  };
  timed('maf-step-small', 10, 'MAF(5) step (2, [64,64], 256) <= 10 ms');
  timed('maf-step-big', 60, 'MAF(5) step (6, [256,256], 512) <= 60 ms');
  for (const task of ['maf-step-small', 'maf-step-big']) {
    const r = find(results, task, 'wasm');
    lines.push(
      r?.profile
        ? { target: `kernels per MAF(5) step (${task}) <= 500`, measured: String(r.profile.kernels), met: r.profile.kernels <= 500 }
        : { target: `kernels per MAF(5) step (${task}) <= 500`, measured: 'not measured', met: undefined },
    );
  }
  timed('mdn-epoch', 2, 'MDN seed epoch (1000 pts, full batch) <= 2 ms');
  const big = find(results, 'maf-step-big', 'wasm');
  const peak = find(results, 'matmul-512', 'wasm');
  if (big?.gflops !== undefined && peak?.gflops !== undefined) {
    lines.push({
      target: 'share of the wasm matMul peak reached by the big MAF step (report)',
      measured: `${((100 * big.gflops) / peak.gflops).toFixed(1)}% (${big.gflops.toFixed(2)} of ${peak.gflops.toFixed(2)} GFLOP/s; ${formatCount(big.flopsPerStep ?? 0)} matMul FLOPs/step)`,
      met: undefined,
    });
  }
  return lines;
}

/** One line on where a step's time goes: transposed matMuls and the slowest kernels. */
export function diagnose(r: TaskResult): string | undefined {
  if (!r.timing || !r.profile) return undefined;
  const parts: string[] = [];
  if (r.matmul && r.matmul.calls > 0) {
    parts.push(
      `${r.matmul.calls} matMuls (${r.matmul.transposedCalls} transposed, ${formatMs(r.matmul.transposedMs)} of ${formatMs(r.matmul.ms)} ms matMul time)`,
    );
  }
  const total = r.profile.byKernel.reduce((s, k) => s + k.ms, 0);
  const top = r.profile.byKernel.slice(0, 4).map((k) => `${k.name} x${k.count} ${formatMs(k.ms)} ms`);
  parts.push(`${r.profile.kernels} kernels, ${formatMs(total)} ms in kernels (profiled); top: ${top.join(', ')}`);
  return parts.join('; ');
}
