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

/**
 * log p(y | x) of one row for full-covariance components: Sigma_k = L_k L_k^T formed
 * explicitly, then log N(y; mu_k, Sigma_k) by Gaussian elimination on Sigma_k (determinant and
 * solve), independently of the forward substitution the model uses. Head layout: K logits, K*D
 * locations, K*D raw diagonal entries, K*D(D-1)/2 strictly-lower entries (row-major per component).
 */
export function referenceFullLogProb(layout: MdnLayout, params: ArrayLike<number>, x: number[], y: number[]): number {
  const K = layout.numComponents;
  const D = layout.outputSize;
  const head = referenceHead(layout, params, x);
  const logits = head.slice(0, K);
  const m = Math.max(...logits);
  const logNorm = m + Math.log(logits.reduce((s, v) => s + Math.exp(v - m), 0));
  const terms: number[] = [];
  for (let k = 0; k < K; k++) {
    const L = referenceCholesky(layout, head, k);
    const sigma = Array.from({ length: D }, (_, i) => Array.from({ length: D }, (_, j) => L[i]!.reduce((s, v, c) => s + v * L[j]![c]!, 0)));
    const r = Array.from({ length: D }, (_, d) => y[d]! - head[K + k * D + d]!);
    // Gaussian elimination with partial pivoting on [Sigma | r].
    const a = sigma.map((row, i) => [...row, r[i]!]);
    let logDet = 0;
    for (let c = 0; c < D; c++) {
      let p = c;
      for (let i = c + 1; i < D; i++) if (Math.abs(a[i]![c]!) > Math.abs(a[p]![c]!)) p = i;
      [a[c], a[p]] = [a[p]!, a[c]!];
      logDet += Math.log(Math.abs(a[c]![c]!));
      for (let i = c + 1; i < D; i++) {
        const f = a[i]![c]! / a[c]![c]!;
        for (let j = c; j <= D; j++) a[i]![j]! -= f * a[c]![j]!;
      }
    }
    const sol = new Array<number>(D).fill(0);
    for (let i = D - 1; i >= 0; i--) {
      let acc = a[i]![D]!;
      for (let j = i + 1; j < D; j++) acc -= a[i]![j]! * sol[j]!;
      sol[i] = acc / a[i]![i]!;
    }
    const quad = r.reduce((s, v, i) => s + v * sol[i]!, 0);
    terms.push(logits[k]! - logNorm - 0.5 * quad - 0.5 * logDet - 0.5 * D * Math.log(2 * Math.PI));
  }
  const mt = Math.max(...terms);
  return mt + Math.log(terms.reduce((s, v) => s + Math.exp(v - mt), 0));
}

/** The Cholesky factor L_k (float64 rows) of component k from a full-covariance head. */
export function referenceCholesky(layout: MdnLayout, head: number[], k: number): number[][] {
  const K = layout.numComponents;
  const D = layout.outputSize;
  const T = (D * (D - 1)) / 2;
  const L = Array.from({ length: D }, () => new Array<number>(D).fill(0));
  for (let i = 0; i < D; i++) {
    L[i]![i] = softplus(head[K + K * D + k * D + i]!) + layout.minScale;
    for (let j = 0; j < i; j++) L[i]![j] = head[K + 2 * K * D + k * T + (i * (i - 1)) / 2 + j]!;
  }
  return L;
}
