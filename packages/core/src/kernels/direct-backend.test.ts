// DirectBackend's toolbox, called from a kernel registered for this test, on each backend that
// runs direct kernels: every method against float64 math, and its temps freed by release().
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend, expectAllClose } from '@densityjs/testing';
import { type DirectBackend, registerDirectKernel } from './direct-backend.js';

const KERNEL = 'DensityjsDirectBackendTest';
type Method = (d: DirectBackend, x: tf.TensorInfo) => tf.TensorInfo;
const methods: Record<string, Method> = {};
registerDirectKernel(KERNEL, (d, { inputs, attrs }) => d.keep(methods[attrs['method'] as string]!(d, inputs['x']!)));

function call(method: string, x: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel(KERNEL, { x }, { method } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

const values = [-3, -0.7, -1e-3, 0, 0.25, 1.5, 4, 9];

describeEachBackend(
  'DirectBackend',
  () => {
    it('tanh, of x or of a doubled argument 2x, within 2 float32 ulps of 1 of float64 tanh', async () => {
      methods['tanh'] = (d, x) => d.tanh(x);
      methods['tanhOfDoubled'] = (d, x) => d.tanh(d.doubled(x), true);
      const x = tf.tensor2d(values, [2, 4]);
      for (const method of ['tanh', 'tanhOfDoubled']) {
        const y = call(method, x);
        expect(y.shape).toEqual([2, 4]);
        await expectAllClose(y, values.map(Math.tanh), { atol: 2.5e-7 });
        y.dispose();
      }
      x.dispose();
    });

    it('affine, copy, doubled, transpose and sumRows against their definitions', async () => {
      methods['affine'] = (d, x) => d.affine(x, -1.5, 0.25);
      methods['copy'] = (d, x) => d.copy(x);
      methods['doubled'] = (d, x) => d.doubled(x);
      methods['transpose'] = (d, x) => d.transpose(x);
      methods['sumRows'] = (d, x) => d.sumRows(x);
      const x = tf.tensor2d(values, [2, 4]);
      const cases: [string, number[], number[]][] = [
        ['affine', [2, 4], values.map((v) => -1.5 * v + 0.25)],
        ['copy', [2, 4], values],
        ['doubled', [2, 4], values.map((v) => 2 * v)],
        ['transpose', [4, 2], [0, 1, 2, 3].flatMap((j) => [values[j]!, values[4 + j]!])],
        ['sumRows', [4], [0, 1, 2, 3].map((j) => values[j]! + values[4 + j]!)],
      ];
      for (const [method, shape, expected] of cases) {
        const y = call(method, x);
        expect(y.shape, method).toEqual(shape);
        await expectAllClose(y, expected, { atol: 1e-6, rtol: 1e-6 });
        y.dispose();
      }
      // A copy is a new buffer: writing to it leaves the input as it was.
      methods['copyThenZero'] = (d, x) => {
        const c = d.copy(x);
        d.view(c).fill(0);
        return d.copy(x);
      };
      const again = call('copyThenZero', x);
      await expectAllClose(again, values, { atol: 0 });
      tf.dispose([again, x]);
    });

    it('release() frees every temp, kept outputs and adopted tensors aside; an unknown kernel is named', async () => {
      const backend = tf.backend() as unknown as { numDataIds(): number };
      const x = tf.tensor1d([1, 2, 3]);
      methods['temps'] = (d, input) => {
        d.temp([4]);
        d.zeros([2, 2]);
        d.run('Square', { x: input });
        return d.copy(input);
      };
      // A tensor kept by an inner step and handed back to the scratch with adopt() is freed too.
      methods['adopted'] = (d, input) => {
        d.adopt(d.keep(d.copy(input)));
        return d.doubled(input);
      };
      for (const method of ['temps', 'adopted']) {
        const before = backend.numDataIds();
        const y = call(method, x);
        expect(backend.numDataIds(), method).toBe(before + 1);
        y.dispose();
      }
      methods['missing'] = (d, input) => d.run('NoSuchKernel', { x: input });
      expect(() => call('missing', x)).toThrow(new RegExp(`^DirectBackend: no NoSuchKernel kernel on ${tf.getBackend()}$`));
      x.dispose();
    });
  },
  { only: ['cpu', 'wasm'] },
);
