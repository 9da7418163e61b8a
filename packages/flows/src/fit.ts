// Maximum-likelihood training of a flow on a data matrix, on top of @densityjs/core's trainLoop.
import * as tf from '@tensorflow/tfjs-core';
import { argumentError, raw, shapeText, trainLoop, type FitOptions, type FitResult } from '@densityjs/core';
import type { Flow } from './flow.js';

export interface FlowFitOptions extends FitOptions {
  /** Held-out data [m, eventSize]: its mean NLL is reported per epoch and drives `patience`. */
  validationData?: tf.Tensor;
  /** Context rows [n, contextSize] matching `data` (required for a conditional flow). */
  context?: tf.Tensor;
  /** Context rows [m, contextSize] matching `validationData`. */
  validationContext?: tf.Tensor;
}

/** Rows per chunk when scoring validation data, to bound memory on large sets. */
const VALIDATION_CHUNK = 8192;

interface FlowLike {
  readonly preset: string;
  readonly eventSize: number;
  readonly contextSize: number;
  readonly trainableVariables: tf.Variable[];
  readonly stateVariables?: tf.Variable[];
  training: boolean;
  logProb(x: tf.Tensor, opts?: { context?: tf.Tensor }): tf.Tensor;
}

/** -mean(v) for a 1-D v as one custom-gradient op (d/dv = -dy / n): fewer kernels than neg(mean). */
export function negativeMean(v: tf.Tensor): tf.Scalar {
  const n = v.size;
  const op = tf.customGrad((...args: unknown[]) => {
    const x = args[0] as tf.Tensor;
    return {
      value: tf.mul(tf.sum(x), -1 / n) as tf.Scalar,
      gradFunc: (dy: tf.Tensor) => [tf.broadcastTo(tf.mul(dy, -1 / n), x.shape)],
    };
  });
  return op(v) as tf.Scalar;
}

/** Checks a [rows, size] float matrix of finite values; one device read. */
export async function checkMatrix(
  owner: string,
  name: string,
  t: unknown,
  size: number,
  what: string,
  rows?: number,
): Promise<tf.Tensor2D> {
  const rowsText = rows === undefined ? 'n' : String(rows);
  if (!(t instanceof tf.Tensor) || t.rank !== 2 || t.shape[1] !== size || (rows !== undefined && t.shape[0] !== rows)) {
    throw argumentError(owner, name, `a 2-D tensor of shape [${rowsText}, ${size}] (${what})`, t);
  }
  if (t.shape[0] === 0) throw argumentError(owner, name, 'a tensor with at least one row', t);
  const bad = tf.tidy(() => {
    const finite = tf.isFinite(t.dtype === 'float32' ? t : tf.cast(t, 'float32'));
    const rowOk = tf.all(finite, 1);
    // Index of the first bad row, or -1: argMin of the row flags finds the first false.
    // Reshape both to [1]: webgpu's argMin of a vector returns shape [1] where cpu returns [].
    const allOk = tf.reshape(tf.cast(tf.all(rowOk), 'int32'), [1]);
    const firstBad = tf.reshape(tf.cast(tf.argMin(tf.cast(rowOk, 'int32')), 'int32'), [1]);
    return tf.concat([allOk, firstBad]);
  });
  const [allOk, firstBad] = Array.from(await bad.data());
  bad.dispose();
  if (!allOk) {
    throw argumentError(owner, name, 'finite values (no NaN or Infinity)', raw(`a non-finite value in row ${firstBad} of a tensor of shape ${shapeText(t.shape)}`));
  }
  return t as tf.Tensor2D;
}

/**
 * Fits `flow` to the rows of `data` ([n, eventSize]) by maximum likelihood: each step minimizes
 * the minibatch mean negative log-likelihood -mean_i log p(x_i | c_i) with Adam (default) or
 * `optimizer`. BatchNorm layers run in training mode during the steps and in evaluation mode
 * for the validation loss (mean NLL of `validationData`, in nats); the previous mode is
 * restored at the end. Resolves to trainLoop's result: `{history: {loss, valLoss?}, ...}`.
 */
export async function fit(flow: Flow | FlowLike, data: tf.Tensor, opts: FlowFitOptions = {}): Promise<FitResult> {
  const owner = 'fit';
  if (!flow || typeof (flow as FlowLike).logProb !== 'function' || !Array.isArray((flow as FlowLike).trainableVariables)) {
    throw argumentError(owner, 'flow', 'a flow from maf(), iaf(), realNVP(), nice() or neuralSplineFlow()', flow);
  }
  const f = flow as FlowLike;
  if (opts === null || typeof opts !== 'object') throw argumentError(owner, 'options', 'an object', opts);
  const { validationData, context, validationContext, ...loopOpts } = opts;
  const x = await checkMatrix(owner, 'data', data, f.eventSize, `eventSize ${f.eventSize}`);
  const n = x.shape[0];
  const conditional = f.contextSize > 0;
  const contextWhat = `contextSize ${f.contextSize}, one row per example`;
  if (conditional && context === undefined) {
    throw argumentError(owner, 'context', `a 2-D tensor of shape [${n}, ${f.contextSize}] (the flow is conditional)`, context);
  }
  if (!conditional && context !== undefined) {
    throw argumentError(owner, 'context', 'undefined (this flow is unconditional: build it with contextSize to condition it)', context);
  }
  const c = conditional ? await checkMatrix(owner, 'context', context, f.contextSize, contextWhat, n) : undefined;
  let vx: tf.Tensor2D | undefined;
  let vc: tf.Tensor2D | undefined;
  if (validationData !== undefined) {
    vx = await checkMatrix(owner, 'validationData', validationData, f.eventSize, `eventSize ${f.eventSize}`);
    if (conditional) {
      if (validationContext === undefined) {
        throw argumentError(owner, 'validationContext', `a 2-D tensor of shape [${vx.shape[0]}, ${f.contextSize}] (the flow is conditional)`, validationContext);
      }
      vc = await checkMatrix(owner, 'validationContext', validationContext, f.contextSize, contextWhat, vx.shape[0]);
    } else if (validationContext !== undefined) {
      throw argumentError(owner, 'validationContext', 'undefined (the flow is unconditional)', validationContext);
    }
  } else if (validationContext !== undefined) {
    throw argumentError(owner, 'validationContext', 'undefined when there is no validationData', validationContext);
  }
  const variables = f.trainableVariables;
  if (variables.length === 0) throw new Error(`${owner}: the flow has no trainable variables`);

  const xf = x.dtype === 'float32' ? x : (tf.cast(x, 'float32') as tf.Tensor2D);
  const cf = c && c.dtype !== 'float32' ? (tf.cast(c, 'float32') as tf.Tensor2D) : c;
  // Full batch: no gather at all.
  const fullBatch = (loopOpts.batchSize ?? 256) >= n;
  const batchLoss = (idx: tf.Tensor1D): tf.Scalar => {
    const xb = fullBatch ? xf : tf.gather(xf, idx);
    const cb = cf ? (fullBatch ? cf : tf.gather(cf, idx)) : undefined;
    return negativeMean(f.logProb(xb, cb ? { context: cb } : {}));
  };
  const validationLoss = vx
    ? (): tf.Scalar => {
        const wasTraining = f.training;
        f.training = false;
        try {
          const m = vx.shape[0];
          let total: tf.Tensor = tf.scalar(0);
          for (let start = 0; start < m; start += VALIDATION_CHUNK) {
            const size = Math.min(VALIDATION_CHUNK, m - start);
            const xb = size === m ? vx : tf.slice(vx, [start, 0], [size, f.eventSize]);
            const cb = vc ? (size === m ? vc : tf.slice(vc, [start, 0], [size, f.contextSize])) : undefined;
            total = tf.add(total, tf.sum(f.logProb(xb, cb ? { context: cb } : {})));
          }
          return tf.neg(tf.div(total, m)) as tf.Scalar;
        } finally {
          f.training = wasTraining;
        }
      }
    : undefined;

  const wasTraining = f.training;
  f.training = true;
  try {
    return await trainLoop(
      {
        owner,
        variables,
        numExamples: n,
        batchLoss,
        // BatchNorm running statistics rewind with the weights (early stopping, NaN guard).
        state: f.stateVariables ?? [],
        ...(validationLoss ? { validationLoss } : {}),
      },
      loopOpts,
    );
  } finally {
    f.training = wasTraining;
    if (xf !== x) xf.dispose();
    if (cf && cf !== c) cf.dispose();
  }
}
