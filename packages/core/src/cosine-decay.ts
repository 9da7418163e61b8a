// The learning-rate schedule of trainLoop (`finalLearningRate`) and distill.

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
