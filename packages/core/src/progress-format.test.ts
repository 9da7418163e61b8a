import { describe, expect, it } from 'vitest';
import { formatDuration, formatEpochLine, formatLoss, formatProgressLine, formatRate, progressBar, type ProgressState } from './progress-format.js';

describe('progress formatting', () => {
  it('formats durations as m:ss or h:mm:ss', () => {
    expect(formatDuration(7)).toBe('0:07');
    expect(formatDuration(59.6)).toBe('1:00');
    expect(formatDuration(750)).toBe('12:30');
    expect(formatDuration(3723)).toBe('1:02:03');
    expect(formatDuration(undefined)).toBe('?');
    expect(formatDuration(NaN)).toBe('?');
    expect(formatDuration(Infinity)).toBe('?');
    expect(formatDuration(-1)).toBe('?');
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(3600)).toBe('1:00:00');
  });

  it('formats rates with about three digits, seconds per step when slow', () => {
    expect(formatRate(412.4)).toBe('412 steps/s');
    expect(formatRate(85.26)).toBe('85.3 steps/s');
    expect(formatRate(2.5)).toBe('2.50 steps/s');
    expect(formatRate(0.625)).toBe('1.6 s/step');
    expect(formatRate(0)).toBe('? steps/s');
    expect(formatRate(undefined)).toBe('? steps/s');
    expect(formatRate(NaN)).toBe('? steps/s');
    expect(formatRate(Infinity)).toBe('? steps/s');
    expect(formatRate(-2)).toBe('? steps/s');
    // Each format from its lower bound on.
    expect(formatRate(100)).toBe('100 steps/s');
    expect(formatRate(10)).toBe('10.0 steps/s');
    expect(formatRate(1)).toBe('1.00 steps/s');
  });

  it('formats losses with four decimals and names non-finite ones', () => {
    expect(formatLoss(1.23456)).toBe('1.2346');
    expect(formatLoss(-0.05)).toBe('-0.0500');
    expect(formatLoss(NaN)).toBe('NaN');
    expect(formatLoss(Infinity)).toBe('+Infinity');
    expect(formatLoss(-Infinity)).toBe('-Infinity');
  });

  it('draws bars of a fixed width', () => {
    expect(progressBar(0, 5)).toBe('[     ]');
    expect(progressBar(0.1, 10)).toBe('[>         ]');
    expect(progressBar(0.5, 10)).toBe('[====>     ]');
    expect(progressBar(1, 5)).toBe('[=====]');
    expect(progressBar(2, 4)).toBe('[====]');
    expect(progressBar(-1, 3)).toBe('[   ]');
    expect(progressBar(NaN, 3)).toBe('[   ]');
  });

  const midEpoch: ProgressState = { epoch: 3, epochs: 50, step: 12, stepsPerEpoch: 40, loss: 1.23454, valLoss: 1.30009, stepsPerSecond: 85.26, etaSeconds: 42.4 };

  it('fits the live line to the terminal width', () => {
    const wide = 'epoch  3/50 [======>                  ] 12/40  loss 1.2345  valLoss 1.3001  85.3 steps/s  ETA 0:42';
    expect(formatProgressLine(midEpoch, {}, 100)).toBe(wide);
    expect(wide.length).toBe(98);
    expect(formatProgressLine(midEpoch, {}, 80)).toBe('epoch  3/50 [>    ] 12/40  loss 1.2345  valLoss 1.3001  85.3 steps/s  ETA 0:42');
    // Too narrow for a bar: the line without it, cut to 59 characters.
    expect(formatProgressLine(midEpoch, {}, 60)).toBe('epoch  3/50 12/40  loss 1.2345  valLoss 1.3001  85.3 steps/');
    // Before any measurement.
    expect(formatProgressLine({ epoch: 1, epochs: 2, step: 0, stepsPerEpoch: 4 }, {}, 80)).toBe('epoch 1/2 [         ] 0/4  ? steps/s  ETA ?');
    expect(formatProgressLine({ epoch: 1, epochs: 2, step: 0, stepsPerEpoch: 4 }, {}, 60)).toBe('epoch 1/2 0/4  ? steps/s  ETA ?');
  });

  it('counts steps over the whole run for a step-based loop, with its own metric and sign', () => {
    const state: ProgressState = { epoch: 8, epochs: 40, step: 25, stepsPerEpoch: 50, loss: 2.31, stepsPerSecond: 412.4, etaSeconds: 3.9 };
    const style = { metric: 'ELBO', sign: -1 as const, countSteps: true };
    expect(formatProgressLine(state, style, 100)).toBe('step  375/2000 [====>                       ]  ELBO -2.3100  412 steps/s  ETA 0:04');
    expect(formatEpochLine({ ...state, step: 50 }, style)).toBe('step  400/2000  ELBO -2.3100  (412 steps/s, ETA 0:04)');
  });

  it('writes one line per epoch', () => {
    expect(formatEpochLine({ ...midEpoch, step: 40 })).toBe('epoch  3/50  loss 1.2345  valLoss 1.3001  (40 steps, 85.3 steps/s, ETA 0:42)');
    expect(formatEpochLine({ epoch: 1, epochs: 1, step: 1, stepsPerEpoch: 1, loss: 0.5, stepsPerSecond: 3, etaSeconds: 0 })).toBe(
      'epoch 1/1  loss 0.5000  (1 step, 3.00 steps/s, ETA 0:00)',
    );
  });
});
