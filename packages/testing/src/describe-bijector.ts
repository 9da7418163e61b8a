// Table-driven conformance suite for one bijector: every bijector in densityjs must pass it on
// every backend. Bijectors are typed structurally so @densityjs/testing does not depend on
// @densityjs/bijectors (which depends on testing for its tests).
import * as tf from '@tensorflow/tfjs-core';
import { mulberry32 } from '@densityjs/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from './describe-each-backend.js';
import { expectAllClose } from './expect-all-close.js';
import { batchJacobian, logAbsDet } from './jacobian.js';
import { expectNoLeaks } from './no-leaks.js';

interface CallOptions {
  context?: tf.Tensor;
}

/** What describeBijector needs from a bijector (the contract of DESIGN.md). */
export interface BijectorLike {
  readonly eventNdims: number;
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
  /** Also run on webgpu (default false: keep heavy bijectors off the slow software adapter). */
  webgpu?: boolean;
  /** Seed of the input generator (default 1). */
  seed?: number;
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
 * - fused methods equal the separate ones;
 * - gradients w.r.t. the trainable variables exist and are finite;
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
    () => {
      let b: BijectorLike;
      let x: tf.Tensor;
      let context: tf.Tensor | undefined;
      let opts: CallOptions;
      beforeAll(() => {
        b = c.make();
        x = draw([...batchShape, ...c.eventShape], c.input, seed);
        context = c.contextSize ? draw([...batchShape, c.contextSize], { scale: 1 }, seed + 1) : undefined;
        opts = context ? { context } : {};
      });
      afterAll(() => {
        b.dispose();
        tf.dispose([x, ...(context ? [context] : [])]);
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
          const n = 6;
          const x2d = draw([n, eventSize], c.input, seed + 2) as tf.Tensor2D;
          const ctx = c.contextSize ? draw([n, c.contextSize], { scale: 1 }, seed + 3) : undefined;
          const o: CallOptions = ctx ? { context: ctx } : {};
          const full = [n, ...c.eventShape];
          const reduceToBatch = (ld: tf.Tensor): tf.Tensor =>
            ld.rank > 1 ? tf.sum(ld, Array.from({ length: ld.rank - 1 }, (_, i) => i + 1)) : ld;
          const through = (method: 'forward' | 'inverse') => (v: tf.Tensor2D) =>
            tf.reshape(b[method](tf.reshape(v, full), o), [n, eventSize]);
          for (const direction of ['forward', 'inverse'] as const) {
            const input =
              direction === 'forward' ? tf.clone(x2d) : (tf.tidy(() => through('forward')(x2d)) as tf.Tensor2D);
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

      it('has finite gradients for its trainable variables', async () => {
        const vars = b.trainableVariables;
        if (!(c.gradients ?? vars.length > 0)) return;
        expect(vars.length).toBeGreaterThan(0);
        const y = b.forward(x, opts);
        const { value, grads } = tf.variableGrads(() => {
          const [x2, ld] = b.inverseAndLogDet(y, opts);
          // A density-like objective: log N(x) summed, plus the log-det.
          return tf.add(tf.sum(tf.mul(tf.square(x2), -0.5)), tf.sum(ld)) as tf.Scalar;
        }, vars);
        for (const v of vars) {
          const g = grads[v.name];
          expect(g, `gradient of ${v.name}`).toBeDefined();
          const data = await g!.data();
          expect(Array.from(data).every(Number.isFinite), `gradient of ${v.name} is finite`).toBe(true);
        }
        tf.dispose([y, value, ...Object.values(grads)]);
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
