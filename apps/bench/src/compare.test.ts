import { describe, expect, it } from 'vitest';
import { compareResults } from './compare.js';
import type { TaskResult } from './runner.js';

const result = (task: string, median: number | undefined, kernels?: number): TaskResult => ({
  task,
  title: task,
  backend: 'wasm',
  status: median === undefined ? 'skipped' : 'ok',
  ...(median === undefined ? {} : { timing: { summary: { median } } as TaskResult['timing'] }),
  ...(kernels === undefined ? {} : { profile: { kernels } as TaskResult['profile'] }),
});

describe('bench compare', () => {
  it('puts the two files side by side with the ratio of medians, rows from either file', () => {
    const text = compareResults(
      { results: [result('maf-step-small', 10, 85), result('mdn-epoch', 4)] },
      { results: [result('maf-step-small', 5, 85), result('iaf-sample-8', 2)] },
      ['a', 'b'],
    );
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/task\s+backend\s+a median ms\s+b median ms\s+b \/ a\s+kernels a\s+kernels b/);
    expect(lines.find((l) => l.startsWith('maf-step-small'))).toMatch(/wasm\s+10\s+5\s+0\.50x\s+85\s+85/);
    expect(lines.find((l) => l.startsWith('mdn-epoch'))).toMatch(/4\s+-\s+-/);
    expect(lines.find((l) => l.startsWith('iaf-sample-8'))).toMatch(/-\s+2\s+-/);
  });
});
