// Initial weights of dense layers, the one place every network of densityjs takes them from.
// The values are drawn in plain JS from a seeded mulberry32 stream, so a seed gives the same
// start on every backend (and seed 0 is a seed like any other).
import * as tf from '@tensorflow/tfjs-core';
import { mulberry32 } from './mulberry32.js';

/**
 * Bound a of PyTorch's default `nn.Linear` initialization, U(-a, a) with a = 1 / sqrt(fanIn)
 * for the weights and the bias alike (kaiming_uniform with a = sqrt(5), He et al. 2015).
 * A fan-in of 0 (a unit that no input reaches) gives a = 1.
 */
export function linearUniformBound(fanIn: number): number {
  return 1 / Math.sqrt(Math.max(fanIn, 1));
}

/** Glorot/Xavier uniform bound a = sqrt(6 / (fanIn + fanOut)) (Glorot & Bengio 2010). */
export function glorotUniformBound(fanIn: number, fanOut: number): number {
  return Math.sqrt(6 / (fanIn + fanOut));
}

/**
 * Real fan-in of each unit of a masked dense layer: the number of ones in column j of the
 * 0/1 kernel mask [rows, cols], plus `extraInputs` unmasked inputs (a context). Without a mask
 * every unit sees all `rows` inputs.
 */
export function maskedFanIn(rows: number, cols: number, mask?: readonly (readonly number[])[], extraInputs = 0): number[] {
  const fanIn = new Array<number>(cols).fill(mask ? extraInputs : rows + extraInputs);
  if (mask) {
    for (const row of mask) for (let j = 0; j < cols; j++) fanIn[j]! += row[j] === 0 ? 0 : 1;
  }
  return fanIn;
}

/** Options of {@link linearInit} and {@link linearInitValues}. */
export interface LinearInitOptions {
  /** Inputs of the layer (rows of the kernel), context included. */
  rows: number;
  /** Units of the layer (columns of the kernel). */
  cols: number;
  /**
   * 0/1 mask of the first mask.length rows of the kernel (rows past it, such as an appended
   * context, are unmasked). Only the fan-in uses it; the kernel is drawn whole.
   */
  mask?: readonly (readonly number[])[];
  /** Multiplies the bound of the weights and the bias. Default 1. */
  scale?: number;
  /** Seeds the draw (any integer, 0 included). */
  seed: number;
}

/**
 * Initial kernel [rows, cols] (row-major) and bias [cols] of a dense layer y = x W + b:
 * PyTorch's nn.Linear default with the real fan-in of a masked layer. Unit j's weights and
 * bias are drawn U(-a_j, a_j), a_j = scale / sqrt(n_j), where n_j counts the inputs the mask
 * lets through to unit j (a MADE's masks zero out most inputs, and the full row count would
 * start those units with too small a variance); a unit that no input reaches (n_j = 0, only its
 * bias matters) gets a_j = scale / sqrt(rows), PyTorch's bound for the unmasked layer. Kernel
 * first, then bias, from one stream.
 */
export function linearInitValues(opts: LinearInitOptions): {
  /** Kernel values, row-major [rows, cols]. */
  kernel: Float32Array;
  /** Bias values [cols]. */
  bias: Float32Array;
} {
  const { rows, cols, mask, scale = 1, seed } = opts;
  const fanIn = maskedFanIn(rows, cols, mask, mask ? rows - mask.length : 0);
  // A unit that no input reaches is a constant: its bias keeps the bound of the unmasked layer.
  const bound = fanIn.map((n) => scale * linearUniformBound(n > 0 ? n : rows));
  const random = mulberry32(seed);
  const kernel = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) kernel[i * cols + j] = (2 * random() - 1) * bound[j]!;
  }
  const bias = new Float32Array(cols);
  for (let j = 0; j < cols; j++) bias[j] = (2 * random() - 1) * bound[j]!;
  return { kernel, bias };
}

/** `linearInitValues` as tensors: kernel [rows, cols] and bias [cols], float32. */
export function linearInit(opts: LinearInitOptions): {
  /** Kernel [rows, cols]. */
  kernel: tf.Tensor2D;
  /** Bias [cols]. */
  bias: tf.Tensor1D;
} {
  const { kernel, bias } = linearInitValues(opts);
  return { kernel: tf.tensor2d(kernel, [opts.rows, opts.cols], 'float32'), bias: tf.tensor1d(bias, 'float32') };
}
