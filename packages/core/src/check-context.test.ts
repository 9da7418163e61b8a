import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { argumentErrorOf } from '@densityjs/testing';
import { checkContext } from './check-context.js';

describe('checkContext', () => {
  const flow = { what: 'flow', allowRow: true };

  it('an unconditional model takes no context', () => {
    expect(checkContext('f', undefined, 0, [4], flow)).toBeUndefined();
    const c = tf.zeros([4, 2]);
    argumentErrorOf(() => checkContext('f', c, 0, [4], { what: 'layer' }), {
      argument: 'context',
      message: /^f: context must be undefined \(the layer is unconditional: build it with contextSize to condition it\), received a float32 tensor of shape \[4, 2\]$/,
    });
    c.dispose();
  });

  it('a conditional model takes batch + [contextSize], or one row when allowed', () => {
    const full = tf.zeros([2, 3, 2]);
    const row = tf.zeros([2]);
    expect(checkContext('f', full, 2, [2, 3], flow)).toBe(full);
    expect(checkContext('f', row, 2, [2, 3], flow)).toBe(row);
    // No batch: one row is the full context.
    expect(checkContext('f', row, 2, [], { what: 'layer' })).toBe(row);
    tf.dispose([full, row]);
  });

  it('refuses everything else, naming the shapes it accepts', () => {
    const shapes = [[2], [3, 2], [2, 3, 1], [2, 3], [3, 3, 2], [2, 2, 2], [1, 2], [2, 3, 2, 1]];
    for (const shape of shapes) {
      const c = tf.zeros(shape);
      const allowRow = !(shape.length === 1);
      argumentErrorOf(() => checkContext('f', c, 2, [2, 3], { what: 'network', allowRow }), {
        argument: 'context',
        message: new RegExp(
          `^f: context must be a tensor of shape \\[2, 3, 2\\]${allowRow ? ' or \\[2\\]' : ''} \\(the network is conditional, contextSize 2\\), received a float32 tensor of shape \\[${shape.join(', ')}\\]$`,
        ),
      });
      c.dispose();
    }
    argumentErrorOf(() => checkContext('f', [[1, 2]], 2, [1], flow), {
      argument: 'context',
      message: /^f: context must be a tensor of shape \[1, 2\] or \[2\] \(the flow is conditional, contextSize 2\), received \[\[1, 2\]\]$/,
    });
    argumentErrorOf(() => checkContext('f', undefined, 2, [1], flow), { argument: 'context', message: /received undefined$/ });
  });
});
