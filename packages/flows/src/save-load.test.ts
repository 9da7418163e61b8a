import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
import { FormatError } from '@densityjs/core';
import { Chain, Permute, Reverse } from '@densityjs/bijectors';
import { Independent, Laplace, MultivariateNormalDiag } from '@densityjs/distributions';
import {
  fileHandler,
  Flow,
  flowFromArtifacts,
  flowToArtifacts,
  FLOW_FORMAT_VERSION,
  flowToIOHandler,
  iaf,
  loadFlow,
  loadFlowFrom,
  maf,
  neuralSplineFlow,
  nice,
  realNVP,
  saveFlow,
  saveFlowTo,
} from './index.js';
import { base64ToBytes, bytesToBase64 } from './save-load.js';

const MAKERS: [string, () => Flow][] = [
  ['maf (batchNorm, random permutation)', () => maf({ eventSize: 3, numLayers: 3, hiddenUnits: [8], batchNorm: true, permutation: 'random', seed: 11 })],
  ['iaf', () => iaf({ eventSize: 3, numLayers: 2, hiddenUnits: [8], seed: 12 })],
  ['realNVP (conditional)', () => realNVP({ eventSize: 3, numLayers: 2, hiddenUnits: [8], contextSize: 2, seed: 13 })],
  ['nice', () => nice({ eventSize: 3, numLayers: 2, hiddenUnits: [8], seed: 14 })],
  ['nsf autoregressive', () => neuralSplineFlow({ eventSize: 3, numLayers: 2, hiddenUnits: [8], variant: 'autoregressive', bins: 5, bound: 3, seed: 15 })],
];

/** Perturbs every weight and BatchNorm statistic so a load that dropped any would be caught. */
function perturb(flow: Flow, seed: number): void {
  const ws = flow.getWeights();
  const noisy = ws.map((w, i) => tf.abs(tf.add(w, tf.randomNormal(w.shape, 0, 0.3, 'float32', seed + i))));
  flow.setWeights(noisy);
  tf.dispose([...ws, ...noisy]);
}

describeEachBackend(
  'saveFlow / loadFlow',
  () => {
    for (const [name, make] of MAKERS) {
      it(`${name}: identical logProb and seeded samples after a JSON round trip`, async () => {
        const flow = make();
        perturb(flow, 3);
        const json = JSON.stringify(await saveFlow(flow));
        const loaded = loadFlow(json);
        expect(loaded.preset).toBe(flow.preset);
        expect(loaded.config).toEqual(flow.config);
        // The default standard-normal base is implied, not saved.
        expect('base' in JSON.parse(json)).toBe(false);
        const x = tf.randomNormal([6, 3], 0, 1, 'float32', 5);
        const context = flow.contextSize ? tf.randomNormal([6, 2], 0, 1, 'float32', 6) : undefined;
        const opts = context ? { context } : {};
        await expectAllClose(loaded.logProb(x, opts), flow.logProb(x, opts), { atol: 1e-6, rtol: 0 });
        await expectAllClose(loaded.sample(6, { seed: 9, ...opts }), flow.sample(6, { seed: 9, ...opts }), { atol: 1e-6, rtol: 0 });
        tf.dispose([x, context]);
        flow.dispose();
        loaded.dispose();
      });
    }

    it('loads through tf.io handlers (a Node file, an in-memory handler) without leaking', async () => {
      const flow = maf({ eventSize: 2, numLayers: 2, hiddenUnits: [8], batchNorm: true, seed: 1 });
      perturb(flow, 8);
      const dir = mkdtempSync(join(tmpdir(), 'densityjs-flows-'));
      try {
        const path = join(dir, 'flow.json');
        const result = await saveFlowTo(flow, fileHandler(path));
        expect(result.modelArtifactsInfo.weightDataBytes).toBeGreaterThan(0);
        const x = tf.tensor2d([[0.1, 0.2], [1, -1]]);
        await expectNoLeaks(
          async () => {
            const loaded = await loadFlowFrom(fileHandler(path), { preset: 'maf' });
            const [a, b] = [loaded.logProb(x), flow.logProb(x)];
            await expectAllClose(a, b, { atol: 1e-6, rtol: 0 });
            tf.dispose([a, b]);
            loaded.dispose();
          },
          { label: 'loadFlowFrom(fileHandler)' },
        );
        // Any tf.io handler: withSaveHandler captures the artifacts, fromMemory serves them.
        let saved: tf.io.ModelArtifacts | undefined;
        await saveFlowTo(flow, tf.io.withSaveHandler(async (a) => {
          saved = a;
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        }));
        const fromMemory = await loadFlowFrom(tf.io.fromMemory(saved!));
        await expectAllClose(fromMemory.logProb(x), flow.logProb(x), { atol: 1e-6, rtol: 0 });
        fromMemory.dispose();
        // flowToIOHandler: the flow itself as a tf.io source.
        const direct = await loadFlowFrom(flowToIOHandler(flow));
        await expectAllClose(direct.logProb(x), flow.logProb(x), { atol: 1e-6, rtol: 0 });
        direct.dispose();
        x.dispose();
      } finally {
        rmSync(dir, { recursive: true, force: true });
        flow.dispose();
      }
    });
  },
  { webgpu: false },
);

describe('save/load errors', () => {
  it('rejects another preset, a newer format, foreign JSON and mismatched weights', async () => {
    const flow = realNVP({ eventSize: 2, numLayers: 1, hiddenUnits: [4], seed: 0 });
    const json = await saveFlow(flow);
    expect(json.formatVersion).toBe(FLOW_FORMAT_VERSION);
    expect(() => loadFlow(json, { preset: 'maf' })).toThrow('loadFlow: expected a saved "maf" flow, but this JSON holds a "realNVP" flow');
    expect(() => loadFlow({ ...json, formatVersion: FLOW_FORMAT_VERSION + 1 })).toThrow(
      new RegExp(`loadFlow: this flow was saved in format version ${FLOW_FORMAT_VERSION + 1}, newer than the ${FLOW_FORMAT_VERSION} this version of @densityjs/flows reads`),
    );
    expect(() => loadFlow({ ...json, format: 'keras' } as never)).toThrow(/loadFlow: json must be a saved flow \(format "densityjs-flow"/);
    expect(() => loadFlow('{not json')).toThrow(/loadFlow: json is not valid JSON/);
    expect(() => loadFlow({ ...json, preset: 'glow' } as never)).toThrow(/loadFlow: preset must be one of "maf", "iaf", "realNVP", "nice", "neuralSplineFlow"/);
    const before = tf.memory().numTensors;
    expect(() => loadFlow({ ...json, config: { ...json.config!, hiddenUnits: [5] } })).toThrow(/loadFlow: saved weight 0 has shape \[1,4\], the architecture builds \[1,5\]/);
    const count = json.weights.length;
    expect(() => loadFlow({ ...json, weights: json.weights.slice(1) })).toThrow(
      `loadFlow: the saved flow has ${count - 1} weight tensors, its architecture builds ${count}`,
    );
    expect(tf.memory().numTensors).toBe(before); // failed loads free what they built
    await expect(loadFlowFrom('nowhere://x')).rejects.toThrow(/loadFlowFrom: handler must be a URL with a registered tf.io scheme .*received "nowhere:\/\/x"/);
    await expect(saveFlow({} as never)).rejects.toThrow(/saveFlow: flow must be a Flow \(from a preset such as maf\(\)/);
    flow.dispose();
  });

  it('a character outside base64 is a FormatError naming it; a disposed flow is not saved', async () => {
    expect(() => base64ToBytes('AAA*')).toThrow('loadFlow: weights data is not valid base64 (character "*" at 3)');
    expect(() => base64ToBytes('AAA*')).toThrow(FormatError);
    const flow = realNVP({ eventSize: 2, numLayers: 1, hiddenUnits: [4], seed: 0 });
    flow.dispose();
    await expect(saveFlow(flow)).rejects.toThrow(/^saveFlow: flow must be a flow that is not disposed, received a Flow$/);
  });

  it('base64 round-trips every byte value and length', () => {
    for (const n of [0, 1, 2, 3, 4, 255, 256, 257]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) % 256);
      const text = bytesToBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect(Array.from(base64ToBytes(text))).toEqual(Array.from(bytes));
    }
  });
});

// Flows saved by the first format version (written by @densityjs/flows before flows became
// bijector + base, with perturbed weights) must load and score exactly as they did then.
describeEachBackend('saved flows of format version 1', () => {
  it('load and reproduce the log-densities recorded when they were saved', async () => {
    const { readFileSync } = await import('node:fs');
    const fixture = JSON.parse(readFileSync(new URL('../test-data/format-1-flows.json', import.meta.url), 'utf8')) as {
      flows: Record<string, { json: Parameters<typeof loadFlow>[0]; logProb: number[] }>;
      points: number[][];
      context: number[][];
    };
    expect(Object.keys(fixture.flows)).toEqual(['maf', 'iaf', 'realNVP', 'nice', 'nsfCoupling', 'nsfAutoregressive']);
    const x = tf.tensor2d(fixture.points);
    const context = tf.tensor2d(fixture.context);
    for (const { json, logProb } of Object.values(fixture.flows)) {
      expect((json as { formatVersion: number }).formatVersion).toBe(1);
      const flow = loadFlow(json);
      const lp = flow.logProb(x, flow.contextSize ? { context } : {});
      await expectAllClose(lp, logProb, { atol: 2e-4, rtol: 1e-5 });
      lp.dispose();
      flow.dispose();
    }
    tf.dispose([x, context]);
  });
});

describe('corrupt saved flows', () => {
  it('a non-finite or truncated weight is a FormatError and leaks nothing', async () => {
    const flow = maf({ eventSize: 2, numLayers: 2, hiddenUnits: [4], seed: 1 });
    const json = await saveFlow(flow);
    flow.dispose();
    const last = json.weights.length - 1;
    const values = new Float32Array(base64ToBytes(json.weights[last]!.data).buffer.slice(0));
    values[1] = NaN;
    const withNaN = { ...json, weights: json.weights.map((w, i) => (i === last ? { ...w, data: bytesToBase64(new Uint8Array(values.buffer)) } : w)) };
    const truncated = { ...json, weights: json.weights.map((w, i) => (i === last ? { ...w, data: 'AAAA' } : w)) };
    const before = tf.memory().numTensors;
    expect(() => loadFlow(withNaN)).toThrow(new RegExp(`loadFlow: saved weight ${last} holds NaN at flat index 1`));
    expect(() => loadFlow(withNaN)).toThrow(expect.objectContaining({ name: 'FormatError', code: 'ERR_DENSITYJS_FORMAT' }));
    expect(() => loadFlow(truncated)).toThrow(new RegExp(`loadFlow: weights\\[${last}\\] holds 0.75 values`));
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('malformed saved flows are FormatErrors that name the field', () => {
  async function saved() {
    const flow = realNVP({ eventSize: 2, numLayers: 1, hiddenUnits: [4], seed: 0 });
    const json = await saveFlow(flow);
    flow.dispose();
    return json;
  }

  it('header fields', async () => {
    const json = await saved();
    const cases: [unknown, RegExp][] = [
      [{ ...json, formatVersion: 0 }, /^loadFlow: formatVersion must be a positive integer, received 0$/],
      [{ ...json, formatVersion: '2' }, /^loadFlow: formatVersion must be a positive integer, received "2"$/],
      [{ ...json, config: null }, /^loadFlow: config must be an object, received null$/],
      [{ ...json, weights: 'AAAA' }, /^loadFlow: weights must be an array, received "AAAA"$/],
      [{ ...json, weights: [{ shape: [1, 4], dtype: 'int32', data: '' }] }, /^loadFlow: weights\[0\] must be \{shape, dtype: "float32", data: base64\}, received an int32 tensor of shape \[1, 4\]$/],
      [{ ...json, weights: [{ shape: [1.5], data: '' }] }, /^loadFlow: weights\[0\] must be \{shape, dtype: "float32", data: base64\}/],
      [{ ...json, weights: [{ shape: [2], data: 'AAAA' }] }, /^loadFlow: weights\[0\] holds 0\.75 values for shape \[2\]$|^loadFlow: weights\[0\] holds \d+(\.\d+)? values for shape \[2\]$/],
    ];
    const before = tf.memory().numTensors;
    for (const [bad, message] of cases) expect(() => loadFlow(bad as never)).toThrow(message);
    for (const [bad] of cases) expect(() => loadFlow(bad as never)).toThrow(FormatError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('hand-built flows: a preset asked for, a bad contextSize, an architecture that cannot be rebuilt', async () => {
    const flow = new Flow({ bijector: new Chain([new Permute({ permutation: [1, 0] }), new Reverse()]), base: new MultivariateNormalDiag({ loc: [0, 0], scaleDiag: [1, 2] }) });
    const json = await saveFlow(flow);
    flow.dispose();
    expect(() => loadFlow(json, { preset: 'maf' })).toThrow(/^loadFlow: expected a saved "maf" flow, but this JSON holds a hand-built flow$/);
    expect(() => loadFlow({ ...json, contextSize: -1 })).toThrow(/^loadFlow: contextSize must be a non-negative integer, received -1$/);
    const broken = JSON.parse(JSON.stringify(json));
    broken.bijector.bijectors[0].permutation = [0, 0];
    const before = tf.memory().numTensors;
    let error: unknown;
    try {
      loadFlow(broken);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toMatch(/^loadFlow: the saved architecture cannot be rebuilt \(Permute: permutation must be a permutation of 0\.\.1/);
    // The base built before the failure is freed.
    expect(tf.memory().numTensors).toBe(before);
  });

  it('tf.io artifacts without float32 weights, and handlers without save() or load()', async () => {
    const flow = realNVP({ eventSize: 2, numLayers: 1, hiddenUnits: [4], seed: 0 });
    const artifacts = await flowToArtifacts(flow);
    expect(() => flowFromArtifacts({ ...artifacts, weightSpecs: undefined })).toThrow(/^loadFlowFrom: the artifacts carry no weights \(weightSpecs\/weightData missing\)$/);
    expect(() => flowFromArtifacts({ ...artifacts, weightSpecs: artifacts.weightSpecs!.map((s) => ({ ...s, dtype: 'int32' as const })) })).toThrow(/^loadFlowFrom: the artifacts' weights must be float32$/);
    expect(() => flowFromArtifacts({ ...artifacts, weightData: (artifacts.weightData as ArrayBuffer).slice(1) })).toThrow(/^loadFlowFrom: the artifacts' weights must be float32$/);
    // Split weight buffers are joined.
    const buffer = artifacts.weightData as ArrayBuffer;
    const loaded = flowFromArtifacts({ ...artifacts, weightData: [buffer.slice(0, 8), buffer.slice(8)] });
    const x = tf.tensor2d([[0.3, -0.2]]);
    await expectAllClose(loaded.logProb(x), flow.logProb(x), { atol: 0 });
    await expect(saveFlowTo(flow, {} as never)).rejects.toThrow(/^saveFlowTo: handler must be a URL string or a tf\.io handler with save\(\), received an empty object$/);
    await expect(loadFlowFrom({ save: () => undefined } as never)).rejects.toThrow(/^loadFlowFrom: handler must be a URL string or a tf\.io handler with load\(\), received an object with keys \{save\}$/);
    expect(() => fileHandler('')).toThrow(/^fileHandler: path must be a non-empty string, received ""$/);
    tf.dispose(x);
    flow.dispose();
    loaded.dispose();
  });
});

describeEachBackend(
  'presets on a non-default base',
  () => {
    it('every preset saves its base and loads it back', async () => {
      const base = () => new Independent({ distribution: new Laplace({ loc: [0, 0.5], scale: [1, 2] }), reinterpretedBatchNdims: 1 });
      const small = { eventSize: 2, numLayers: 1, hiddenUnits: [4], seed: 3 };
      const flows = [maf({ ...small, base: base() }), iaf({ ...small, base: base() }), realNVP({ ...small, base: base() }), nice({ ...small, base: base() }), neuralSplineFlow({ ...small, base: base() })];
      const x = tf.tensor2d([[0.3, -1.2], [2, 0.4]]);
      for (const flow of flows) {
        const loaded = loadFlow(JSON.parse(JSON.stringify(await saveFlow(flow))));
        expect(loaded.preset).toBe(flow.preset);
        expect((loaded.base as Independent).distribution).toBeInstanceOf(Laplace);
        await expectAllClose(loaded.logProb(x), flow.logProb(x), { atol: 1e-6, rtol: 0 });
        loaded.dispose();
        flow.dispose();
      }
      x.dispose();
    });
  },
  { webgpu: false },
);
