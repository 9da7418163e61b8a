import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe } from 'vitest';
import { availableBackends, useBackend, type BackendName } from './backends.js';

// Resolved once per test file (vitest supports top-level await in ESM test modules).
const backends = await availableBackends();

/**
 * Declares `suite` once per backend under test, switching tfjs to that backend first.
 * `webgpu: false` keeps a suite off webgpu (e.g. when it needs dataSync-heavy training that a
 * software adapter makes too slow); by default it joins the webgpu subset when one exists.
 */
export function describeEachBackend(
  title: string,
  suite: (backend: BackendName) => void,
  { webgpu = true, only }: { webgpu?: boolean; only?: BackendName[] } = {},
): void {
  for (const backend of backends) {
    if (backend === 'webgpu' && !webgpu) continue;
    if (only && !only.includes(backend)) continue;
    describe(`${title} [${backend}]`, () => {
      beforeAll(async () => {
        await useBackend(backend);
      });
      // Tests declared outside describeEachBackend run on cpu (see setup.ts), also after this.
      afterAll(async () => {
        await tf.setBackend('cpu');
      });
      suite(backend);
    });
  }
}
