// The flow presets: MAF, IAF, RealNVP, NICE, neural spline flows and neural autoregressive
// flows. Each is a Flow whose bijector is a Chain of @densityjs/bijectors layers
// (MaskedAutoregressive and Coupling with their transformers) with conditioners from
// @densityjs/made or a dense network.
import { argumentError, checkOptionKeys, checkSeed, DENSE_ACTIVATIONS, deriveSeed, freshSeed, mulberry32 } from '@densityjs/core';
import {
  ActNorm,
  BatchNormalization,
  Chain,
  deepSigmoid,
  Invert,
  MaskedAutoregressive,
  MaskedAutoregressiveFlow,
  MaskedAutoregressiveSpline,
  NICE,
  Permute,
  RealNVP,
  Reverse,
  Scale,
  ScaleMatvecLU,
  SplineCoupling,
  SPLINE_DEFAULTS,
  type Bijector,
} from '@densityjs/bijectors';
import { MADE } from '@densityjs/made';
import { Flow, type FlowActivation, type FlowConfig, type FlowOptions, type FlowPresetName } from './flow.js';
import { DenseNetwork } from './dense-network.js';

const ACTIVATIONS = DENSE_ACTIVATIONS.filter((a): a is FlowActivation => a !== 'linear');

/** Option keys every preset accepts. */
const COMMON_KEYS = ['eventSize', 'numLayers', 'hiddenUnits', 'contextSize', 'batchNorm', 'actnorm', 'linear', 'permutation', 'activation', 'base', 'seed'] as const;

/**
 * Validates the common options (refusing unknown keys; `extraKeys` are the preset's own) and
 * fills in defaults. The returned config is stored with the flow; the base is not part of it.
 */
export function resolveFlowConfig(
  owner: string,
  opts: FlowOptions,
  extra: Record<string, unknown> = {},
  extraKeys: readonly string[] = [],
): FlowConfig {
  if (opts === null || typeof opts !== 'object') throw argumentError(owner, 'options', 'an object such as {eventSize: 2}', opts);
  checkOptionKeys(owner, opts, [...COMMON_KEYS, ...extraKeys]);
  const { eventSize, numLayers = 5, hiddenUnits = [64, 64], contextSize = 0, batchNorm = false, actnorm = false, linear = false, permutation = 'reverse', activation = 'relu' } = opts;
  if (typeof eventSize !== 'number' || !Number.isInteger(eventSize) || eventSize < 1) {
    throw argumentError(owner, 'eventSize', 'a positive integer (the data dimension)', eventSize);
  }
  if (typeof numLayers !== 'number' || !Number.isInteger(numLayers) || numLayers < 1) {
    throw argumentError(owner, 'numLayers', 'a positive integer', numLayers);
  }
  if (!Array.isArray(hiddenUnits) || hiddenUnits.some((u) => typeof u !== 'number' || !Number.isInteger(u) || u < 1)) {
    throw argumentError(owner, 'hiddenUnits', 'an array of positive integers such as [64, 64]', hiddenUnits);
  }
  if (typeof contextSize !== 'number' || !Number.isInteger(contextSize) || contextSize < 0) {
    throw argumentError(owner, 'contextSize', 'a non-negative integer', contextSize);
  }
  if (typeof batchNorm !== 'boolean') throw argumentError(owner, 'batchNorm', 'a boolean', batchNorm);
  if (typeof actnorm !== 'boolean') throw argumentError(owner, 'actnorm', 'a boolean', actnorm);
  if (linear !== false && linear !== 'lu') throw argumentError(owner, 'linear', "'lu' or false", linear);
  if (permutation !== 'reverse' && permutation !== 'random' && permutation !== false) {
    throw argumentError(owner, 'permutation', "'reverse', 'random' or false", permutation);
  }
  if (!ACTIVATIONS.includes(activation)) {
    throw argumentError(owner, 'activation', ACTIVATIONS.map((a) => `'${a}'`).join(', '), activation);
  }
  const seed = checkSeed(owner, opts.seed) ?? freshSeed();
  return { eventSize, numLayers, hiddenUnits: [...hiddenUnits], contextSize, batchNorm, actnorm, linear, permutation, activation, seed, ...extra };
}

/** A seeded random permutation of 0..n-1 (Fisher-Yates on mulberry32). */
export function seededPermutation(n: number, seed: number): number[] {
  const random = mulberry32(seed);
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

/**
 * MADE input orders per layer. Alternating the order of consecutive MADEs reorders the
 * variables between layers without moving any data (no Permute kernel, no gather gradient).
 * 'reverse' alternates left-to-right / right-to-left; 'random' draws a seeded order per layer
 * (as 1-based degrees); false keeps one order (the seed warns it cannot learn p(x1 | x2)).
 */
function madeOrders(config: FlowConfig): (number[] | 'left-to-right' | 'right-to-left')[] {
  return Array.from({ length: config.numLayers }, (_, i) => {
    if (config.permutation === 'random') return seededPermutation(config.eventSize, deriveSeed(config.seed, 200 + i)!).map((v) => v + 1);
    if (config.permutation === 'reverse') return i % 2 === 0 ? 'left-to-right' : 'right-to-left';
    return 'left-to-right';
  });
}

/** The reordering placed between coupling layers i and i+1, or undefined. */
function couplingPermutation(config: FlowConfig, i: number): Bijector | undefined {
  if (config.permutation === 'reverse') return new Reverse();
  if (config.permutation === 'random') return new Permute({ permutation: seededPermutation(config.eventSize, deriveSeed(config.seed, 200 + i)!) });
  return undefined;
}

/**
 * Assembles [layer_0, (bn), layer_1, ...] into a Chain whose inverse (density direction) runs
 * layer_0's inverse first on the data; BatchNorm (when on) sits between layers.
 */
function assemble(config: FlowConfig, layers: Bijector[], between: (i: number) => Bijector | undefined): Chain {
  const members: Bijector[] = [];
  layers.forEach((layer, i) => {
    // A Glow step in the density direction: ActNorm, then the LU linear map, then the layer.
    if (config.actnorm) members.push(new ActNorm({ eventSize: config.eventSize }));
    if (config.linear === 'lu') members.push(new ScaleMatvecLU({ eventSize: config.eventSize, seed: deriveSeed(config.seed, 300 + i)! }));
    members.push(layer);
    if (i < layers.length - 1) {
      if (config.batchNorm) members.push(new BatchNormalization({ eventSize: config.eventSize, training: false }));
      // The LU map already mixes the units between layers.
      const b = config.linear === 'lu' ? undefined : between(i);
      if (b) members.push(b);
    }
  });
  return new Chain(members);
}

function buildMades(config: FlowConfig, params: number): MADE[] {
  const orders = madeOrders(config);
  return orders.map(
    (inputOrder, i) =>
      new MADE({
        eventSize: config.eventSize,
        hiddenUnits: config.hiddenUnits,
        params,
        contextSize: config.contextSize,
        activation: config.activation,
        inputOrder,
        seed: deriveSeed(config.seed, 100 + i)!,
        ...(config.residual === true ? { residual: true } : {}),
      }),
  );
}

/** Options of the presets with MADE conditioners. */
export interface MadeFlowOptions extends FlowOptions {
  /**
   * ResMADE conditioners (Durkan et al. 2019): every entry of `hiddenUnits` is a residual block
   * of two masked layers with an identity skip, so the widths must be equal. Default false.
   */
  residual?: boolean;
}

/**
 * The config of a preset with MADE conditioners: the common options plus `residual` (recorded
 * only when true, so configs saved without it read as false).
 */
function resolveMadeConfig(owner: string, opts: MadeFlowOptions, extra: Record<string, unknown> = {}, extraKeys: readonly string[] = []): FlowConfig {
  const residual = opts?.residual ?? false;
  if (typeof residual !== 'boolean') throw argumentError(owner, 'residual', 'a boolean', residual);
  const config = resolveFlowConfig(owner, opts, { ...extra, ...(residual ? { residual } : {}) }, [...extraKeys, 'residual']);
  if (residual && config.hiddenUnits.some((u) => u !== config.hiddenUnits[0])) {
    throw argumentError(owner, 'hiddenUnits', 'equal widths such as [64, 64] with residual: true (one residual block each)', config.hiddenUnits);
  }
  return config;
}

function checkMadeUnits(owner: string, config: FlowConfig): void {
  // MADE needs at least D - 1 units per hidden layer (else some inputs reach no output).
  config.hiddenUnits.forEach((u, l) => {
    if (u < config.eventSize - 1) {
      throw argumentError(owner, `hiddenUnits[${l}]`, `>= eventSize - 1 = ${config.eventSize - 1} for a MADE conditioner`, u);
    }
  });
}

/** The preset's Flow: its bijector on the user's base (or a standard normal), with its config for saving. */
function presetFlow(preset: FlowPresetName, config: FlowConfig, opts: FlowOptions, bijector: Bijector): Flow {
  return new Flow({ preset, config, bijector, contextSize: config.contextSize, ...(opts.base ? { base: opts.base } : {}) });
}

/**
 * Masked autoregressive flow (Papamakarios et al. 2017): each layer is an affine autoregressive
 * map whose shift and log-scale come from a MADE, x_i = z_i exp(α_i(x_<i)) + μ_i(x_<i).
 * Density evaluation (training) is one MADE pass per layer; sampling needs D passes.
 */
export function maf(opts: MadeFlowOptions): Flow {
  const config = resolveMadeConfig('maf', opts);
  checkMadeUnits('maf', config);
  const layers = buildMades(config, 2).map((made) => new MaskedAutoregressiveFlow({ conditioner: made, eventSize: config.eventSize }));
  return presetFlow('maf', config, opts, assemble(config, layers, () => undefined));
}

/**
 * Inverse autoregressive flow (Kingma et al. 2016): the inverse of a MAF layer, so sampling is
 * one pass per layer (and `sampleAndLogProb` scores its own samples without any inverse) while
 * the density of external data needs D passes. The student of `distill`.
 */
export function iaf(opts: MadeFlowOptions): Flow {
  const config = resolveMadeConfig('iaf', opts);
  checkMadeUnits('iaf', config);
  const layers = buildMades(config, 2).map((made) => new Invert(new MaskedAutoregressiveFlow({ conditioner: made, eventSize: config.eventSize })));
  return presetFlow('iaf', config, opts, assemble(config, layers, () => undefined));
}

/**
 * Units that pass through a coupling layer: the first floor(D/2); none for 1-D conditional
 * data, whose one unit is transformed given the context alone.
 */
function numMasked(config: FlowConfig): number {
  return config.eventSize === 1 ? 0 : Math.max(1, Math.floor(config.eventSize / 2));
}

function checkCoupling(owner: string, config: FlowConfig): void {
  if (config.eventSize < 2 && config.contextSize === 0) {
    throw argumentError(
      owner,
      'eventSize',
      "an integer >= 2 for an unconditional coupling flow (1-D data: give a contextSize, or use maf or neuralSplineFlow({variant: 'autoregressive'}))",
      config.eventSize,
    );
  }
}

/** The coupling layer options shared by the coupling presets: the split and a dense conditioner. */
function couplingLayer(
  config: FlowConfig,
  i: number,
  paramsPerUnit: number,
): { numMasked: number; eventSize: number; contextSize?: number; conditioner: DenseNetwork } {
  const d = numMasked(config);
  const shape = paramsPerUnit === 1 ? [config.eventSize - d] : [config.eventSize - d, paramsPerUnit];
  const conditioner = new DenseNetwork({
    inputSize: d,
    outputShape: shape,
    hiddenUnits: config.hiddenUnits,
    contextSize: config.contextSize,
    activation: config.activation,
    seed: deriveSeed(config.seed, 100 + i)!,
  });
  return { numMasked: d, eventSize: config.eventSize, ...(config.contextSize > 0 ? { contextSize: config.contextSize } : {}), conditioner };
}

function couplingLayers(config: FlowConfig, make: (i: number) => Bijector): Bijector[] {
  return Array.from({ length: config.numLayers }, (_, i) => make(i));
}

/**
 * RealNVP (Dinh et al. 2017): affine coupling layers. The first d = floor(D/2) units pass
 * through, the others are scaled and shifted by a network of them; reversals (or random
 * permutations) between layers let every unit be transformed. Sampling and density are both
 * one pass per layer.
 */
export function realNVP(opts: FlowOptions): Flow {
  const config = resolveFlowConfig('realNVP', opts);
  checkCoupling('realNVP', config);
  const layers = couplingLayers(config, (i) => new RealNVP(couplingLayer(config, i, 2)));
  return presetFlow('realNVP', config, opts, assemble(config, layers, (i) => couplingPermutation(config, i)));
}

/**
 * NICE (Dinh et al. 2015): additive coupling layers (shift only), volume preserving, so the
 * log-det of every coupling layer is 0, followed (next to the base) by the paper's trainable
 * diagonal scaling y = x exp(s), the only volume change besides BatchNorm (if on).
 */
export function nice(opts: FlowOptions): Flow {
  const config = resolveFlowConfig('nice', opts);
  checkCoupling('nice', config);
  const layers = couplingLayers(config, (i) => new NICE(couplingLayer(config, i, 1)));
  const chain = assemble(config, layers, (i) => couplingPermutation(config, i));
  const scaling = new Scale({ logScale: new Array<number>(config.eventSize).fill(0), trainable: true, name: 'DiagonalScale' });
  return presetFlow('nice', config, opts, new Chain([...chain.bijectors, scaling]));
}

/** Options of {@link neuralSplineFlow}: the preset options plus the spline's and the layer type's. */
export interface NeuralSplineFlowOptions extends FlowOptions {
  /** 'coupling' (RQ-NSF (C), one pass both ways) or 'autoregressive' (RQ-NSF (AR), MADE). Default 'coupling'. */
  variant?: 'coupling' | 'autoregressive';
  /** Number of spline bins K. Default 8. */
  numBins?: number;
  /** Another name for `numBins`. */
  bins?: number;
  /** The spline acts on [-bound, bound], identity outside. Default 4. */
  bound?: number;
}

/**
 * Neural spline flow (Durkan et al. 2019): monotone rational-quadratic splines with K bins on
 * [-B, B] whose widths, heights and derivatives (3K - 1 numbers per unit) come from a coupling
 * network or a MADE.
 */
export function neuralSplineFlow(opts: NeuralSplineFlowOptions): Flow {
  const owner = 'neuralSplineFlow';
  const variant = opts?.variant ?? 'coupling';
  if (opts?.numBins !== undefined && opts.bins !== undefined && opts.numBins !== opts.bins) {
    throw argumentError(owner, 'numBins / bins', 'one of them (bins is another name for numBins)', opts.bins);
  }
  const numBins = opts?.numBins ?? opts?.bins ?? SPLINE_DEFAULTS.numBins;
  const bound = opts?.bound ?? SPLINE_DEFAULTS.bound;
  if (variant !== 'coupling' && variant !== 'autoregressive') throw argumentError(owner, 'variant', "'coupling' or 'autoregressive'", variant);
  if (!Number.isInteger(numBins) || numBins < 2) throw argumentError(owner, 'numBins', 'an integer >= 2', numBins);
  if (typeof bound !== 'number' || !(bound > 0) || !Number.isFinite(bound)) throw argumentError(owner, 'bound', 'a finite number > 0', bound);
  // `bins` stays the config key: saved spline flows record it.
  const config = resolveFlowConfig(owner, opts, { variant, bins: numBins, bound }, ['variant', 'numBins', 'bins', 'bound']);
  const spline = { numBins, bound };
  let chain: Chain;
  if (variant === 'autoregressive') {
    checkMadeUnits(owner, config);
    const P = 3 * numBins - 1;
    const layers = buildMades(config, P).map((made) => new MaskedAutoregressiveSpline({ conditioner: made, eventSize: config.eventSize, ...spline }));
    chain = assemble(config, layers, () => undefined);
  } else {
    checkCoupling(owner, config);
    const layers = couplingLayers(config, (i) => new SplineCoupling({ ...couplingLayer(config, i, 3 * numBins - 1), ...spline }));
    chain = assemble(config, layers, (i) => couplingPermutation(config, i));
  }
  return presetFlow(owner, config, opts, chain);
}

/** Options of {@link naf}: the MADE preset options plus the deep sigmoid transformer's. */
export interface NafOptions extends MadeFlowOptions {
  /** Sigmoid units H of each deep sigmoidal transformer (3H MADE outputs per unit). Default 8. */
  hiddenSigmoids?: number;
}

/**
 * Neural autoregressive flow (Huang et al. 2018) with deep sigmoidal transformers: each layer
 * maps the data to the base unit by unit through a monotone mixture of H sigmoids,
 * z_i = logit(sum_j w_j sigmoid(a_j x_i + b_j)), whose 3H parameters come from a MADE of x_<i
 * (and the context). Density evaluation (training) is one MADE pass per layer, as for `maf`;
 * sampling needs D passes per layer, each inverting the map by bisection.
 */
export function naf(opts: NafOptions): Flow {
  const owner = 'naf';
  const hiddenSigmoids = opts?.hiddenSigmoids ?? 8;
  if (typeof hiddenSigmoids !== 'number' || !Number.isInteger(hiddenSigmoids) || hiddenSigmoids < 1) {
    throw argumentError(owner, 'hiddenSigmoids', 'a positive integer', hiddenSigmoids);
  }
  const config = resolveMadeConfig(owner, opts, { hiddenSigmoids }, ['hiddenSigmoids']);
  checkMadeUnits(owner, config);
  const layers = buildMades(config, 3 * hiddenSigmoids).map(
    (made) =>
      // The deep sigmoidal map is the transformer's inverse: the density direction, in closed form.
      new MaskedAutoregressive({
        conditioner: made,
        transformer: deepSigmoid({ hiddenUnits: hiddenSigmoids }),
        eventSize: config.eventSize,
        name: 'NeuralAutoregressive',
      }),
  );
  return presetFlow(owner, config, opts, assemble(config, layers, () => undefined));
}

/** Builders by preset name, for loadFlow (the base, not part of the config, is passed apart). */
export const PRESETS: Record<FlowPresetName, (config: FlowConfig, base?: FlowOptions['base']) => Flow> = {
  maf: (c, base) => maf({ ...(c as MadeFlowOptions), ...(base ? { base } : {}) }),
  iaf: (c, base) => iaf({ ...(c as MadeFlowOptions), ...(base ? { base } : {}) }),
  realNVP: (c, base) => realNVP({ ...(c as FlowOptions), ...(base ? { base } : {}) }),
  nice: (c, base) => nice({ ...(c as FlowOptions), ...(base ? { base } : {}) }),
  neuralSplineFlow: (c, base) => neuralSplineFlow({ ...(c as NeuralSplineFlowOptions), ...(base ? { base } : {}) }),
  naf: (c, base) => naf({ ...(c as NafOptions), ...(base ? { base } : {}) }),
};
