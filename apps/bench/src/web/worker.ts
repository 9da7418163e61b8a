// The benchmark worker: starts one backend, runs the CLI's speed tasks on it through the same
// runner (`runTask`: warm-up, repeats, median and IQR, one profiled step) and posts each result.
// WebGPU timings include the GPU's work: every repeat ends with `await data()` of its output.
import { registerGradients } from '@densityjs/core';
import { oneLine, runTask } from '../runner.js';
import { SPEED_TASKS } from '../tasks/speed.js';
import type { BackendName } from '../backends.js';
import { startBackend } from './browser-backends.js';
import { TIMING } from './plan.js';
import type { RunRequest, WorkerReply } from './protocol.js';

const scope = self as unknown as {
  postMessage(message: WorkerReply): void;
  onmessage: ((event: MessageEvent<RunRequest>) => void) | null;
};
const post = (message: WorkerReply) => scope.postMessage(message);

// Gradients as a user of the packages gets them (tfjs-core registers none), as in the CLI.
registerGradients();

async function run(request: RunRequest): Promise<void> {
  const info = await startBackend(request.backend, request.threads);
  post({ type: 'ready', info });
  if (info.status !== 'ok') return post({ type: 'done' });
  for (const id of request.tasks) {
    const def = SPEED_TASKS.find((t) => t.id === id);
    if (!def) {
      post({ type: 'error', message: `unknown task ${id}` });
      continue;
    }
    post({ type: 'progress', task: id, what: 'building' });
    const result = await runTask(def, info.tfBackend as BackendName, {
      timing: request.quick ? TIMING.quick : TIMING.full,
      seed: request.seed,
      quick: request.quick,
      onProgress: (what) => post({ type: 'progress', task: id, what }),
    });
    post({ type: 'result', result: { ...result, backend: request.backend } });
  }
  post({ type: 'done' });
}

scope.onmessage = (event) => {
  run(event.data).catch((error: unknown) => post({ type: 'error', message: oneLine(error) }));
};
