// describeDistribution: the table-driven conformance suite every distribution runs, on each
// backend. One case per distribution supplies its parameters, evaluation points and float64
// plain-JS references; the suite checks
//   - logProb (and prob) against the reference, and -Infinity outside the support,
//   - cdf / logCdf / mean / variance / stddev / entropy / mode against the reference where given,
//   - shapes: sampleShape + batchShape + eventShape, and logProb of a sample,
//   - sampleAndLogProb against logProb of its own sample,
//   - seeded sampling: same seed -> same draws, another seed -> other draws,
//   - sample mean and variance within 4 standard errors of the reference (n = 100000),
//   - the samples' distribution: Kolmogorov-Smirnov against reference.cdf (scalar continuous
//     families) or on projections against reference.projectionCdf (vector events), chi-squared
//     against the reference pmf (scalar discrete families),
//   - gradients of logProb reach every parameter (finite, nonzero) and equal central finite
//     differences (parameters and x); per-draw sample gradients equal -(dF/dθ) / p (scalar
//     families) or finite differences at a fixed seed (the others),
//   - no method leaks a tensor.
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend } from './describe-each-backend.js';
import { expectAllClose, type Tolerance } from './expect-all-close.js';
import { expectNoLeaks } from './no-leaks.js';
import { gradientMismatches } from './finite-difference.js';
import { chiSquaredTest, ksCriticalValue, ksStatistic } from './goodness-of-fit.js';

export type Nested = number | Nested[];

/** What the suite needs of a distribution (structural, so testing does not depend on it). */
export interface DistributionUnderTest {
  readonly batchShape: number[];
  readonly eventShape: number[];
  /** Whether samples are differentiable functions of the parameters. */
  readonly reparameterized?: boolean;
  sample(sampleShape?: number | number[], opts?: { seed?: number }): tf.Tensor;
  logProb(x: tf.Tensor): tf.Tensor;
  prob(x: tf.Tensor): tf.Tensor;
  sampleAndLogProb(sampleShape?: number | number[], opts?: { seed?: number }): { sample: tf.Tensor; logProb: tf.Tensor };
  mean?(): tf.Tensor;
  variance?(): tf.Tensor;
  stddev?(): tf.Tensor;
  mode?(): tf.Tensor;
  entropy?(): tf.Tensor;
  cdf?(x: tf.Tensor): tf.Tensor;
  logCdf?(x: tf.Tensor): tf.Tensor;
  dispose?(): void;
}

/** One batch member's parameters (float32-rounded), sliced from the case's params. */
export type MemberParams = Record<string, Nested>;

export type Method = 'mean' | 'variance' | 'stddev' | 'mode' | 'entropy' | 'cdf' | 'logCdf';

export interface DistributionReference {
  /** log p(x) for one event-shaped value x of one batch member. */
  logProb(x: Nested, p: MemberParams): number;
  cdf?(x: number, p: MemberParams): number;
  logCdf?(x: number, p: MemberParams): number;
  /**
   * Vector events: the CDF t -> P(u·X <= t) of the projection on u (a unit vector of the event
   * size); the sampler is then checked by Kolmogorov-Smirnov tests on every axis and on an
   * oblique direction.
   */
  projectionCdf?(u: number[], p: MemberParams): (t: number) => number;
  /** Event-shaped (a number for scalar events). */
  mean?(p: MemberParams): Nested;
  variance?(p: MemberParams): Nested;
  mode?(p: MemberParams): Nested;
  entropy?(p: MemberParams): number;
}

export interface DistributionCase {
  name: string;
  /** Parameter values as nested arrays; each becomes a float32 tensor handed to `make`. */
  params: Record<string, Nested>;
  /** Trailing dims of a parameter that are not batch dims (loc of an MVN: 1, scaleTril: 2). */
  paramEventRanks?: Record<string, number>;
  make(params: Record<string, tf.Tensor>): DistributionUnderTest;
  batchShape: number[];
  eventShape: number[];
  /** Points inside the support: nested, shape [n] + batchShape + eventShape. */
  points: Nested;
  /** Points outside the support (same layout); logProb must be -Infinity there. */
  outside?: Nested;
  reference: DistributionReference;
  /** Methods to compare with the reference (default: every one the reference defines). */
  methods?: Method[];
  tolerance?: Partial<Record<'logProb' | 'prob' | 'cdf' | 'logCdf' | 'moments' | 'entropy', Tolerance>>;
  /** Parameters whose gradient is not required (e.g. not differentiable by design). */
  noGradient?: string[];
  /** Entries whose gradient is zero by construction (e.g. the unused upper triangle of scaleTril). */
  zeroGradient?: (param: string, flatIndex: number, shape: number[]) => boolean;
  /** Sample-moment test: other parameters (e.g. finite fourth moments), n; false to skip. */
  sampling?: false | { params?: Record<string, Nested>; batchShape?: number[]; n?: number };
  /** Samples are discrete (int32): reparameterization is not expected. */
  discrete?: boolean;
  /**
   * Parameters that samples are differentiable functions of (reparameterized sampling): the
   * gradient of Σ samples must reach each of them (finite, not all zero).
   */
  reparameterized?: string[];
  /**
   * Run a light subset on webgpu (shapes, logProb vs reference, seeding, gradients); default
   * false because a software adapter makes every new kernel slow to compile.
   */
  webgpu?: boolean;
  /** Backends for the n = 100000 sample-moment test (default cpu only: draws are generated in JS). */
  samplingBackends?: string[];
  /**
   * Goodness of fit of the sampler (on the sample-moment test's draws and backends): scalar
   * families with `reference.cdf` get a Kolmogorov-Smirnov test, discrete scalar families a
   * chi-squared test against `exp(reference.logProb)`, each per batch member at false-alarm rate
   * `alpha` (default 1e-6). False skips it.
   */
  goodnessOfFit?: false | { alpha?: number };
  /**
   * Gradients of logProb (to the parameters and, for continuous families, to x) and of
   * reparameterized samples (to `reparameterized`), checked against central finite differences
   * (see `gradientMismatches`). Defaults to the case's params and points; give other `params`
   * (and `points` of the same batch shape, or let them be drawn from the distribution) where
   * float32 cannot resolve a small step (e.g. loc 1000 with scale 1e-4). `x: false` skips the
   * derivative in x (e.g. points next to a support edge). `samples` lists the parameters whose
   * per-draw sample derivative is checked (default: all of `reparameterized`): for scalar
   * continuous families against the implicit-reparameterization identity dx/dθ = -(∂F/∂θ) / p
   * (exact for inverse-CDF and location-scale samplers and for Gamma's implicit gradient; not for
   * draws composed of several noises such as Beta's G1 / (G1 + G2), which are left out), for the
   * others by finite differences at a fixed seed. Entries that `zeroGradient` marks stay
   * unperturbed.
   */
  gradientCheck?:
    | false
    | {
        params?: Record<string, Nested>;
        points?: Nested;
        step?: number;
        rtol?: number;
        atol?: number;
        x?: boolean;
        samples?: string[];
      };
}

// ---------------------------------------------------------------- nested-array helpers

export function shapeOf(value: Nested): number[] {
  const shape: number[] = [];
  let level: Nested = value;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0]!;
  }
  return shape;
}

function flat(value: Nested): number[] {
  return Array.isArray(value) ? (value as Nested[]).flatMap(flat) : [value];
}

function at(value: Nested, index: number[]): Nested {
  let v = value;
  for (const i of index) v = (v as Nested[])[i]!;
  return v;
}

function f32(value: Nested): Nested {
  return Array.isArray(value) ? value.map(f32) : Math.fround(value);
}

function indices(shape: number[]): number[][] {
  const out: number[][] = [[]];
  for (const d of shape) {
    const next: number[][] = [];
    for (const prefix of out) for (let i = 0; i < d; i++) next.push([...prefix, i]);
    out.splice(0, out.length, ...next);
  }
  return out;
}

/** The parameters of batch member `index` (params broadcast right-aligned into the batch). */
function memberParams(c: DistributionCase, params: Record<string, Nested>, batchShape: number[], index: number[]): MemberParams {
  const out: MemberParams = {};
  for (const [name, value] of Object.entries(params)) {
    const shape = shapeOf(value);
    const batchRank = shape.length - (c.paramEventRanks?.[name] ?? 0);
    const own = index.slice(batchShape.length - batchRank).map((i, k) => (shape[k] === 1 ? 0 : i));
    out[name] = f32(at(value, own));
  }
  return out;
}

function toTensors(params: Record<string, Nested>): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const [name, value] of Object.entries(params)) out[name] = tf.tensor(value as number[], undefined, 'float32');
  return out;
}

/** Deterministic weights in (0.5, 1.5), so weighted gradients of symmetric grids do not cancel. */
function weights(n: number): number[] {
  return Array.from({ length: n }, (_, i) => 1 + 0.5 * Math.sin(12.9898 * (i + 1)));
}

function call<T>(d: DistributionUnderTest, method: Method, arg?: tf.Tensor): T {
  const fn = (d as unknown as Record<string, ((x?: tf.Tensor) => T) | undefined>)[method];
  if (typeof fn !== 'function') throw new Error(`distribution has no ${method}()`);
  return fn.call(d, arg);
}

// ---------------------------------------------------------------- the suite

export function describeDistribution(c: DistributionCase): void {
  const methods: Method[] =
    c.methods ??
    (['mean', 'variance', 'stddev', 'mode', 'entropy', 'cdf', 'logCdf'] as Method[]).filter((m) =>
      m === 'stddev' ? !!c.reference.variance : !!c.reference[m as keyof DistributionReference],
    );
  const tol = (key: keyof NonNullable<DistributionCase['tolerance']>): Tolerance =>
    c.tolerance?.[key] ?? { rtol: 1e-5, atol: 1e-5 };
  const pointShape = shapeOf(c.points);
  const n = pointShape[0]!;
  const members = indices(c.batchShape);
  const eventRank = c.eventShape.length;

  describeEachBackend(
    c.name,
    (backend) => {
      const heavy = backend !== 'webgpu';
      let params: Record<string, tf.Tensor>;
      let dist: DistributionUnderTest;
      const setup = () => {
        params = toTensors(c.params);
        dist = c.make(params);
      };
      const teardown = () => {
        dist.dispose?.();
        tf.dispose(Object.values(params));
      };

      it('has the declared batch and event shapes', () => {
        setup();
        try {
          expect(dist.batchShape).toEqual(c.batchShape);
          expect(dist.eventShape).toEqual(c.eventShape);
          expect(pointShape).toEqual([n, ...c.batchShape, ...c.eventShape]);
        } finally {
          teardown();
        }
      });

      it('logProb and prob match the float64 reference', async () => {
        setup();
        const x = tf.tensor(c.points as number[], undefined, 'float32');
        try {
          const expected: number[] = [];
          const pts = f32(c.points);
          for (let s = 0; s < n; s++) {
            for (const idx of members) expected.push(c.reference.logProb(at(pts, [s, ...idx]), memberParams(c, c.params, c.batchShape, idx)));
          }
          const lp = dist.logProb(x);
          expect(lp.shape).toEqual([n, ...c.batchShape]);
          await expectAllClose(lp, expected, tol('logProb'), 'logProb');
          const prob = dist.prob(x);
          await expectAllClose(prob, expected.map(Math.exp), tol('prob'), 'prob');
          tf.dispose([lp, prob]);
        } finally {
          x.dispose();
          teardown();
        }
      });

      if (heavy) {
        // Reductions over the event or component axis written as axis 1 instead of -1 agree
        // while the batch has rank 1; one more leading batch axis of size 1 tells them apart.
        it('gives the same values with one more leading batch axis (batch shape [1, ...batchShape])', async () => {
          setup();
          const wrapped = toTensors(Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, [v]])));
          const wide = c.make(wrapped);
          const x = tf.tensor(c.points as number[], undefined, 'float32');
          try {
            expect(wide.batchShape).toEqual([1, ...c.batchShape]);
            const pairs: [string, tf.Tensor, tf.Tensor][] = [['logProb', dist.logProb(x), wide.logProb(x)]];
            for (const m of methods) {
              pairs.push([m, call<tf.Tensor>(dist, m, ...(m === 'cdf' || m === 'logCdf' ? [x] : [])), call<tf.Tensor>(wide, m, ...(m === 'cdf' || m === 'logCdf' ? [x] : []))]);
            }
            for (const [name, narrow, widened] of pairs) {
              const expectedShape = name === 'logProb' || name === 'cdf' || name === 'logCdf' ? narrow.shape : [1, ...narrow.shape];
              expect(widened.shape, name).toEqual(expectedShape);
              await expectAllClose(widened, await narrow.data(), { rtol: 1e-6, atol: 1e-6 }, name);
            }
            tf.dispose(pairs.flatMap(([, a, b]) => [a, b]));
          } finally {
            x.dispose();
            wide.dispose?.();
            tf.dispose(Object.values(wrapped));
            teardown();
          }
        });
      }

      if (c.outside && heavy) {
        it('logProb is -Infinity outside the support (never NaN)', async () => {
          setup();
          const x = tf.tensor(c.outside as number[], undefined, 'float32');
          try {
            const lp = dist.logProb(x);
            const v = await lp.data();
            lp.dispose();
            expect(Array.from(v).filter((e) => e !== -Infinity)).toEqual([]);
          } finally {
            x.dispose();
            teardown();
          }
        });
      }

      for (const method of heavy ? methods : []) {
        it(`${method} matches the float64 reference`, async () => {
          setup();
          try {
            const ref = c.reference;
            if (method === 'cdf' || method === 'logCdf') {
              if (eventRank !== 0) throw new Error(`${method} is only checked for scalar events`);
              const fn = ref[method]!;
              const pts = f32(c.points);
              const expected: number[] = [];
              for (let s = 0; s < n; s++) {
                for (const idx of members) expected.push(fn(at(pts, [s, ...idx]) as number, memberParams(c, c.params, c.batchShape, idx)));
              }
              const x = tf.tensor(c.points as number[], undefined, 'float32');
              const out = call<tf.Tensor>(dist, method, x);
              x.dispose();
              expect(out.shape).toEqual([n, ...c.batchShape]);
              await expectAllClose(out, expected, tol(method), method);
              out.dispose();
              return;
            }
            const expected: number[] = [];
            for (const idx of members) {
              const p = memberParams(c, c.params, c.batchShape, idx);
              let v: Nested;
              if (method === 'stddev') v = f32Map(ref.variance!(p), Math.sqrt);
              else if (method === 'entropy') v = ref.entropy!(p);
              else v = (ref[method] as (p: MemberParams) => Nested)(p);
              expected.push(...flat(v));
            }
            const out = call<tf.Tensor>(dist, method);
            const expectedShape = method === 'entropy' ? c.batchShape : [...c.batchShape, ...c.eventShape];
            expect(out.shape).toEqual(expectedShape);
            await expectAllClose(out, expected, tol(method === 'entropy' ? 'entropy' : 'moments'), method);
            out.dispose();
          } finally {
            teardown();
          }
        });
      }

      it('samples have shape sampleShape + batchShape + eventShape; sampleAndLogProb agrees with logProb', async () => {
        setup();
        try {
          const s = dist.sample([2, 3], { seed: 7 });
          expect(s.shape).toEqual([2, 3, ...c.batchShape, ...c.eventShape]);
          const lp = dist.logProb(s);
          expect(lp.shape).toEqual([2, 3, ...c.batchShape]);
          const single = dist.sample(undefined, { seed: 7 });
          expect(single.shape).toEqual([...c.batchShape, ...c.eventShape]);
          const both = dist.sampleAndLogProb(4, { seed: 11 });
          expect(both.sample.shape).toEqual([4, ...c.batchShape, ...c.eventShape]);
          expect(both.logProb.shape).toEqual([4, ...c.batchShape]);
          const again = dist.logProb(both.sample);
          await expectAllClose(both.logProb, again, { rtol: 1e-4, atol: 1e-4 }, 'sampleAndLogProb vs logProb(sample)');
          const lpv = await lp.data();
          expect(Array.from(lpv).every(Number.isFinite)).toBe(true);
          tf.dispose([s, lp, single, both.sample, both.logProb, again]);
        } finally {
          teardown();
        }
      });

      it('the same seed gives the same samples, another seed others', async () => {
        setup();
        try {
          const a = dist.sample(50, { seed: 1234 });
          const b = dist.sample(50, { seed: 1234 });
          const other = dist.sample(50, { seed: 4321 });
          const [va, vb, vo] = await Promise.all([a.data(), b.data(), other.data()]);
          expect(Array.from(va)).toEqual(Array.from(vb));
          expect(Array.from(va)).not.toEqual(Array.from(vo));
          tf.dispose([a, b, other]);
        } finally {
          teardown();
        }
      });

      const samplingOn = c.sampling !== false && (c.samplingBackends ?? ['cpu']).includes(backend);
      const samplingOpts = c.sampling || {};
      const sp = samplingOpts.params ?? c.params;
      const sb = samplingOpts.batchShape ?? c.batchShape;
      const count = samplingOpts.n ?? 100_000;
      // One seeded set of draws, shared by the moment and goodness-of-fit tests.
      let draws: Promise<Float32Array | Int32Array> | undefined;
      const drawn = () =>
        (draws ??= (async () => {
          const tensors = toTensors(sp);
          const d = c.make(tensors);
          const s = d.sample(count, { seed: 20240611 });
          const values = (await s.data()) as Float32Array | Int32Array;
          tf.dispose(s);
          d.dispose?.();
          tf.dispose(Object.values(tensors));
          return values;
        })());

      if (samplingOn) {
        it('sample mean and variance lie within 4 standard errors of the reference', async () => {
          const ref = c.reference;
          if (!ref.mean || !ref.variance) throw new Error(`${c.name}: the sample test needs reference.mean and variance`);
          const values = await drawn();
          const eventSize = c.eventShape.reduce((a, b) => a * b, 1);
          const memberCount = sb.reduce((a: number, b: number) => a * b, 1);
          const stride = memberCount * eventSize;
          const failures: string[] = [];
          indices(sb).forEach((idx, m) => {
            const p = memberParams(c, sp, sb, idx);
            const mu = flat(ref.mean!(p));
            const sigma2 = flat(ref.variance!(p));
            for (let e = 0; e < eventSize; e++) {
              let sum = 0;
              for (let i = 0; i < count; i++) sum += values[i * stride + m * eventSize + e]!;
              const mean = sum / count;
              let m2 = 0;
              let m4 = 0;
              for (let i = 0; i < count; i++) {
                const dv = values[i * stride + m * eventSize + e]! - mean;
                m2 += dv * dv;
                m4 += dv * dv * dv * dv;
              }
              m2 /= count;
              m4 /= count;
              const seMean = Math.sqrt(sigma2[e]! / count);
              const seVar = Math.sqrt(Math.max(m4 - m2 * m2, 0) / count);
              if (Math.abs(mean - mu[e]!) > 4 * seMean + 1e-7 * Math.abs(mu[e]!)) {
                failures.push(`member ${idx} component ${e}: mean ${mean} vs ${mu[e]} (4 SE = ${4 * seMean})`);
              }
              if (Math.abs(m2 - sigma2[e]!) > 4 * seVar + 1e-6 * sigma2[e]!) {
                failures.push(`member ${idx} component ${e}: variance ${m2} vs ${sigma2[e]} (4 SE = ${4 * seVar})`);
              }
            }
          });
          expect(failures).toEqual([]);
        });
      }

      const gof = c.goodnessOfFit === false ? undefined : { alpha: 1e-6, ...(c.goodnessOfFit ?? {}) };
      const gofKind =
        eventRank === 1 && c.reference.projectionCdf
          ? 'projection Kolmogorov-Smirnov'
          : eventRank !== 0
            ? undefined
            : c.discrete
              ? 'chi-squared'
              : c.reference.cdf
                ? 'Kolmogorov-Smirnov'
                : undefined;
      if (samplingOn && gof && gofKind) {
        it(`samples pass a ${gofKind} test against the reference per batch member (false-alarm rate ${gof.alpha})`, async () => {
          const values = await drawn();
          const memberCount = sb.reduce((a: number, b: number) => a * b, 1);
          const failures: string[] = [];
          indices(sb).forEach((idx, m) => {
            const p = memberParams(c, sp, sb, idx);
            if (gofKind === 'projection Kolmogorov-Smirnov') {
              const d = c.eventShape[0]!;
              // Each axis, and the fixed oblique direction (1, -2, 3, -4, ...) / norm.
              const oblique = Array.from({ length: d }, (_, k) => (k % 2 ? -(k + 1) : k + 1));
              const norm = Math.hypot(...oblique);
              const directions = [...Array.from({ length: d }, (_, k) => Array.from({ length: d }, (__, j) => (j === k ? 1 : 0))), oblique.map((v) => v / norm)];
              const critical = ksCriticalValue(count, gof.alpha);
              for (const u of directions) {
                const projected = new Float64Array(count);
                for (let i = 0; i < count; i++) {
                  let t = 0;
                  for (let k = 0; k < d; k++) t += u[k]! * values[(i * memberCount + m) * d + k]!;
                  projected[i] = t;
                }
                // An axis projection is a float32 draw (its rounding is accounted for); an oblique
                // one is a float64 sum, compared with the continuous CDF.
                const axis = u.filter((v) => v !== 0).length === 1;
                const stat = ksStatistic(projected, c.reference.projectionCdf!(u, p), { float32: axis });
                if (!(stat <= critical)) failures.push(`member ${idx} direction [${u.map((v) => v.toFixed(3))}]: KS statistic ${stat.toExponential(3)} > ${critical.toExponential(3)}`);
              }
              return;
            }
            const column = new Float64Array(count);
            for (let i = 0; i < count; i++) column[i] = values[i * memberCount + m]!;
            if (gofKind === 'chi-squared') {
              const r = chiSquaredTest(column, (k) => Math.exp(c.reference.logProb(k, p)), gof.alpha);
              if (r.impossible.length) failures.push(`member ${idx}: draws of zero probability: ${r.impossible.slice(0, 8)}`);
              if (!(r.statistic <= r.critical)) {
                failures.push(`member ${idx}: chi-squared ${r.statistic.toFixed(2)} > ${r.critical.toFixed(2)} (${r.degreesOfFreedom} dof)`);
              }
            } else {
              const d = ksStatistic(column, (x) => c.reference.cdf!(x, p));
              const critical = ksCriticalValue(count, gof.alpha);
              if (!(d <= critical)) failures.push(`member ${idx}: KS statistic ${d.toExponential(3)} > ${critical.toExponential(3)}`);
            }
          });
          expect(failures).toEqual([]);
        });
      }

      const gc = c.gradientCheck === false ? undefined : (c.gradientCheck ?? {});
      if (gc && heavy) {
        it('gradients of logProb (parameters and x) and of reparameterized samples equal central finite differences', async () => {
          const names = Object.keys(c.params).filter((k) => !c.noGradient?.includes(k));
          const params = gc.params ?? c.params;
          const tensors = toTensors(params);
          let x: tf.Tensor;
          if (gc.points) x = tf.tensor(gc.points as number[], undefined, 'float32');
          else if (gc.params) {
            const d = c.make(tensors);
            x = d.sample(3, { seed: 17 });
            d.dispose?.();
          } else x = tf.tensor(c.points as number[], undefined, 'float32');
          const withX = !c.discrete && gc.x !== false;
          const tol = { step: gc.step, rtol: gc.rtol, atol: gc.atol };
          const frozen = (i: number, e: number) => i >= 0 && i < names.length && !!c.zeroGradient?.(names[i]!, e, tensors[names[i]!]!.shape);
          try {
            const failures = await gradientMismatches(
              (...ts: tf.Tensor[]) => {
                const all = { ...tensors };
                names.forEach((k, i) => (all[k] = ts[i]!));
                const d = c.make(all);
                const lp = d.logProb(withX ? ts[names.length]! : x);
                d.dispose?.();
                return lp;
              },
              [...names.map((k) => tensors[k]!), ...(withX ? [x] : [])],
              { ...tol, frozen, inputNames: [...names, ...(withX ? ['x'] : [])], outputNames: ['logProb'] },
            );
            const rep = (gc.samples ?? c.reparameterized ?? []).filter((k) => names.includes(k));
            if (rep.length && eventRank === 0 && c.reference.cdf && !c.discrete) {
              failures.push(...(await implicitSampleGradientMismatches(c, params, rep)));
            } else if (rep.length) {
              failures.push(
                ...(await gradientMismatches(
                  (...ts: tf.Tensor[]) => {
                    const all = { ...tensors };
                    rep.forEach((k, i) => (all[k] = ts[i]!));
                    const d = c.make(all);
                    const s = d.sample(4, { seed: 5 });
                    d.dispose?.();
                    return s;
                  },
                  rep.map((k) => tensors[k]!),
                  { ...tol, frozen: (i, e) => frozen(names.indexOf(rep[i]!), e), inputNames: rep, outputNames: ['sample(4, { seed: 5 })'] },
                )),
              );
            }
            expect(failures).toEqual([]);
          } finally {
            tf.dispose([x, ...Object.values(tensors)]);
          }
        });
      }

      it('gradients of logProb reach every parameter (finite, nonzero)', async () => {
        const names = Object.keys(c.params).filter((k) => !c.noGradient?.includes(k));
        const tensors = toTensors(c.params);
        const x = tf.tensor(c.points as number[], undefined, 'float32');
        const w = tf.tensor(weights(n * members.length), [n, ...c.batchShape], 'float32');
        try {
          const grads = tf.grads((...ts: tf.Tensor[]) => {
            const all = { ...tensors };
            names.forEach((k, i) => (all[k] = ts[i]!));
            const d = c.make(all);
            const lp = d.logProb(x);
            const loss = tf.sum(tf.mul(lp, w));
            d.dispose?.();
            return loss;
          })(names.map((k) => tensors[k]!));
          const bad: string[] = [];
          for (let i = 0; i < names.length; i++) {
            const g = Array.from(await grads[i]!.data());
            if (!g.every(Number.isFinite)) bad.push(`${names[i]}: non-finite gradient [${g}]`);
            else {
              const shape = tensors[names[i]!]!.shape;
              const zeros = g.flatMap((v, j) => (v === 0 && !c.zeroGradient?.(names[i]!, j, shape) ? [j] : []));
              if (zeros.length) bad.push(`${names[i]}: zero gradient at flat indices [${zeros}] of [${g}]`);
            }
          }
          tf.dispose(grads);
          expect(bad).toEqual([]);
        } finally {
          tf.dispose([x, w, ...Object.values(tensors)]);
        }
      });

      it('logProb of its own samples differentiates (finite gradients, no missing-gradient errors)', async () => {
        const names = Object.keys(c.params).filter((k) => !c.noGradient?.includes(k));
        const tensors = toTensors(c.params);
        try {
          const grads = tf.grads((...ts: tf.Tensor[]) => {
            const all = { ...tensors };
            names.forEach((k, i) => (all[k] = ts[i]!));
            const d = c.make(all);
            const x = d.sample(4, { seed: 21 });
            const loss = tf.sum(d.logProb(x));
            d.dispose?.();
            return loss;
          })(names.map((k) => tensors[k]!));
          const bad: string[] = [];
          for (let i = 0; i < names.length; i++) {
            const g = Array.from(await grads[i]!.data());
            if (!g.every(Number.isFinite)) bad.push(`${names[i]}: [${g}]`);
          }
          tf.dispose(grads);
          expect(bad).toEqual([]);
        } finally {
          tf.dispose(Object.values(tensors));
        }
      });

      it(`reparameterized is ${Boolean(c.reparameterized?.length)}: whether gradients flow through samples`, () => {
        const tensors = toTensors(c.params);
        try {
          const d = c.make(tensors);
          expect(d.reparameterized).toBe(Boolean(c.reparameterized?.length));
          d.dispose?.();
        } finally {
          tf.dispose(Object.values(tensors));
        }
      });

      if (c.reparameterized?.length) {
        it(`samples are reparameterized: gradients reach ${c.reparameterized.join(', ')}`, async () => {
          const names = c.reparameterized!;
          const tensors = toTensors(c.params);
          try {
            const grads = tf.grads((...ts: tf.Tensor[]) => {
              const all = { ...tensors };
              names.forEach((k, i) => (all[k] = ts[i]!));
              const d = c.make(all);
              const loss = tf.sum(tf.mul(d.sample(8, { seed: 5 }), tf.scalar(1)));
              d.dispose?.();
              return loss;
            })(names.map((k) => tensors[k]!));
            const bad: string[] = [];
            for (let i = 0; i < names.length; i++) {
              const g = Array.from(await grads[i]!.data());
              if (!g.every(Number.isFinite) || g.every((v) => v === 0)) bad.push(`${names[i]}: [${g}]`);
            }
            tf.dispose(grads);
            expect(bad).toEqual([]);
          } finally {
            tf.dispose(Object.values(tensors));
          }
        });
      }

      if (heavy) it('leaks no tensor from any method', async () => {
        const tensors = toTensors(c.params);
        const x = tf.tensor(c.points as number[], undefined, 'float32');
        try {
          await expectNoLeaks(async () => {
            const d = c.make(tensors);
            const results: tf.Tensor[] = [d.logProb(x), d.prob(x), d.sample([2], { seed: 3 })];
            const both = d.sampleAndLogProb([2], { seed: 3 });
            results.push(both.sample, both.logProb);
            for (const m of methods) results.push(m === 'cdf' || m === 'logCdf' ? call<tf.Tensor>(d, m, x) : call<tf.Tensor>(d, m));
            tf.dispose(results);
            d.dispose?.();
          }, { label: c.name });
        } finally {
          tf.dispose([x, ...Object.values(tensors)]);
        }
      });
    },
    { webgpu: c.webgpu ?? false },
  );
}

/**
 * Sample gradients of a scalar continuous family against the implicit-reparameterization
 * identity (Figurnov et al. 2018): holding the CDF value u = F(x; θ) of a draw fixed,
 * dx/dθ = -(∂F/∂θ)(x; θ) / p(x; θ). This holds for every reparameterized sampler of a scalar
 * family (for x = loc + scale z it is the pathwise derivative; for rejection samplers such as
 * Gamma's it is the only one), so no finite difference of the sampler is needed. ∂F/∂θ is a
 * float64 central difference of `reference.cdf` (step 1e-5 max(|θ|, 1e-3)), p = exp(reference.logProb).
 * Compared per parameter entry: Σ_i w_i dx_i/dθ (autodiff, 4 draws at seed 5) within 2e-3 of
 * the sum of the magnitudes of its terms, plus 1e-6.
 */
async function implicitSampleGradientMismatches(c: DistributionCase, params: Record<string, Nested>, rep: string[]): Promise<string[]> {
  const batchShape = c.batchShape;
  const members = indices(batchShape);
  const memberCount = members.length;
  const draws = 4;
  const tensors = toTensors(params);
  const failures: string[] = [];
  try {
    const w = Float32Array.from({ length: draws * memberCount }, (_, i) => 0.5 + ((i * 0.618034) % 1));
    const wt = tf.tensor(w, [draws, ...batchShape], 'float32');
    let xs: Float32Array;
    const grads = tf.grads((...ts: tf.Tensor[]) => {
      const all = { ...tensors };
      rep.forEach((k, i) => (all[k] = ts[i]!));
      const d = c.make(all);
      const s = d.sample(draws, { seed: 5 });
      d.dispose?.();
      xs = s.dataSync() as Float32Array;
      return tf.sum(tf.mul(s, wt));
    })(rep.map((k) => tensors[k]!));
    wt.dispose();
    for (let r = 0; r < rep.length; r++) {
      const name = rep[r]!;
      const g = Array.from(await grads[r]!.data());
      const shape = shapeOf(params[name]!);
      const expected = new Float64Array(g.length);
      const scale = new Float64Array(g.length);
      members.forEach((idx, m) => {
        const p = memberParams(c, params, batchShape, idx);
        const theta = p[name] as number;
        const delta = 1e-5 * Math.max(Math.abs(theta), 1e-3);
        const flatIndex = paramFlatIndex(shape, batchShape, idx);
        for (let i = 0; i < draws; i++) {
          const x = xs![i * memberCount + m]!;
          const dF = (c.reference.cdf!(x, { ...p, [name]: theta + delta }) - c.reference.cdf!(x, { ...p, [name]: theta - delta })) / (2 * delta);
          const density = Math.exp(c.reference.logProb(x, p));
          const term = density > 0 ? (-w[i * memberCount + m]! * dF) / density : 0;
          expected[flatIndex] = expected[flatIndex]! + term;
          scale[flatIndex] = scale[flatIndex]! + Math.abs(term);
        }
      });
      for (let j = 0; j < g.length; j++) {
        if (!(Math.abs(g[j]! - expected[j]!) <= 1e-6 + 2e-3 * (scale[j]! + Math.abs(g[j]!)))) {
          failures.push(`d sample / d ${name}[${j}]: autodiff ${g[j]} vs implicit (-dF/dθ / p) ${expected[j]}`);
        }
      }
    }
    tf.dispose(grads);
  } finally {
    tf.dispose(Object.values(tensors));
  }
  return failures;
}

/** Flat index into a parameter of shape `shape` (broadcast right-aligned into the batch) of batch member `index`. */
function paramFlatIndex(shape: number[], batchShape: number[], index: number[]): number {
  const own = index.slice(batchShape.length - shape.length).map((i, k) => (shape[k] === 1 ? 0 : i));
  return own.reduce((acc, i, k) => acc * shape[k]! + i, 0);
}

function f32Map(value: Nested, fn: (v: number) => number): Nested {
  return Array.isArray(value) ? value.map((v) => f32Map(v, fn)) : fn(value);
}
