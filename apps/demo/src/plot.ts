// A tiny canvas plotting kit: axes with ticks, lines, scatter, bands and heatmaps. Enough for
// the seeds' figures without a charting dependency.

export interface Range {
  min: number;
  max: number;
}

export interface PlotOptions {
  x: Range;
  y: Range;
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Margins in CSS pixels: left, right, top, bottom. */
  margin?: [number, number, number, number];
  background?: string;
  /** The part of the canvas this plot occupies (CSS pixels); the whole canvas by default. */
  box?: { x: number; y: number; width: number; height: number };
}

export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

/** "Nice" tick positions (1, 2, 5 times a power of ten) covering [min, max]. */
export function ticks(min: number, max: number, count = 5): number[] {
  const span = max - min;
  if (!(span > 0) || !Number.isFinite(span)) return [min];
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  // The smallest 1-2-5 step giving at most 1.5x the wanted count (never a lone tick).
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => span / s <= count * 1.5) ?? 10 * power;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

/** Tick labels with as many decimals as the step needs (0.25 -> 2, 5 -> 0). */
function formatTicks(values: number[]): string[] {
  const step = values.length > 1 ? Math.abs(values[1]! - values[0]!) : Math.abs(values[0] ?? 1) || 1;
  const decimals = Math.min(6, Math.max(0, Math.ceil(-Math.log10(step) - 1e-9)));
  return values.map((v) => {
    if (v === 0) return '0';
    if (Math.abs(v) >= 1e5) return v.toExponential(1);
    return v.toFixed(decimals);
  });
}

/** Sizes a canvas for the screen's pixel ratio and returns its 2-D context in CSS pixels. */
export function setupCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D {
  const ratio = Math.max(1, Math.round(globalThis.devicePixelRatio || 1));
  canvas.width = width * ratio;
  canvas.height = height * ratio;
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser gives no 2-D canvas context.');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return ctx;
}

export class Plot {
  readonly ctx: CanvasRenderingContext2D;
  readonly box: { x: number; y: number; width: number; height: number };
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
  x: Range;
  y: Range;

  constructor(
    readonly canvas: HTMLCanvasElement,
    readonly options: PlotOptions,
  ) {
    const width = Number.parseFloat(canvas.style.width) || canvas.width;
    const height = Number.parseFloat(canvas.style.height) || canvas.height;
    this.box = options.box ?? { x: 0, y: 0, width, height };
    this.ctx = canvas.getContext('2d')!;
    const [l, r, t, b] = options.margin ?? [44, 12, options.title ? 24 : 10, options.xLabel ? 36 : 24];
    this.left = this.box.x + l;
    this.right = this.box.x + this.box.width - r;
    this.top = this.box.y + t;
    this.bottom = this.box.y + this.box.height - b;
    this.x = options.x;
    this.y = options.y;
  }

  px(x: number): number {
    return this.left + ((x - this.x.min) / (this.x.max - this.x.min)) * (this.right - this.left);
  }

  py(y: number): number {
    return this.bottom - ((y - this.y.min) / (this.y.max - this.y.min)) * (this.bottom - this.top);
  }

  /** Clears, paints the background, draws the frame, ticks, labels and title. */
  frame(): this {
    const { ctx } = this;
    ctx.save();
    const { box } = this;
    ctx.clearRect(box.x, box.y, box.width, box.height);
    ctx.fillStyle = '#fff';
    ctx.fillRect(box.x, box.y, box.width, box.height);
    ctx.fillStyle = this.options.background ?? '#fafafa';
    ctx.fillRect(this.left, this.top, this.right - this.left, this.bottom - this.top);
    ctx.strokeStyle = '#ddd';
    ctx.fillStyle = '#444';
    ctx.font = '11px system-ui, sans-serif';
    ctx.lineWidth = 1;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const xTicks = ticks(this.x.min, this.x.max);
    const xLabels = formatTicks(xTicks);
    xTicks.forEach((t, i) => {
      const p = Math.round(this.px(t)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(p, this.top);
      ctx.lineTo(p, this.bottom);
      ctx.stroke();
      ctx.fillText(xLabels[i]!, p, this.bottom + 4);
    });
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    const yTicks = ticks(this.y.min, this.y.max, 4);
    const yLabels = formatTicks(yTicks);
    yTicks.forEach((t, i) => {
      const p = Math.round(this.py(t)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(this.left, p);
      ctx.lineTo(this.right, p);
      ctx.stroke();
      ctx.fillText(yLabels[i]!, this.left - 4, p);
    });
    ctx.strokeStyle = '#888';
    ctx.strokeRect(this.left + 0.5, this.top + 0.5, this.right - this.left, this.bottom - this.top);
    ctx.fillStyle = '#222';
    if (this.options.title) {
      ctx.textAlign = 'left';
      ctx.textBaseline = 'alphabetic';
      ctx.font = '600 12px system-ui, sans-serif';
      ctx.fillText(this.options.title, this.left, this.top - 8);
    }
    if (this.options.xLabel) {
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      ctx.font = '11px system-ui, sans-serif';
      ctx.fillText(this.options.xLabel, (this.left + this.right) / 2, box.y + box.height - 2);
    }
    ctx.restore();
    return this;
  }

  /** Runs `draw` clipped to the plotting area. */
  clipped(draw: (ctx: CanvasRenderingContext2D) => void): this {
    const { ctx } = this;
    ctx.save();
    ctx.beginPath();
    ctx.rect(this.left, this.top, this.right - this.left, this.bottom - this.top);
    ctx.clip();
    draw(ctx);
    ctx.restore();
    return this;
  }

  line(xs: ArrayLike<number>, ys: ArrayLike<number>, color: string, width = 1.5, alpha = 1): this {
    return this.clipped((ctx) => {
      ctx.strokeStyle = color;
      ctx.globalAlpha = alpha;
      ctx.lineWidth = width;
      ctx.lineJoin = 'round';
      ctx.beginPath();
      let pen = false;
      for (let i = 0; i < xs.length; i++) {
        const y = ys[i]!;
        if (!Number.isFinite(y)) {
          pen = false;
          continue;
        }
        const X = this.px(xs[i]!);
        const Y = this.py(y);
        if (pen) ctx.lineTo(X, Y);
        else ctx.moveTo(X, Y);
        pen = true;
      }
      ctx.stroke();
    });
  }

  /** Round markers at (xs[i], ys[i]), for short series a line would hide. */
  markers(xs: ArrayLike<number>, ys: ArrayLike<number>, color: string, radius = 2.5): this {
    return this.clipped((ctx) => {
      ctx.fillStyle = color;
      for (let i = 0; i < xs.length; i++) {
        if (!Number.isFinite(ys[i]!)) continue;
        ctx.beginPath();
        ctx.arc(this.px(xs[i]!), this.py(ys[i]!), radius, 0, 2 * Math.PI);
        ctx.fill();
      }
    });
  }

  /** Points given as interleaved pairs [x0, y0, x1, y1, ...] (row-major [n, 2] data). */
  scatter(points: ArrayLike<number>, color: string, radius = 1.5, alpha = 0.5): this {
    return this.clipped((ctx) => {
      ctx.fillStyle = color;
      ctx.globalAlpha = alpha;
      const size = radius * 2;
      for (let i = 0; i + 1 < points.length; i += 2) {
        ctx.fillRect(this.px(points[i]!) - radius, this.py(points[i + 1]!) - radius, size, size);
      }
    });
  }

  scatterXY(xs: ArrayLike<number>, ys: ArrayLike<number>, color: string, radius = 1.5, alpha = 0.5): this {
    return this.clipped((ctx) => {
      ctx.fillStyle = color;
      ctx.globalAlpha = alpha;
      for (let i = 0; i < xs.length; i++) {
        ctx.fillRect(this.px(xs[i]!) - radius, this.py(ys[i]!) - radius, radius * 2, radius * 2);
      }
    });
  }

  /** Filled area between lo(x) and hi(x). */
  band(xs: ArrayLike<number>, lo: ArrayLike<number>, hi: ArrayLike<number>, color: string, alpha = 0.15): this {
    return this.clipped((ctx) => {
      ctx.fillStyle = color;
      ctx.globalAlpha = alpha;
      ctx.beginPath();
      for (let i = 0; i < xs.length; i++) ctx.lineTo(this.px(xs[i]!), this.py(hi[i]!));
      for (let i = xs.length - 1; i >= 0; i--) ctx.lineTo(this.px(xs[i]!), this.py(lo[i]!));
      ctx.closePath();
      ctx.fill();
    });
  }

  /** An image of res x res cells covering the whole x/y range, row 0 at the top. */
  image(image: ImageData): this {
    const scratch = document.createElement('canvas');
    scratch.width = image.width;
    scratch.height = image.height;
    scratch.getContext('2d')!.putImageData(image, 0, 0);
    return this.clipped((ctx) => {
      ctx.imageSmoothingEnabled = true;
      ctx.imageSmoothingQuality = 'high';
      ctx.drawImage(scratch, this.left, this.top, this.right - this.left, this.bottom - this.top);
    });
  }

  legend(entries: Array<[label: string, color: string]>): this {
    const { ctx } = this;
    ctx.save();
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    let y = this.top + 10;
    for (const [label, color] of entries) {
      const w = ctx.measureText(label).width + 22;
      const x = this.right - w - 6;
      ctx.fillStyle = 'rgba(255,255,255,0.8)';
      ctx.fillRect(x - 2, y - 7, w + 4, 14);
      ctx.fillStyle = color;
      ctx.fillRect(x, y - 4, 12, 8);
      ctx.fillStyle = '#222';
      ctx.fillText(label, x + 16, y);
      y += 15;
    }
    ctx.restore();
    return this;
  }

  /** A centred message in the plotting area (e.g. "train to see the density"). */
  message(text: string): this {
    const { ctx } = this;
    ctx.save();
    ctx.fillStyle = '#888';
    ctx.font = '13px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(text, (this.left + this.right) / 2, (this.top + this.bottom) / 2);
    ctx.restore();
    return this;
  }
}

/** Min and max of the finite values, padded by `pad` of the span on each side. */
export function rangeOf(values: ArrayLike<number>, pad = 0.05): Range {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min)) return { min: 0, max: 1 };
  if (min === max) return { min: min - 1, max: max + 1 };
  const d = (max - min) * pad;
  return { min: min - d, max: max + d };
}

// Magma-like colormap: perceptually ordered from dark (no mass) to bright (high density).
const MAGMA: Array<[number, number, number]> = [
  [0, 0, 4],
  [28, 16, 68],
  [79, 18, 123],
  [129, 37, 129],
  [181, 54, 122],
  [229, 80, 100],
  [251, 135, 97],
  [254, 194, 135],
  [252, 253, 191],
];

export function magma(t: number): [number, number, number] {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (MAGMA.length - 1);
  const i = Math.min(MAGMA.length - 2, Math.floor(u));
  const f = u - i;
  const a = MAGMA[i]!;
  const b = MAGMA[i + 1]!;
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}

/**
 * Heatmap of a density given as log-values on a res x res grid whose row 0 is the lowest y.
 * Colour is the density relative to its maximum, exp(logp - max logp), so the picture is the
 * shape of p itself (as in the flow papers' figures).
 */
export function densityImage(logp: Float32Array, res: number): ImageData {
  let max = -Infinity;
  for (const v of logp) if (Number.isFinite(v) && v > max) max = v;
  const image = new ImageData(res, res);
  for (let row = 0; row < res; row++) {
    for (let col = 0; col < res; col++) {
      const v = logp[row * res + col]!;
      const t = Number.isFinite(v) && Number.isFinite(max) ? Math.exp(v - max) : 0;
      const [r, g, b] = magma(t);
      // Image row 0 is the top of the plot: the highest y.
      const o = ((res - 1 - row) * res + col) * 4;
      image.data[o] = r;
      image.data[o + 1] = g;
      image.data[o + 2] = b;
      image.data[o + 3] = 255;
    }
  }
  return image;
}
