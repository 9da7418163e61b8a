import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TrainingLog, defaultProgressOutput, type ProgressOutput } from './training-log.js';
import { trainLoop } from './train-loop.js';

/** Captures what process.stdout and console.log print (until vi.restoreAllMocks). */
function captureOutput(): { written: string[]; logged: unknown[] } {
  const written: string[] = [];
  const logged: unknown[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => void logged.push(line));
  return { written, logged };
}

function fakeClock(): { now: () => number; set: (ms: number) => void } {
  let t = 0;
  return { now: () => t, set: (ms) => (t = ms) };
}

describe('TrainingLog', () => {
  it('prints one line per epoch when the output takes lines', () => {
    const lines: string[] = [];
    const clock = fakeClock();
    const log = new TrainingLog({ verbose: 1, epochs: 3, stepsPerEpoch: 10, output: { kind: 'lines', writeLine: (l) => lines.push(l) }, now: clock.now });
    expect(log.due()).toBe(false);
    clock.set(2000);
    log.epochEnd(0, 1.5, 1.6);
    clock.set(3000);
    log.epochEnd(1, 1.25);
    log.close();
    // 10 steps in 2 s: 5 steps/s, 20 steps left: 4 s; then 20 steps in 3 s, 10 left: 1.5 s.
    expect(lines).toEqual([
      'epoch 1/3  loss 1.5000  valLoss 1.6000  (10 steps, 5.00 steps/s, ETA 0:04)',
      'epoch 2/3  loss 1.2500  valLoss 1.6000  (10 steps, 6.67 steps/s, ETA 0:02)',
    ]);
  });

  it('redraws one line in place on a terminal, at most every 100 ms, and ends it', () => {
    const writes: string[] = [];
    const clock = fakeClock();
    const output: ProgressOutput = { kind: 'terminal', write: (t) => writes.push(t), columns: () => 80 };
    const log = new TrainingLog({ verbose: 1, epochs: 3, stepsPerEpoch: 10, output, now: clock.now });
    expect(log.due()).toBe(true);
    clock.set(1000);
    log.step(0, 4, 2);
    clock.set(1050);
    expect(log.due()).toBe(false);
    clock.set(1100);
    expect(log.due()).toBe(true);
    clock.set(2500);
    log.epochEnd(0, 1.9, 2.1);
    log.close();
    expect(writes).toEqual([
      // 4 steps in 1 s; 26 left: 6.5 s.
      '\repoch 1/3 [=>     ]  4/10  loss 2.0000  4.00 steps/s  ETA 0:07\x1b[K',
      // 10 steps in 2.5 s; 20 left: 5 s.
      '\repoch 1/3 [=======] 10/10  loss 1.9000  valLoss 2.1000  4.00 steps/s  ETA 0:05\x1b[K',
      '\n',
    ]);
  });

  it('prints whole lines on a terminal with verbose 2', () => {
    const writes: string[] = [];
    const clock = fakeClock();
    const log = new TrainingLog({ verbose: 2, epochs: 1, stepsPerEpoch: 2, output: { kind: 'terminal', write: (t) => writes.push(t), columns: () => 80 }, now: clock.now });
    expect(log.due()).toBe(false);
    clock.set(200);
    log.step(0, 1, 0.5); // no live bar: nothing drawn
    clock.set(500);
    log.epochEnd(0, 0.25);
    log.close();
    expect(writes).toEqual(['epoch 1/1  loss 0.2500  (2 steps, 4.00 steps/s, ETA 0:00)\n']);
  });

  it('shows no rate before a step is done or time has passed, keeps the last loss, and ends a live line once', () => {
    const writes: string[] = [];
    const clock = fakeClock();
    const output: ProgressOutput = { kind: 'terminal', write: (t) => writes.push(t), columns: () => 80 };
    const log = new TrainingLog({ verbose: 1, epochs: 2, stepsPerEpoch: 4, output, now: clock.now });
    // Closing a live log that drew nothing writes nothing.
    log.close();
    expect(writes).toEqual([]);
    clock.set(1000);
    log.step(0, 0);
    log.step(0, 2, 1.5);
    clock.set(2000);
    log.step(0, 3); // no loss given: the last one stays
    log.close();
    log.close();
    expect(writes).toEqual([
      '\repoch 1/2 [         ] 0/4  ? steps/s  ETA ?\x1b[K',
      // 2 steps in 1 s, 6 left.
      '\repoch 1/2 [===>     ] 2/4  loss 1.5000  2.00 steps/s  ETA 0:03\x1b[K',
      '\repoch 1/2 [=====>   ] 3/4  loss 1.5000  1.50 steps/s  ETA 0:03\x1b[K',
      '\n',
    ]);
    // A step at the very start (no time passed) has no rate either.
    const atZero: string[] = [];
    new TrainingLog({ verbose: 1, epochs: 1, stepsPerEpoch: 4, output: { kind: 'terminal', write: (t) => atZero.push(t), columns: () => 80 }, now: () => 0 }).step(0, 2, 1);
    expect(atZero).toEqual(['\repoch 1/1 [===>     ] 2/4  loss 1.0000  ? steps/s  ETA ?\x1b[K']);
  });

  it('writes to a terminal stdout (as wide as it says, else 100 columns), to a piped stdout in lines, to console.log in a browser', () => {
    const stdout = process.stdout as { isTTY?: boolean; columns?: number };
    const [wasTTY, wasColumns] = [stdout.isTTY, stdout.columns];
    const { written, logged } = captureOutput();
    const g = globalThis as { document?: unknown };
    try {
      stdout.isTTY = true;
      stdout.columns = 0;
      const terminal = defaultProgressOutput();
      expect(terminal.kind).toBe('terminal');
      if (terminal.kind !== 'terminal') throw new Error('expected a terminal');
      expect(terminal.columns()).toBe(100);
      stdout.columns = 57;
      expect(terminal.columns()).toBe(57);
      terminal.write('\rabc');
      stdout.isTTY = false;
      const pipe = defaultProgressOutput();
      expect(pipe.kind).toBe('lines');
      if (pipe.kind !== 'lines') throw new Error('expected lines');
      pipe.writeLine('epoch 1');
      g.document = {};
      const browser = defaultProgressOutput();
      if (browser.kind !== 'lines') throw new Error('expected lines');
      browser.writeLine('epoch 2');
    } finally {
      stdout.isTTY = wasTTY;
      stdout.columns = wasColumns;
      delete g.document;
      vi.restoreAllMocks();
    }
    expect(written).toEqual(['\rabc', 'epoch 1\n']);
    expect(logged).toEqual(['epoch 2']);
  });
});

describe('verbose training', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('shows the running mean loss of the epoch in the live bar of a terminal', async () => {
    const stdout = process.stdout as { isTTY?: boolean };
    const wasTTY = stdout.isTTY;
    const { written: writes } = captureOutput();
    stdout.isTTY = true;
    const w = tf.variable(tf.tensor1d([1]));
    let calls = 0;
    try {
      // The loss of the k-th call (the probe is call 0) is k: steps 1..4 of epoch 1, 5..8 of epoch 2.
      await trainLoop(
        { owner: 'fit', variables: [w], numExamples: 8, batchLoss: () => tf.add(tf.mul(tf.sum(w), 0), calls++) as tf.Scalar },
        { epochs: 2, batchSize: 2, shuffle: false, seed: 0, verbose: 1 },
      );
    } finally {
      stdout.isTTY = wasTTY;
      w.dispose();
    }
    const frames = writes.filter((t) => t.startsWith('\r'));
    // The first step always draws: mean loss 1 after one step.
    expect(frames[0]).toMatch(/^\repoch 1\/2 \[[=> ]+\] 1\/4  loss 1\.0000  /);
    // Each epoch ends drawn full with its mean: (1+2+3+4)/4 and (5+6+7+8)/4.
    expect(frames).toContainEqual(expect.stringMatching(/^\repoch 1\/2 \[=+\] 4\/4  loss 2\.5000  /));
    expect(frames.at(-1)).toMatch(/^\repoch 2\/2 \[=+\] 4\/4  loss 6\.5000  .* steps\/s  ETA 0:00\x1b\[K$/);
    expect(writes.at(-1)).toBe('\n');
  });

  it('writes whole lines to a non-terminal stdout in the caller\'s style, and to console.log in a browser page', async () => {
    const stdout = process.stdout as { isTTY?: boolean };
    const wasTTY = stdout.isTTY;
    const { written: writes, logged } = captureOutput();
    const w = tf.variable(tf.tensor1d([1]));
    // Constant loss 2 (ELBO -2): the lines depend on the style only.
    const spec = {
      owner: 'fitVariational',
      variables: [w],
      numExamples: 4,
      batchLoss: () => tf.add(tf.mul(tf.sum(w), 0), 2) as tf.Scalar,
      progressStyle: { metric: 'ELBO', sign: -1 as const, countSteps: true },
    };
    const g = globalThis as { document?: unknown };
    try {
      stdout.isTTY = false;
      await trainLoop(spec, { epochs: 2, batchSize: 2, seed: 0, verbose: 1 });
      g.document = {};
      await trainLoop(spec, { epochs: 2, batchSize: 2, seed: 0, verbose: 2, yieldEvery: 'epoch' });
    } finally {
      stdout.isTTY = wasTTY;
      delete g.document;
      w.dispose();
    }
    const line = /^step ([24])\/4  ELBO -2\.0000  \([\d.]+ (?:steps\/s|s\/step), ETA \d+:\d\d\)$/;
    expect(writes).toHaveLength(2);
    writes.forEach((text, i) => expect(line.exec(text.slice(0, -1))?.[1], text).toBe(String(2 * (i + 1))));
    expect(writes.every((text) => text.endsWith('\n'))).toBe(true);
    expect(logged).toHaveLength(2);
    logged.forEach((text, i) => expect(line.exec(String(text))?.[1], String(text)).toBe(String(2 * (i + 1))));
  });

  it('prints nothing by default (verbose 0)', async () => {
    const { written, logged } = captureOutput();
    const w = tf.variable(tf.tensor1d([1]));
    await trainLoop({ owner: 'fit', variables: [w], numExamples: 4, batchLoss: () => tf.sum(tf.square(w)) as tf.Scalar }, { epochs: 2, batchSize: 2 });
    w.dispose();
    expect([written, logged]).toEqual([[], []]);
  });

  it('prints one line per epoch on stdout when it is a pipe', () => {
    const here = fileURLToPath(new URL('.', import.meta.url));
    const tsx = createRequire(import.meta.url).resolve('tsx/cli');
    const run = spawnSync(process.execPath, [tsx, 'test-verbose-fit.ts'], { cwd: here, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(run.status, run.stderr).toBe(0);
    const history = JSON.parse(/^HISTORY (.*)$/m.exec(run.stderr)![1]!) as { loss: number[]; valLoss: number[] };
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    lines.forEach((line, i) => {
      const m = /^epoch (\d)\/3  loss (\S+)  valLoss (\S+)  \(4 steps, [\d.]+ (?:steps\/s|s\/step), ETA \d+:\d\d\)$/.exec(line);
      expect(m, line).not.toBeNull();
      expect(Number(m![1])).toBe(i + 1);
      expect(m![2]).toBe(history.loss[i]!.toFixed(4));
      expect(m![3]).toBe(history.valLoss[i]!.toFixed(4));
    });
    // No carriage returns or escape codes in a pipe.
    expect(run.stdout).not.toMatch(/[\r\x1b]/);
  });
});
