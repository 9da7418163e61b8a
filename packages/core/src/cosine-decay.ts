// The learning-rate schedules of trainLoop (`warmup`, `finalLearningRate`) and distill.

/**
 * Cosine decay (Loshchilov & Hutter 2017, "SGDR", without restarts):
 *
 *   lr(k) = final + (initial - final) (1 + cos(pi k / (total - 1))) / 2,  k = 0 .. total - 1,
 *
 * so step 0 uses `initial`, the last step `final`, and the rate falls slowly at both ends and
 * fastest in the middle. Steps past the end stay at `final`. A single step uses `initial`.
 */
export function cosineDecay(step: number, totalSteps: number, initial: number, final: number): number {
  if (totalSteps <= 1) return initial;
  const frac = Math.min(1, Math.max(0, step / (totalSteps - 1)));
  return final + 0.5 * (initial - final) * (1 + Math.cos(Math.PI * frac));
}

/**
 * The learning rate of trainLoop's default Adam at `step` (0-based) of `totalSteps`: a linear
 * warmup over the first `warmupSteps` steps (Goyal et al. 2017), lr(k) = base(k) (k + 1) /
 * warmupSteps, times the base rate: `cosineDecay` from `initial` to `final` over all the steps
 * when `final` is given, else `initial`. Adam's first steps, taken with second-moment estimates
 * from a handful of gradients, are then small.
 */
export function scheduledLearningRate(step: number, totalSteps: number, initial: number, final: number | undefined, warmupSteps: number): number {
  const base = final === undefined ? initial : cosineDecay(step, totalSteps, initial, final);
  return step < warmupSteps ? (base * (step + 1)) / warmupSteps : base;
}
