// Gradients for plain Node ESM: tfjs-core registers none, and its own
// `dist/register_all_gradients` module cannot be imported there (extensionless imports).
// `registerGradients()` installs ours for every kernel densityjs differentiates, skipping any
// kernel that already has one (so a user's tfjs gradients win).

let registered = false;

/** Idempotent; every trainable densityjs object calls it on construction. */
export function registerGradients(): void {
  if (registered) return;
  registered = true;
  // TODO(core gradients helper): register the gradient configs.
}
