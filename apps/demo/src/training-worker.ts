// The one Web Worker both pages train in. Training off the main thread keeps the page
// responsive whatever the backend does; the worker owns every tensor. One entry for both pages
// means tfjs is bundled (and parsed by the build) once.
import { handleFlowRequest } from './flow-trainer.js';
import { handleMdnRequest } from './mdn-trainer.js';
import type { WorkerRequest } from './protocol.js';
import { configureWasmThreads } from './tf-setup.js';

const scope = self as unknown as { onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null };

scope.onmessage = (event) => {
  const message = event.data;
  configureWasmThreads(message.wasmThreads);
  if (message.page === 'flows') handleFlowRequest(message.request);
  else handleMdnRequest(message.request);
};
