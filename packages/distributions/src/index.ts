export {
  BaseDistribution,
  type BaseOptions,
  type Distribution,
  type LogProbOptions,
  type ParamLike,
  type SampleOptions,
} from './distribution.js';
export type { BijectorCallOptions, BijectorLike } from '@densityjs/core';
export { LocScaleDistribution, type LocScaleOptions } from './loc-scale-distribution.js';
export { Normal, type NormalOptions } from './normal.js';
export { Uniform, type UniformOptions } from './uniform.js';
export { Categorical, type CategoricalOptions } from './categorical.js';
export { MultivariateNormalDiag, type MultivariateNormalDiagOptions } from './multivariate-normal-diag.js';
export { Independent, type IndependentOptions } from './independent.js';
export { MixtureSameFamily, type MixtureSameFamilyOptions } from './mixture-same-family.js';
export { TransformedDistribution, type TransformedDistributionOptions } from './transformed-distribution.js';
export { findKL, klDivergence, registerKL, type KLFunction, type KLOptions } from './kl-divergence.js';
export { Laplace, type LaplaceOptions } from './laplace.js';
export { Logistic, type LogisticOptions } from './logistic.js';
export { Exponential, type ExponentialOptions } from './exponential.js';
export { Gamma, type GammaOptions } from './gamma.js';
export { Beta, type BetaOptions } from './beta.js';
export { StudentT, type StudentTOptions } from './student-t.js';
export { Bernoulli, type BernoulliOptions } from './bernoulli.js';
export { MultivariateNormalTriL, type MultivariateNormalTriLOptions } from './multivariate-normal-tril.js';
export { LogNormal, type LogNormalOptions } from './log-normal.js';
export { HalfNormal, type HalfNormalOptions } from './half-normal.js';
export { Cauchy, type CauchyOptions } from './cauchy.js';
export { Chi2, type Chi2Options } from './chi2.js';
export { Poisson, poissonLogPmf, type PoissonOptions } from './poisson.js';
export { Dirichlet, type DirichletOptions } from './dirichlet.js';
export { MultivariateNormalFullCovariance, type MultivariateNormalFullCovarianceOptions } from './multivariate-normal-full-covariance.js';
export { klMultivariateNormal } from './kl-multivariate-normal.js';
export { TruncatedNormal, type TruncatedNormalOptions } from './truncated-normal.js';
export { Mixture, type MixtureOptions } from './mixture.js';
export { Binomial, binomialLogPmf, sampleBinomial, type BinomialOptions } from './binomial.js';
export { VonMises, type VonMisesOptions } from './von-mises.js';
export { klDirichlet, klPoisson } from './kl-dirichlet-poisson.js';
export { Multinomial, type MultinomialOptions } from './multinomial.js';
