// One table over every parametric family: each parameter refused when NaN or missing, each
// domain check refused just outside its domain and passed on its edge, validateArgs: false
// skipping the value checks, misspelled options answered with the closest name and the full
// list. Every refusal is an ArgumentError naming the argument, with its exact message, and
// leaves no tensor behind (argumentErrorOf checks all three).
import * as tf from '@tensorflow/tfjs-core';
import { argumentErrorOf, expectNoLeaks } from '@densityjs/testing';
import { describe, expect, it } from 'vitest';
import { Bernoulli } from './bernoulli.js';
import { Beta } from './beta.js';
import { Binomial } from './binomial.js';
import { Categorical } from './categorical.js';
import { Cauchy } from './cauchy.js';
import { Chi2 } from './chi2.js';
import { Dirichlet } from './dirichlet.js';
import { Exponential } from './exponential.js';
import { Gamma } from './gamma.js';
import { HalfNormal } from './half-normal.js';
import { Independent } from './independent.js';
import { Laplace } from './laplace.js';
import { Logistic } from './logistic.js';
import { LogNormal } from './log-normal.js';
import { Mixture } from './mixture.js';
import { MixtureSameFamily } from './mixture-same-family.js';
import { Multinomial } from './multinomial.js';
import { MultivariateNormalDiag } from './multivariate-normal-diag.js';
import { MultivariateNormalFullCovariance } from './multivariate-normal-full-covariance.js';
import { MultivariateNormalTriL } from './multivariate-normal-tril.js';
import { Normal } from './normal.js';
import { Poisson } from './poisson.js';
import { StudentT } from './student-t.js';
import { TransformedDistribution } from './transformed-distribution.js';
import { TruncatedNormal } from './truncated-normal.js';
import { Uniform } from './uniform.js';
import { VonMises } from './von-mises.js';

type Options = Record<string, unknown>;

interface Family {
  name: string;
  make: (options: Options) => { dispose(): void };
  /** A valid options object (validateArgs aside). */
  valid: Options;
  /** Every option the constructor takes, in the order its "valid options" list names them. */
  keys: string[];
  /**
   * [argument, value replacing the valid one, expected text, received text (default: the
   * float32 number), argument the error names (default: argument)]: each refused.
   */
  refused: [string, unknown, string, string?, string?][];
  /** [argument, value on the domain's edge]: each accepted. */
  accepted?: [string, unknown][];
  /** Two parameters of which exactly one must be given (`valid` holds the first). */
  alternatives?: [string, unknown];
}

const locScale = (name: string, make: (o: Options) => { dispose(): void }): Family => ({
  name,
  make,
  valid: { loc: 0.5, scale: 2 },
  keys: ['loc', 'scale'],
  refused: [
    ['loc', Infinity, 'finite'],
    ['scale', Infinity, 'finite'],
    ['scale', 0, '> 0'],
  ],
  accepted: [['scale', 1e-30]],
});

const families: Family[] = [
  locScale('Normal', (o) => new Normal(o as never)),
  locScale('Laplace', (o) => new Laplace(o as never)),
  locScale('Logistic', (o) => new Logistic(o as never)),
  locScale('Cauchy', (o) => new Cauchy(o as never)),
  locScale('LogNormal', (o) => new LogNormal(o as never)),
  {
    name: 'Uniform',
    make: (o) => new Uniform(o as never),
    valid: { low: -1, high: 2 },
    keys: ['low', 'high'],
    refused: [
      ['low', -Infinity, 'finite'],
      ['high', Infinity, 'finite'],
      ['high', -1, '> 0 (low < high elementwise)', '0', 'high - low'],
    ],
    accepted: [['high', -0.999]],
  },
  {
    name: 'Exponential',
    make: (o) => new Exponential(o as never),
    valid: { rate: 1.5 },
    keys: ['rate'],
    refused: [
      ['rate', Infinity, 'finite'],
      ['rate', 0, '> 0'],
    ],
    accepted: [['rate', 1e-30]],
  },
  {
    name: 'Gamma',
    make: (o) => new Gamma(o as never),
    valid: { concentration: 2, rate: 0.5 },
    keys: ['concentration', 'rate'],
    refused: [
      ['concentration', Infinity, 'finite'],
      ['concentration', 0, '> 0'],
      ['rate', Infinity, 'finite'],
      ['rate', 0, '> 0'],
    ],
  },
  {
    name: 'Beta',
    make: (o) => new Beta(o as never),
    valid: { concentration1: 2, concentration0: 3 },
    keys: ['concentration1', 'concentration0'],
    refused: [
      ['concentration1', Infinity, 'finite'],
      ['concentration1', 0, '> 0'],
      ['concentration0', Infinity, 'finite'],
      ['concentration0', 0, '> 0'],
    ],
  },
  {
    name: 'Chi2',
    make: (o) => new Chi2(o as never),
    valid: { df: 3 },
    keys: ['df'],
    refused: [
      ['df', Infinity, 'finite'],
      ['df', 0, '> 0'],
    ],
  },
  {
    name: 'StudentT',
    make: (o) => new StudentT(o as never),
    valid: { df: 3, loc: 1, scale: 2 },
    keys: ['df', 'loc', 'scale'],
    refused: [
      ['df', Infinity, 'finite'],
      ['df', 0, '> 0'],
      ['loc', Infinity, 'finite'],
      ['scale', Infinity, 'finite'],
      ['scale', 0, '> 0'],
    ],
  },
  {
    name: 'HalfNormal',
    make: (o) => new HalfNormal(o as never),
    valid: { scale: 2 },
    keys: ['scale'],
    refused: [
      ['scale', Infinity, 'finite'],
      ['scale', 0, '> 0'],
    ],
  },
  {
    name: 'TruncatedNormal',
    make: (o) => new TruncatedNormal(o as never),
    valid: { loc: 0, scale: 1, low: -1, high: 2 },
    keys: ['loc', 'scale', 'low', 'high'],
    refused: [
      ['loc', Infinity, 'finite'],
      ['scale', Infinity, 'finite'],
      ['scale', 0, '> 0'],
      ['low', Infinity, 'below +Infinity'],
      ['high', -Infinity, 'above -Infinity'],
      ['high', -1, '> low elementwise', '-1 where low is -1'],
    ],
    accepted: [
      ['low', -Infinity],
      ['high', Infinity],
      // Bounds of different shapes, broadcast for the check.
      ['high', [2, 3]],
    ],
  },
  {
    name: 'VonMises',
    make: (o) => new VonMises(o as never),
    valid: { loc: 1, concentration: 2 },
    keys: ['loc', 'concentration'],
    refused: [
      ['loc', Infinity, 'finite'],
      ['concentration', Infinity, 'finite'],
      ['concentration', -(2 ** -20), '>= 0'],
    ],
    accepted: [['concentration', 0]],
  },
  {
    name: 'Poisson',
    make: (o) => new Poisson(o as never),
    valid: { rate: 3 },
    keys: ['rate', 'logRate'],
    refused: [
      ['rate', Infinity, 'finite'],
      ['rate', 0, '> 0'],
    ],
    alternatives: ['logRate', 1],
  },
  {
    name: 'Bernoulli',
    make: (o) => new Bernoulli(o as never),
    valid: { probs: 0.3 },
    keys: ['logits', 'probs'],
    refused: [
      ['probs', -(2 ** -20), 'in [0, 1]'],
      ['probs', 1 + 2 ** -20, 'in [0, 1]'],
    ],
    accepted: [
      ['probs', 0],
      ['probs', 1],
    ],
    alternatives: ['logits', 0],
  },
  {
    name: 'Binomial',
    make: (o) => new Binomial(o as never),
    valid: { totalCount: 5, probs: 0.3 },
    keys: ['totalCount', 'logits', 'probs'],
    refused: [
      ['totalCount', -1, 'a non-negative integer'],
      ['totalCount', 2.5, 'a non-negative integer'],
      ['probs', -(2 ** -20), 'in [0, 1]'],
      ['probs', 1 + 2 ** -20, 'in [0, 1]'],
    ],
    accepted: [
      ['totalCount', 0],
      ['probs', 0],
      ['probs', 1],
    ],
    alternatives: ['logits', 0],
  },
  {
    name: 'Categorical',
    make: (o) => new Categorical(o as never),
    valid: { logits: [0, 1, -1] },
    keys: ['logits', 'probs'],
    refused: [['logits', [0, Infinity], 'finite or -Infinity', 'Infinity (at flat index 1)']],
    accepted: [
      ['logits', [0, -Infinity]],
    ],
    alternatives: ['probs', [0.5, 0.5]],
  },
  {
    name: 'Multinomial',
    make: (o) => new Multinomial(o as never),
    valid: { totalCount: 4, logits: [0, 1, -1] },
    keys: ['totalCount', 'logits', 'probs'],
    refused: [
      ['totalCount', -1, 'a non-negative integer'],
      ['totalCount', 0.5, 'a non-negative integer'],
      ['logits', [0, Infinity], 'below +Infinity', 'Infinity (at flat index 1)'],
    ],
    accepted: [
      ['totalCount', 0],
      ['logits', [0, -Infinity]],
      // One category: every draw puts all trials there.
      ['logits', [0]],
    ],
    alternatives: ['probs', [0.5, 0.5]],
  },
  {
    name: 'Dirichlet',
    make: (o) => new Dirichlet(o as never),
    valid: { concentration: [1, 2, 3] },
    keys: ['concentration'],
    refused: [
      ['concentration', [1, Infinity], 'finite', 'Infinity (at flat index 1)'],
      ['concentration', [1, 0], '> 0', '0 (at flat index 1)'],
    ],
    accepted: [['concentration', [2]]],
  },
  {
    name: 'MultivariateNormalDiag',
    make: (o) => new MultivariateNormalDiag(o as never),
    valid: { loc: [0, 1], scaleDiag: [1, 2] },
    keys: ['loc', 'scaleDiag'],
    refused: [
      ['loc', [0, Infinity], 'finite', 'Infinity (at flat index 1)'],
      ['scaleDiag', [1, Infinity], 'finite', 'Infinity (at flat index 1)'],
      ['scaleDiag', [1, 0], '> 0', '0 (at flat index 1)'],
    ],
  },
  {
    name: 'MultivariateNormalTriL',
    make: (o) => new MultivariateNormalTriL(o as never),
    valid: { loc: [0, 1], scaleTril: [[1, 0], [0.5, 2]] },
    keys: ['loc', 'scaleTril'],
    refused: [
      ['loc', [0, Infinity], 'finite', 'Infinity (at flat index 1)'],
      ['scaleTril', [[1, 0], [Infinity, 2]], 'finite', 'Infinity (at flat index 2)'],
      ['scaleTril', [[1, 0.5], [0.5, 2]], 'lower triangular (zeros above the diagonal)', '0.5 at [0, 1] of matrix 0'],
      ['scaleTril', [[1, 0], [0.5, 0]], 'a positive diagonal', '0 at [1, 1] of matrix 0'],
    ],
  },
  {
    name: 'MultivariateNormalFullCovariance',
    make: (o) => new MultivariateNormalFullCovariance(o as never),
    valid: { loc: [0, 1], covarianceMatrix: [[2, 0.5], [0.5, 1]] },
    keys: ['loc', 'covarianceMatrix'],
    refused: [
      ['loc', [0, Infinity], 'finite', 'Infinity (at flat index 1)'],
      ['covarianceMatrix', [[2, 0.5], [0.5, Infinity]], 'finite', 'Infinity (at flat index 3)'],
      ['covarianceMatrix', [[2, 0.5], [0.375, 1]], 'symmetric', '0.375 at [1, 0] but 0.5 at [0, 1] of matrix 0'],
    ],
    // Symmetric to float32 rounding (a relative 1e-6).
    accepted: [['covarianceMatrix', [[2, 0.5], [0.5000002, 1]]]],
  },
];

/** `value` with every number replaced by NaN (same shape). */
const allNaN = (value: unknown): unknown => (Array.isArray(value) ? value.map(allNaN) : NaN);

/** The ArgumentError message for `argument` of `family`. */
const message = (family: string, argument: string, expected: string, received: string) =>
  `${family}: ${argument} must be ${expected}, received ${received}`;

/** Constructs, disposes and checks that nothing was left behind. */
async function constructs(f: Family, options: Options): Promise<void> {
  await expectNoLeaks(() => f.make(options).dispose(), { label: `${f.name}(${Object.keys(options).join(', ')})` });
}

for (const f of families) {
  describe(`${f.name} parameter checks`, () => {
    it('accepts its valid options and the edges of its parameter domains', async () => {
      await constructs(f, f.valid);
      for (const [argument, value] of f.accepted ?? []) await constructs(f, { ...f.valid, [argument]: value });
    });

    it('refuses each parameter when NaN or missing, naming it', () => {
      for (const argument of Object.keys(f.valid)) {
        const value = f.valid[argument];
        argumentErrorOf(() => f.make({ ...f.valid, [argument]: allNaN(value) }), {
          argument,
          message: `${f.name}: ${argument} must be a number (not NaN), received NaN${Array.isArray(value) ? ' (at flat index 0)' : ''}`,
        });
        if (f.alternatives && argument === Object.keys(f.valid).at(-1)) continue;
        const rest = { ...f.valid };
        delete rest[argument];
        argumentErrorOf(() => f.make(rest), {
          argument,
          message: `${f.name}: ${argument} must be a number, an array or a Tensor, received undefined`,
        });
        argumentErrorOf(() => f.make({ ...f.valid, [argument]: null }), {
          argument,
          message: `${f.name}: ${argument} must be a number, an array or a Tensor, received null`,
        });
      }
    });

    it('refuses each value outside its domain, with the expected domain and the value received', () => {
      for (const [argument, value, expected, received = String(Math.fround(value as number)), reported = argument] of f.refused) {
        argumentErrorOf(() => f.make({ ...f.valid, [argument]: value }), { argument: reported, message: message(f.name, reported, expected, received) });
      }
    });

    it('skips the value checks with validateArgs: false', async () => {
      for (const [argument, value] of f.refused) await constructs(f, { ...f.valid, [argument]: value, validateArgs: false });
      for (const [argument, value] of Object.entries(f.valid)) await constructs(f, { ...f.valid, [argument]: allNaN(value), validateArgs: false });
    });

    it('answers a misspelled option with the closest name and every valid one', () => {
      const key = f.keys[0]!;
      argumentErrorOf(() => f.make({ ...f.valid, [`${key}s`]: 1 }), {
        argument: `${key}s`,
        message: `${f.name}: unknown option "${key}s" in options (did you mean "${key}"?); valid options: ${[...f.keys, 'validateArgs'].join(', ')}`,
      });
      argumentErrorOf(() => f.make({ ...f.valid, validateArgs: 'yes' }), {
        argument: 'validateArgs',
        message: `${f.name}: validateArgs must be a boolean, received "yes"`,
      });
    });

    if (f.alternatives) {
      const [other, value] = f.alternatives;
      const first = Object.keys(f.valid).find((k) => f.keys.includes(k) && !['totalCount'].includes(k))!;
      it(`takes exactly one of ${first} and ${other}`, async () => {
        await constructs(f, { ...f.valid, [first]: undefined, [other]: value });
        argumentErrorOf(() => f.make({ ...f.valid, [first]: undefined, [other]: allNaN(value) }), {
          argument: other,
          message: `${f.name}: ${other} must be a number (not NaN), received NaN${Array.isArray(value) ? ' (at flat index 0)' : ''}`,
        });
        const pair = f.keys.indexOf(first) < f.keys.indexOf(other) ? `${first}/${other}` : `${other}/${first}`;
        const sentence = `exactly one of ${pair.replace('/', ' or ')}`;
        argumentErrorOf(() => f.make({ ...f.valid, [other]: value }), { argument: pair, message: message(f.name, pair, sentence, '"both"') });
        argumentErrorOf(() => f.make({ ...f.valid, [first]: undefined }), { argument: pair, message: message(f.name, pair, sentence, '"neither"') });
      });
    }
  });
}

describe('parameter checks table', () => {
  it('lists every family the package exports with parameters of its own', async () => {
    const exported = await import('./index.js');
    const composite = ['BaseDistribution', 'LocScaleDistribution', 'Independent', 'MixtureSameFamily', 'Mixture', 'TransformedDistribution'];
    const classes = Object.entries(exported)
      .filter(([name, value]) => typeof value === 'function' && /^[A-Z]/.test(name) && !composite.includes(name))
      .map(([name]) => name)
      .sort();
    expect(families.map((f) => f.name).sort()).toEqual(classes);
  });
});

describe('composite distributions refuse malformed parts', () => {
  // The parts are made before each refused call, so its leak check sees only what it made.
  const makeParts = () => ({
    normal: new Normal({ loc: 0, scale: 1 }),
    pair: new Normal({ loc: [0, 1], scale: 1 }),
    triple: new Normal({ loc: [0, 1, 2], scale: 1 }),
    mvn: new MultivariateNormalDiag({ loc: [0, 1], scaleDiag: [1, 1] }),
    cat: new Categorical({ logits: [0, 1] }),
    batchedCat: new Categorical({ logits: [[0, 1], [1, 0]] }),
    grid: new Normal({ loc: [[0, 1, 2], [3, 4, 5]], scale: 1 }),
  });
  type Parts = ReturnType<typeof makeParts>;
  const cases: [string, (p: Parts) => unknown, string, string][] = [
    ['Mixture without a Categorical', (p) => new Mixture({ cat: p.normal as never, components: [p.normal, p.normal] }), 'cat', 'Mixture: cat must be a Categorical, received a Normal'],
    ['Mixture without components', (p) => new Mixture({ cat: p.cat, components: [] }), 'components', 'Mixture: components must be a non-empty array of distributions, received []'],
    ['Mixture with too few components', (p) => new Mixture({ cat: p.cat, components: [p.normal] }), 'components', 'Mixture: components must be 2 distributions (one per category of cat), received 1 distributions'],
    ['Mixture with a non-distribution', (p) => new Mixture({ cat: p.cat, components: [p.normal, 3 as never] }), 'components[1]', 'Mixture: components[1] must be a distribution, received 3'],
    ['Mixture with a null component', (p) => new Mixture({ cat: p.cat, components: [null as never, p.normal] }), 'components[0]', 'Mixture: components[0] must be a distribution, received null'],
    ['Mixture with an object for a component', (p) => new Mixture({ cat: p.cat, components: [p.normal, { sample: 1 } as never] }), 'components[1]', 'Mixture: components[1] must be a distribution, received an object with keys {sample}'],
    ['Multinomial without categories', () => new Multinomial({ totalCount: 3, logits: [] }), 'logits', 'Multinomial: logits must be a tensor of rank >= 1 (batch + [K]) with K >= 1, received a float32 tensor of shape [0]'],
    ['Multinomial with scalar probs', () => new Multinomial({ totalCount: 3, probs: 1 }), 'probs', 'Multinomial: probs must be a tensor of rank >= 1 (batch + [K]) with K >= 1, received a float32 tensor of shape []'],
    ['MultivariateNormalTriL with a scalar loc', () => new MultivariateNormalTriL({ loc: 0, scaleTril: [[1]] }), 'loc', 'MultivariateNormalTriL: loc must be a tensor of rank >= 1 (batch + [d]), received a float32 tensor of shape []'],
    [
      'MultivariateNormalTriL with a non-square scale',
      () => new MultivariateNormalTriL({ loc: [0, 0, 0], scaleTril: [[1, 0, 0], [0, 1, 0]] }),
      'scaleTril',
      'MultivariateNormalTriL: scaleTril must be a tensor of shape batch + [d, d] (square in its last two dims), received a float32 tensor of shape [2, 3]',
    ],
    [
      'MultivariateNormalTriL with a vector for a scale',
      () => new MultivariateNormalTriL({ loc: [0], scaleTril: [1] }),
      'scaleTril',
      'MultivariateNormalTriL: scaleTril must be a tensor of shape batch + [d, d] (square in its last two dims), received a float32 tensor of shape [1]',
    ],
    [
      'MultivariateNormalTriL with a loc of another size',
      () => new MultivariateNormalTriL({ loc: [0, 1, 2], scaleTril: [[1, 0], [0, 1]] }),
      'loc',
      'MultivariateNormalTriL: loc must be a tensor of shape batch + [2] to match scaleTril, received a float32 tensor of shape [3]',
    ],
    [
      'MultivariateNormalTriL with a zero on the diagonal of its second matrix',
      () => new MultivariateNormalTriL({ loc: [0, 1], scaleTril: [[[1, 0], [0, 1]], [[1, 0], [3, 0]]] }),
      'scaleTril',
      'MultivariateNormalTriL: scaleTril must be a positive diagonal, received 0 at [1, 1] of matrix 1',
    ],
    [
      'MultivariateNormalFullCovariance with a scalar loc',
      () => new MultivariateNormalFullCovariance({ loc: 0, covarianceMatrix: [[1]] }),
      'loc',
      'MultivariateNormalFullCovariance: loc must be a tensor of rank >= 1 (batch + [d]), received a float32 tensor of shape []',
    ],
    [
      'MultivariateNormalFullCovariance with a non-square covariance',
      () => new MultivariateNormalFullCovariance({ loc: [0, 0], covarianceMatrix: [[1, 0], [0, 1], [0, 0]] }),
      'covarianceMatrix',
      'MultivariateNormalFullCovariance: covarianceMatrix must be a tensor of shape batch + [d, d] (square in its last two dims), received a float32 tensor of shape [3, 2]',
    ],
    [
      'MultivariateNormalFullCovariance with a loc of another size',
      () => new MultivariateNormalFullCovariance({ loc: [0], covarianceMatrix: [[1, 0], [0, 1]] }),
      'loc',
      'MultivariateNormalFullCovariance: loc must be a tensor of shape batch + [2] to match covarianceMatrix, received a float32 tensor of shape [1]',
    ],
    [
      'MultivariateNormalFullCovariance with an asymmetric second matrix',
      () => new MultivariateNormalFullCovariance({ loc: [0, 1, 2], covarianceMatrix: [[[1, 0, 0], [0, 1, 0], [0, 0, 1]], [[4, 0, 0], [0, 2, 0.5], [0, 0.5000011, 3]]] }),
      'covarianceMatrix',
      'MultivariateNormalFullCovariance: covarianceMatrix must be symmetric, received 0.500001072883606 at [2, 1] but 0.5 at [1, 2] of matrix 1',
    ],
    [
      'MultivariateNormalFullCovariance with an indefinite covariance',
      () => new MultivariateNormalFullCovariance({ loc: [0, 1], covarianceMatrix: [[1, 2], [2, 1]] }),
      'covarianceMatrix',
      'MultivariateNormalFullCovariance: covarianceMatrix must be positive definite (its Cholesky factorization failed), received a float32 tensor of shape [2, 2]',
    ],
    [
      'Categorical with a negative probability in a row that sums to 1',
      () => new Categorical({ probs: [0.5, -0.125, 0.625] }),
      'probs',
      'Categorical: probs must be a simplex along the last axis (entries in [0, 1]), received -0.125 (at flat index 1)',
    ],
    [
      'Categorical with a second row off 1 by more than rounding',
      () => new Categorical({ probs: [[0.5, 0.5, 0], [0.5, 0.25, 0.2505]] }),
      'probs',
      'Categorical: probs must be a simplex along the last axis (entries summing to 1), received a row summing to 1.000499963760376 (row 1)',
    ],
    ['MultivariateNormalTriL with a scalar scale', () => new MultivariateNormalTriL({ loc: [0], scaleTril: 1 }), 'scaleTril', 'MultivariateNormalTriL: scaleTril must be a tensor of shape batch + [d, d] (square in its last two dims), received a float32 tensor of shape []'],
    [
      'MultivariateNormalFullCovariance with a scalar covariance',
      () => new MultivariateNormalFullCovariance({ loc: [0], covarianceMatrix: 1 }),
      'covarianceMatrix',
      'MultivariateNormalFullCovariance: covarianceMatrix must be a tensor of shape batch + [d, d] (square in its last two dims), received a float32 tensor of shape []',
    ],
    [
      'MultivariateNormalFullCovariance with a singular covariance',
      () => new MultivariateNormalFullCovariance({ loc: [0, 1], covarianceMatrix: [[1, 1], [1, 1]] }),
      'covarianceMatrix',
      'MultivariateNormalFullCovariance: covarianceMatrix must be positive definite (its Cholesky factorization failed), received a float32 tensor of shape [2, 2]',
    ],
    ['Dirichlet without categories', () => new Dirichlet({ concentration: [[], []] }), 'concentration', 'Dirichlet: concentration must be a tensor of rank >= 1 (batch + [K]) with K >= 1, received a float32 tensor of shape [2, 0]'],
    [
      'Mixture with a batched component',
      (p) => new Mixture({ cat: p.cat, components: [p.normal, p.pair] }),
      'components[1]',
      "Mixture: components[1] must be a distribution of batch shape [] (cat's), received batch shape [2]",
    ],
    [
      'Mixture with a vector component',
      (p) => new Mixture({ cat: p.cat, components: [p.normal, p.mvn] }),
      'components[1]',
      "Mixture: components[1] must be a distribution of event shape [] (components[0]'s), received event shape [2]",
    ],
    ['Mixture with a misspelled option', (p) => new Mixture({ cat: p.cat, component: [] } as never), 'component', 'Mixture: unknown option "component" in options (did you mean "components"?); valid options: cat, components, validateArgs'],
    [
      'MixtureSameFamily without a Categorical',
      (p) => new MixtureSameFamily({ mixtureDistribution: {} as never, componentsDistribution: p.normal }),
      'mixtureDistribution',
      'MixtureSameFamily: mixtureDistribution must be a Categorical, received an empty object',
    ],
    [
      'MixtureSameFamily without components',
      (p) => new MixtureSameFamily({ mixtureDistribution: p.cat, componentsDistribution: null as never }),
      'componentsDistribution',
      'MixtureSameFamily: componentsDistribution must be a Distribution, received null',
    ],
    [
      'MixtureSameFamily with one component too many',
      (p) => new MixtureSameFamily({ mixtureDistribution: p.cat, componentsDistribution: p.triple }),
      'componentsDistribution',
      "MixtureSameFamily: componentsDistribution must be batch shape [2] (mixtureDistribution's batch shape + [numComponents]), received batch shape [3]",
    ],
    [
      'MixtureSameFamily with scalar components',
      (p) => new MixtureSameFamily({ mixtureDistribution: p.cat, componentsDistribution: p.normal }),
      'componentsDistribution',
      "MixtureSameFamily: componentsDistribution must be batch shape [2] (mixtureDistribution's batch shape + [numComponents]), received batch shape []",
    ],
    [
      'MixtureSameFamily with components of another batch',
      (p) => new MixtureSameFamily({ mixtureDistribution: p.batchedCat, componentsDistribution: p.grid }),
      'componentsDistribution',
      "MixtureSameFamily: componentsDistribution must be batch shape [2, 2] (mixtureDistribution's batch shape + [numComponents]), received batch shape [2, 3]",
    ],
    ['Independent of nothing', (p) => new Independent({ distribution: undefined as never }), 'distribution', 'Independent: distribution must be a Distribution, received undefined'],
    ['Independent of a non-distribution', (p) => new Independent({ distribution: { batchShape: [] } as never }), 'distribution', 'Independent: distribution must be a Distribution, received an object with keys {batchShape}'],
    [
      'Independent with a misspelled option',
      (p) => new Independent({ distribution: p.pair, reinterpretedBatchNdim: 1 } as never),
      'reinterpretedBatchNdim',
      'Independent: unknown option "reinterpretedBatchNdim" in options (did you mean "reinterpretedBatchNdims"?); valid options: distribution, reinterpretedBatchNdims, validateArgs',
    ],
    [
      'MixtureSameFamily with a misspelled option',
      (p) => new MixtureSameFamily({ mixtureDistribution: p.cat, componentDistribution: p.pair } as never),
      'componentDistribution',
      'MixtureSameFamily: unknown option "componentDistribution" in options (did you mean "componentsDistribution"?); valid options: mixtureDistribution, componentsDistribution, validateArgs',
    ],
    [
      'Independent reinterpreting too many dims',
      (p) => new Independent({ distribution: p.pair, reinterpretedBatchNdims: 2 }),
      'reinterpretedBatchNdims',
      'Independent: reinterpretedBatchNdims must be an integer in [0, 1] (the base batch rank), received 2',
    ],
    [
      'Independent reinterpreting a fraction',
      (p) => new Independent({ distribution: p.pair, reinterpretedBatchNdims: 0.5 }),
      'reinterpretedBatchNdims',
      'Independent: reinterpretedBatchNdims must be an integer in [0, 1] (the base batch rank), received 0.5',
    ],
    [
      'TransformedDistribution with a misspelled option',
      (p) => new TransformedDistribution({ distribution: p.normal, bijectors: [] } as never),
      'bijectors',
      'TransformedDistribution: unknown option "bijectors" in options (did you mean "bijector"?); valid options: distribution, bijector, name, validateArgs',
    ],
    ['TransformedDistribution of nothing', (p) => new TransformedDistribution({ distribution: {} as never, bijector: {} as never }), 'distribution', 'TransformedDistribution: distribution must be a Distribution, received an empty object'],
    [
      'TransformedDistribution without a bijector',
      (p) => new TransformedDistribution({ distribution: p.normal, bijector: { eventNdims: 0 } as never }),
      'bijector',
      'TransformedDistribution: bijector must be a bijector (forwardAndLogDet, inverseAndLogDet, eventNdims), received an object with keys {eventNdims}',
    ],
  ];
  for (const [what, make, argument, message] of cases) {
    it(`${what}: an ArgumentError naming ${argument}`, () => {
      const parts = makeParts();
      argumentErrorOf(() => make(parts), { argument, message });
      for (const d of Object.values(parts)) d.dispose();
    });
  }

  it('MixtureSameFamily.entropyEstimate checks its options', () => {
    const p = makeParts();
    const d = new MixtureSameFamily({ mixtureDistribution: p.cat, componentsDistribution: p.pair });
    argumentErrorOf(() => d.entropyEstimate({ sample: 10 } as never), {
      argument: 'sample',
      message: 'MixtureSameFamily.entropyEstimate: unknown option "sample" in options (did you mean "samples"?); valid options: samples, seed',
    });
    argumentErrorOf(() => d.entropyEstimate({ samples: 0 }), { argument: 'samples', message: 'MixtureSameFamily: samples must be a positive integer, received 0' });
    argumentErrorOf(() => d.entropyEstimate({ samples: 10, seed: 1.5 }), { argument: 'seed' });
    // One draw is the smallest estimate: -log p(x) of that draw.
    const one = d.entropyEstimate({ samples: 1, seed: 4 });
    const draw = d.sampleAndLogProb(1, { seed: 4 });
    expect(Array.from(one.dataSync())).toEqual(Array.from(draw.logProb.dataSync()).map((v) => -v));
    tf.dispose([one, draw.sample, draw.logProb]);
    for (const part of Object.values(p)) part.dispose();
  });
});
