// Table-driven conformance suite for one bijector: every bijector in densityjs must pass it on
// every backend. Bijectors are typed structurally so @densityjs/testing does not depend on
// @densityjs/bijectors (which depends on testing for its tests).
import * as tf from '@tensorflow/tfjs-core';
import { mulberry32 } from '@densityjs/core';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from './describe-each-backend.js';
import { expectAllClose } from './expect-all-close.js';
import { batchJacobian, logAbsDet } from './jacobian.js';
import { expectNoLeaks } from './no-leaks.js';
import { gradientMismatches } from './finite-difference.js';

interface CallOptions {
  context?: tf.Tensor;
}

/** What describeBijector needs from a bijector (the Bijector contract of ARCHITECTURE.md). */
export interface BijectorLike {
  readonly eventNdims: number;
  /** Size of the last event axis when the bijector fixes it; inputs of another size are refused. */
  readonly eventSize?: number;
  /** True when log|det J| is identically 0 (compositions then skip the log-det). */
  readonly volumePreserving?: boolean;
  /** True when the map is affine, f(x) = A x + b. */
  readonly affine?: boolean;
  readonly trainableVariables: tf.Variable[];
  forwardAndLogDet(x: tf.Tensor, opts?: CallOptions): [tf.Tensor, tf.Tensor];
  inverseAndLogDet(y: tf.Tensor, opts?: CallOptions): [tf.Tensor, tf.Tensor];
  forward(x: tf.Tensor, opts?: CallOptions): tf.Tensor;
  inverse(y: tf.Tensor, opts?: CallOptions): tf.Tensor;
  forwardLogDetJacobian(x: tf.Tensor, opts?: CallOptions): tf.Tensor;
  inverseLogDetJacobian(y: tf.Tensor, opts?: CallOptions): tf.Tensor;
  dispose(): void;
}

export interface BijectorCase {
  /** Suite title. */
  name: string;
  /** Builds a fresh bijector (called once per backend, after switching to it). */
  make: () => BijectorLike;
  /** Shape of one event fed to the bijector: [] for scalars, [d] for vectors. */
  eventShape: number[];
  /** Batch dims of the shape test (default [3, 4]). */
  batchShape?: number[];
  /**
   * Distribution of the forward inputs x: uniform on [low, high] or normal with the given
   * scale (default `{ scale: 1 }`). Draws come from a seeded plain-JS generator.
   */
  input?: { low: number; high: number } | { scale: number };
  /** Size of the context to pass (drawn like the inputs, standard normal). */
  contextSize?: number;
  /** Round-trip tolerance (default atol 1e-4, rtol 1e-4). */
  atol?: number;
  rtol?: number;
  /** Log-det vs autodiff Jacobian tolerance (default atol 1e-3). */
  jacobianAtol?: number;
  /** Check the log-det against autodiff (default: when the event has <= 8 elements). */
  jacobian?: boolean;
  /** Check that gradients w.r.t. trainableVariables exist and are finite (default: when any). */
  gradients?: boolean;
  /**
   * Distribution of independent points y of the range, where the inverse is tested on its own
   * (not only at forward images): same format as `input`, which is the default (right for
   * bijectors of R^n onto R^n).
   */
  range?: { low: number; high: number } | { scale: number };
  /**
   * Values next to the edges of the domain (`x`) and of the range (`y`), put in every event
   * coordinate: outputs and log-dets must stay finite there, and forward(inverse(y)) = y
   * (rtol 1e-4) at the range edges.
   */
  edges?: { x?: number[]; y?: number[] };
  /** The expected `volumePreserving` flag; asserted when given. A true flag always needs zero log-dets. */
  volumePreserving?: boolean;
  /** The expected `affine` flag (default false); a bijector declared affine must keep midpoints. */
  affine?: boolean;
  /**
   * Gradient check against central finite differences (see `gradientMismatches`): value and
   * log-det, forward and inverse, to the inputs, the context and the trainable variables, on 3
   * examples. Options: the stencil's step and tolerances; false skips it.
   */
  gradientCheck?: false | { step?: number; rtol?: number; atol?: number };
  /**
   * Coordinates where forward or inverse is not differentiable (LeakyReLU: [0]): the gradient
   * check moves its points at least 0.1 away from them.
   */
  kinks?: number[];
  /**
   * For bijectors with batched parameters: the bijector of one batch member (index into
   * `batchShape`). Each member's slice of the batched results must equal that bijector's output.
   */
  memberOf?: (index: number[]) => BijectorLike;
  /** Input shapes every method must refuse (besides a too-small rank and a wrong fixed event size). */
  wrongShapes?: number[][];
  /** Also run on webgpu (default false: keep heavy bijectors off the slow software adapter). */
  webgpu?: boolean;
  /** Seed of the input generator (default 1). */
  seed?: number;
  /**
   * Runs before the suite on each backend (after switching to it), e.g. to switch core's fused
   * kernels off and test the composed path other backends run; the function it returns runs
   * after the suite.
   */
  setup?: () => (() => void) | void;
}

function draw(shape: number[], spec: BijectorCase['input'], seed: number): tf.Tensor {
  const u = mulberry32(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (spec && 'low' in spec) {
      values[i] = spec.low + (spec.high - spec.low) * u();
    } else {
      const scale = spec && 'scale' in spec ? spec.scale : 1;
      // Box-Muller; 1 - u() avoids log(0).
      values[i] = scale * Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
    }
  }
  return tf.tensor(values, shape, 'float32');
}

const prod = (s: number[]): number => s.reduce((a, b) => a * b, 1);

/**
 * Declares, for every backend, the conformance tests of one bijector:
 * - shapes: value shape = input shape, log-det shape = input shape without the event dims;
 * - round trip: inverse(forward(x)) = x and forward(inverse(y)) = y (atol/rtol 1e-4);
 * - forward log-det at x = minus inverse log-det at y = f(x);
 * - log-det = log|det J| of the autodiff Jacobian (float64 LU) in both directions;
 * - inverse at independent points of the range: forward(inverse(y)) = y, log-dets opposite, and
 *   log-dets vs autodiff Jacobians there;
 * - finite values and log-dets next to the domain and range edges (`edges`);
 * - `volumePreserving` true only with zero log-dets (and as declared);
 * - `affine` as declared, and an affine map keeps midpoints: f((x1 + x2) / 2) = (f(x1) + f(x2)) / 2;
 * - fused methods equal the separate ones;
 * - gradients of value and log-det, in both directions, to the inputs, the context and the
 *   trainable variables equal central finite differences of the forward computation (not on
 *   the webgpu subset);
 * - batched parameters: every member's slice equals the member's own bijector (`memberOf`);
 * - inputs of a wrong rank or event size are refused by every method, without leaks;
 * - no method leaks a tensor.
 */
export function describeBijector(c: BijectorCase): void {
  const batchShape = c.batchShape ?? [3, 4];
  const eventSize = prod(c.eventShape);
  const atol = c.atol ?? 1e-4;
  const rtol = c.rtol ?? 1e-4;
  const seed = c.seed ?? 1;
  const checkJacobian = c.jacobian ?? eventSize <= 8;

  describeEachBackend(
    `describeBijector: ${c.name}`,
    (backend) => {
      // The webgpu subset (a software adapter compiles every new kernel slowly) skips the
      // finite-difference gradients, which run the bijector some 100 times.
      const heavy = backend !== 'webgpu';
      let b: BijectorLike;
      let x: tf.Tensor;
      let context: tf.Tensor | undefined;
      let opts: CallOptions;
      let teardown: (() => void) | void;
      // A fresh bijector for every test: no test sees what another did to its variables, and
      // each test's coverage is its own (code run in a beforeAll belongs to no test, so a mutation
      // tool reruns the whole suite for every change in a constructor).
      beforeEach(() => {
        teardown = c.setup?.();
        b = c.make();
        x = draw([...batchShape, ...c.eventShape], c.input, seed);
        context = c.contextSize ? draw([...batchShape, c.contextSize], { scale: 1 }, seed + 1) : undefined;
        opts = context ? { context } : {};
      });
      afterEach(() => {
        b.dispose();
        tf.dispose([x, ...(context ? [context] : [])]);
        teardown?.();
      });

      const ldShape = (shape: number[]): number[] => shape.slice(0, shape.length - b.eventNdims);

      it('keeps the shape and gives log-dets of the batch shape', async () => {
        const [y, ldf] = b.forwardAndLogDet(x, opts);
        const [x2, ldi] = b.inverseAndLogDet(y, opts);
        expect(y.shape).toEqual(x.shape);
        expect(x2.shape).toEqual(x.shape);
        expect(ldf.shape).toEqual(ldShape(x.shape));
        expect(ldi.shape).toEqual(ldShape(x.shape));
        tf.dispose([y, ldf, x2, ldi]);
      });

      it('round-trips in both directions and log-dets are opposite', async () => {
        const [y, ldf] = b.forwardAndLogDet(x, opts);
        const [x2, ldi] = b.inverseAndLogDet(y, opts);
        const y2 = b.forward(x2, opts);
        const yv = await y.data();
        expect(Array.from(yv).every(Number.isFinite), 'forward values are finite').toBe(true);
        await expectAllClose(x2, x, { atol, rtol }, 'inverse(forward(x))');
        await expectAllClose(y2, y, { atol, rtol }, 'forward(inverse(y))');
        const negLdi = tf.neg(ldi);
        await expectAllClose(ldf, negLdi, { atol: Math.max(atol, 1e-4), rtol }, 'fldj(x) = -ildj(f(x))');
        tf.dispose([y, ldf, x2, ldi, y2, negLdi]);
      });

      it('fused and separate methods agree', async () => {
        const [y, ldf] = b.forwardAndLogDet(x, opts);
        const [xi, ldi] = b.inverseAndLogDet(y, opts);
        const y1 = b.forward(x, opts);
        const ldf1 = b.forwardLogDetJacobian(x, opts);
        const xi1 = b.inverse(y, opts);
        const ldi1 = b.inverseLogDetJacobian(y, opts);
        await expectAllClose(y1, y, { atol: 1e-6, rtol: 1e-6 }, 'forward');
        await expectAllClose(ldf1, ldf, { atol: 1e-5, rtol: 1e-6 }, 'forwardLogDetJacobian');
        await expectAllClose(xi1, xi, { atol: 1e-6, rtol: 1e-6 }, 'inverse');
        await expectAllClose(ldi1, ldi, { atol: 1e-5, rtol: 1e-6 }, 'inverseLogDetJacobian');
        tf.dispose([y, ldf, xi, ldi, y1, ldf1, xi1, ldi1]);
      });

      if (checkJacobian) {
        it('log-dets equal log|det| of the autodiff Jacobian in both directions', async () => {
          // Batched parameters fix the batch shape; otherwise 6 examples.
          const lead = c.memberOf ? batchShape : [6];
          const n = prod(lead);
          const x2d = draw([n, eventSize], c.input, seed + 2) as tf.Tensor2D;
          const ctx = c.contextSize ? draw([...lead, c.contextSize], { scale: 1 }, seed + 3) : undefined;
          const o: CallOptions = ctx ? { context: ctx } : {};
          const full = [...lead, ...c.eventShape];
          // Log-dets summed over the event (elementwise bijectors leave event dims in them).
          const reduceToBatch = (ld: tf.Tensor): tf.Tensor => tf.sum(tf.reshape(ld, [n, -1]), 1);
          const through = (method: 'forward' | 'inverse') => (v: tf.Tensor2D) =>
            tf.reshape(b[method](tf.reshape(v, full), o), [n, eventSize]);
          for (const direction of ['forward', 'inverse'] as const) {
            // The inverse is differentiated at independent points of the range.
            const input = direction === 'forward' ? tf.clone(x2d) : (draw([n, eventSize], c.range ?? c.input, seed + 4) as tf.Tensor2D);
            const jac = await batchJacobian(through(direction), input);
            const ld = tf.tidy(() => {
              const full3 = tf.reshape(input, full);
              const r = direction === 'forward' ? b.forwardAndLogDet(full3, o) : b.inverseAndLogDet(full3, o);
              return reduceToBatch(r[1]);
            });
            const expected = jac.map((m) => logAbsDet(m));
            await expectAllClose(ld, expected, { atol: c.jacobianAtol ?? 1e-3, rtol: 1e-4 }, `${direction} log-det vs Jacobian`);
            tf.dispose([input, ld]);
          }
          tf.dispose([x2d, ...(ctx ? [ctx] : [])]);
        });
      }

      it('inverts at independent points of the range: forward(inverse(y)) = y, log-dets opposite', async () => {
        const y = draw([...batchShape, ...c.eventShape], c.range ?? c.input, seed + 5);
        const [xi, ldi] = b.inverseAndLogDet(y, opts);
        const [y2, ldf] = b.forwardAndLogDet(xi, opts);
        const xv = await xi.data();
        expect(Array.from(xv).every(Number.isFinite), 'inverse values are finite').toBe(true);
        await expectAllClose(y2, y, { atol, rtol }, 'forward(inverse(y))');
        const negLdf = tf.neg(ldf);
        await expectAllClose(ldi, negLdf, { atol: Math.max(atol, 1e-4), rtol }, 'ildj(y) = -fldj(inverse(y))');
        tf.dispose([y, xi, ldi, y2, ldf, negLdf]);
      });

      if (c.edges?.x?.length || c.edges?.y?.length) {
        it('stays finite next to the domain and range edges; forward(inverse(y)) = y at the range edges', async () => {
          const fill = (v: number) => tf.fill([2, ...c.eventShape], v, 'float32');
          const bad: string[] = [];
          const finite = async (t: tf.Tensor, label: string) => {
            const v = Array.from(await t.data());
            if (!v.every(Number.isFinite)) bad.push(`${label}: [${v}]`);
          };
          for (const e of c.edges?.x ?? []) {
            const x0 = fill(e);
            const [y0, ld0] = b.forwardAndLogDet(x0, opts);
            await finite(y0, `forward(${e})`);
            await finite(ld0, `forward log-det at ${e}`);
            tf.dispose([x0, y0, ld0]);
          }
          for (const e of c.edges?.y ?? []) {
            const y0 = fill(e);
            const [x0, ld0] = b.inverseAndLogDet(y0, opts);
            await finite(x0, `inverse(${e})`);
            await finite(ld0, `inverse log-det at ${e}`);
            const back = b.forward(x0, opts);
            try {
              await expectAllClose(back, y0, { atol: 0, rtol: 1e-4 }, `forward(inverse(${e}))`);
            } catch (err) {
              bad.push((err as Error).message);
            }
            tf.dispose([y0, x0, ld0, back]);
          }
          expect(bad).toEqual([]);
        });
      }

      it('volumePreserving is true only with zero log-dets (and as declared)', async () => {
        if (c.volumePreserving !== undefined) expect(!!b.volumePreserving, 'volumePreserving').toBe(c.volumePreserving);
        const y = draw([...batchShape, ...c.eventShape], c.range ?? c.input, seed + 5);
        const ldf = b.forwardLogDetJacobian(x, opts);
        const ldi = b.inverseLogDetJacobian(y, opts);
        const values = [...(await ldf.data()), ...(await ldi.data())];
        tf.dispose([y, ldf, ldi]);
        if (b.volumePreserving) expect(values.filter((v) => v !== 0), 'log-dets of a volume-preserving bijector').toEqual([]);
        else expect(values.every(Number.isFinite), 'log-dets are finite').toBe(true);
      });

      it('affine is as declared; an affine map keeps midpoints', async () => {
        expect(!!b.affine, 'affine').toBe(c.affine ?? false);
        const x2 = draw([...batchShape, ...c.eventShape], c.input, seed + 7);
        const mid = tf.tidy(() => tf.mul(tf.add(x, x2), 0.5));
        const [f1, f2, fm] = [b.forward(x, opts), b.forward(x2, opts), b.forward(mid, opts)];
        const chord = tf.tidy(() => tf.mul(tf.add(f1, f2), 0.5));
        const [atMid, onChord] = [await fm.data(), await chord.data()];
        tf.dispose([x2, mid, f1, f2, fm, chord]);
        const off = Array.from(atMid).filter((v, i) => !(Math.abs(v - onChord[i]!) <= atol + rtol * Math.abs(onChord[i]!)));
        // Only a declared affine map must keep midpoints; others may (e.g. at initialization).
        expect(off.length === 0 || !c.affine, 'an affine map moves midpoints').toBe(true);
      });

      it('has finite gradients to its inputs and trainable variables', async () => {
        const vars = b.trainableVariables;
        if (c.gradients) expect(vars.length, 'trainable variables').toBeGreaterThan(0);
        const y = b.forward(x, opts);
        const objective = (yy: tf.Tensor) => {
          const [x2, ld] = b.inverseAndLogDet(yy, opts);
          // A density-like objective: log N(x) summed, plus the log-det.
          return tf.add(tf.sum(tf.mul(tf.square(x2), -0.5)), tf.sum(ld)) as tf.Scalar;
        };
        const gy = tf.grad(objective)(y);
        const gyv = await gy.data();
        expect(Array.from(gyv).every(Number.isFinite), 'gradient to y is finite').toBe(true);
        const { value, grads } = vars.length ? tf.variableGrads(() => objective(y), vars) : { value: tf.scalar(0), grads: {} as tf.NamedTensorMap };
        for (const v of vars) {
          const g = grads[v.name];
          expect(g, `gradient of ${v.name}`).toBeDefined();
          const data = await g!.data();
          expect(Array.from(data).every(Number.isFinite), `gradient of ${v.name} is finite`).toBe(true);
        }
        tf.dispose([y, gy, value, ...Object.values(grads)]);
      });

      if (c.gradientCheck !== false && heavy) {
        it('gradients (to inputs, context and variables) equal central finite differences', async () => {
          const gc = c.gradientCheck || {};
          const lead = c.memberOf ? batchShape : [3];
          const away = async (t: tf.Tensor): Promise<tf.Tensor> => {
            if (!c.kinks?.length) return t;
            const v = Float32Array.from(await t.data());
            for (let i = 0; i < v.length; i++) {
              for (const k of c.kinks) if (Math.abs(v[i]! - k) < 0.1) v[i] = k + (v[i]! < k ? -0.1 : 0.1) + 0.3 * (v[i]! - k);
            }
            const out = tf.tensor(v, t.shape, 'float32');
            t.dispose();
            return out;
          };
          const xs = await away(draw([...lead, ...c.eventShape], c.input, seed + 6));
          const ys = await away(draw([...lead, ...c.eventShape], c.range ?? c.input, seed + 7));
          const ctx = c.contextSize ? draw([...lead, c.contextSize], { scale: 1 }, seed + 8) : undefined;
          const vars = c.gradients === false ? [] : b.trainableVariables;
          const failures: string[] = [];
          try {
            for (const direction of ['forward', 'inverse'] as const) {
              const input = direction === 'forward' ? xs : ys;
              failures.push(
                ...(await gradientMismatches(
                  (v: tf.Tensor, cv?: tf.Tensor) =>
                    direction === 'forward' ? b.forwardAndLogDet(v, cv ? { context: cv } : {}) : b.inverseAndLogDet(v, cv ? { context: cv } : {}),
                  ctx ? [input, ctx] : [input],
                  {
                    variables: vars,
                    step: gc.step,
                    rtol: gc.rtol,
                    atol: gc.atol,
                    seed: seed + (direction === 'forward' ? 9 : 10),
                    inputNames: [direction === 'forward' ? 'x' : 'y', 'context'],
                    outputNames: [`${direction} value`, `${direction} log-det`],
                  },
                )),
              );
            }
          } finally {
            tf.dispose([xs, ys, ...(ctx ? [ctx] : [])]);
          }
          expect(failures).toEqual([]);
        });
      }

      if (c.memberOf) {
        it('batched parameters broadcast: each batch member equals its own bijector', async () => {
          const y = draw([...batchShape, ...c.eventShape], c.range ?? c.input, seed + 11);
          const [fy, fld] = b.forwardAndLogDet(x, opts);
          const [ix, ild] = b.inverseAndLogDet(y, opts);
          const full = [fy, fld, ix, ild];
          const rows = (t: tf.Tensor) => tf.reshape(t, [prod(batchShape), -1]);
          const flat = full.map(rows);
          const flatX = rows(x);
          const flatY = rows(y);
          const members: number[][] = [[]];
          for (const d of batchShape) members.splice(0, members.length, ...members.flatMap((p) => Array.from({ length: d }, (_, i) => [...p, i])));
          try {
            for (let r = 0; r < members.length; r++) {
              const one = c.memberOf!(members[r]!);
              const pick = (t: tf.Tensor, shape: number[]) => tf.reshape(tf.slice(t, [r, 0], [1, -1]), shape);
              const xr = pick(flatX, c.eventShape);
              const yr = pick(flatY, c.eventShape);
              const [a, lda] = one.forwardAndLogDet(xr);
              const [bb, ldb] = one.inverseAndLogDet(yr);
              const label = `member [${members[r]}]`;
              const batched = [pick(flat[0]!, c.eventShape), pick(flat[1]!, []), pick(flat[2]!, c.eventShape), pick(flat[3]!, [])];
              await expectAllClose(batched[0]!, a, { atol, rtol }, `${label} forward`);
              await expectAllClose(batched[1]!, lda, { atol: Math.max(atol, 1e-4), rtol }, `${label} forward log-det`);
              await expectAllClose(batched[2]!, bb, { atol, rtol }, `${label} inverse`);
              await expectAllClose(batched[3]!, ldb, { atol: Math.max(atol, 1e-4), rtol }, `${label} inverse log-det`);
              tf.dispose([xr, yr, a, lda, bb, ldb, ...batched]);
              one.dispose();
            }
          } finally {
            tf.dispose([y, ...full, ...flat, flatX, flatY]);
          }
        });
      }

      it('refuses inputs of a wrong rank or event size in every method, without leaks', async () => {
        const shapes: number[][] = [...(c.wrongShapes ?? [])];
        if (b.eventNdims > 0) shapes.push(c.eventShape.slice(c.eventShape.length - b.eventNdims + 1));
        if (b.eventSize !== undefined) {
          expect(b.eventSize, 'eventSize').toBe(c.eventShape[c.eventShape.length - 1]);
          shapes.push([2, b.eventSize + 1]);
        }
        const methods = ['forward', 'inverse', 'forwardAndLogDet', 'inverseAndLogDet', 'forwardLogDetJacobian', 'inverseLogDetJacobian'] as const;
        const accepted: string[] = [];
        for (const mth of methods) {
          try {
            tf.dispose((b[mth] as (v: unknown, o?: CallOptions) => tf.Tensor | tf.Tensor[])([0.5, 1], opts));
            accepted.push(`${mth} accepted a plain array`);
          } catch {
            // refused, as it must be
          }
        }
        for (const shape of shapes) {
          const t = tf.zeros(shape);
          await expectNoLeaks(() => {
            for (const mth of methods) {
              try {
                const r = (b[mth] as (v: tf.Tensor, o?: CallOptions) => tf.Tensor | tf.Tensor[])(t, opts);
                tf.dispose(r);
                accepted.push(`${mth} accepted shape [${shape}]`);
              } catch (err) {
                if (!(err instanceof Error)) accepted.push(`${mth} threw a non-Error for shape [${shape}]`);
              }
            }
          }, { label: `refusing shape [${shape}]` });
          t.dispose();
        }
        expect(accepted).toEqual([]);
      });

      it('leaks no tensor', async () => {
        await expectNoLeaks(() => {
          const [y, ldf] = b.forwardAndLogDet(x, opts);
          const [x2, ldi] = b.inverseAndLogDet(y, opts);
          const rest = [
            b.forward(x, opts),
            b.inverse(y, opts),
            b.forwardLogDetJacobian(x, opts),
            b.inverseLogDetJacobian(y, opts),
          ];
          tf.dispose([y, ldf, x2, ldi, ...rest]);
        });
      });
    },
    { webgpu: c.webgpu ?? false },
  );
}
