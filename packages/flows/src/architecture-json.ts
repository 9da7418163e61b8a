// The architecture of a hand-built flow as JSON: its bijector tree, conditioners and base
// distribution, for the parts whose classes are known here. Weights travel apart (save-load.ts).
import * as tf from '@tensorflow/tfjs-core';
import { argumentError, FormatError, raw } from '@densityjs/core';
import {
  BatchNormalization,
  Chain,
  Coupling,
  Exp,
  Identity,
  Invert,
  MaskedAutoregressive,
  Permute,
  Reverse,
  Sigmoid,
  Softplus,
  Tanh,
  transformerFromJSON,
  type Bijector,
  type Conditioner,
  type TransformerJSON,
} from '@densityjs/bijectors';
import {
  Independent,
  Laplace,
  Logistic,
  MultivariateNormalDiag,
  Normal,
  StudentT,
  Uniform,
  type Distribution,
} from '@densityjs/distributions';
import { MADE, type MADEConfig } from '@densityjs/made';
import { DenseNetwork, type DenseNetworkOptions } from './dense-network.js';
import { StandardNormal } from './standard-normal.js';

export type ConditionerJSON = { type: 'MADE'; config: MADEConfig } | { type: 'DenseNetwork'; config: DenseNetworkOptions };

interface ConditionedJSON {
  name: string;
  eventSize?: number;
  contextSize?: number;
  transformer: TransformerJSON;
  conditioner: ConditionerJSON;
}

/** The saved form of a hand-built flow's bijector tree: one entry per bijector, by class name. */
export type BijectorJSON =
  | { type: 'Chain'; name: string; bijectors: BijectorJSON[] }
  | { type: 'Invert'; name: string; bijector: BijectorJSON }
  | { type: 'Reverse' | 'Identity' | 'Exp' | 'Softplus' | 'Sigmoid' | 'Tanh'; name: string }
  | { type: 'Permute'; name: string; permutation: number[] }
  | { type: 'BatchNormalization'; name: string; eventSize: number; momentum: number; epsilon: number }
  | ({ type: 'MaskedAutoregressive' } & ConditionedJSON)
  | ({ type: 'Coupling'; numMasked?: number } & ConditionedJSON);

type Nested = number | Nested[];

/** The saved form of a flow's base distribution, when it is not the default standard normal. */
export type DistributionJSON =
  | { type: 'Normal' | 'Laplace' | 'Logistic'; loc: Nested; scale: Nested }
  | { type: 'StudentT'; df: Nested; loc: Nested; scale: Nested }
  | { type: 'Uniform'; low: Nested; high: Nested }
  | { type: 'MultivariateNormalDiag'; loc: Nested; scaleDiag: Nested }
  | { type: 'Independent'; reinterpretedBatchNdims: number; distribution: DistributionJSON };

/** The parts a hand-built flow may hold to be saved (named in the error for any other part). */
const KNOWN_PARTS =
  'Chain, Invert, Reverse, Permute, BatchNormalization, Identity, Exp, Softplus, Sigmoid, Tanh, Coupling and MaskedAutoregressive layers (RealNVP, NICE, SplineCoupling, MaskedAutoregressiveFlow, MaskedAutoregressiveSpline) with a MADE or DenseNetwork conditioner';

function unknownPart(owner: string, path: string, what: string): Error {
  return argumentError(owner, 'flow', `a flow built from known parts (${KNOWN_PARTS}) to be saved`, raw(`${what} at ${path}`));
}

function conditionerToJSON(owner: string, c: Conditioner, path: string): ConditionerJSON {
  if (c instanceof MADE) return { type: 'MADE', config: c.getConfig() };
  if (c instanceof DenseNetwork) return { type: 'DenseNetwork', config: c.getConfig() };
  return (() => {
    throw unknownPart(owner, `${path}.conditioner`, typeof c === 'function' ? 'a conditioner function' : 'a conditioner object that is not a MADE or DenseNetwork');
  })();
}

const PARAMETER_FREE = [
  ['Reverse', Reverse],
  ['Identity', Identity],
  ['Exp', Exp],
  ['Softplus', Softplus],
  ['Sigmoid', Sigmoid],
  ['Tanh', Tanh],
] as const;

/** The JSON form of a bijector tree, refusing (with the part's path) any part it cannot rebuild. */
export function bijectorToJSON(owner: string, b: Bijector, path = 'bijector'): BijectorJSON {
  const name = b.name;
  if (b instanceof Chain) return { type: 'Chain', name, bijectors: b.bijectors.map((m, i) => bijectorToJSON(owner, m, `${path}.bijectors[${i}]`)) };
  if (b instanceof Invert) return { type: 'Invert', name, bijector: bijectorToJSON(owner, b.bijector, `${path}.bijector`) };
  if (b instanceof Permute) return { type: 'Permute', name, permutation: [...b.permutation] };
  if (b instanceof BatchNormalization) return { type: 'BatchNormalization', name, eventSize: b.eventSize!, momentum: b.momentum, epsilon: b.epsilon };
  for (const [type, cls] of PARAMETER_FREE) if (b.constructor === cls) return { type, name };
  if (b instanceof MaskedAutoregressive || b instanceof Coupling) {
    const common = {
      name,
      ...(b.eventSize !== undefined ? { eventSize: b.eventSize } : {}),
      ...(b.contextSize !== undefined ? { contextSize: b.contextSize } : {}),
      transformer: b.transformer.toJSON(),
      conditioner: conditionerToJSON(owner, b.conditioner, path),
    };
    if (b instanceof Coupling) return { type: 'Coupling', ...(b.numMasked !== undefined ? { numMasked: b.numMasked } : {}), ...common };
    return { type: 'MaskedAutoregressive', ...common };
  }
  throw unknownPart(owner, path, `a ${b.constructor?.name ?? typeof b} (${name})`);
}

function conditionerFromJSON(c: ConditionerJSON, path: string): MADE | DenseNetwork {
  if (c?.type === 'MADE') return new MADE(c.config);
  if (c?.type === 'DenseNetwork') return new DenseNetwork(c.config);
  throw new FormatError(`loadFlow: ${path}.conditioner.type must be "MADE" or "DenseNetwork", received ${JSON.stringify((c as { type?: unknown })?.type)}`);
}

/** Rebuilds a bijector tree from bijectorToJSON's output (fresh weights: set them after). */
export function bijectorFromJSON(json: BijectorJSON, path = 'bijector'): Bijector {
  const name = json?.name;
  switch (json?.type) {
    case 'Chain':
      return new Chain(json.bijectors.map((m, i) => bijectorFromJSON(m, `${path}.bijectors[${i}]`)), { name });
    case 'Invert':
      return new Invert(bijectorFromJSON(json.bijector, `${path}.bijector`), { name });
    case 'Permute':
      return new Permute({ permutation: json.permutation, name });
    case 'BatchNormalization':
      return new BatchNormalization({ eventSize: json.eventSize, momentum: json.momentum, epsilon: json.epsilon, training: false, name });
    case 'MaskedAutoregressive':
    case 'Coupling': {
      const conditioner = conditionerFromJSON(json.conditioner, path);
      const common = {
        name,
        conditioner,
        transformer: transformerFromJSON(json.transformer),
        ...(json.eventSize !== undefined ? { eventSize: json.eventSize } : {}),
        ...(json.contextSize !== undefined ? { contextSize: json.contextSize } : {}),
      };
      return json.type === 'Coupling'
        ? new Coupling({ ...common, ...(json.numMasked !== undefined ? { numMasked: json.numMasked } : {}) })
        : new MaskedAutoregressive(common);
    }
    default: {
      const entry = PARAMETER_FREE.find(([type]) => type === json?.type);
      if (entry) return new entry[1]({ name });
      throw new FormatError(`loadFlow: ${path}.type must name a known bijector (${KNOWN_PARTS}), received ${JSON.stringify(json?.type)}`);
    }
  }
}

async function values(t: tf.Tensor): Promise<Nested> {
  return (await t.array()) as Nested;
}

/**
 * The JSON form of a base distribution, or undefined for the default standard normal. Refuses
 * a base with trainable variables (its values would be saved as constants) or of an unknown class.
 */
export async function distributionToJSON(owner: string, d: Distribution, path = 'base'): Promise<DistributionJSON | undefined> {
  if (d instanceof StandardNormal && path === 'base') return undefined;
  if ((d as { trainableVariables?: tf.Variable[] }).trainableVariables?.length) {
    throw unknownPart(owner, path, 'a base distribution with trainable variables');
  }
  if (d instanceof Normal) return { type: 'Normal', loc: await values(d.loc), scale: await values(d.scale) };
  if (d instanceof Laplace) return { type: 'Laplace', loc: await values(d.loc), scale: await values(d.scale) };
  if (d instanceof Logistic) return { type: 'Logistic', loc: await values(d.loc), scale: await values(d.scale) };
  if (d instanceof StudentT) return { type: 'StudentT', df: await values(d.df), loc: await values(d.loc), scale: await values(d.scale) };
  if (d instanceof Uniform) return { type: 'Uniform', low: await values(d.low), high: await values(d.high) };
  if (d instanceof MultivariateNormalDiag) return { type: 'MultivariateNormalDiag', loc: await values(d.loc), scaleDiag: await values(d.scaleDiag) };
  if (d instanceof Independent) {
    const inner = await distributionToJSON(owner, d.distribution, `${path}.distribution`);
    return { type: 'Independent', reinterpretedBatchNdims: d.reinterpretedBatchNdims, distribution: inner! };
  }
  throw unknownPart(owner, path, `a ${(d as object).constructor?.name ?? typeof d} base distribution (known: Normal, Laplace, Logistic, StudentT, Uniform, MultivariateNormalDiag, Independent)`);
}

/** Rebuilds a base distribution from distributionToJSON's output. */
export function distributionFromJSON(json: DistributionJSON, path = 'base'): Distribution {
  switch (json?.type) {
    case 'Normal':
      return new Normal({ loc: json.loc, scale: json.scale } as never);
    case 'Laplace':
      return new Laplace({ loc: json.loc, scale: json.scale } as never);
    case 'Logistic':
      return new Logistic({ loc: json.loc, scale: json.scale } as never);
    case 'StudentT':
      return new StudentT({ df: json.df, loc: json.loc, scale: json.scale } as never);
    case 'Uniform':
      return new Uniform({ low: json.low, high: json.high } as never);
    case 'MultivariateNormalDiag':
      return new MultivariateNormalDiag({ loc: json.loc, scaleDiag: json.scaleDiag } as never);
    case 'Independent':
      return new Independent({ distribution: distributionFromJSON(json.distribution, `${path}.distribution`), reinterpretedBatchNdims: json.reinterpretedBatchNdims });
    default:
      throw new FormatError(`loadFlow: ${path}.type must name a known distribution, received ${JSON.stringify((json as { type?: unknown })?.type)}`);
  }
}
