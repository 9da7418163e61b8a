// One SVG chart per task: for each backend that ran it, a bar to the median ms per step, a box
// over the interquartile range and a thin line over min-max, on a linear axis from 0 with
// labelled ticks, or a log axis when the backends' medians differ by more than LOG_RATIO times
// (else the fast backends' bars vanish); backends are named on the left axis.
import type { BrowserResult } from './protocol.js';

const SVG = 'http://www.w3.org/2000/svg';
export const BACKEND_COLOURS: Record<string, string> = {
  webgpu: '#1f77b4',
  'wasm-threads': '#2ca02c',
  'wasm-single': '#98df8a',
  webgl: '#9467bd',
  cpu: '#ff7f0e',
};

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** "Nice" tick values covering [0, max]: steps of 1, 2 or 5 times a power of ten. */
export function ticks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  const out: number[] = [];
  for (let v = 0; v <= max * (1 + 1e-9) + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  if (out[out.length - 1]! < max) out.push(Number((out[out.length - 1]! + step).toPrecision(12)));
  return out;
}

/** Medians further apart than this ratio are drawn on a log axis. */
export const LOG_RATIO = 30;

/** Powers of ten covering [min, max] (min > 0). */
export function logTicks(min: number, max: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) out.push(Number((10 ** e).toPrecision(12)));
  return out;
}

/** The chart of one task's rows that ran (status ok); undefined when none did. */
export function taskChart(task: string, title: string, rows: readonly BrowserResult[]): SVGSVGElement | undefined {
  const ok = rows.filter((r) => r.status === 'ok' && r.timing);
  if (ok.length === 0) return undefined;
  const left = 110;
  const right = 24;
  const top = 34;
  const rowH = 26;
  const bottom = 44;
  const width = 520;
  const height = top + rowH * ok.length + bottom;
  const max = Math.max(...ok.map((r) => r.timing!.summary.max));
  const min = Math.min(...ok.map((r) => r.timing!.summary.min));
  const medians = ok.map((r) => r.timing!.summary.median);
  const log = Math.max(...medians) / Math.min(...medians) > LOG_RATIO && min > 0;
  const axis = log ? logTicks(min, max) : ticks(max);
  const xMin = log ? axis[0]! : 0;
  const xMax = axis[axis.length - 1]!;
  const span = log ? Math.log10(xMax / xMin) : xMax;
  const x = (v: number) => left + ((width - left - right) * (log ? Math.log10(Math.max(v, xMin) / xMin) : v)) / span;
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'data-testid': `chart-${task}`, class: 'chart' });
  svg.append(el('title', {}, `${task}: ms per step by backend`));
  svg.append(el('text', { x: left, y: 16, class: 'chart-title' }, `${task}`));
  svg.append(el('text', { x: left, y: 29, class: 'chart-subtitle' }, title));
  const plotBottom = top + rowH * ok.length;
  for (const t of axis) {
    svg.append(el('line', { x1: x(t), x2: x(t), y1: top, y2: plotBottom, class: 'grid' }));
    svg.append(el('text', { x: x(t), y: plotBottom + 14, 'text-anchor': 'middle', class: 'tick' }, String(t)));
  }
  svg.append(el('line', { x1: left, x2: left, y1: top, y2: plotBottom, class: 'axis' }));
  svg.append(el('line', { x1: left, x2: width - right, y1: plotBottom, y2: plotBottom, class: 'axis' }));
  svg.append(
    el('text', { x: (left + width - right) / 2, y: plotBottom + 34, 'text-anchor': 'middle', class: 'axis-label' },
      `ms per step${log ? ' (log scale)' : ''}: bar = median, box = IQR, line = min-max`),
  );
  ok.forEach((r, i) => {
    const s = r.timing!.summary;
    const cy = top + rowH * i + rowH / 2;
    const colour = BACKEND_COLOURS[r.backend] ?? '#777';
    svg.append(el('text', { x: left - 8, y: cy + 4, 'text-anchor': 'end', class: 'tick' }, r.backend));
    svg.append(el('rect', { x: left, y: cy - 7, width: Math.max(1, x(s.median) - left), height: 14, fill: colour, opacity: 0.55 }));
    svg.append(el('line', { x1: x(s.min), x2: x(s.max), y1: cy, y2: cy, stroke: '#333', 'stroke-width': 1 }));
    svg.append(el('rect', { x: x(s.q1), y: cy - 5, width: Math.max(1, x(s.q3) - x(s.q1)), height: 10, fill: 'none', stroke: '#333' }));
    svg.append(el('line', { x1: x(s.median), x2: x(s.median), y1: cy - 8, y2: cy + 8, stroke: '#000', 'stroke-width': 2 }));
  });
  return svg;
}
