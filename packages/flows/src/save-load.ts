// Saving and loading flows: a self-describing JSON (format, version, architecture, weights)
// and an adapter to tf.io handlers (localstorage://, indexeddb://, or a file in Node).
import * as tf from '@tensorflow/tfjs-core';
import { argumentError, describeValue, FormatError } from '@densityjs/core';
import {
  bijectorFromJSON,
  bijectorToJSON,
  distributionFromJSON,
  distributionToJSON,
  type BijectorJSON,
  type DistributionJSON,
} from './architecture-json.js';
import { Flow, type FlowConfig, type FlowPresetName } from './flow.js';
import { PRESETS } from './presets.js';

/** The `format` field of every saved flow. */
export const FLOW_FORMAT = 'densityjs-flow';
/**
 * Bumped when the layout of the saved architecture or weights changes; every earlier version
 * still loads. 1: preset flows only; 2: hand-built flows (`bijector`) and non-default bases.
 */
export const FLOW_FORMAT_VERSION = 2;

/** One saved weight tensor. */
export interface SavedWeight {
  /** Shape of the tensor. */
  shape: number[];
  /** Always 'float32'. */
  dtype: 'float32';
  /** Little-endian float32 values, base64. */
  data: string;
}

/**
 * What saveFlow produces: plain JSON (JSON.stringify it to store it). A preset flow records its
 * `preset` and `config`; a hand-built flow its `bijector` tree and `contextSize`; both record a
 * `base` unless it is the default standard normal.
 */
export interface FlowJSON {
  /** Always {@link FLOW_FORMAT}. */
  format: typeof FLOW_FORMAT;
  /** The layout version it was written with ({@link FLOW_FORMAT_VERSION} or earlier). */
  formatVersion: number;
  /** The preset that built the flow (preset flows). */
  preset?: FlowPresetName;
  /** The preset's resolved configuration (preset flows). */
  config?: FlowConfig;
  /** The bijector tree (hand-built flows). */
  bijector?: BijectorJSON;
  /** Size of the conditioning context (hand-built flows). */
  contextSize?: number;
  /** The base distribution, when it is not the default standard normal. */
  base?: DistributionJSON;
  /** [...trainableVariables, ...stateVariables] in the flow's order. */
  weights: SavedWeight[];
}

/** The architecture part of a FlowJSON (everything but the weights). */
type FlowHeader = Omit<FlowJSON, 'weights'>;

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Portable base64 (no Buffer/btoa dependence, so it runs in Node, browsers and workers). */
export function bytesToBase64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += BASE64[n >> 18]! + BASE64[(n >> 12) & 63]! + BASE64[(n >> 6) & 63]! + BASE64[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += BASE64[n >> 18]! + BASE64[(n >> 12) & 63]! + '==';
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += BASE64[n >> 18]! + BASE64[(n >> 12) & 63]! + BASE64[(n >> 6) & 63]! + '=';
  }
  return out;
}

const LOOKUP = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < BASE64.length; i++) t[BASE64.charCodeAt(i)] = i;
  return t;
})();

export function base64ToBytes(text: string): Uint8Array {
  const clean = text.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    const v = LOOKUP[clean.charCodeAt(i)] ?? -1;
    if (v < 0) throw new FormatError(`loadFlow: weights data is not valid base64 (character ${JSON.stringify(clean[i])} at ${i})`);
    value = (value << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (value >> bits) & 255;
    }
  }
  return out;
}

/** Saved weights must be finite: a NaN would give plausible densities on one backend and NaN on another. */
function checkFiniteWeights(owner: string, index: number, values: ArrayLike<number>): void {
  for (let k = 0; k < values.length; k++) {
    if (!Number.isFinite(values[k]!)) {
      throw new FormatError(`${owner}: saved weight ${index} holds ${values[k]} at flat index ${k}; a saved flow has finite weights`);
    }
  }
}

function checkFlow(owner: string, flow: unknown): Flow {
  if (!(flow instanceof Flow)) throw argumentError(owner, 'flow', 'a Flow (from a preset such as maf(), or new Flow({bijector}))', flow);
  if (flow.isDisposed) throw argumentError(owner, 'flow', 'a flow that is not disposed', flow);
  return flow;
}

/** The flow's architecture, refusing (with the part's path) parts that cannot be rebuilt. */
async function headerOf(owner: string, f: Flow): Promise<FlowHeader> {
  const base = await distributionToJSON(owner, f.base);
  const architecture = f.preset !== undefined ? { preset: f.preset, config: f.config! } : { bijector: bijectorToJSON(owner, f.bijector), contextSize: f.contextSize };
  return { format: FLOW_FORMAT, formatVersion: FLOW_FORMAT_VERSION, ...architecture, ...(base ? { base } : {}) };
}

/** Weights as float32 arrays (async: works on backends without synchronous reads). */
async function readWeights(flow: Flow): Promise<{ shape: number[]; values: Float32Array }[]> {
  const tensors = flow.getWeights();
  try {
    return await Promise.all(tensors.map(async (t) => ({ shape: t.shape, values: new Float32Array(await t.data()) })));
  } finally {
    tf.dispose(tensors);
  }
}

/**
 * Serializes `flow`: its architecture (a preset's config, or the bijector tree of a hand-built
 * flow whose parts are all known classes), its base when not the default, and all weights,
 * BatchNorm statistics included.
 */
export async function saveFlow(flow: Flow): Promise<FlowJSON> {
  const f = checkFlow('saveFlow', flow);
  const header = await headerOf('saveFlow', f);
  const weights = await readWeights(f);
  return {
    ...header,
    weights: weights.map(({ shape, values }) => ({
      shape,
      dtype: 'float32',
      data: bytesToBase64(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)),
    })),
  };
}

/** Options of {@link loadFlow} and the other loaders. */
export interface LoadFlowOptions {
  /** Reject a saved flow of another preset (e.g. `'maf'` where a MAF is expected). */
  preset?: FlowPresetName;
}

/** Validates the header of a saved flow (any version) and returns it parsed. */
function parseHeader(owner: string, json: unknown, opts: LoadFlowOptions): FlowHeader {
  let obj = json;
  if (typeof obj === 'string') {
    try {
      obj = JSON.parse(obj);
    } catch (error) {
      throw new FormatError(`${owner}: json is not valid JSON (${(error as Error).message.slice(0, 200)})`);
    }
  }
  const o = obj as Partial<FlowJSON>;
  if (!o || typeof o !== 'object' || o.format !== FLOW_FORMAT) {
    throw argumentError(owner, 'json', `a saved flow (format "${FLOW_FORMAT}", from saveFlow)`, o && typeof o === 'object' ? `\u0000an object with format ${describeValue(o.format)}` : o);
  }
  if (typeof o.formatVersion !== 'number' || !Number.isInteger(o.formatVersion) || o.formatVersion < 1) {
    throw new FormatError(`${owner}: formatVersion must be a positive integer, received ${describeValue(o.formatVersion)}`);
  }
  if (o.formatVersion > FLOW_FORMAT_VERSION) {
    throw new FormatError(
      `${owner}: this flow was saved in format version ${o.formatVersion}, newer than the ${FLOW_FORMAT_VERSION} this version of @densityjs/flows reads; upgrade @densityjs/flows`,
    );
  }
  if (o.preset === undefined && o.formatVersion >= 2 && o.bijector !== undefined) {
    if (opts.preset !== undefined) throw new FormatError(`${owner}: expected a saved "${opts.preset}" flow, but this JSON holds a hand-built flow`);
    if (!Number.isInteger(o.contextSize) || o.contextSize! < 0) throw new FormatError(`${owner}: contextSize must be a non-negative integer, received ${describeValue(o.contextSize)}`);
    return o as FlowHeader;
  }
  if (typeof o.preset !== 'string' || !(o.preset in PRESETS)) {
    throw new FormatError(`${owner}: preset must be one of ${Object.keys(PRESETS).map((p) => `"${p}"`).join(', ')}, received ${describeValue(o.preset)}`);
  }
  if (opts.preset !== undefined && o.preset !== opts.preset) {
    throw new FormatError(`${owner}: expected a saved "${opts.preset}" flow, but this JSON holds a "${o.preset}" flow`);
  }
  if (!o.config || typeof o.config !== 'object') throw new FormatError(`${owner}: config must be an object, received ${describeValue(o.config)}`);
  return o as FlowHeader;
}

/** The flow a header describes, with fresh weights. */
function architecture(header: FlowHeader): Flow {
  const base = header.base === undefined ? undefined : distributionFromJSON(header.base);
  try {
    if (header.preset !== undefined) return PRESETS[header.preset](header.config!, base);
    return new Flow({ bijector: bijectorFromJSON(header.bijector!), contextSize: header.contextSize!, ...(base ? { base } : {}) });
  } catch (error) {
    base?.dispose?.();
    throw error instanceof FormatError ? error : new FormatError(`loadFlow: the saved architecture cannot be rebuilt (${(error as Error).message.slice(0, 300)})`, { cause: error });
  }
}

function build(owner: string, header: FlowHeader, weights: tf.Tensor[]): Flow {
  const flow = architecture(header);
  try {
    const expected = [...flow.trainableVariables, ...flow.stateVariables];
    if (weights.length !== expected.length) {
      throw new FormatError(`${owner}: the saved flow has ${weights.length} weight tensors, its architecture builds ${expected.length}`);
    }
    weights.forEach((w, i) => {
      if (w.shape.join() !== expected[i]!.shape.join()) {
        throw new FormatError(`${owner}: saved weight ${i} has shape [${w.shape}], the architecture builds [${expected[i]!.shape}]`);
      }
    });
    flow.setWeights(weights);
    return flow;
  } catch (error) {
    flow.dispose();
    throw error;
  }
}

/** Rebuilds a flow saved by saveFlow (object or JSON string): same logProb, same seeded samples. */
export function loadFlow(json: FlowJSON | string, opts: LoadFlowOptions = {}): Flow {
  const owner = 'loadFlow';
  const header = parseHeader(owner, json, opts);
  const o = (typeof json === 'string' ? JSON.parse(json) : json) as FlowJSON;
  if (!Array.isArray(o.weights)) throw new FormatError(`${owner}: weights must be an array, received ${describeValue(o.weights)}`);
  // Every weight is decoded and checked before any tensor exists: a corrupt file leaks nothing.
  const decoded = o.weights.map((w, i) => {
    if (!w || !Array.isArray(w.shape) || !w.shape.every((d) => Number.isInteger(d) && d >= 0) || typeof w.data !== 'string' || (w.dtype !== undefined && w.dtype !== 'float32')) {
      throw new FormatError(`${owner}: weights[${i}] must be {shape, dtype: "float32", data: base64}, received ${describeValue(w)}`);
    }
    const bytes = base64ToBytes(w.data);
    const size = w.shape.reduce((a, b) => a * b, 1);
    if (bytes.length !== size * 4) {
      throw new FormatError(`${owner}: weights[${i}] holds ${bytes.length / 4} values for shape [${w.shape}]`);
    }
    const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    checkFiniteWeights(owner, i, values);
    return { shape: w.shape, values };
  });
  const tensors = decoded.map(({ shape, values }) => tf.tensor(values, shape, 'float32'));
  try {
    return build(owner, header, tensors);
  } finally {
    tf.dispose(tensors);
  }
}

/** The flow as tf.io ModelArtifacts: header in modelTopology, weights as binary. */
export async function flowToArtifacts(flow: Flow): Promise<tf.io.ModelArtifacts> {
  const f = checkFlow('flowToArtifacts', flow);
  const header = await headerOf('flowToArtifacts', f);
  const weights = await readWeights(f);
  const total = weights.reduce((a, w) => a + w.values.length, 0);
  const data = new Float32Array(total);
  let offset = 0;
  for (const w of weights) {
    data.set(w.values, offset);
    offset += w.values.length;
  }
  return {
    modelTopology: header as unknown as tf.io.ModelJSON['modelTopology'],
    weightSpecs: weights.map((w, i) => ({ name: `flow/weight_${i}`, shape: w.shape, dtype: 'float32' as const })),
    weightData: data.buffer,
    format: FLOW_FORMAT,
    generatedBy: '@densityjs/flows',
    convertedBy: null,
  };
}

/**
 * A read-only tf.io handler serving the flow's artifacts: pass it wherever tf.io reads a model
 * (e.g. `handler.save(await flowToIOHandler(flow).load())` to store it with another handler).
 */
export function flowToIOHandler(flow: Flow): tf.io.IOHandler {
  checkFlow('flowToIOHandler', flow);
  return { load: () => flowToArtifacts(flow) };
}

/** Rebuilds a flow from tf.io ModelArtifacts written by flowToArtifacts. */
export function flowFromArtifacts(artifacts: tf.io.ModelArtifacts, opts: LoadFlowOptions = {}): Flow {
  const owner = 'loadFlowFrom';
  const header = parseHeader(owner, artifacts?.modelTopology, opts);
  const specs = artifacts.weightSpecs;
  if (!Array.isArray(specs) || artifacts.weightData === undefined) {
    throw new FormatError(`${owner}: the artifacts carry no weights (weightSpecs/weightData missing)`);
  }
  const buffer = Array.isArray(artifacts.weightData)
    ? tf.io.concatenateArrayBuffers(artifacts.weightData)
    : (artifacts.weightData as ArrayBuffer);
  if (specs.some((spec) => spec.dtype !== 'float32') || buffer.byteLength % 4 !== 0) {
    throw new FormatError(`${owner}: the artifacts' weights must be float32`);
  }
  // The weights are float32 back to back: checked before any tensor exists.
  checkFiniteWeights(owner, 0, new Float32Array(buffer));
  const named = tf.io.decodeWeights(buffer, specs);
  const tensors = specs.map((s) => named[s.name]!);
  try {
    return build(owner, header, tensors);
  } finally {
    tf.dispose(Object.values(named));
  }
}

function resolveHandler(owner: string, target: string | tf.io.IOHandler, kind: 'save' | 'load'): tf.io.IOHandler {
  if (typeof target === 'string') {
    const handlers = kind === 'save' ? tf.io.getSaveHandlers(target) : tf.io.getLoadHandlers(target);
    if (handlers.length === 0) {
      throw argumentError(owner, 'handler', 'a URL with a registered tf.io scheme (localstorage:// and indexeddb:// in browsers; in Node pass fileHandler(path))', target);
    }
    return handlers[0]!;
  }
  if (!target || typeof (target as tf.io.IOHandler)[kind] !== 'function') {
    throw argumentError(owner, 'handler', `a URL string or a tf.io handler with ${kind}()`, target);
  }
  return target;
}

/** Saves through a tf.io handler or URL (`'localstorage://my-flow'`, `'indexeddb://my-flow'`). */
export async function saveFlowTo(flow: Flow, handlerOrUrl: string | tf.io.IOHandler): Promise<tf.io.SaveResult> {
  const handler = resolveHandler('saveFlowTo', handlerOrUrl, 'save');
  return handler.save!(await flowToArtifacts(flow));
}

/** Loads from a tf.io handler or URL written by saveFlowTo. */
export async function loadFlowFrom(handlerOrUrl: string | tf.io.IOHandler, opts: LoadFlowOptions = {}): Promise<Flow> {
  const handler = resolveHandler('loadFlowFrom', handlerOrUrl, 'load');
  return flowFromArtifacts(await handler.load!(), opts);
}

/**
 * A tf.io handler that stores the artifacts as one JSON file (weights in base64) in Node:
 * `await saveFlowTo(flow, fileHandler('flow.json'))`. Node's fs is imported lazily, so
 * bundles for the browser never pull it in.
 */
export function fileHandler(path: string): tf.io.IOHandler {
  if (typeof path !== 'string' || path.length === 0) throw argumentError('fileHandler', 'path', 'a non-empty string', path);
  const fsModule = 'node:fs/promises';
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const fs = (await import(/* @vite-ignore */ fsModule)) as typeof import('node:fs/promises');
      const data = artifacts.weightData === undefined
        ? new ArrayBuffer(0)
        : Array.isArray(artifacts.weightData)
          ? tf.io.concatenateArrayBuffers(artifacts.weightData)
          : (artifacts.weightData as ArrayBuffer);
      const text = JSON.stringify({
        modelTopology: artifacts.modelTopology,
        weightSpecs: artifacts.weightSpecs,
        weightData: bytesToBase64(new Uint8Array(data)),
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
      });
      await fs.writeFile(path, text, 'utf8');
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs).length,
          weightDataBytes: data.byteLength,
        },
      };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const fs = (await import(/* @vite-ignore */ fsModule)) as typeof import('node:fs/promises');
      const parsed = JSON.parse(await fs.readFile(path, 'utf8')) as {
        modelTopology: object;
        weightSpecs: tf.io.WeightsManifestEntry[];
        weightData: string;
        format?: string;
        generatedBy?: string;
      };
      const bytes = base64ToBytes(parsed.weightData ?? '');
      return {
        modelTopology: parsed.modelTopology,
        weightSpecs: parsed.weightSpecs,
        weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
        ...(parsed.format ? { format: parsed.format } : {}),
        ...(parsed.generatedBy ? { generatedBy: parsed.generatedBy } : {}),
      };
    },
  };
}
