// The data-dependent initialization of distill (matchOutputMoments), against its formulas: the
// data-side MADE's output bias of a MAF layer holds (mean, c atanh(log(std) / c)), that of an
// IAF layer (-mean / std, c atanh(-log(std) / c)); other layers are left unchanged.
import { describe, expect, it } from 'vitest';
import { iaf, maf, realNVP } from './index.js';
import { matchOutputMoments } from './match-output-moments.js';

const small = { eventSize: 2, numLayers: 2, hiddenUnits: [4], seed: 3 };
const mean = [1.5, -2];
const std = [0.5, 3];

async function dataSideBias(flow: ReturnType<typeof maf>): Promise<number[]> {
  const vars = flow.trainableVariables;
  // The data-side layer is the chain's first member; its MADE's output bias is its last variable.
  const first = flow.bijector.members[0]!;
  const own = first.trainableVariables;
  expect(vars).toContain(own[own.length - 1]);
  return Array.from(await own[own.length - 1]!.data());
}

describe('matchOutputMoments', () => {
  it('MAF: shift = mean, raw log-scale = c atanh(log(std) / c)', async () => {
    const flow = maf(small);
    const c = (flow.bijector.members[0] as unknown as { transformer: { toJSON(): { logScaleClamp: number } } }).transformer.toJSON().logScaleClamp;
    expect(matchOutputMoments(flow.bijector, mean, std)).toBe(true);
    const bias = await dataSideBias(flow);
    const expected = mean.flatMap((m, i) => [m, c * Math.atanh(Math.log(std[i]!) / c)]);
    bias.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    flow.dispose();
  });

  it('IAF: shift = -mean / std, raw log-scale = c atanh(-log(std) / c)', async () => {
    const flow = iaf(small);
    const inner = (flow.bijector.members[0] as unknown as { bijector: { transformer: { toJSON(): { logScaleClamp: number } } } }).bijector;
    const c = inner.transformer.toJSON().logScaleClamp;
    expect(matchOutputMoments(flow.bijector, mean, std)).toBe(true);
    const bias = await dataSideBias(flow);
    const expected = mean.flatMap((m, i) => [-m / std[i]!, c * Math.atanh(-Math.log(std[i]!) / c)]);
    bias.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    flow.dispose();
  });

  it('leaves a coupling flow, and a mismatched size, unchanged and says so', async () => {
    const coupling = realNVP(small);
    const before = await Promise.all(coupling.trainableVariables.map((v) => v.data()));
    expect(matchOutputMoments(coupling.bijector, mean, std)).toBe(false);
    expect(await Promise.all(coupling.trainableVariables.map((v) => v.data()))).toEqual(before);
    coupling.dispose();
    const flow = maf(small);
    const kept = await dataSideBias(flow);
    expect(matchOutputMoments(flow.bijector, [0, 0, 0], [1, 1, 1])).toBe(false);
    expect(await dataSideBias(flow)).toEqual(kept);
    flow.dispose();
  });

  it('takes a single layer as well as a chain: a MAF layer, and an IAF layer (an inverted one)', async () => {
    const flow = maf(small);
    const layer = flow.bijector.members[0]!;
    const c = (layer as unknown as { transformer: { toJSON(): { logScaleClamp: number } } }).transformer.toJSON().logScaleClamp;
    expect(matchOutputMoments(layer, mean, std)).toBe(true);
    const expectedMaf = mean.flatMap((m, i) => [m, c * Math.atanh(Math.log(std[i]!) / c)]);
    (await dataSideBias(flow)).forEach((v, i) => expect(v).toBeCloseTo(expectedMaf[i]!, 5));
    flow.dispose();
    const inverse = iaf(small);
    expect(matchOutputMoments(inverse.bijector.members[0]!, mean, std)).toBe(true);
    const expectedIaf = mean.flatMap((m, i) => [-m / std[i]!, c * Math.atanh(-Math.log(std[i]!) / c)]);
    (await dataSideBias(inverse)).forEach((v, i) => expect(v).toBeCloseTo(expectedIaf[i]!, 5));
    inverse.dispose();
  });

  it('leaves an affine coupling layer whose output bias happens to hold 2 x mean.length values unchanged', async () => {
    // A 4-D affine coupling transforms 2 units: its conditioner's output bias has 4 = 2 * 2 entries.
    const coupling = realNVP({ ...small, eventSize: 4 });
    const before = await Promise.all(coupling.trainableVariables.map((v) => v.data()));
    expect(matchOutputMoments(coupling.bijector, mean, std)).toBe(false);
    expect(await Promise.all(coupling.trainableVariables.map((v) => v.data()))).toEqual(before);
    coupling.dispose();
  });

  it('clips log-scales just inside the clamp, and tiny stds at 1e-6', async () => {
    const flow = maf(small);
    const c = (flow.bijector.members[0] as unknown as { transformer: { toJSON(): { logScaleClamp: number } } }).transformer.toJSON().logScaleClamp;
    matchOutputMoments(flow.bijector, [0, 0], [Math.exp(10 * c), 0]);
    const bias = await dataSideBias(flow);
    const at = (s: number): number => c * Math.atanh(Math.max(-0.999 * c, Math.min(0.999 * c, s)) / c);
    expect(bias[1]).toBeCloseTo(at(10 * c), 3);
    expect(bias[3]).toBeCloseTo(at(Math.log(1e-6)), 3);
    flow.dispose();
  });
});
