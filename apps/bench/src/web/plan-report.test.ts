import { describe, expect, it } from 'vitest';
import type { TaskDef } from '../tasks/speed.js';
import { planPairs } from './plan.js';
import type { BrowserResult } from './protocol.js';
import { fastestByTask, ratioToFastest, tableRows } from './report.js';

const task = (id: string, extra: Partial<TaskDef> = {}): TaskDef => ({ id, title: id, create: () => Promise.reject(new Error('not run')), ...extra });
const ALL = [task('a-light', { light: true }), task('b-heavy'), task('c-slow', { slow: true })];

function timed(t: string, backend: BrowserResult['backend'], samples: number[]): BrowserResult {
  const sorted = [...samples].sort((x, y) => x - y);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return {
    task: t,
    title: t,
    backend,
    status: 'ok',
    timing: {
      stepsPerRepeat: 1,
      samples,
      summary: { n: samples.length, median, q1: sorted[0]!, q3: sorted.at(-1)!, iqr: sorted.at(-1)! - sorted[0]!, min: sorted[0]!, max: sorted.at(-1)!, mean: median },
      cpuSamples: [],
    },
  };
}

describe('browser bench plan', () => {
  it('gives every task x backend pair a row, with the CLI quick-mode rules', () => {
    const pairs = planPairs(ALL, ['webgpu', 'wasm-single', 'cpu'], { quick: true });
    expect(pairs).toHaveLength(9);
    const skip = (t: string, b: string) => pairs.find((p) => p.task.id === t && p.backend === b)!.skip;
    expect(skip('a-light', 'webgpu')).toBeUndefined();
    expect(skip('b-heavy', 'webgpu')).toMatch(/heavy on webgpu/);
    expect(skip('b-heavy', 'wasm-single')).toBeUndefined();
    expect(skip('c-slow', 'wasm-single')).toMatch(/seconds per step/);
  });

  it('runs a named slow task and marks the others not selected', () => {
    const pairs = planPairs(ALL, ['wasm-threads'], { quick: true, named: ['c-'] });
    expect(pairs.map((p) => [p.task.id, p.skip])).toEqual([
      ['a-light', 'not selected'],
      ['b-heavy', 'not selected'],
      ['c-slow', undefined],
    ]);
  });
});

describe('browser bench report', () => {
  it('divides each median by the fastest median of the same task', () => {
    const rows = [timed('a', 'cpu', [8, 10, 12]), timed('a', 'wasm-single', [4, 5, 9]), timed('b', 'cpu', [3, 3, 3])];
    const fastest = fastestByTask(rows);
    expect(fastest.get('a')).toEqual({ backend: 'wasm-single', median: 5 });
    expect(ratioToFastest(rows[0]!, fastest)).toBe(2);
    expect(ratioToFastest(rows[1]!, fastest)).toBe(1);
    expect(ratioToFastest(rows[2]!, fastest)).toBe(1);
    const table = tableRows([...rows, { task: 'a', title: 'a', backend: 'webgpu', status: 'skipped', reason: 'x' }]);
    expect(table).toHaveLength(3);
    expect(table[0]![5]).toBe('2.00x');
  });
});
