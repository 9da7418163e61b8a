export { availableBackends, probeWebGPU, useBackend, values, type BackendName } from './backends.js';
export { expectAllClose, type Numeric, type Tolerance } from './expect-all-close.js';
export { expectNoLeaks } from './no-leaks.js';
export { batchJacobian, logAbsDet } from './jacobian.js';
export { finiteDifferenceDerivative, gradientMismatches, expectGradientsMatchFiniteDifferences, type GradientCheckOptions } from './finite-difference.js';
export { ksStatistic, ksCriticalValue, chiSquaredTest, chiSquaredCriticalValue, normalQuantile, type ChiSquaredResult } from './goodness-of-fit.js';
export { describeEachBackend } from './describe-each-backend.js';
export { describeBijector, type BijectorCase, type BijectorLike } from './describe-bijector.js';
export { describeDistribution, shapeOf, type DistributionCase, type DistributionReference, type DistributionUnderTest, type MemberParams, type Method, type Nested } from './describe-distribution.js';
