import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { parseArgs, selectTasks } from './cli.js';
import { profile, time } from './measure.js';
import { median, quantile, summarize } from './stats.js';
import { formatBytes, formatMs, formatTable } from './table.js';
import { runTask } from './runner.js';
import { SPEED_TASKS } from './tasks/speed.js';
import { useBackend } from './backends.js';

describe('stats', () => {
  it('median and quartiles follow numpy (linear interpolation)', () => {
    // numpy.percentile([1, 2, 3, 4], [25, 50, 75]) == [1.75, 2.5, 3.25]
    expect(quantile([4, 1, 3, 2], 0.25)).toBeCloseTo(1.75, 12);
    expect(median([4, 1, 3, 2])).toBeCloseTo(2.5, 12);
    expect(quantile([4, 1, 3, 2], 0.75)).toBeCloseTo(3.25, 12);
    // numpy.percentile([7, 1, 5, 3, 9], [25, 50, 75]) == [3, 5, 7]
    const s = summarize([7, 1, 5, 3, 9]);
    expect([s.q1, s.median, s.q3, s.iqr, s.min, s.max, s.mean]).toEqual([3, 5, 7, 4, 1, 9, 5]);
    expect(median([42])).toBe(42);
  });

  it('rejects empty input and q outside [0, 1]', () => {
    expect(() => median([])).toThrow(/at least one value/);
    expect(() => quantile([1], 1.5)).toThrow(/q in \[0, 1\]/);
  });
});

describe('table', () => {
  it('aligns columns: first left, others right; note rows do not widen columns', () => {
    const text = formatTable(
      [{ header: 'task' }, { header: 'ms' }, { header: 'x' }],
      [
        ['a', '1.5', 'y'],
        ['long-task', '12.25', 'z'],
        ['b', 'skipped: a very long reason that must not widen the ms column'],
      ],
    );
    expect(text.split('\n')).toEqual([
      'task          ms  x',
      '---------  -----  -',
      'a            1.5  y',
      'long-task  12.25  z',
      'b          skipped: a very long reason that must not widen the ms column',
    ]);
  });

  it('formats milliseconds and bytes', () => {
    expect([formatMs(123.4), formatMs(12.34), formatMs(1.234), formatMs(0.01234)]).toEqual(['123', '12.3', '1.23', '0.0123']);
    expect([formatBytes(512), formatBytes(1536), formatBytes(3 * 1024 * 1024)]).toEqual(['512 B', '1.5 KiB', '3.0 MiB']);
  });
});

describe('cli arguments', () => {
  it('parses backends, tasks, quick, json, peer and quality', () => {
    const o = parseArgs(['--backend', 'cpu,wasm', '--task=maf', '--quick', '--json', 'out.json', '--peer', 'torch', 'quality']);
    expect(o).toMatchObject({ backends: ['cpu', 'wasm'], tasks: ['maf'], quick: true, json: 'out.json', peer: 'torch', quality: true, speed: false });
    expect(selectTasks(SPEED_TASKS, ['maf-step']).map((t) => t.id)).toEqual(['maf-step-small', 'maf-step-big']);
  });

  it('runs the torch peer on one thread unless --torch-threads is given', () => {
    expect(parseArgs([]).torchThreads).toBe(1);
    expect(parseArgs(['--peer', 'torch', '--torch-threads', '2']).torchThreads).toBe(2);
    expect(() => parseArgs(['--torch-threads', '0'])).toThrow(/--torch-threads: expected a positive integer, received '0'/);
  });

  it('leaves the seed to each mode unless --seed is given', () => {
    expect(parseArgs(['quality']).seed).toBeUndefined();
    expect(parseArgs(['quality', '--seed', '2']).seed).toBe(2);
    expect(parseArgs(['--seed=7']).seed).toBe(7);
  });

  it('names the bad argument', () => {
    expect(() => parseArgs(['--backend', 'tpu'])).toThrow(/--backend: expected some of cpu, wasm, webgpu, received 'tpu'/);
    expect(() => parseArgs(['--peer', 'jax'])).toThrow(/--peer: expected 'torch'/);
    expect(() => parseArgs(['--frobnicate'])).toThrow(/unknown argument '--frobnicate'/);
    expect(() => parseArgs(['--seed', 'one'])).toThrow(/--seed: expected an integer, received 'one'/);
    expect(() => selectTasks(SPEED_TASKS, ['nope'])).toThrow(/no task matches 'nope'/);
  });
});

describe('measurement on cpu', () => {
  it('times a step and counts its kernels and peak memory without leaking', async () => {
    await useBackend('cpu');
    const a = tf.ones([8, 8]);
    const task = { step: () => tf.tidy(() => tf.sum(tf.relu(tf.matMul(a, a)))), dispose: () => a.dispose() };
    const before = tf.memory().numTensors;
    const m = await time(task, { warmup: 1, repeats: 3, minRepeats: 3, minRepeatMs: 1, maxStepsPerRepeat: 5, budgetMs: 200 });
    expect(m.samples).toHaveLength(3);
    expect(m.summary.median).toBeGreaterThan(0);
    const p = await profile(task);
    expect(p.kernels).toBe(3); // BatchMatMul, Relu, Sum
    expect(p.peakTensors).toBeGreaterThanOrEqual(1);
    expect(p.peakBytes).toBeGreaterThanOrEqual(8 * 8 * 4);
    expect(p.leakedTensors).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    task.dispose();
  });

  it('runs a real task end to end and reports a positive time, kernels and FLOPs', async () => {
    const def = SPEED_TASKS.find((t) => t.id === 'matmul-512')!;
    const r = await runTask(def, 'cpu', {
      timing: { warmup: 0, repeats: 1, minRepeats: 1, minRepeatMs: 1, maxStepsPerRepeat: 1, budgetMs: 1 },
      seed: 1,
      quick: true,
    });
    expect(r.status).toBe('ok');
    expect(r.timing!.summary.median).toBeGreaterThan(0);
    expect(r.profile!.kernels).toBe(1);
    expect(r.matmul).toMatchObject({ calls: 1, transposedCalls: 0, flops: 2 * 512 ** 3 });
    expect(r.gflops).toBeGreaterThan(0);
  });
});

describe('png', () => {
  it('computes PNG CRCs and writes a well-formed file', async () => {
    const { crc32, encodePng } = await import('./png.js');
    // The CRC of the IEND chunk type is fixed by the PNG spec: AE 42 60 82.
    expect(crc32(new TextEncoder().encode('IEND'))).toBe(0xae426082);
    const png = encodePng(2, 1, new Uint8Array([255, 0, 0, 0, 0, 255]));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
    expect(png.readUInt32BE(16)).toBe(2);
    expect(png.readUInt32BE(20)).toBe(1);
    expect(png.subarray(png.length - 8, png.length - 4).toString('latin1')).toBe('IEND');
    expect(() => encodePng(2, 2, new Uint8Array(3))).toThrow(/expected 12 bytes of RGB, received 3/);
  });
});
