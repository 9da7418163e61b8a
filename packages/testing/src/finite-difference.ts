import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { mulberry32 } from '@densityjs/core';

const EPS32 = 2 ** -23;

/**
 * Derivatives `d out(t) / dt` at `t = 0`, elementwise over every output tensor of `out`, by the
 * fourth-order central stencil
 *
 *     f'(0) ≈ [8 (f(h) - f(-h)) - (f(2h) - f(-2h))] / (12 h).
 *
 * `out` runs on the active backend (float32); its values are downloaded and differenced in
 * float64, so the error is the stencil's truncation, h⁴ |f⁽⁵⁾| / 30, plus float32 rounding of the
 * outputs, about 1.5 ε₃₂ |f| / h (h = 1e-2: 2e-5 |f|). `out` must dispose of nothing it returns;
 * the returned tensors are disposed here.
 */
export async function finiteDifferenceDerivative(
  out: (t: number) => tf.Tensor | tf.Tensor[],
  step = 1e-2,
): Promise<{ derivative: Float64Array[]; values: Float64Array[] }> {
  const at = async (t: number): Promise<Float64Array[]> => {
    const r = out(t);
    const ts = Array.isArray(r) ? r : [r];
    try {
      return await Promise.all(ts.map(async (x) => Float64Array.from((await x.data()) as ArrayLike<number>)));
    } finally {
      tf.dispose(ts);
    }
  };
  const [f0, p1, m1, p2, m2] = [await at(0), await at(step), await at(-step), await at(2 * step), await at(-2 * step)];
  const derivative = f0.map((_, k) =>
    f0[k]!.map((__, i) => (8 * (p1[k]![i]! - m1[k]![i]!) - (p2[k]![i]! - m2[k]![i]!)) / (12 * step)),
  );
  return { derivative, values: f0 };
}

export interface GradientCheckOptions {
  /**
   * Variables `f` reads besides its inputs; their gradients are checked too (each is perturbed
   * in place by assignment and restored afterwards).
   */
  variables?: tf.Variable[];
  /** Random directions per input and per variable (default 2). */
  directions?: number;
  /**
   * Step h of the stencil, in units of the direction (default 1e-2). The direction of an entry
   * with value v is a standard normal draw times max(|v|, m / 10), m the smallest nonzero |v| of
   * that tensor (1 if all are 0): steps are relative, so positive parameters stay positive.
   */
  step?: number;
  /**
   * Relative tolerance (default 2e-3) on the directional derivative, relative to the sum of the
   * magnitudes of its terms (Σ|w_i ∂f_i|, Σ|g_j v_j|), which bounds float32 rounding of both sides.
   */
  rtol?: number;
  /** Absolute tolerance (default: 100 ε₃₂ / h Σ|w_i f_i|, the rounding of the outputs). */
  atol?: number;
  /**
   * Redo a failing check at a tenth of the step and report only what still fails (default
   * true): tolerates stencils that straddle a kink of a piecewise-smooth function.
   */
  refine?: boolean;
  /** Seed of the directions and output weights (default 1). */
  seed?: number;
  /**
   * Entries left unperturbed (direction 0), e.g. the structural zeros of a triangular factor:
   * `frozen(inputIndex, flatIndex)` for the inputs, inputIndex = -1 - j for variable j.
   */
  frozen?: (input: number, flatIndex: number) => boolean;
  /** Names of the inputs in messages (default x0, x1, ...). */
  inputNames?: string[];
  /** Names of the outputs in messages (default out0, out1, ...). */
  outputNames?: string[];
}

/**
 * Checks reverse-mode gradients against central finite differences of the forward value.
 *
 * For every output `f_k` of `f(...inputs)` the objective is `L_k = Σ_i w_ki f_ki` with fixed
 * weights w in ±[0.5, 1.5]; for every input and every variable, and each of `directions`
 * random directions v, the autodiff directional derivative `<∇L_k, v>` (tf.grads /
 * tf.variableGrads on the active backend) must match `Σ_i w_ki d f_ki(x + t v)/dt` from
 * `finiteDifferenceDerivative`. A dropped term, a wrong sign or a wrong scale in a hand-written
 * backward pass changes the directional derivative by a multiple of itself and fails the check.
 * A failing check is redone at a tenth of the step (`refine`), and only mismatches at both steps
 * are returned, one line each (empty when all agree); leaks no tensor.
 */
export async function gradientMismatches(
  f: (...inputs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
  inputs: tf.Tensor[],
  opts: GradientCheckOptions = {},
): Promise<string[]> {
  const failures = await mismatchesAtStep(f, inputs, opts, opts.step ?? 1e-2);
  if (!failures.length || opts.refine === false) return failures;
  // Piecewise functions (spline knots, tails): a stencil that straddles a knot is wrong by the
  // jump of the derivative. Redo the check, same directions, at a tenth of the step: a real
  // gradient error fails at both steps, a straddled knot rarely at the smaller one.
  const refined = await mismatchesAtStep(f, inputs, opts, (opts.step ?? 1e-2) / 10);
  return refined.map((line) => `${line} [also at step ${(opts.step ?? 1e-2) / 10}]`);
}

async function mismatchesAtStep(
  f: (...inputs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
  inputs: tf.Tensor[],
  opts: GradientCheckOptions,
  step: number,
): Promise<string[]> {
  const variables = opts.variables ?? [];
  const directions = opts.directions ?? 2;
  const rtol = opts.rtol ?? 2e-3;
  const rand = mulberry32(opts.seed ?? 1);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const asList = (r: tf.Tensor | tf.Tensor[]): tf.Tensor[] => (Array.isArray(r) ? r : [r]);

  // Output shapes and weights.
  const probe = tf.tidy(() => asList(f(...inputs)));
  const shapes = probe.map((t) => t.shape);
  tf.dispose(probe);
  const weights = shapes.map((s) => {
    const n = s.reduce((a, b) => a * b, 1);
    return Float32Array.from({ length: n }, () => (rand() < 0.5 ? -1 : 1) * (0.5 + rand()));
  });
  const weightTensors = shapes.map((s, k) => tf.tensor(weights[k]!, s, 'float32'));
  const inputNames = opts.inputNames ?? inputs.map((_, i) => `x${i}`);
  const outputNames = opts.outputNames ?? shapes.map((_, k) => `out${k}`);
  const failures: string[] = [];

  try {
    // Reverse-mode gradients of each L_k.
    const inputGrads: Float64Array[][] = [];
    const variableGrads: Float64Array[][] = [];
    for (let k = 0; k < shapes.length; k++) {
      // 0 * Σ(input) keeps every input and variable connected: an output that does not depend on
      // one (a constant log-det) then has a zero gradient instead of making tf.grads throw.
      const objective = (...xs: tf.Tensor[]): tf.Scalar => {
        const outs = asList(f(...xs));
        let total = tf.sum(tf.mul(outs[k]!, weightTensors[k]!));
        for (const t of [...xs, ...variables]) total = tf.add(total, tf.mul(tf.sum(t), 0));
        return total as tf.Scalar;
      };
      if (inputs.length) {
        const gs = tf.grads(objective)(inputs);
        inputGrads.push(await Promise.all(gs.map(async (g) => Float64Array.from(await g.data()))));
        tf.dispose(gs);
      } else inputGrads.push([]);
      if (variables.length) {
        const { value, grads } = tf.variableGrads(() => objective(...inputs), variables);
        variableGrads.push(
          await Promise.all(
            variables.map(async (v) => {
              const g = grads[v.name];
              return g ? Float64Array.from(await g.data()) : new Float64Array(v.size);
            }),
          ),
        );
        tf.dispose([value, ...Object.values(grads)]);
      } else variableGrads.push([]);
    }

    const compare = (label: string, fd: Float64Array[], values: Float64Array[], grad: (k: number) => Float64Array, dir: Float64Array) => {
      for (let k = 0; k < shapes.length; k++) {
        const g = grad(k);
        let ad = 0;
        let adScale = 0;
        for (let j = 0; j < g.length; j++) {
          ad += g[j]! * dir[j]!;
          adScale += Math.abs(g[j]! * dir[j]!);
        }
        let num = 0;
        let numScale = 0;
        let valueScale = 0;
        const w = weights[k]!;
        for (let i = 0; i < w.length; i++) {
          num += w[i]! * fd[k]![i]!;
          numScale += Math.abs(w[i]! * fd[k]![i]!);
          valueScale += Math.abs(w[i]! * values[k]![i]!);
        }
        const atol = opts.atol ?? (100 * EPS32 * valueScale) / step;
        const ok = Number.isFinite(num) && Number.isFinite(ad) && Math.abs(ad - num) <= atol + rtol * (adScale + numScale);
        if (!ok) {
          failures.push(
            `d ${outputNames[k]} / d ${label}: autodiff ${ad.toPrecision(6)} vs finite differences ${num.toPrecision(6)} ` +
              `(|diff| ${Math.abs(ad - num).toExponential(2)} > atol ${atol.toExponential(2)} + rtol ${rtol} x ${(adScale + numScale).toExponential(2)})`,
          );
        }
      }
    };

    const base = await Promise.all(inputs.map(async (x) => Float64Array.from(await x.data())));
    for (let i = 0; i < inputs.length; i++) {
      for (let d = 0; d < directions; d++) {
        const floor = 0.1 * smallestMagnitude(base[i]!);
        const dir = base[i]!.map((v, e) => (opts.frozen?.(i, e) ? (normal(), 0) : normal() * Math.max(Math.abs(v), floor)));
        const dirTensor = tf.tensor(Float32Array.from(dir), inputs[i]!.shape, 'float32');
        const dirUsed = Float64Array.from(await dirTensor.data());
        const { derivative, values } = await finiteDifferenceDerivative(
          (t) =>
            tf.tidy(() => {
              const xs = inputs.slice();
              xs[i] = tf.add(inputs[i]!, tf.mul(dirTensor, t));
              return asList(f(...xs));
            }),
          step,
        );
        dirTensor.dispose();
        compare(`${inputNames[i]} (direction ${d})`, derivative, values, (k) => inputGrads[k]![i]!, dirUsed);
      }
    }
    for (let j = 0; j < variables.length; j++) {
      const v = variables[j]!;
      const original = tf.clone(v);
      const vals = Float64Array.from(await original.data());
      try {
        for (let d = 0; d < directions; d++) {
          const floor = 0.1 * smallestMagnitude(vals);
          const dir = vals.map((x, e) => (opts.frozen?.(-1 - j, e) ? (normal(), 0) : normal() * Math.max(Math.abs(x), floor)));
          const dirTensor = tf.tensor(Float32Array.from(dir), v.shape, 'float32');
          const dirUsed = Float64Array.from(await dirTensor.data());
          const { derivative, values } = await finiteDifferenceDerivative((t) => {
            tf.tidy(() => v.assign(tf.add(original, tf.mul(dirTensor, t))));
            return tf.tidy(() => asList(f(...inputs)));
          }, step);
          v.assign(original);
          dirTensor.dispose();
          compare(`variable ${v.name} (direction ${d})`, derivative, values, (k) => variableGrads[k]![j]!, dirUsed);
        }
      } finally {
        v.assign(original);
        original.dispose();
      }
    }
  } finally {
    tf.dispose(weightTensors);
  }
  return failures;
}

function smallestMagnitude(values: Float64Array): number {
  let m = Infinity;
  for (const v of values) if (v !== 0 && Math.abs(v) < m) m = Math.abs(v);
  return Number.isFinite(m) ? m : 1;
}

/** Throws with every mismatch when `gradientMismatches` finds any. */
export async function expectGradientsMatchFiniteDifferences(
  f: (...inputs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
  inputs: tf.Tensor[],
  opts: GradientCheckOptions & { label?: string } = {},
): Promise<void> {
  const failures = await gradientMismatches(f, inputs, opts);
  if (failures.length) {
    throw new Error(`${opts.label ? `${opts.label}: ` : ''}gradients differ from finite differences:\n  ${failures.join('\n  ')}`);
  }
  // Counted as an assertion (expect.hasAssertions) of the running test.
  expect(failures).toEqual([]);
}
