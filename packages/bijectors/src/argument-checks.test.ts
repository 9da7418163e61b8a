// Every argument check of the package, called directly: the error is an ArgumentError naming the
// argument, with the expected and received values in its message, and the rejected call leaves
// no tensor behind. Values just inside each documented range are accepted.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { argumentErrorOf, describeEachBackend, expectAllClose } from '@densityjs/testing';
import {
  ActNorm,
  BatchNormalization,
  Chain,
  ElementwiseBijector,
  Exp,
  Identity,
  Invert,
  LeakyReLU,
  MaskedAutoregressiveSpline,
  MaskedAutoregressive,
  NICE,
  PReLU,
  Permute,
  RationalQuadraticSpline,
  RealNVP,
  Reverse,
  Scale,
  ScaleMatvecLU,
  Shift,
  Sigmoid,
  Softplus,
  SplineCoupling,
  Tanh,
  Coupling,
  DEFAULT_LOG_SCALE_CLAMP,
  MaskedAutoregressiveFlow,
  affine,
  deepSigmoid,
  isTransformer,
  rationalQuadratic,
  rationalQuadraticSpline,
  additive,
  type ElementwiseOptions,
} from './index.js';

const identity = (x: tf.Tensor): tf.Tensor => tf.concat([tf.zerosLike(x), tf.zerosLike(x)], -1);

function disposedVariable(): tf.Variable {
  const initial = tf.ones([2]);
  const v = tf.variable(initial);
  tf.dispose([initial, v]);
  return v;
}

type Case = [label: string, call: () => unknown, argument: string, message: RegExp];

function table(title: string, cases: Case[]): void {
  describe(title, () => {
    for (const [label, call, argument, message] of cases) {
      it(label, () => {
        argumentErrorOf(call, { argument, message });
      });
    }
  });
}

table('ActNorm', [
  ['eventSize 0', () => new ActNorm({ eventSize: 0 }), 'eventSize', /^ActNorm: eventSize must be a positive integer, received 0$/],
  ['eventSize 2.5', () => new ActNorm({ eventSize: 2.5 }), 'eventSize', /^ActNorm: eventSize must be a positive integer, received 2\.5$/],
  ['no options', () => new ActNorm(undefined as never), 'eventSize', /^ActNorm: eventSize must be a positive integer, received undefined$/],
  ['options null', () => new ActNorm(null as never), 'options', /^ActNorm: options must be an object, received null$/],
  ['a misspelled option', () => new ActNorm({ eventsize: 2 } as never), 'eventsize', /^ActNorm: unknown option "eventsize" in options \(did you mean "eventSize"\?\); valid options: eventSize, name$/],
  ['named by its name option', () => new ActNorm({ eventSize: -1, name: 'norm0' }), 'eventSize', /^norm0: eventSize must be a positive integer, received -1$/],
]);

table('BatchNormalization', [
  ['eventSize 0', () => new BatchNormalization({ eventSize: 0 }), 'eventSize', /^BatchNormalization: eventSize must be a positive integer, received 0$/],
  ['no options', () => new BatchNormalization(undefined as never), 'eventSize', /^BatchNormalization: eventSize must be a positive integer, received undefined$/],
  ['options null', () => new BatchNormalization(null as never), 'options', /^BatchNormalization: options must be an object, received null$/],
  ['a misspelled option', () => new BatchNormalization({ eventSize: 2, momentun: 0.1 } as never), 'momentun', /^BatchNormalization: unknown option "momentun" in options \(did you mean "momentum"\?\); valid options: eventSize, momentum, epsilon, training, name$/],
  ['momentum 1', () => new BatchNormalization({ eventSize: 2, momentum: 1 }), 'momentum', /^BatchNormalization: momentum must be in \[0, 1\), received 1$/],
  ['momentum -0.1', () => new BatchNormalization({ eventSize: 2, momentum: -0.1 }), 'momentum', /^BatchNormalization: momentum must be in \[0, 1\), received -0\.1$/],
  ['momentum "0.1"', () => new BatchNormalization({ eventSize: 2, momentum: '0.1' as never }), 'momentum', /^BatchNormalization: momentum must be in \[0, 1\), received "0\.1"$/],
  ['epsilon 0', () => new BatchNormalization({ eventSize: 2, epsilon: 0 }), 'epsilon', /^BatchNormalization: epsilon must be > 0, received 0$/],
  ['epsilon Infinity', () => new BatchNormalization({ eventSize: 2, epsilon: Infinity }), 'epsilon', /^BatchNormalization: epsilon must be > 0, received Infinity$/],
  ['epsilon "1e-3"', () => new BatchNormalization({ eventSize: 2, epsilon: '1e-3' as never }), 'epsilon', /^BatchNormalization: epsilon must be > 0, received "1e-3"$/],
  ['training "yes"', () => new BatchNormalization({ eventSize: 2, training: 'yes' as never }), 'training', /^BatchNormalization: training must be a boolean, received "yes"$/],
]);

table('transformers', [
  ['affine logScaleClamp 0', () => affine({ logScaleClamp: 0 }), 'logScaleClamp', /^affine: logScaleClamp must be a number > 0 \(Infinity disables the clamp\), received 0$/],
  ['affine logScaleClamp NaN', () => affine({ logScaleClamp: Number.NaN }), 'logScaleClamp', /^affine: logScaleClamp must be a number > 0 .*, received NaN$/],
  ['affine logScaleClamp "3"', () => affine({ logScaleClamp: '3' as never }), 'logScaleClamp', /^affine: logScaleClamp must be a number > 0 .*, received "3"$/],
  ['deepSigmoid options null', () => deepSigmoid(null as never), 'options', /^deepSigmoid: options must be an object such as \{hiddenUnits: 8\}, received null$/],
  ['deepSigmoid misspelled option', () => deepSigmoid({ hidden: 4 } as never), 'hidden', /^deepSigmoid: unknown option "hidden" in options; valid options: hiddenUnits$/],
  ['deepSigmoid options 5', () => deepSigmoid(5 as never), 'options', /^deepSigmoid: options must be an object such as \{hiddenUnits: 8\}, received 5$/],
  ['deepSigmoid hiddenUnits "3"', () => deepSigmoid({ hiddenUnits: '3' as never }), 'hiddenUnits', /^deepSigmoid: hiddenUnits must be a positive integer, received "3"$/],
  ['deepSigmoid hiddenUnits 2.5', () => deepSigmoid({ hiddenUnits: 2.5 }), 'hiddenUnits', /^deepSigmoid: hiddenUnits must be a positive integer, received 2\.5$/],
  ['deepSigmoid hiddenUnits 0', () => deepSigmoid({ hiddenUnits: 0 }), 'hiddenUnits', /^deepSigmoid: hiddenUnits must be a positive integer, received 0$/],
]);

table('spline settings', [
  ['numBins 1', () => rationalQuadratic({ numBins: 1 }), 'numBins', /^rationalQuadratic: numBins must be an integer >= 2, received 1$/],
  ['bound 0', () => new RationalQuadraticSpline({ bound: 0 }), 'bound', /^RationalQuadraticSpline: bound must be a finite number > 0, received 0$/],
  ['bound Infinity', () => new RationalQuadraticSpline({ bound: Infinity }), 'bound', /^RationalQuadraticSpline: bound must be a finite number > 0, received Infinity$/],
  ['minBinWidth 0', () => new RationalQuadraticSpline({ numBins: 4, minBinWidth: 0 }), 'minBinWidth', /^RationalQuadraticSpline: minBinWidth must be in \(0, 1\/numBins = 0\.25\), received 0$/],
  ['minBinWidth 1/numBins', () => new RationalQuadraticSpline({ numBins: 4, minBinWidth: 0.25 }), 'minBinWidth', /^RationalQuadraticSpline: minBinWidth must be in \(0, 1\/numBins = 0\.25\), received 0\.25$/],
  ['minBinHeight 0', () => new RationalQuadraticSpline({ numBins: 5, minBinHeight: 0 }), 'minBinHeight', /^RationalQuadraticSpline: minBinHeight must be in \(0, 1\/numBins = 0\.2\), received 0$/],
  ['minBinHeight 1/numBins', () => new RationalQuadraticSpline({ numBins: 5, minBinHeight: 0.2 }), 'minBinHeight', /^RationalQuadraticSpline: minBinHeight must be in \(0, 1\/numBins = 0\.2\), received 0\.2$/],
  ['minDerivative 0', () => new RationalQuadraticSpline({ minDerivative: 0 }), 'minDerivative', /^RationalQuadraticSpline: minDerivative must be in \(0, 1\), received 0$/],
  ['minDerivative 1', () => new RationalQuadraticSpline({ minDerivative: 1 }), 'minDerivative', /^RationalQuadraticSpline: minDerivative must be in \(0, 1\), received 1$/],
  ['params of the wrong size', () => new RationalQuadraticSpline({ numBins: 3, params: [[0, 0, 0, 0, 0, 0, 0, 0, 0]] as never }), 'params', /^RationalQuadraticSpline: params must be a tensor of shape \[\.\.\., 8\] \(3 \* numBins - 1\), received a float32 tensor of shape \[1, 9\]$/],
  ['params a scalar', () => new RationalQuadraticSpline({ numBins: 3, params: 0 as never }), 'params', /^RationalQuadraticSpline: params must be a tensor of shape \[\.\.\., 8\] \(3 \* numBins - 1\), received a float32 tensor of shape \[\]$/],
  [
    'rationalQuadraticSpline numBins 1',
    () => {
      const [x, p] = [tf.zeros([2]), tf.zeros([2])];
      try {
        return rationalQuadraticSpline(x, p, { numBins: 1 });
      } finally {
        tf.dispose([x, p]);
      }
    },
    'numBins', /^rationalQuadraticSpline: numBins must be an integer >= 2, received 1$/],
  ['shape [0]', () => new RationalQuadraticSpline({ shape: [0] }), 'shape', /^RationalQuadraticSpline: shape must be an array of positive integers, received \[0\]$/],
  ['shape 3', () => new RationalQuadraticSpline({ shape: 3 as never }), 'shape', /^RationalQuadraticSpline: shape must be an array of positive integers, received 3$/],
  [
    'rationalQuadraticSpline: x that does not broadcast with the params',
    () => {
      const x = tf.zeros([3, 2]);
      const params = tf.zeros([4, 1, 5]);
      try {
        return rationalQuadraticSpline(x, params, { numBins: 2 });
      } finally {
        tf.dispose([x, params]);
      }
    },
    'x',
    /^rationalQuadraticSpline: x must be a tensor that broadcasts with the batch shape of params, \[4, 1\], received a float32 tensor of shape \[3, 2\]$/,
  ],
]);

table('elementwise bijectors', [
  ['options null', () => new Exp(null as never), 'options', /^Exp: options must be an object, received null$/],
  [
    'an input of lower rank than a parameter',
    () => {
      const shift = new Shift({ shift: [[1, 2]] });
      const x = tf.zeros([2]);
      try {
        return shift.forward(x);
      } finally {
        x.dispose();
        shift.dispose();
      }
    },
    'x',
    /^Shift: x must be a tensor whose trailing dims match shift's shape \[1, 2\] \(or where shift has size 1\), received a tensor of shape \[2\]$/,
  ],
  ['an option Exp does not take', () => new Exp({ base: 2 } as never), 'base', /^Exp: unknown option "base" in options; valid options: name, eventNdims, validateArgs$/],
  ['an option Identity does not take', () => new Identity({ scale: 2 } as never), 'scale', /^Identity: unknown option "scale" in options; valid options: name, eventNdims, validateArgs$/],
  ['LeakyReLU alpha -1', () => new LeakyReLU({ alpha: -1 }), 'alpha', /^LeakyReLU: alpha must be > 0 and finite, received -1$/],
  ['Permute options null', () => new Permute(null as never), 'options', /^Permute: options must be an object, received null$/],
  ['Permute index out of range', () => new Permute({ permutation: [0, 2] }), 'permutation', /^Permute: permutation must be a permutation of 0\.\.1 \(each index exactly once\), received \[0, 2\]$/],
  ['Permute misspelled option', () => new Permute({ perm: [0, 1] } as never), 'perm', /^Permute: unknown option "perm" in options; valid options: permutation, name$/],
  ['an option Reverse does not take', () => new Reverse({ axis: 1 } as never), 'axis', /^Reverse: unknown option "axis" in options; valid options: name$/],
  ['ScaleMatvecLU options null', () => new ScaleMatvecLU(null as never), 'options', /^ScaleMatvecLU: options must be an object, received null$/],
  ['ScaleMatvecLU no options', () => new ScaleMatvecLU(undefined as never), 'eventSize', /^ScaleMatvecLU: eventSize must be a positive integer, received undefined$/],
  ['ScaleMatvecLU eventSize 1.5', () => new ScaleMatvecLU({ eventSize: 1.5 }), 'eventSize', /^ScaleMatvecLU: eventSize must be a positive integer, received 1\.5$/],
  ['ScaleMatvecLU misspelled option', () => new ScaleMatvecLU({ eventSize: 2, sed: 1 } as never), 'sed', /^ScaleMatvecLU: unknown option "sed" in options \(did you mean "seed"\?\); valid options: eventSize, seed, name$/],
  ['Scale without options', () => new Scale(undefined as never), 'scale / logScale', /^Scale: scale \/ logScale must be exactly one of them, received neither$/],
  ['Shift without options', () => new Shift(undefined as never), 'shift', /^Shift: shift must be .*, received undefined$/],
  ['an option Softplus does not take', () => new Softplus({ beta: 2 } as never), 'beta', /^Softplus: unknown option "beta" in options; valid options: name, eventNdims, validateArgs$/],
  ['an option Tanh does not take', () => new Tanh({ scale: 2 } as never), 'scale', /^Tanh: unknown option "scale" in options; valid options: name, eventNdims, validateArgs$/],
  ['an option Sigmoid does not take', () => new Sigmoid({ low: 0 } as never), 'low', /^Sigmoid: unknown option "low" in options; valid options: name, eventNdims, validateArgs$/],
  ['Permute without options', () => new Permute(undefined as never), 'permutation', /^Permute: permutation must be a permutation of 0\.\.0 \(each index exactly once\), received undefined$/],
  ['Permute with a negative index', () => new Permute({ permutation: [1, -1] }), 'permutation', /^Permute: permutation must be a permutation of 0\.\.1 \(each index exactly once\), received \[1, -1\]$/],
  ['LeakyReLU alpha NaN', () => new LeakyReLU({ alpha: [1, Number.NaN] }), 'alpha', /^LeakyReLU: alpha must be finite \(no NaN or Infinity\), received NaN \(at flat index 1\)$/],
  ['PReLU shape [0]', () => new PReLU({ shape: [0] }), 'shape', /^PReLU: shape must be an array of positive integers, received \[0\]$/],
  ['ScaleMatvecLU eventSize 0', () => new ScaleMatvecLU({ eventSize: 0 }), 'eventSize', /^ScaleMatvecLU: eventSize must be a positive integer, received 0$/],
  ['an elementwise bijector with options 5', () => new Exp(5 as never), 'options', /^Exp: options must be an object, received 5$/],
  ['a name that is not a string', () => new Exp({ name: 3 } as never), 'name', /^Exp: name must be a string, received 3$/],
  ['PReLU alpha 0', () => new PReLU({ alpha: 0 }), 'alpha', /^PReLU: alpha must be > 0 and finite, received 0$/],
  ['PReLU shape [2.5]', () => new PReLU({ shape: [2.5] }), 'shape', /^PReLU: shape must be an array of positive integers, received \[2\.5\]$/],
  ['PReLU shape "2"', () => new PReLU({ shape: '2' as never }), 'shape', /^PReLU: shape must be an array of positive integers, received "2"$/],
  ['Scale with both scale and logScale', () => new Scale({ scale: 2, logScale: 1 }), 'scale / logScale', /^Scale: scale \/ logScale must be exactly one of them, received both$/],
  ['Scale with neither', () => new Scale({}), 'scale / logScale', /^Scale: scale \/ logScale must be exactly one of them, received neither$/],
  ['Scale trainable "yes"', () => new Scale({ scale: [1, 2], trainable: 'yes' as never }), 'trainable', /^Scale: trainable must be a boolean, received "yes"$/],
  [
    'a disposed variable as a parameter',
    () => new Shift({ shift: disposedVariable() }),
    'shift',
    /^Shift: shift must be a live tensor \(this one was disposed\), received a disposed float32 tensor of shape \[2\]$/,
  ],
]);

// Shift = x1, raw log-scale = x1: an affine layer that is not the identity.
const conditioner = (x: tf.Tensor): tf.Tensor => tf.concat([x, x], -1);
table('coupling and autoregressive layers', [
  ['Coupling options null', () => new Coupling(null as never), 'options', /^Coupling: options must be an object \{conditioner, transformer, numMasked\?\}, received null$/],
  ['a conditional coupling with numMasked -1', () => new Coupling({ numMasked: -1, contextSize: 2, conditioner, transformer: affine() }), 'numMasked', /^Coupling: numMasked must be a non-negative integer, received -1$/],
  ['Coupling without a transformer', () => new Coupling({ numMasked: 1, conditioner } as never), 'transformer', /^Coupling: transformer must be a transformer such as affine\(\), additive\(\) or rationalQuadratic\(\), received undefined$/],
  ['Coupling eventSize not above numMasked', () => new Coupling({ numMasked: 3, eventSize: 3, conditioner, transformer: affine() }), 'eventSize', /^Coupling: eventSize must be an integer > numMasked = 3, received 3$/],
  ['both conditioner and shiftAndLogScale', () => new RealNVP({ numMasked: 1, conditioner, shiftAndLogScale: conditioner }), 'conditioner / shiftAndLogScale', /^RealNVP: conditioner \/ shiftAndLogScale must be one of them \(shiftAndLogScale is another name for conditioner\), received both$/],
  ['MAF with both conditioner and shiftAndLogScale', () => new MaskedAutoregressiveFlow({ conditioner, shiftAndLogScale: conditioner }), 'conditioner / shiftAndLogScale', /^MaskedAutoregressiveFlow: conditioner \/ shiftAndLogScale must be one of them/],
  // The named layers fill in their transformer, so null options end at the missing conditioner.
  ['MaskedAutoregressiveFlow options null', () => new MaskedAutoregressiveFlow(null as never), 'conditioner', /^MaskedAutoregressiveFlow: conditioner must be a function \(y, context\?\) => Tensor or an object with call\(y, \{context\}\), received undefined$/],
  ['MaskedAutoregressiveSpline options null', () => new MaskedAutoregressiveSpline(null as never), 'conditioner', /^MaskedAutoregressiveSpline: conditioner must be a function .*, received undefined$/],
  ['NICE options null', () => new NICE(null as never), 'conditioner', /^NICE: conditioner must be a function \(x1, context\?\) => Tensor or an object with call\(x1, \{context\}\), received undefined$/],
  ['Coupling options 5', () => new Coupling(5 as never), 'options', /^Coupling: options must be an object \{conditioner, transformer, numMasked\?\}, received 5$/],
  ['an unconditional coupling with numMasked 0', () => new Coupling({ numMasked: 0, conditioner, transformer: affine() }), 'numMasked', /^Coupling: numMasked must be a positive integer \(0 only for a conditional layer, contextSize > 0\), received 0$/],
  ['MaskedAutoregressive options 5', () => new MaskedAutoregressive(5 as never), 'options', /^MaskedAutoregressive: options must be an object \{conditioner, transformer\}, received 5$/],
  ['RealNVP options null', () => new RealNVP(null as never), 'conditioner', /^RealNVP: conditioner must be a function .*, received undefined$/],
  ['SplineCoupling options null', () => new SplineCoupling(null as never), 'conditioner', /^SplineCoupling: conditioner must be a function .*, received undefined$/],
  ['MaskedAutoregressive options null', () => new MaskedAutoregressive(null as never), 'options', /^MaskedAutoregressive: options must be an object \{conditioner, transformer\}, received null$/],
  ['MaskedAutoregressive conditioner 3', () => new MaskedAutoregressive({ conditioner: 3 as never, transformer: affine() }), 'conditioner', /^MaskedAutoregressive: conditioner must be a function \(y, context\?\) => Tensor or an object with call\(y, \{context\}\), received 3$/],
  ['MaskedAutoregressive transformer {}', () => new MaskedAutoregressive({ conditioner, transformer: {} as never }), 'transformer', /^MaskedAutoregressive: transformer must be a transformer such as affine\(\) or rationalQuadratic\(\), received an empty object$/],
  ['MaskedAutoregressive eventSize 0', () => new MaskedAutoregressive({ conditioner, transformer: affine(), eventSize: 0 }), 'eventSize', /^MaskedAutoregressive: eventSize must be a positive integer, received 0$/],
  ['MaskedAutoregressive eventSize 1.5', () => new MaskedAutoregressive({ conditioner, transformer: affine(), eventSize: 1.5 }), 'eventSize', /^MaskedAutoregressive: eventSize must be a positive integer, received 1\.5$/],
]);

describe('values just inside the documented ranges are accepted', () => {
  it('constructs and disposes cleanly', () => {
    const before = tf.memory().numTensors;
    const made = [
      new ActNorm({ eventSize: 1 }),
      new BatchNormalization({ eventSize: 1, momentum: 0, epsilon: 1e-12, training: false }),
      new RationalQuadraticSpline({ numBins: 4, minBinWidth: 0.249, minBinHeight: 0.249, minDerivative: 0.999, bound: 1e-3 }),
      new RationalQuadraticSpline({ numBins: 2 }),
      new PReLU({ alpha: 1e-6, shape: [1, 3] }),
      new Coupling({ numMasked: 0, contextSize: 1, conditioner, transformer: affine() }),
      new MaskedAutoregressive({ conditioner, transformer: affine({ logScaleClamp: Infinity }), eventSize: 1 }),
      new Coupling({ numMasked: 2, eventSize: 3, conditioner, transformer: deepSigmoid({ hiddenUnits: 1 }) }),
    ];
    expect(made.map((b) => b.name)).toEqual(['ActNorm', 'BatchNormalization', 'RationalQuadraticSpline', 'RationalQuadraticSpline', 'PReLU', 'Coupling', 'MaskedAutoregressive', 'Coupling']);
    expect((made[4] as PReLU).trainableVariables[0]!.name).toMatch(/^prelu_log_alpha_\d+$/);
    for (const b of made) b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('training mode', () => {
  it('the setters take booleans only and a rejected value changes nothing', () => {
    const an = new ActNorm({ eventSize: 2 });
    const bn = new BatchNormalization({ eventSize: 2 });
    const chain = new Chain([an, bn]);
    for (const [b, name] of [[an, 'ActNorm'], [bn, 'BatchNormalization'], [chain, 'Chain']] as const) {
      argumentErrorOf(
        () => {
          (b as { training: unknown }).training = 1;
        },
        { argument: 'training', message: new RegExp(`^${name}: training must be a boolean, received 1$`) },
      );
    }
    // ActNorm starts in evaluation mode (fit switches it on), BatchNormalization in training mode.
    expect([an.training, bn.training, chain.training]).toEqual([false, true, true]);
    chain.training = false;
    expect([an.training, bn.training, chain.training]).toEqual([false, false, false]);
    // A composite is in training mode while any member is.
    bn.training = true;
    expect(chain.training).toBe(true);
    chain.dispose();
  });

  it('non-trainable state: the running statistics, the ActNorm flag, and a chain collects them', () => {
    const an = new ActNorm({ eventSize: 2 });
    const bn = new BatchNormalization({ eventSize: 2 });
    expect(bn.nonTrainableVariables).toEqual([bn.movingMean, bn.movingVariance]);
    expect(an.nonTrainableVariables.length).toBe(1);
    const chain = new Chain([an, bn, an]);
    expect(chain.nonTrainableVariables).toEqual([...an.nonTrainableVariables, bn.movingMean, bn.movingVariance]);
    expect(an.trainableVariables.map((v) => v.name.replace(/_\d+$/, ''))).toEqual(['actnorm_log_scale', 'actnorm_shift']);
    expect(an.nonTrainableVariables[0]!.name).toMatch(/^actnorm_initialized/);
    chain.dispose();
  });
});

describe('the affine flag matches the map', () => {
  it('affine bijectors and composites of them are affine; the others are not', () => {
    const cases: [string, () => { affine: boolean; dispose(): void }, boolean][] = [
      ['Shift', () => new Shift({ shift: 1 }), true],
      ['Scale', () => new Scale({ scale: 2 }), true],
      ['ActNorm', () => new ActNorm({ eventSize: 2 }), true],
      ['Chain(Shift, Scale)', () => new Chain([new Shift({ shift: 1 }), new Scale({ scale: 2 })]), true],
      ['Exp', () => new Exp(), false],
      ['Chain(Shift, Exp)', () => new Chain([new Shift({ shift: 1 }), new Exp()]), false],
      ['RealNVP', () => new RealNVP({ numMasked: 1, conditioner }), false],
    ];
    const flags = cases.map(([, make]) => {
      const b = make();
      const flag = b.affine;
      b.dispose();
      return flag;
    });
    expect(flags).toEqual(cases.map(([, , affineMap]) => affineMap));
  });
});

describe('validateArgs: inverse inputs outside the range are refused by name', () => {
  const cases: [string, () => ElementwiseBijector, number[], number[], RegExp][] = [
    ['Exp', () => new Exp({ validateArgs: true }), [1e-30, 5], [0], /^Exp: y must be > 0 \(the range of Exp\), received 0$/],
    ['Softplus', () => new Softplus({ validateArgs: true }), [1e-30, 5], [0], /^Softplus: y must be > 0 \(the range of Softplus\), received 0$/],
    ['Sigmoid below', () => new Sigmoid({ validateArgs: true }), [1e-30, 0.999], [0], /^Sigmoid: y must be in \(0, 1\) \(the range of Sigmoid\), received 0$/],
    ['Sigmoid above', () => new Sigmoid({ validateArgs: true }), [1e-30, 0.999], [1], /^Sigmoid: y must be in \(0, 1\) \(the range of Sigmoid\), received 1$/],
    ['Tanh below', () => new Tanh({ validateArgs: true }), [-0.999, 0.999], [-1], /^Tanh: y must be in \(-1, 1\) \(the range of Tanh\), received -1$/],
    ['Tanh above', () => new Tanh({ validateArgs: true }), [-0.999, 0.999], [1], /^Tanh: y must be in \(-1, 1\) \(the range of Tanh\), received 1$/],
  ];
  for (const [name, make, inside, outside, message] of cases) {
    it(name, async () => {
      const b = make();
      const ok = tf.tensor1d(inside);
      const x = b.inverse(ok);
      expect(Array.from(await x.data()).every(Number.isFinite)).toBe(true);
      const bad = tf.tensor1d(outside);
      argumentErrorOf(() => b.inverse(bad), { argument: 'y', message });
      tf.dispose([ok, x, bad]);
    });
  }
});

describe('ElementwiseBijector subclasses outside the package', () => {
  class Cube extends ElementwiseBijector {
    constructor(opts?: ElementwiseOptions) {
      super(opts as ElementwiseOptions, 'Cube');
    }
    protected elementwiseForward(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
      return [tf.pow(x, 3), tf.log(tf.mul(tf.square(x), 3))];
    }
    protected elementwiseInverse(y: tf.Tensor): [tf.Tensor, tf.Tensor] {
      const x = tf.mul(tf.sign(y), tf.pow(tf.abs(y), 1 / 3));
      return [x, tf.neg(tf.log(tf.mul(tf.square(x), 3)))];
    }
  }
  it('options are checked without an option-key list; volumePreserving defaults to false', () => {
    argumentErrorOf(() => new Cube(null as never), { argument: 'options', message: /^Cube: options must be an object, received null$/ });
    argumentErrorOf(() => new Cube({ eventNdims: -1 }), { argument: 'eventNdims', message: /^Cube: eventNdims must be a non-negative integer, received -1$/ });
    const cube = new Cube({ eventNdims: 1, extra: true } as never);
    expect(cube.volumePreserving).toBe(false);
    expect(cube.eventNdims).toBe(1);
  });
});

describe('conditioner outputs of the wrong shape are named', () => {
  const x = (): tf.Tensor => tf.zeros([2, 3, 3]);
  // Two batch dims: a batch mismatch in either one is refused (numMasked 1 leaves n = 2 units).
  const cases: [string, (v: tf.Tensor) => RealNVP | NICE, number[], RegExp][] = [
    ['NICE: one shift too many', (v) => new NICE({ numMasked: 1, conditioner: () => tf.zeros([...v.shape.slice(0, -1), 3]) }), [], /^NICE: conditioner output must be a tensor of shape \[2,3,2\] \(one shift per unit\), received a tensor of shape \[2, 3, 3\]$/],
    ['NICE: second batch dim off', (v) => new NICE({ numMasked: 1, conditioner: () => tf.zeros([2, 4, 2]) }), [], /^NICE: conditioner output must be a tensor of shape \[2,3,2\]/],
    ['NICE: first batch dim off', (v) => new NICE({ numMasked: 1, conditioner: () => tf.zeros([1, 3, 2]) }), [], /^NICE: conditioner output must be a tensor of shape \[2,3,2\]/],
    ['NICE: [.., n, 2]', (v) => new NICE({ numMasked: 1, conditioner: () => tf.zeros([2, 3, 2, 2]) }), [], /^NICE: conditioner output must be a tensor of shape \[2,3,2\]/],
    ['RealNVP: [.., n, 3]', (v) => new RealNVP({ numMasked: 1, conditioner: () => tf.zeros([2, 3, 2, 3]) }), [], /^RealNVP: conditioner output must be a tensor of shape \[2,3,2,2\] or \[2,3,4\], received a tensor of shape \[2, 3, 2, 3\]$/],
    ['RealNVP: [.., n + 1, 2]', (v) => new RealNVP({ numMasked: 1, conditioner: () => tf.zeros([2, 3, 3, 2]) }), [], /^RealNVP: conditioner output must be a tensor of shape \[2,3,2,2\] or \[2,3,4\]/],
    ['RealNVP: [.., 2n + 1]', (v) => new RealNVP({ numMasked: 1, conditioner: () => tf.zeros([2, 3, 5]) }), [], /^RealNVP: conditioner output must be a tensor of shape \[2,3,2,2\] or \[2,3,4\]/],
    ['RealNVP: second batch dim off', (v) => new RealNVP({ numMasked: 1, conditioner: () => tf.zeros([2, 1, 4]) }), [], /^RealNVP: conditioner output must be a tensor of shape \[2,3,2,2\] or \[2,3,4\]/],
    ['RealNVP: first batch dim off', (v) => new RealNVP({ numMasked: 1, conditioner: () => tf.zeros([1, 3, 2, 2]) }), [], /^RealNVP: conditioner output must be a tensor of shape \[2,3,2,2\] or \[2,3,4\]/],
  ];
  for (const [label, make, , message] of cases) {
    it(label, () => {
      const v = x();
      const b = make(v);
      argumentErrorOf(() => b.forward(v), { argument: 'conditioner output', message });
      argumentErrorOf(() => b.inverse(v), { argument: 'conditioner output', message });
      b.dispose();
      v.dispose();
    });
  }

  it('NICE accepts shifts as [.., n] or [.., n, 1], with the same result', async () => {
    const v = tf.randomNormal([2, 3, 3], 0, 1, 'float32', 3);
    const shifts = (x1: tf.Tensor): tf.Tensor => tf.concat([x1, tf.mul(x1, -2)], -1);
    const flat = new NICE({ numMasked: 1, conditioner: shifts });
    const column = new NICE({ numMasked: 1, conditioner: (x1) => tf.expandDims(shifts(x1), -1) });
    const [a, b] = [flat.forward(v), column.forward(v)];
    const data = await v.data();
    const expected = Array.from(data, (value, i) => (i % 3 === 0 ? value : value + (i % 3 === 1 ? 1 : -2) * data[i - (i % 3)]!));
    expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
    const got = await a.data();
    expected.forEach((e, i) => expect(got[i]).toBeCloseTo(e, 5));
    tf.dispose([v, a, b]);
  });
});

describe('conditioner variables', () => {
  it('a function conditioner contributes no variables', () => {
    const layer = new RealNVP({ numMasked: 1, conditioner: identity });
    expect(layer.trainableVariables).toEqual([]);
    layer.dispose();
  });
});

describe('SplineCoupling settings reach its transformer', () => {
  it('an out-of-range setting is refused in the layer', () => {
    argumentErrorOf(() => new SplineCoupling({ numMasked: 1, numBins: 4, minBinWidth: 0.3, conditioner: identity }), {
      argument: 'minBinWidth',
      message: /minBinWidth must be in \(0, 1\/numBins = 0\.25\), received 0\.3$/,
    });
  });
});

describe('every method checks its input and names it', () => {
  it('x in the sampling direction, y in the density direction', () => {
    const b = new Exp();
    const methods = ['forward', 'forwardAndLogDet', 'forwardLogDetJacobian', 'inverse', 'inverseAndLogDet', 'inverseLogDetJacobian'] as const;
    for (const method of methods) {
      const argument = method.startsWith('forward') ? 'x' : 'y';
      argumentErrorOf(() => (b[method] as (t: unknown) => unknown)('a'), { argument, message: new RegExp(`^Exp: ${argument} must be a tf\\.Tensor, received "a"$`) });
    }
    const scalar = tf.scalar(1);
    argumentErrorOf(() => new RealNVP({ numMasked: 1, conditioner }).forward(scalar), {
      argument: 'x',
      message: /^RealNVP: x must be a tensor of rank >= 1 \(batch dims \+ event dims\), received a tensor of shape \[\]$/,
    });
    scalar.dispose();
  });
});

describe('coupling layers with the default split', () => {
  it('need an event of at least 2 units and accept 2', async () => {
    const layer = new RealNVP({ conditioner });
    const one = tf.zeros([3, 1]);
    argumentErrorOf(() => layer.forward(one), { argument: 'x', message: /^RealNVP: x must be a tensor whose last dimension exceeds numMasked = floor\(D \/ 2\), received a tensor of shape \[3, 1\]$/ });
    const two = tf.tensor2d([[1, 2]]);
    // x1 = 1 passes; x2 = 2 becomes 2 exp(s) + 1 with s = c tanh(1 / c), the soft-clamped 1.
    const s = DEFAULT_LOG_SCALE_CLAMP * Math.tanh(1 / DEFAULT_LOG_SCALE_CLAMP);
    const y = layer.forward(two);
    await expectAllClose(y, [[1, 2 * Math.exp(s) + 1]], { rtol: 1e-6 });
    tf.dispose([one, two, y]);
  });
});

describe('Chain', () => {
  it('an empty chain returns new tensors, never its input', async () => {
    const chain = new Chain([]);
    const x = tf.tensor2d([[1, 2]]);
    const outputs = [chain.forward(x), chain.inverse(x), chain.forwardAndLogDet(x)[0], chain.inverseAndLogDet(x)[0]];
    for (const y of outputs) {
      expect(y).not.toBe(x);
      y.dispose();
    }
    expect(Array.from(await x.data())).toEqual([1, 2]);
    x.dispose();
  });
});

describe('conditioner objects', () => {
  function network() {
    const w = tf.variable(tf.ones([1, 2]));
    let disposed = 0;
    const contexts: unknown[] = [];
    return {
      w,
      contexts,
      disposed: () => disposed,
      call(x1: tf.Tensor, kwargs?: { context?: tf.Tensor }) {
        contexts.push(kwargs?.context);
        return tf.matMul(x1, w);
      },
      trainableVariables: [w],
      dispose() {
        disposed++;
        w.dispose();
      },
    };
  }

  it('their variables are the layer\'s, and the layer disposes them unless told not to', () => {
    const owned = network();
    const layer = new RealNVP({ numMasked: 1, conditioner: owned });
    expect(layer.trainableVariables).toEqual([owned.w]);
    layer.dispose();
    expect(owned.disposed()).toBe(1);

    // An object without dispose() is fine too.
    const bare = network();
    new RealNVP({ numMasked: 1, conditioner: { call: bare.call } }).dispose();
    expect(bare.disposed()).toBe(0);
    bare.dispose();

    const shared = network();
    const borrowing = new RealNVP({ numMasked: 1, conditioner: shared, disposeConditioner: false });
    borrowing.dispose();
    expect(shared.disposed()).toBe(0);
    shared.dispose();
  });

  it('a context reaches call() as {context}', () => {
    const net = network();
    const layer = new RealNVP({ numMasked: 1, conditioner: { call: (x1: tf.Tensor, kw?: { context?: tf.Tensor }) => net.call(tf.add(x1, tf.sum(kw!.context!, -1, true)), kw) }, contextSize: 3 });
    const x = tf.zeros([4, 2]);
    const c = tf.ones([4, 3]);
    tf.dispose(layer.forward(x, { context: c }));
    expect(net.contexts).toEqual([c]);
    tf.dispose([x, c]);
    net.dispose();
  });

  it('objects without call() and null are refused', () => {
    for (const bad of [{}, null, { call: 3 }]) {
      argumentErrorOf(() => new RealNVP({ numMasked: 1, conditioner: bad as never }), { argument: 'conditioner', message: /^RealNVP: conditioner must be a function \(x1, context\?\) => Tensor or an object with call\(x1, \{context\}\), received / });
    }
  });
});

describe('BatchNormalization', () => {
  it('a training batch of MIN_BATCH_ROWS rows already uses its own statistics', async () => {
    expect(BatchNormalization.MIN_BATCH_ROWS).toBe(2);
    const bn = new BatchNormalization({ eventSize: 1, epsilon: 1e-12 });
    const y = tf.tensor2d([[1], [3]]);
    const x = bn.inverse(y);
    // Batch mean 2, variance 1: (y - 2) / 1.
    await expectAllClose(x, [[-1], [1]], { atol: 1e-5 });
    tf.dispose([y, x]);
    expect(bn.trainableVariables.map((v) => v.name.replace(/_\d+$/, ''))).toEqual(['bn_gamma', 'bn_beta']);
    expect(bn.nonTrainableVariables.map((v) => v.name.replace(/_\d+$/, ''))).toEqual(['bn_moving_mean', 'bn_moving_variance']);
    bn.dispose();
  });
});

describe('names', () => {
  it('each class names itself, Invert after what it inverts, and a name option wins', () => {
    const made = [new Identity(), new Exp(), new LeakyReLU(), new Invert(new Exp()), new Invert(new Exp(), { name: 'Log' }), new NICE({ numMasked: 1, conditioner: (x) => x }), new Reverse({ name: 'flip' }), new Softplus(), new Tanh(), new Sigmoid()];
    expect(made.map((b) => b.name)).toEqual(['Identity', 'Exp', 'LeakyReLU', 'Invert(Exp)', 'Log', 'NICE', 'flip', 'Softplus', 'Tanh', 'Sigmoid']);
    for (const b of made) b.dispose();
  });
});

describe('parameters given as tensors', () => {
  it('are borrowed: disposing the bijector leaves them alive', async () => {
    const shift = tf.tensor1d([1, 2]);
    const b = new Shift({ shift });
    b.dispose();
    expect(shift.isDisposed).toBe(false);
    expect(Array.from(await shift.data())).toEqual([1, 2]);
    shift.dispose();
  });

  it('broadcast from the right: a [1, 3] scale over a [4, 3] input', async () => {
    const b = new Scale({ scale: [[1, 2, 3]] });
    const x = tf.ones([4, 3]);
    const y = b.forward(x);
    await expectAllClose(y, Array.from({ length: 4 }, () => [1, 2, 3]), { atol: 0 });
    tf.dispose([x, y]);
    b.dispose();
  });
});

describe('Permute', () => {
  it('keeps a copy of its permutation and handles an empty batch', async () => {
    const order = [2, 0, 1];
    const p = new Permute({ permutation: order });
    order[0] = 1;
    expect(p.permutation).toEqual([2, 0, 1]);
    const x = tf.tensor2d([[10, 20, 30]]);
    const y = p.forward(x);
    await expectAllClose(y, [[30, 10, 20]], { atol: 0 });
    const back = p.inverse(y);
    await expectAllClose(back, [[10, 20, 30]], { atol: 0 });
    const empty = tf.zeros([0, 3]);
    const e = p.forward(empty);
    expect(e.shape).toEqual([0, 3]);
    tf.dispose([x, y, back, empty, e]);
  });
});

describe('trainable parameters', () => {
  it('Scale with trainable: true owns a variable copy; false and undefined keep the value', async () => {
    const value = tf.tensor1d([2, 3]);
    const trained = new Scale({ scale: value, trainable: true });
    expect(trained.trainableVariables.length).toBe(1);
    expect(trained.trainableVariables[0]).not.toBe(value);
    expect(Array.from(await trained.trainableVariables[0]!.data())).toEqual([2, 3]);
    for (const trainable of [false, undefined]) {
      const fixed = new Scale({ scale: value, trainable });
      expect(fixed.trainableVariables).toEqual([]);
      fixed.dispose();
    }
    trained.dispose();
    expect(value.isDisposed).toBe(false);
    value.dispose();
  });

  it('ScaleMatvecLU: one seed, one matrix; named variables', async () => {
    const [a, b] = [new ScaleMatvecLU({ eventSize: 3, seed: 5 }), new ScaleMatvecLU({ eventSize: 3, seed: 5 })];
    const [wa, wb] = [a.matrix(), b.matrix()];
    expect(Array.from(await wa.data())).toEqual(Array.from(await wb.data()));
    expect(a.seed).toBe(5);
    expect(a.trainableVariables.map((v) => v.name.replace(/_\d+$/, ''))).toEqual(['lu_lower', 'lu_upper', 'lu_log_abs_scale']);
    tf.dispose([wa, wb]);
    a.dispose();
    b.dispose();
  });
});

describe('isTransformer', () => {
  it('needs forward, inverse, toJSON and an integer paramsPerUnit', () => {
    const t = affine();
    expect(isTransformer(t)).toBe(true);
    const without = (key: string) => Object.fromEntries(Object.entries({ ...t, forward: t.forward, inverse: t.inverse, toJSON: t.toJSON }).filter(([k]) => k !== key));
    for (const key of ['forward', 'inverse', 'toJSON', 'paramsPerUnit']) expect(isTransformer(without(key)), key).toBe(false);
    expect(isTransformer({ ...t, paramsPerUnit: 1.5 })).toBe(false);
    expect(isTransformer(null)).toBe(false);
    expect(isTransformer(() => t)).toBe(false);
  });
});

describe('transformers called directly check their parameters', () => {
  const cases: [string, () => { forward(v: tf.Tensor, p: tf.Tensor, owner: string): unknown }, number[][], number[], RegExp][] = [
    ['additive: a unit too many', additive, [[2, 4, 1]], [2, 3], /^layer: conditioner output must be a tensor of shape \[2,3\] \(one shift per unit\), received a tensor of shape \[2, 4, 1\]$/],
    ['additive: an axis too many', additive, [[2, 5, 3, 1]], [2, 3], /^layer: conditioner output must be a tensor of shape \[2,3\]/],
    ['additive: another batch', additive, [[5, 3, 1]], [2, 3], /^layer: conditioner output must be a tensor of shape \[2,3\]/],
    ['affine: pairs for the wrong batch rank', affine, [[3, 2]], [3, 3], /^layer: conditioner output must be a tensor of shape \[3,3,2\] or \[3,6\], received a tensor of shape \[3, 2\]$/],
    ['affine: halves for the wrong batch rank', affine, [[2, 5, 6]], [2, 3], /^layer: conditioner output must be a tensor of shape \[2,3,2\] or \[2,6\]/],
    ['rationalQuadratic: a missing last axis', () => rationalQuadratic({ numBins: 2 }), [[2, 3]], [2, 3], /^layer: conditioner output must be a tensor of shape \[2,3,5\]/],
  ];
  for (const [label, make, [pshape], vshape, message] of cases) {
    it(label, () => {
      const x = tf.zeros(vshape);
      const params = tf.zeros(pshape!);
      argumentErrorOf(() => make().forward(x, params, 'layer'), { argument: 'conditioner output', message });
      tf.dispose([x, params]);
    });
  }
  it('affine(null) is affine() with the default clamp', () => {
    expect(affine(null as never).toJSON()).toEqual(affine().toJSON());
  });
});

describe('variables given as parameters', () => {
  it('a trainable tf.Variable is reported as trainable, a non-trainable one is not; running statistics are not trainable', () => {
    const trainable = tf.variable(tf.tensor1d([1, 2]));
    const frozen = tf.variable(tf.tensor1d([1, 2]), false);
    const a = new Shift({ shift: trainable });
    const b = new Shift({ shift: frozen });
    expect(a.trainableVariables).toEqual([trainable]);
    expect(b.trainableVariables).toEqual([]);
    const bn = new BatchNormalization({ eventSize: 2 });
    expect(bn.nonTrainableVariables.map((s) => s.trainable)).toEqual([false, false]);
    expect(bn.trainableVariables.map((s) => s.trainable)).toEqual([true, true]);
    bn.dispose();
    tf.dispose([trainable, frozen]);
  });
});

describeEachBackend('Scale.scale and RealNVP logScaleClamp', () => {
  it('the scale getter gives exp(logScale) or the scale itself', async () => {
    const a = new Scale({ logScale: [0, Math.log(2)] });
    const b = new Scale({ scale: [3, -1] });
    const [sa, sb] = [a.scale, b.scale];
    await expectAllClose(sa, [1, 2], { rtol: 1e-6 });
    await expectAllClose(sb, [3, -1], { atol: 0 });
    tf.dispose([sa, sb]);
    a.dispose();
    b.dispose();
  });

  it('RealNVP passes its logScaleClamp to the affine transformer', async () => {
    // Raw log-scale 1e4: clamped to +-c per unit, c = 1 here.
    const layer = new RealNVP({ numMasked: 1, logScaleClamp: 1, conditioner: (x1) => tf.concat([tf.zerosLike(x1), tf.mul(x1, 1e4)], -1) });
    const x = tf.tensor2d([[1, 1], [-1, 1]]);
    const ld = layer.forwardLogDetJacobian(x);
    await expectAllClose(ld, [1, -1], { rtol: 1e-5 });
    tf.dispose([x, ld]);
  });
});
