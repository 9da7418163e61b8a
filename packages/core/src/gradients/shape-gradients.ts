// Gradients of kernels that move data without arithmetic: the adjoint moves the gradient back.
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig } from '@tensorflow/tfjs-core';
import { argumentError } from '../errors.js';
import { unbroadcast } from './gradient-utils.js';

const reshapeLike = (kernelName: string, input = 'x'): GradConfig => ({
  kernelName,
  inputsToSave: [input],
  gradFunc: (dy, saved) => {
    const [x] = saved as [tf.Tensor];
    return { [input]: () => tf.reshape(dy as tf.Tensor, x.shape) };
  },
});

const transposeGradient: GradConfig = {
  kernelName: 'Transpose',
  gradFunc: (dy, _saved, attrs) => {
    const perm = attrs.perm as number[];
    const inverse = new Array<number>(perm.length);
    perm.forEach((p, i) => (inverse[p] = i));
    return { x: () => tf.transpose(dy as tf.Tensor, inverse) };
  },
};

const sliceGradient: GradConfig = {
  kernelName: 'Slice',
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as [tf.Tensor];
    const g = dy as tf.Tensor;
    const [begin, size] = tf.slice_util.parseSliceParams(x, attrs.begin as number[], attrs.size as number[]) as [number[], number[]];
    const paddings = x.shape.map((d, i) => [begin[i]!, d - begin[i]! - size[i]!] as [number, number]);
    return { x: () => tf.pad(g, paddings) };
  },
};

const padGradient: GradConfig = {
  kernelName: 'PadV2',
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as [tf.Tensor];
    const paddings = attrs.paddings as Array<[number, number]>;
    return { x: () => tf.slice(dy as tf.Tensor, paddings.map((p) => p[0]), x.shape) };
  },
};

const concatGradient: GradConfig = {
  kernelName: 'Concat',
  saveAllInputs: true,
  gradFunc: (dy, saved, attrs) => {
    const axis = tf.util.parseAxisParam(attrs.axis as number, saved[0]!.shape)[0]!;
    const pieces = tf.split(dy as tf.Tensor, saved.map((t) => t.shape[axis]!), axis);
    return pieces.map((piece) => () => piece) as unknown as Record<string, () => tf.Tensor>;
  },
};

const splitGradient: GradConfig = {
  kernelName: 'SplitV',
  gradFunc: (dy, _saved, attrs) => ({ x: () => tf.concat(dy as tf.Tensor[], attrs.axis as number) }),
};

const packGradient: GradConfig = {
  kernelName: 'Pack',
  saveAllInputs: true,
  gradFunc: (dy, saved, attrs) => {
    const pieces = tf.unstack(dy as tf.Tensor, attrs.axis as number);
    return pieces.map((piece) => () => piece) as unknown as Record<string, () => tf.Tensor>;
  },
};

const unpackGradient: GradConfig = {
  kernelName: 'Unpack',
  // With one output autodiff hands over a single tensor, not an array.
  gradFunc: (dy, _saved, attrs) => ({ value: () => tf.stack(Array.isArray(dy) ? dy : [dy], attrs.axis as number) }),
};

const tileGradient: GradConfig = {
  kernelName: 'Tile',
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as [tf.Tensor];
    const reps = attrs.reps as number[];
    // Tiled index = rep * size + i, so split every axis into [rep, size] and sum the reps.
    const split = x.shape.flatMap((d, i) => [reps[i]!, d]);
    const repAxes = x.shape.map((_, i) => 2 * i);
    return { x: () => tf.sum(tf.reshape(dy as tf.Tensor, split), repAxes) };
  },
};

const broadcastToGradient: GradConfig = {
  kernelName: 'BroadcastTo',
  gradFunc: (dy, _saved, attrs) => ({
    x: () => unbroadcast(dy as tf.Tensor, attrs.inputShape as number[]),
  }),
};

const reverseGradient: GradConfig = {
  kernelName: 'Reverse',
  gradFunc: (dy, _saved, attrs) => ({ x: () => tf.reverse(dy as tf.Tensor, attrs.dims as number[]) }),
};

/**
 * gather(x, indices, axis). tfjs' own gradient needs UnsortedSegmentSum, which the wasm backend
 * lacks; scattering with a one-hot matrix product runs everywhere.
 */
const gatherGradient: GradConfig = {
  kernelName: 'GatherV2',
  inputsToSave: ['x', 'indices'],
  gradFunc: (dy, saved, attrs) => {
    const [x, indices] = saved as [tf.Tensor, tf.Tensor];
    const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0]!;
    if ((attrs.batchDims as number) !== 0) {
      throw argumentError('gather (gradient)', 'batchDims', '0: the registered gradient of gather has no batch dimensions', attrs.batchDims);
    }
    const g = dy as tf.Tensor;
    return {
      x: () => {
        // Move `axis` to the front of x, and the gathered axes of dy to the front too.
        const n = x.shape[axis]!;
        const outer = x.shape.slice(0, axis);
        const inner = x.shape.slice(axis + 1);
        const indexRank = indices.shape.length;
        const dyPerm = [
          ...Array.from({ length: indexRank }, (_, i) => axis + i),
          ...Array.from({ length: axis }, (_, i) => i),
          ...Array.from({ length: g.rank - axis - indexRank }, (_, i) => axis + indexRank + i),
        ];
        const rows = indices.size;
        const dyRows = tf.reshape(tf.transpose(g, dyPerm), [rows, -1]);
        // float32 one-hot: mixed dtypes would make tfjs call a chained .cast that tfjs-core lacks.
        const oneHotT = tf.transpose(tf.cast(tf.oneHot(tf.reshape(tf.cast(indices, 'int32'), [rows]), n), g.dtype)); // [n, rows]
        const scattered = tf.matMul(oneHotT, dyRows); // [n, outer * inner]
        const front = tf.reshape(scattered, [n, ...outer, ...inner]);
        const back = [...Array.from({ length: axis }, (_, i) => i + 1), 0, ...inner.map((_, i) => axis + 1 + i)];
        return tf.transpose(front, back);
      },
      indices: () => tf.zerosLike(indices),
    };
  },
};

const addNGradient: GradConfig = {
  kernelName: 'AddN',
  saveAllInputs: true,
  gradFunc: (dy, saved) => saved.map(() => () => tf.clone(dy as tf.Tensor)) as unknown as Record<string, () => tf.Tensor>,
};

export const shapeGradients: GradConfig[] = [
  reshapeLike('Reshape'),
  reshapeLike('ExpandDims', 'input'),
  transposeGradient,
  sliceGradient,
  padGradient,
  concatGradient,
  splitGradient,
  packGradient,
  unpackGradient,
  tileGradient,
  broadcastToGradient,
  reverseGradient,
  gatherGradient,
  addNGradient,
];
