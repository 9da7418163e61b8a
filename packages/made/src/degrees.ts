import { argumentError, freshSeed, mulberry32 } from '@densityjs/core';

/**
 * The autoregressive order of the inputs: 'left-to-right' (degrees 1..D), 'right-to-left'
 * (D..1), 'random' (a seeded permutation), or an explicit permutation of 1..D.
 */
export type InputOrder = 'left-to-right' | 'right-to-left' | 'random' | number[];
/**
 * How hidden units get their degrees in 1..D-1: 'equal' cycles through them so every degree has
 * about the same number of units; 'random' draws them (seeded), as in the MADE paper.
 */
export type HiddenDegrees = 'equal' | 'random';

/**
 * MADE degrees (Germain et al. 2015, sec. 4). `input[j]` in 1..D is the position of input j in
 * the autoregressive order (output j is conditioned on the inputs of smaller degree);
 * `hidden[l][k]` in 0..D-1 is the largest input degree hidden unit k of layer l may see.
 */
export interface MadeDegrees {
  /** Degree of each input, a permutation of 1..D. */
  input: number[];
  /** Per hidden layer, the degree of each unit, in 0..D-1. */
  hidden: number[][];
}

/** Options of {@link createDegrees}. */
export interface CreateDegreesOptions {
  /** D: number of inputs (and outputs). */
  eventSize: number;
  /** Widths of the hidden layers, each at least D - 1. */
  hiddenUnits: number[];
  /** Default 'left-to-right'. An explicit order is a permutation of 1..eventSize. */
  inputOrder?: InputOrder;
  /** Default 'equal'. */
  hiddenDegrees?: HiddenDegrees;
  /** Seeds 'random' orders and degrees; fresh randomness when undefined. */
  seed?: number;
}

const OWNER = 'createDegrees';

function checkPositiveInteger(owner: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw argumentError(owner, name, 'a positive integer', value);
  }
  return value;
}

/** Throws unless `order` is a permutation of 1..eventSize. */
export function checkOrder(owner: string, name: string, order: unknown, eventSize: number): number[] {
  const expected = `a permutation of 1..${eventSize} (1-based degrees)`;
  if (!Array.isArray(order) || order.length !== eventSize) throw argumentError(owner, name, expected, order);
  const seen = new Array<boolean>(eventSize + 1).fill(false);
  for (const d of order) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > eventSize || seen[d]) {
      throw argumentError(owner, name, expected, order);
    }
    seen[d] = true;
  }
  return [...order] as number[];
}

export function checkHiddenUnits(owner: string, hiddenUnits: unknown, eventSize: number): number[] {
  if (!Array.isArray(hiddenUnits)) {
    throw argumentError(owner, 'hiddenUnits', 'an array of positive integers', hiddenUnits);
  }
  hiddenUnits.forEach((u, l) => {
    if (typeof u !== 'number' || !Number.isInteger(u) || u < 1) {
      throw argumentError(owner, `hiddenUnits[${l}]`, 'a positive integer', u);
    }
    // With fewer than D - 1 units some degree in 1..D-1 has no hidden unit, so some input can
    // reach no output: the network silently loses dependencies. Refuse it.
    if (u < eventSize - 1) {
      throw argumentError(
        owner,
        `hiddenUnits[${l}]`,
        `>= eventSize - 1 = ${eventSize - 1} (fewer hidden units disconnect some inputs from every output)`,
        u,
      );
    }
  });
  return [...hiddenUnits] as number[];
}

/**
 * Degrees of a MADE with `hiddenUnits` hidden layers on `eventSize` inputs.
 * - input degrees: 'left-to-right' = [1..D], 'right-to-left' = [D..1], 'random' = a seeded
 *   permutation, or the given permutation.
 * - hidden degrees: 'equal' cycles 1..D-1 over the units (every degree equally often, as TFP's
 *   default); 'random' draws each uniformly from {min(previous layer), ..., D-1} (the paper's
 *   scheme, which never leaves a unit without inputs). For D = 1 hidden degrees are 0 (the
 *   single output depends on nothing but the context).
 */
export function createDegrees(options: CreateDegreesOptions): MadeDegrees {
  return createDegreesFor(OWNER, options);
}

/** createDegrees with errors attributed to `owner` (e.g. 'MADE'). */
export function createDegreesFor(OWNER: string, options: CreateDegreesOptions): MadeDegrees {
  if (options === null || typeof options !== 'object') throw argumentError(OWNER, 'options', 'an object', options);
  const { inputOrder = 'left-to-right', hiddenDegrees = 'equal', seed } = options;
  const eventSize = checkPositiveInteger(OWNER, 'eventSize', options.eventSize);
  const hiddenUnits = checkHiddenUnits(OWNER, options.hiddenUnits, eventSize);
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isFinite(seed))) {
    throw argumentError(OWNER, 'seed', 'a finite number or undefined', seed);
  }
  const random = mulberry32(seed === undefined ? freshSeed() : seed);
  let input: number[];
  if (inputOrder === 'left-to-right') input = Array.from({ length: eventSize }, (_, i) => i + 1);
  else if (inputOrder === 'right-to-left') input = Array.from({ length: eventSize }, (_, i) => eventSize - i);
  else if (inputOrder === 'random') {
    input = Array.from({ length: eventSize }, (_, i) => i + 1);
    for (let i = eventSize - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [input[i], input[j]] = [input[j]!, input[i]!];
    }
  } else if (Array.isArray(inputOrder)) input = checkOrder(OWNER, 'inputOrder', inputOrder, eventSize);
  else {
    throw argumentError(OWNER, 'inputOrder', "'left-to-right', 'right-to-left', 'random' or a permutation of 1..eventSize", inputOrder);
  }
  if (hiddenDegrees !== 'equal' && hiddenDegrees !== 'random') {
    throw argumentError(OWNER, 'hiddenDegrees', "'equal' or 'random'", hiddenDegrees);
  }
  const maxDegree = Math.max(eventSize - 1, 0);
  const hidden: number[][] = [];
  let previousMin = Math.min(...input);
  for (const units of hiddenUnits) {
    let layer: number[];
    if (eventSize === 1) layer = new Array<number>(units).fill(0);
    else if (hiddenDegrees === 'equal') layer = Array.from({ length: units }, (_, k) => (k % maxDegree) + 1);
    else {
      const low = Math.min(previousMin, maxDegree);
      layer = Array.from({ length: units }, () => low + Math.floor(random() * (maxDegree - low + 1)));
    }
    previousMin = Math.min(...layer);
    hidden.push(layer);
  }
  return { input, hidden };
}

/** Throws unless `degrees` is a well-formed MadeDegrees; returns eventSize. */
export function checkDegrees(owner: string, degrees: unknown): number {
  if (degrees === null || typeof degrees !== 'object' || !Array.isArray((degrees as MadeDegrees).input)) {
    throw argumentError(owner, 'degrees', 'an object {input: number[], hidden: number[][]}', degrees);
  }
  const { input, hidden } = degrees as MadeDegrees;
  const eventSize = input.length;
  if (eventSize < 1) throw argumentError(owner, 'degrees.input', 'a non-empty permutation of 1..D', input);
  checkOrder(owner, 'degrees.input', input, eventSize);
  if (!Array.isArray(hidden)) throw argumentError(owner, 'degrees.hidden', 'an array of arrays of integers', hidden);
  hidden.forEach((layer, l) => {
    if (!Array.isArray(layer) || layer.length === 0) {
      throw argumentError(owner, `degrees.hidden[${l}]`, 'a non-empty array of integers', layer);
    }
    for (const d of layer) {
      if (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || d > Math.max(eventSize - 1, 0)) {
        throw argumentError(owner, `degrees.hidden[${l}]`, `integers in 0..${Math.max(eventSize - 1, 0)}`, layer);
      }
    }
  });
  return eventSize;
}

/**
 * Connectivity masks of a MADE (Germain et al. 2015, eq. 12-13), in kernel layout
 * [fan-in, fan-out] (`y = x @ (W * M)`):
 * - into hidden layer l:  M[j][k] = 1 iff hidden_l[k] >= previous[j]  (previous = input degrees
 *   for l = 0);
 * - into the outputs:     M[j][i] = 1 iff input[i] > last[j]  (strict, so output i sees only
 *   inputs of degree < input[i]; with no hidden layer, last = the input degrees).
 * Returns hidden.length + 1 matrices of 0/1 numbers.
 */
export function createMasks(degrees: MadeDegrees): number[][][] {
  checkDegrees('createMasks', degrees);
  const masks: number[][][] = [];
  let previous = degrees.input;
  for (const layer of degrees.hidden) {
    masks.push(previous.map((dj) => layer.map((dk) => (dk >= dj ? 1 : 0))));
    previous = layer;
  }
  masks.push(previous.map((dj) => degrees.input.map((di) => (di > dj ? 1 : 0))));
  return masks;
}
