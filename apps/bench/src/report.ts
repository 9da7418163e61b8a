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

/** The table's columns; the torch columns name the thread count PyTorch ran with. */
export function columns(torchThreads: number): Column[] {
  const thr = `${torchThreads} thread${torchThreads === 1 ? '' : 's'}`;
  return [
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
    { header: `torch ms (${thr})` },
    { header: 'torch cpu ms' },
    { header: 'ours/torch' },
  ];
}

/** The columns with PyTorch at one thread (the default peer). */
export const COLUMNS: Column[] = columns(1);

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

/**
 * The speed targets on the wasm backend: ratios of our median step time to PyTorch's (at the
 * thread count it ran with), the kernels per MAF step, and the share of the matMul peak the big
 * MAF step reaches. Without a peer result a ratio target reads "not measured".
 */
export function speedTargets(results: readonly TaskResult[], peer: ReadonlyMap<string, PeerResult>, peerOf: (task: string) => string | undefined = (t) => t): TargetLine[] {
  const lines: TargetLine[] = [];
  const ratio = (task: string, limit: number, label: string, alternative?: () => TargetLine | undefined) => {
    const r = find(results, task, 'wasm');
    const p = peerOf(task);
    const torch = p ? peer.get(p)?.summary?.median : undefined;
    const target = `${label}: ours/torch <= ${limit.toFixed(1)}`;
    if (!r?.timing || torch === undefined) {
      lines.push({ target, measured: !r?.timing ? 'not measured' : 'no torch figure (run with --peer torch)', met: undefined });
      return;
    }
    const ms = r.timing.summary.median;
    const q = ms / torch;
    const line: TargetLine = {
      target,
      measured: `${(q).toFixed(2)}x (${formatMs(ms)} ms vs torch ${formatMs(torch)} ms)`,
      met: q <= limit,
    };
    if (!line.met) {
      const alt = alternative?.();
      if (alt?.met) {
        line.met = true;
        line.note = `met by the alternative: ${alt.target} (${alt.measured})`;
      } else {
        const cause = diagnose(r);
        if (cause) line.note = cause;
      }
    }
    lines.push(line);
  };
  const peakShare = (): TargetLine | undefined => {
    const big = find(results, 'maf-step-big', 'wasm');
    const peak = find(results, 'matmul-512', 'wasm');
    if (big?.gflops === undefined || peak?.gflops === undefined) return undefined;
    const share = big.gflops / peak.gflops;
    return {
      target: 'big MAF step at >= 85% of the wasm matMul peak',
      measured: `${(100 * share).toFixed(1)}% (${big.gflops.toFixed(2)} of ${peak.gflops.toFixed(2)} GFLOP/s; ${formatCount(big.flopsPerStep ?? 0)} matMul FLOPs/step)`,
      met: share >= 0.85,
    };
  };
  ratio('maf-step-small', 1.0, 'MAF(5) step (2, [64,64], 256)');
  ratio('maf-step-big', 1.0, 'MAF(5) step (6, [256,256], 512)', peakShare);
  ratio('realnvp-step', 1.5, 'RealNVP(5) step (2, [64,64], 256)');
  ratio('nsf-step', 1.5, 'NSF(5) step (2, [64,64], 256)');
  ratio('made-fwd-bwd', 1.5, 'MADE forward+backward (6, [256,256], 512)');
  ratio('iaf-sample-32', 1.5, 'IAF(5) sample 512 (32, [128,128])');
  ratio('mdn-epoch', 1.0, 'MDN seed epochs (1000 pts, full batch, 10 per step)');
  for (const task of ['maf-step-small', 'maf-step-big']) {
    const r = find(results, task, 'wasm');
    const target = `kernels per MAF(5) step (${task}) <= 100`;
    lines.push(
      r?.profile
        ? { target, measured: String(r.profile.kernels), met: r.profile.kernels <= 100 }
        : { target, measured: 'not measured', met: undefined },
    );
  }
  const share = peakShare();
  if (share) lines.push({ ...share, target: 'share of the wasm matMul peak reached by the big MAF step (report)', met: undefined });
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
