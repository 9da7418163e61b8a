// The browser benchmark's report: the JSON the page downloads, its table rows (median, IQR,
// kernels, ratio to the fastest backend of the task) and the markdown version.
import type { TimingOptions } from '../measure.js';
import { formatBytes, formatCount, formatMarkdown, formatMs, type Column } from '../table.js';
import type { BackendInfo, BrowserResult } from './protocol.js';

export interface BrowserReport {
  format: 'densityjs-bench-browser';
  timestamp: string;
  userAgent: string;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  quick: boolean;
  seed: number;
  timing: Omit<TimingOptions, 'onProgress'>;
  /** Every backend the page tried, with its adapter or wasm features, or why it did not run. */
  backends: BackendInfo[];
  /** One row per task per backend, skipped and unavailable pairs included. */
  results: BrowserResult[];
}

/** Per task, the backend with the lowest median and that median (ms), over the rows that ran. */
export function fastestByTask(results: readonly BrowserResult[]): Map<string, { backend: string; median: number }> {
  const best = new Map<string, { backend: string; median: number }>();
  for (const r of results) {
    const m = r.status === 'ok' ? r.timing?.summary.median : undefined;
    if (m === undefined) continue;
    const b = best.get(r.task);
    if (!b || m < b.median) best.set(r.task, { backend: r.backend, median: m });
  }
  return best;
}

/** The median of `r` over the fastest backend's median of its task (1 for the fastest). */
export function ratioToFastest(r: BrowserResult, fastest: ReadonlyMap<string, { median: number }>): number | undefined {
  const m = r.status === 'ok' ? r.timing?.summary.median : undefined;
  const best = fastest.get(r.task)?.median;
  return m === undefined || best === undefined ? undefined : m / best;
}

export const COLUMNS: Column[] = [
  { header: 'task' },
  { header: 'backend', align: 'left' },
  { header: 'median ms' },
  { header: 'IQR ms' },
  { header: 'min-max ms' },
  { header: 'x fastest' },
  { header: 'steps/s' },
  { header: 'items/s' },
  { header: 'GFLOP/s' },
  { header: 'kernels' },
  { header: 'peak tensors' },
  { header: 'peak bytes' },
];

/** Table rows (as strings, in COLUMNS order) of the rows that ran or failed; skipped ones are left out. */
export function tableRows(results: readonly BrowserResult[]): string[][] {
  const fastest = fastestByTask(results);
  return results
    .filter((r) => r.status !== 'skipped')
    .map((r) => {
      if (r.status !== 'ok' || !r.timing) return [r.task, r.backend, `${r.status}: ${r.reason ?? ''}`];
      const s = r.timing.summary;
      const ratio = ratioToFastest(r, fastest);
      return [
        r.task,
        r.backend,
        formatMs(s.median),
        formatMs(s.iqr),
        `${formatMs(s.min)}-${formatMs(s.max)}`,
        ratio === undefined ? '' : `${ratio.toFixed(2)}x`,
        formatCount(1000 / s.median),
        r.itemsPerStep ? formatCount((r.itemsPerStep * 1000) / s.median) : '',
        r.gflops !== undefined ? r.gflops.toFixed(2) : '',
        r.profile ? String(r.profile.kernels) : '',
        r.profile ? String(r.profile.peakTensors) : '',
        r.profile ? formatBytes(r.profile.peakBytes) : '',
      ];
    });
}

/** One line per backend: what it ran with (adapter, wasm features) or why it did not run. */
export function backendLine(b: BackendInfo): string {
  if (b.status !== 'ok') return `${b.backend}: unavailable (${b.reason ?? 'no reason given'})`;
  if (b.adapter) {
    const a = b.adapter;
    const parts = [a.vendor, a.architecture, a.device, a.description].filter((p) => p);
    return `${b.backend}: adapter ${parts.length ? parts.join(', ') : '(no adapter info)'}`;
  }
  if (b.wasm) {
    const w = b.wasm;
    return `${b.backend}: wasm ${w.simd ? 'SIMD' : 'no SIMD'}, ${w.threads ? `${w.threadsCount} thread${w.threadsCount === 1 ? '' : 's'}` : 'single-threaded'}`;
  }
  return `${b.backend}: ${b.tfBackend ?? b.backend}`;
}

/** The report as markdown: how it was measured, the backends, and the table. */
export function toMarkdown(report: BrowserReport): string {
  const skipped = report.results.filter((r) => r.status === 'skipped' && r.reason !== 'not selected');
  return [
    `Measured ${report.timestamp} in the browser benchmark (\`pnpm --filter ./apps/bench web\`), ${report.quick ? 'quick' : 'full'} mode, seed ${report.seed}.`,
    '',
    `Browser: ${report.userAgent}; ${report.hardwareConcurrency} logical cores; cross-origin isolated: ${report.crossOriginIsolated}.`,
    '',
    ...report.backends.map((b) => `- ${backendLine(b)}`),
    '',
    formatMarkdown(COLUMNS, tableRows(report.results)),
    '',
    ...(skipped.length ? [`Skipped: ${skipped.map((r) => `${r.task}@${r.backend} (${r.reason})`).join('; ')}.`, ''] : []),
  ].join('\n');
}
