// Hand-written plausible bugs for scripts/mutation-test.mjs: each replaces one exact snippet
// (which must occur once in `file`) and names the test files (relative to the file's package)
// that should catch it. Grouped by what the tests claim to check.

export const mutations = [
  // ------------------------------------------------ hand-written gradients (bijectors)
  // The fused kernels run the affine and spline transformers on cpu and wasm; the composed
  // custom gradients run on the other backends, and on cpu/wasm in the coupling tests' cases
  // that switch the fused kernels off.
  {
    id: 'affine-kernel-grad-drops-logdet-term',
    file: 'packages/core/src/kernels/affine-backward-kernel.ts',
    find: 'dp[ri] = sigma * (gk * w + g) * (clamp > 0 ? 1 - th * th : 1);',
    replace: 'dp[ri] = sigma * (gk * w) * (clamp > 0 ? 1 - th * th : 1);',
    package: 'packages/bijectors',
    tests: ['src/coupling.test.ts'],
  },
  {
    id: 'affine-kernel-grad-shift-sign',
    file: 'packages/core/src/kernels/affine-backward-kernel.ts',
    find: 'dp[ti] = inverse ? -gk * e : gk;',
    replace: 'dp[ti] = inverse ? gk * e : gk;',
    package: 'packages/bijectors',
    tests: ['src/masked-autoregressive.test.ts'],
  },
  {
    id: 'spline-kernel-grad-d1-sign',
    file: 'packages/core/src/kernels/spline-backward-kernel.ts',
    find: 'const yD1 = -hOverDen * qq * f;',
    replace: 'const yD1 = hOverDen * qq * f;',
    package: 'packages/bijectors',
    tests: ['src/coupling.test.ts', 'src/masked-autoregressive.test.ts'],
  },
  {
    id: 'spline-kernel-inverse-dh-drops-term',
    file: 'packages/core/src/kernels/spline-backward-kernel.ts',
    find: 'dh = -r * f + gDelta * invW;',
    replace: 'dh = -r * f;',
    package: 'packages/bijectors',
    tests: ['src/coupling.test.ts', 'src/masked-autoregressive.test.ts'],
  },
  {
    id: 'affine-grad-drops-logdet-term',
    file: 'packages/bijectors/src/affine-transformer.ts',
    find: 'let dRaw = tf.add(tf.mul(dOut, wS), dLd);',
    replace: 'let dRaw = tf.mul(dOut, wS);',
    tests: ['src/coupling.test.ts'],
  },
  {
    id: 'affine-grad-shift-sign',
    file: 'packages/bijectors/src/affine-transformer.ts',
    find: 'const dShift = inverse ? tf.neg(dv) : dOut;',
    replace: 'const dShift = inverse ? dv : dOut;',
    tests: ['src/coupling.test.ts'],
  },
  {
    id: 'spline-grad-drops-logdet-in-dh',
    file: 'packages/bijectors/src/rational-quadratic-spline.ts',
    find: 'dh = tf.add(tf.mul(gv, f), tf.mul(gDelta, invW));',
    replace: 'dh = tf.mul(gv, f);',
    tests: ['src/rational-quadratic-spline.test.ts'],
  },
  {
    id: 'spline-grad-d1-sign',
    file: 'packages/bijectors/src/rational-quadratic-spline.ts',
    find: 'const yD1 = tf.neg(tf.mul(tf.mul(hOverDen, qq), f));',
    replace: 'const yD1 = tf.mul(tf.mul(hOverDen, qq), f);',
    tests: ['src/rational-quadratic-spline.test.ts'],
  },
  {
    id: 'permute-grad-not-inverted',
    file: 'packages/bijectors/src/permute.ts',
    find: 'gradFunc: (dy: tf.Tensor | tf.Tensor[]) => tf.gather(dy as tf.Tensor, inverseIndices, axis),',
    replace: 'gradFunc: (dy: tf.Tensor | tf.Tensor[]) => tf.clone(dy as tf.Tensor),',
    tests: ['src/structural.test.ts'],
  },
  {
    id: 'reverse-grad-not-reversed',
    file: 'packages/bijectors/src/reverse.ts',
    find: 'gradFunc: (dy: tf.Tensor | tf.Tensor[]) => tf.reverse(dy as tf.Tensor, axis),',
    replace: 'gradFunc: (dy: tf.Tensor | tf.Tensor[]) => tf.clone(dy as tf.Tensor),',
    tests: ['src/structural.test.ts'],
  },
  // ------------------------------------------------ bijector values, flags, edges
  {
    id: 'tanh-claims-volume-preserving',
    file: 'packages/bijectors/src/tanh.ts',
    find: "super(opts, 'Tanh', false, []);",
    replace: "super(opts, 'Tanh', true, []);",
    tests: ['src/elementwise.test.ts'],
  },
  {
    id: 'softplus-inverse-naive-small-y',
    file: 'packages/bijectors/src/softplus.ts',
    find: 'const logTerm = tf.where(small, series, general);',
    replace: 'const logTerm = general;',
    tests: ['src/elementwise.test.ts'],
  },
  // ------------------------------------------------ hand-written gradients (core, flows, mdn)
  {
    id: 'fused-dense-bias-grad-halved',
    file: 'packages/core/src/fused-dense.ts',
    find: 'kernelGrads[2 * i + 1] = db;',
    replace: 'kernelGrads[2 * i + 1] = tf.mul(db, 0.5);',
    tests: ['src/fused-dense.test.ts'],
  },
  {
    id: 'nll-loss-grad-scale',
    file: 'packages/core/src/fit.ts',
    find: 'gradFunc: (dy: tf.Tensor) => [tf.broadcastTo(tf.mul(dy, -1 / n), x.shape)],',
    replace: 'gradFunc: (dy: tf.Tensor) => [tf.broadcastTo(tf.mul(dy, -2 / n), x.shape)],',
    tests: ['src/fit.test.ts', 'src/train-loop.test.ts'],
  },
  {
    id: 'standard-normal-grad-sign',
    file: 'packages/flows/src/standard-normal.ts',
    find: 'gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(saved[0]!, tf.neg(tf.expandDims(dy, -1)))],',
    replace: 'gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(saved[0]!, tf.expandDims(dy, -1))],',
    tests: ['src/standard-normal.test.ts', 'src/flow.test.ts'],
  },
  {
    id: 'mdn-fused-grad-doubled',
    file: 'packages/mdn/src/fused-kernel.ts',
    find: 'gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, saved[0]!) };',
    replace: 'gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(tf.mul(dy, saved[0]!), 2) };',
    tests: ['src/mdn.test.ts', 'src/mdn-training.test.ts'],
  },
  // ------------------------------------------------ samplers
  {
    id: 'laplace-sampler-draws-normal',
    file: 'packages/distributions/src/laplace.ts',
    find: 'const e = tf.mul(tf.sign(u), log1p(tf.neg(tf.abs(u))));',
    replace: 'const e = tf.mul(tf.randomNormal(u.shape, 0, Math.SQRT2, "float32", seed), -1);',
    tests: ['src/laplace-logistic.test.ts'],
  },
  {
    id: 'student-t-sampler-wrong-df',
    file: 'packages/distributions/src/student-t.ts',
    find: 'const t = tf.mul(z, tf.rsqrt(tf.div(chi2, this.df)));',
    replace: 'const t = tf.mul(z, tf.rsqrt(tf.div(chi2, tf.add(this.df, 1))));',
    tests: ['src/beta-student-t.test.ts'],
  },
  {
    id: 'gamma-implicit-grad-sign',
    file: 'packages/distributions/src/random.ts',
    find: 'const dxda = tf.neg(tf.mul(dPda, tf.exp(tf.neg(logDensity))));',
    replace: 'const dxda = tf.mul(dPda, tf.exp(tf.neg(logDensity)));',
    tests: ['src/exponential-gamma.test.ts'],
  },
  // ------------------------------------------------ KL closed forms
  {
    id: 'kl-gamma-rate-term',
    file: 'packages/distributions/src/kl-divergence.ts',
    find: 'const t4 = tf.mul(ap, tf.div(tf.sub(q.rate, p.rate), p.rate));',
    replace: 'const t4 = tf.mul(aq, tf.div(tf.sub(q.rate, p.rate), p.rate));',
    tests: ['src/kl-divergence.test.ts'],
  },
  {
    id: 'kl-exponential-drops-one',
    file: 'packages/distributions/src/kl-divergence.ts',
    find: 'return tf.sub(tf.sub(ratio, tf.log(ratio)), tf.scalar(1));',
    replace: 'return tf.sub(tf.sub(ratio, tf.log(ratio)), tf.scalar(0.98));',
    tests: ['src/kl-divergence.test.ts'],
  },
  // ------------------------------------------------ training
  {
    id: 'shuffle-naive-bias',
    file: 'packages/core/src/train-loop.ts',
    find: 'const j = Math.floor(random() * (i + 1));',
    replace: 'const j = Math.floor(random() * order.length);',
    tests: ['src/train-loop.test.ts'],
  },
  {
    id: 'distill-drops-student-log-q',
    // distill minimizes fitVariational's objective with the teacher as target.
    file: 'packages/flows/src/fit-variational.ts',
    find: 'return tf.mean(dampedLogRatio(tf.sub(logQ, logP), k < releaseStep ? damping : Infinity)) as tf.Scalar;',
    replace: 'return tf.mean(dampedLogRatio(tf.sub(tf.mul(logQ, 0), logP), k < releaseStep ? damping : Infinity)) as tf.Scalar;',
    tests: ['src/distill.test.ts'],
  },
  {
    id: 'early-stopping-keeps-last-weights',
    file: 'packages/core/src/train-loop.ts',
    find: 'if (o.patience !== undefined && bestStateEpoch >= 0) restoreBest();',
    replace: 'if (o.patience !== undefined && bestStateEpoch >= 0) restored = true;',
    tests: ['src/train-loop.test.ts'],
  },
  {
    id: 'mdn-early-stopping-keeps-last-weights',
    file: 'packages/core/src/train-loop.ts',
    find: 'if (o.patience !== undefined && bestStateEpoch >= 0) restoreBest();',
    replace: 'if (o.patience !== undefined && bestStateEpoch >= 0) restored = true;',
    package: 'packages/mdn',
    tests: ['src/mdn-training.test.ts'],
  },
];
