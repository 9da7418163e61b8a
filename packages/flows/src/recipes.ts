// Training recipes for the quality targets of issue 5, read by apps/bench (`pnpm bench
// quality`), keyed by the bench's check ids. `epochs` is [full run, quick smoke run].
//
// Why these settings: 10k training points; batch 256 and Adam at 1e-3 are the MAF paper's
// defaults and keep each step cheap; more epochs with early stopping (patience on the
// validation NLL) rather than larger learning rates, which make the soft-clamped log-scales of
// affine flows oscillate. Spline flows converge in fewer steps per epoch at batch 512 and a
// slightly higher learning rate (Durkan et al. 2019 use 5e-4 on larger nets and data).

export interface FlowRecipe {
  preset: 'maf' | 'iaf' | 'realNVP' | 'nice' | 'neuralSplineFlow';
  /** Preset options besides eventSize/contextSize/seed. */
  options: Record<string, unknown>;
  epochs: [full: number, quick: number];
  batchSize: number;
  learningRate: number;
  patience?: number;
  /** Cosine decay of the learning rate over the epochs down to this value. */
  finalLearningRate?: number;
  /** Train on per-axis standardized data (mean 0, std 1), samples mapped back. */
  standardize?: boolean;
}

export const recipes: Record<string, FlowRecipe> = {
  'moons-maf': {
    preset: 'maf',
    options: { numLayers: 5, hiddenUnits: [64, 64] },
    epochs: [200, 4],
    batchSize: 256,
    learningRate: 1e-3,
    patience: 25,
  },
  'moons-realnvp': {
    preset: 'realNVP',
    options: { numLayers: 5, hiddenUnits: [64, 64] },
    epochs: [200, 4],
    batchSize: 256,
    learningRate: 1e-3,
    patience: 25,
  },
  'moons-nsf': {
    preset: 'neuralSplineFlow',
    options: { numLayers: 5, hiddenUnits: [64, 64], variant: 'coupling', bins: 8, bound: 4 },
    epochs: [100, 3],
    batchSize: 512,
    learningRate: 2e-3,
    patience: 20,
  },
  checkerboard: {
    preset: 'neuralSplineFlow',
    options: { numLayers: 5, hiddenUnits: [64, 64], variant: 'autoregressive', bins: 8, bound: 5 },
    epochs: [100, 3],
    batchSize: 512,
    learningRate: 2e-3,
    patience: 20,
  },
  'eight-gaussians': {
    preset: 'neuralSplineFlow',
    options: { numLayers: 5, hiddenUnits: [64, 64], variant: 'coupling', bins: 8, bound: 6 },
    epochs: [100, 3],
    batchSize: 512,
    learningRate: 2e-3,
    patience: 20,
  },
  'conditional-maf': {
    preset: 'maf',
    options: { numLayers: 5, hiddenUnits: [64, 64] },
    epochs: [100, 3],
    batchSize: 256,
    learningRate: 1e-3,
    patience: 20,
  },
  // Distillation (`pnpm bench quality --task distill`): the teacher MAF is fitted with this
  // recipe on 8-D data, four independent two-moons pairs (noise 0.1, unscaled; each pair its
  // own seed; 10k train / 2k validation, built by apps/bench): non-Gaussian in every pair, with
  // a product-of-moons density the 5-layer MAF must learn pair by pair. The student IAF(5,
  // [64, 64]) is then trained by `distill` with the bench's 2000 steps, batch 256, lr 1e-3 and
  // distill's defaults (moment init, 0.4 x steps forward-KL warm-up, damped reverse KL released
  // after half the steps, global-norm clipping 10, cosine learning-rate decay to 0.1 x).
  'distill-teacher': {
    preset: 'maf',
    options: { numLayers: 5, hiddenUnits: [64, 64] },
    epochs: [60, 2],
    batchSize: 256,
    learningRate: 1e-3,
    patience: 10,
  },
  // The word is 8 wide and 1.2 tall with strokes 0.025 thick: per-axis standardized data (a
  // flow from N(0, I) fits it far better), batch 512, a cosine-decayed learning rate.
  // The first run (unscaled, lr 1e-3, patience 10) stopped at epoch 33, not legible.
  siggraph: {
    preset: 'maf',
    options: { numLayers: 10, hiddenUnits: [128, 128] },
    epochs: [70, 2],
    batchSize: 512,
    learningRate: 2e-3,
    finalLearningRate: 1e-4,
    standardize: true,
    patience: 20,
  },
};
