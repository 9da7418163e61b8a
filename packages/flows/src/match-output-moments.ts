import * as tf from '@tensorflow/tfjs-core';
import { Invert, MaskedAutoregressive, type Bijector } from '@densityjs/bijectors';

/**
 * Data-dependent initialization (as Glow's ActNorm): sets the output biases of the data-side
 * layer of an affine autoregressive flow so that, with the other layers near the identity, the
 * flow's samples have per-dimension mean `mean` and standard deviation `std`. Supports a MAF
 * layer (y = x e^α + μ: α = log std, μ = mean) and an IAF layer (y = (u - μ) e^-α: α = -log std,
 * μ = -mean/std) whose conditioner's last variable is the [D, 2]-interleaved output bias (a
 * MADE's). Returns false (and changes nothing) for other layers.
 */
export function matchOutputMoments(chain: Bijector, mean: number[], std: number[]): boolean {
  const first = chain.members.length > 0 && !(chain instanceof Invert) ? chain.members[0]! : chain;
  const inverted = first instanceof Invert;
  const layer = inverted ? first.bijector : first;
  if (!(layer instanceof MaskedAutoregressive)) return false;
  const json = layer.transformer.toJSON();
  if (json.kind !== 'affine' || typeof json.logScaleClamp !== 'number') return false;
  const clamp = json.logScaleClamp;
  const vars = layer.trainableVariables;
  const bias = vars[vars.length - 1];
  const d = mean.length;
  if (!bias || bias.rank !== 1 || bias.shape[0] !== 2 * d) return false;
  const values = new Float32Array(2 * d);
  const B = clamp * 0.999;
  for (let i = 0; i < d; i++) {
    const sd = Math.max(std[i]!, 1e-6);
    const logScale = Math.min(B, Math.max(-B, inverted ? -Math.log(sd) : Math.log(sd)));
    values[2 * i] = inverted ? -mean[i]! / sd : mean[i]!;
    values[2 * i + 1] = clamp * Math.atanh(logScale / clamp); // raw, before the soft clamp
  }
  tf.tidy(() => bias.assign(tf.tensor1d(values)));
  return true;
}
