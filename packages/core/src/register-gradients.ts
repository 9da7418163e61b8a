// Gradients for tfjs-core alone.
//
// tfjs-core registers no gradients, and its own `dist/register_all_gradients` module cannot be
// imported in plain Node ESM (its imports have no file extensions). Without gradients no model
// trains, and the error ("gradient function not found for Sum") does not tell a user what to
// do. `registerGradients()` installs ours for every kernel densityjs (and typical user code
// around it) differentiates; a kernel that already has a gradient keeps it, so a user's own
// registrations, or tfjs' when the full @tensorflow/tfjs is loaded, win.
import { getGradient, registerGradient, type GradConfig } from '@tensorflow/tfjs-core';
import { binaryGradients, preluGradient, selectGradient } from './gradients/binary-gradients.js';
import { matMulGradient } from './gradients/matmul-gradient.js';
import { reductionGradients } from './gradients/reduction-gradients.js';
import { shapeGradients } from './gradients/shape-gradients.js';
import { unaryGradients } from './gradients/unary-gradients.js';

/** Every gradient config densityjs provides, keyed by kernel name. */
export const gradientConfigs: readonly GradConfig[] = [
  ...unaryGradients,
  ...binaryGradients,
  selectGradient,
  preluGradient,
  ...reductionGradients,
  ...shapeGradients,
  matMulGradient,
];

let registered = false;

/**
 * Registers densityjs' gradients for the kernels that have none yet. Idempotent and cheap after
 * the first call; every trainable densityjs object calls it on construction. Pass
 * `{ override: true }` to replace existing ones (e.g. to get the wasm-friendly matMul gradient
 * when tfjs' own gradients were loaded first).
 */
export function registerGradients({ override = false }: { override?: boolean } = {}): void {
  if (registered && !override) return;
  registered = true;
  for (const config of gradientConfigs) {
    if (override || !getGradient(config.kernelName)) {
      silenceOverrideWarning(() => registerGradient(config));
    }
  }
}

function silenceOverrideWarning(register: () => void): void {
  const warn = console.warn;
  console.warn = () => {};
  try {
    register();
  } finally {
    console.warn = warn;
  }
}
