// Independent float64 references for the tests: the MDN written the obvious way (Math.tanh,
// per-example loops, nothing shared with fused-loss.ts), and central finite differences.
import { layerOffsets, type MdnLayout } from './layout.js';

function softplus(v: number): number {
  return v > 30 ? v : Math.log(1 + Math.exp(v));
}

/** Head outputs of one input row, in float64. */
export function referenceHead(layout: MdnLayout, params: ArrayLike<number>, x: number[]): number[] {
  let h = x.slice();
  const layers = layerOffsets(layout.sizes);
  layers.forEach((layer, l) => {
    const out: number[] = [];
    for (let o = 0; o < layer.out; o++) {
      let acc = params[layer.b + o]!;
      for (let i = 0; i < layer.in; i++) acc += h[i]! * params[layer.w + i * layer.out + o]!;
      if (l < layers.length - 1) {
        acc = layout.activation === 'tanh' ? Math.tanh(acc) : layout.activation === 'relu' ? Math.max(acc, 0) : 1 / (1 + Math.exp(-acc));
      }
      out.push(acc);
    }
    h = out;
  });
  return h;
}

/** log p(y | x) of one row: log sum_k pi_k prod_d N(y_d; mu_kd, sigma_kd), max-shifted. */
export function referenceLogProb(layout: MdnLayout, params: ArrayLike<number>, x: number[], y: number[]): number {
  const K = layout.numComponents;
  const D = layout.outputSize;
  const head = referenceHead(layout, params, x);
  const logits = head.slice(0, K);
  const m = Math.max(...logits);
  const logNorm = m + Math.log(logits.reduce((s, v) => s + Math.exp(v - m), 0));
  const terms: number[] = [];
  for (let k = 0; k < K; k++) {
    let t = logits[k]! - logNorm;
    for (let d = 0; d < D; d++) {
      const mu = head[K + k * D + d]!;
      const sigma = softplus(head[K + K * D + k * D + d]!) + layout.minScale;
      t += -0.5 * ((y[d]! - mu) / sigma) ** 2 - Math.log(sigma) - 0.5 * Math.log(2 * Math.PI);
    }
    terms.push(t);
  }
  const mt = Math.max(...terms);
  return mt + Math.log(terms.reduce((s, v) => s + Math.exp(v - mt), 0));
}

export function referenceLoss(layout: MdnLayout, params: ArrayLike<number>, x: number[][], y: number[][]): number {
  let total = 0;
  for (let n = 0; n < x.length; n++) total -= referenceLogProb(layout, params, x[n]!, y[n]!);
  return total / x.length;
}

/** Central differences of referenceLoss with respect to every weight (float64, step h). */
export function referenceGradient(layout: MdnLayout, params: ArrayLike<number>, x: number[][], y: number[][], h = 1e-6): number[] {
  const p = Float64Array.from(params as ArrayLike<number>);
  const grad: number[] = [];
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!;
    p[i] = v + h;
    const up = referenceLoss(layout, p, x, y);
    p[i] = v - h;
    const down = referenceLoss(layout, p, x, y);
    p[i] = v;
    grad.push((up - down) / (2 * h));
  }
  return grad;
}

/** Rows of a flat row-major array. */
export function rowsOf(flat: ArrayLike<number>, width: number): number[][] {
  const out: number[][] = [];
  for (let r = 0; r < flat.length / width; r++) out.push(Array.from({ length: width }, (_, c) => flat[r * width + c]!));
  return out;
}
