import * as tf from '@tensorflow/tfjs-core';
import { argumentErrorOf, describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
import { expect, it } from 'vitest';
import { klDivergence } from './kl-divergence.js';
import { klMultivariateNormal } from './kl-multivariate-normal.js';
import { Normal } from './normal.js';
import { MultivariateNormalDiag } from './multivariate-normal-diag.js';
import { MultivariateNormalFullCovariance } from './multivariate-normal-full-covariance.js';
import { MultivariateNormalTriL } from './multivariate-normal-tril.js';

/** Float64 inverse and log det by Gauss-Jordan elimination with partial pivoting. */
function inverseAndLogDet(a: number[][]): { inv: number[][]; logDet: number } {
  const d = a.length;
  const m = a.map((row, i) => [...row, ...Array.from({ length: d }, (_, j) => (i === j ? 1 : 0))]);
  let logDet = 0;
  for (let c = 0; c < d; c++) {
    let p = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    const pivot = m[c]![c]!;
    logDet += Math.log(Math.abs(pivot));
    for (let k = 0; k < 2 * d; k++) m[c]![k]! /= pivot;
    for (let r = 0; r < d; r++) {
      if (r === c) continue;
      const f = m[r]![c]!;
      for (let k = 0; k < 2 * d; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return { inv: m.map((row) => row.slice(d)), logDet };
}

/** KL(N(μp, Σp) || N(μq, Σq)) in float64 from the covariances. */
function klReference(mp: number[], Sp: number[][], mq: number[], Sq: number[][]): number {
  const d = mp.length;
  const { inv, logDet: ldq } = inverseAndLogDet(Sq);
  const { logDet: ldp } = inverseAndLogDet(Sp);
  let trace = 0;
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) trace += inv[i]![j]! * Sp[j]![i]!;
  const diff = mq.map((v, i) => v - mp[i]!);
  let maha = 0;
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) maha += diff[i]! * inv[i]![j]! * diff[j]!;
  return 0.5 * (trace + maha - d + ldq - ldp);
}

const f = Math.fround;
const covOf = (L: number[][]) => L.map((ri) => L.map((rj) => ri.reduce((s, v, k) => s + v * rj[k]!, 0)));

// Two batch members each, d = 3.
const locP = [[0, 1, -2], [3, 0, 0.5]];
const locQ = [[1, -1, 0], [0, 0, 0]];
const diagP = [[0.5, 2, 1], [1, 1, 3]];
const trilQ = [
  [[2, 0, 0], [0.5, 1, 0], [-1, 0.3, 0.5]],
  [[1, 0, 0], [3, 1, 0], [0.1, -2, 4]],
];
const fullP = [
  [[4, 1, -2], [1, 1.25, -0.2], [-2, -0.2, 1.34]],
  [[2, 0.3, 0.1], [0.3, 1, -0.4], [0.1, -0.4, 3]],
];
const sigmaDiag = diagP.map((r) => r.map((v, i) => r.map((w, j) => (i === j ? f(v) * f(w) : 0))));
const sigmaTril = trilQ.map((L) => covOf(L.map((r) => r.map(f))));
const sigmaFull = fullP.map((S) => S.map((r) => r.map(f)));

type Member = { make: () => MultivariateNormalDiag | MultivariateNormalTriL | MultivariateNormalFullCovariance; loc: number[][]; sigma: number[][][] };
const members: Record<string, Member> = {
  diag: { make: () => new MultivariateNormalDiag({ loc: locP, scaleDiag: diagP }), loc: locP, sigma: sigmaDiag },
  tril: { make: () => new MultivariateNormalTriL({ loc: locQ, scaleTril: trilQ }), loc: locQ, sigma: sigmaTril },
  full: { make: () => new MultivariateNormalFullCovariance({ loc: locP, covarianceMatrix: fullP }), loc: locP, sigma: sigmaFull },
};

describeEachBackend('KL between multivariate normal families', () => {
  for (const [pn, P] of Object.entries(members)) {
    for (const [qn, Q] of Object.entries(members)) {
      it(`KL(${pn} || ${qn}) matches the float64 formula from the covariances`, async () => {
        const p = P.make();
        const q = Q.make();
        const kl = klDivergence(p, q);
        expect(kl.shape).toEqual([2]);
        const expected = [0, 1].map((b) => klReference(P.loc[b]!.map(f), P.sigma[b]!, Q.loc[b]!.map(f), Q.sigma[b]!));
        await expectAllClose(kl, expected, { rtol: 1e-4, atol: 1e-4 }, `KL(${pn} || ${qn})`);
        await expectNoLeaks(() => tf.dispose(klDivergence(p, q)));
        tf.dispose(kl);
        p.dispose();
        q.dispose();
      });
    }
  }
  it('is 0 for the same distribution in two parameterizations (full vs TriL of its Cholesky factor)', async () => {
    const L = [[2, 0], [1.5, 0.5]];
    const a = new MultivariateNormalTriL({ loc: [1, 2], scaleTril: L });
    const b = new MultivariateNormalFullCovariance({ loc: [1, 2], covarianceMatrix: covOf(L) });
    const kl = klDivergence(b, a);
    expect(Math.abs((await kl.data())[0]!)).toBeLessThan(1e-5);
    tf.dispose(kl);
    a.dispose();
    b.dispose();
  });
});

describeEachBackend('klMultivariateNormal called directly', () => {
  it('equals klDivergence for every pair of families, leaks nothing, and refuses other families or sizes', async () => {
    const diag = new MultivariateNormalDiag({ loc: [0, 1], scaleDiag: [1, 2] });
    const tril = new MultivariateNormalTriL({ loc: [1, 0], scaleTril: [[1, 0], [0.5, 1.5]] });
    const full = new MultivariateNormalFullCovariance({ loc: [[0, 0], [1, -1]], covarianceMatrix: [[2, 0.3], [0.3, 1]] });
    const all = [diag, tril, full];
    for (const p of all) {
      for (const q of all) {
        const viaRegistry = klDivergence(p, q);
        await expectNoLeaks(async () => {
          const direct = klMultivariateNormal(p, q);
          await expectAllClose(direct, viaRegistry, { rtol: 1e-6, atol: 1e-6 });
          direct.dispose();
        });
        viaRegistry.dispose();
      }
    }
    const three = new MultivariateNormalDiag({ loc: [0, 0, 0], scaleDiag: [1, 1, 1] });
    const normal = new Normal({ loc: 0, scale: 1 });
    argumentErrorOf(() => klMultivariateNormal(tril, three), { argument: 'q', message: 'klMultivariateNormal: q must be a distribution of event shape [2] like p, received [3]' });
    argumentErrorOf(() => klMultivariateNormal(normal as never, tril), {
      argument: 'p',
      message: 'klMultivariateNormal: p must be a MultivariateNormalDiag, MultivariateNormalTriL or MultivariateNormalFullCovariance, received a Normal',
    });
    argumentErrorOf(() => klMultivariateNormal(tril, normal as never), { argument: 'q' });
    for (const d of [...all, three, normal]) d.dispose();
  });
});
