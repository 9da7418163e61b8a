// Fixture files for the loader tests, written to a temporary folder laid out like the MAF data
// archive. The values are closed-form so that scripts/maf-reference.py builds the very same
// arrays in numpy and runs the paper's preprocessing on them (-> test-maf-reference.json).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { writeNpy } from '../npy.js';
import type { Dataset, DatasetSplits } from '../types.js';

export function powerFixture(n = 250): Float64Array {
  const out = new Float64Array(n * 8);
  for (let i = 0; i < n; i++) for (let c = 0; c < 8; c++) out[i * 8 + c] = ((i * 37 + c * 11) % 101) / 7 + c;
  return out;
}

export function gasFixture(n = 300): Float64Array {
  const base = (i: number, c: number) => ((i * (2 * c + 3) + c * c * 5) % 97) / 9 + c;
  const out = new Float64Array(n * 16);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 16; c++) out[i * 16 + c] = base(i, c);
    out[i * 16 + 5] = 2 * base(i, 2) + (i % 3) * 0.01;
    out[i * 16 + 9] = base(i, 2) - (i % 5) * 0.002;
    out[i * 16 + 12] = -base(i, 4);
    out[i * 16 + 14] = 3 * base(i, 7) + 1;
  }
  return out;
}

export function hepmassRow(i: number, cols: 29 | 30): number[] {
  const label = i % 3 === 0 ? 0 : 1;
  const features = Array.from({ length: 28 }, (_, c) => ((i * (3 * c + 5) + 7 * c) % 89) / 11 - 2);
  features[3] = i % 4;
  features[10] = Math.max(features[10]!, 1);
  features[27] = 1000;
  const row = [label, ...features];
  if (cols === 30) row.push(42);
  return row;
}

export function hepmassCsv(rows: number, offset: number, cols: 29 | 30): string {
  const names = ['# label', ...Array.from({ length: 27 }, (_, c) => `f${c}`), 'mass'];
  if (cols === 30) names.push('extra');
  const lines = [names.join(',')];
  for (let i = 0; i < rows; i++) lines.push(hepmassRow(i + offset, cols).map(String).join(','));
  return `${lines.join('\n')}\n`;
}

export function miniboonFixture(n = 150): Float64Array {
  const out = new Float64Array(n * 43);
  for (let i = 0; i < n; i++) for (let c = 0; c < 43; c++) out[i * 43 + c] = ((i * (c + 2) * 7 + c) % 53) / 5 - c / 3;
  return out;
}

/** A fresh temporary data root; `files` maps relative paths to contents. */
export async function makeRoot(files: Record<string, Uint8Array | string>): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'densityjs-datasets-'));
  for (const [name, content] of Object.entries(files)) {
    const file = join(root, name);
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, content);
  }
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

export function npy(data: Float64Array | Float32Array, shape: number[]): Uint8Array {
  return writeNpy(data, shape);
}

interface Reference {
  shapes: number[][];
  trainFirst: number[];
  testLast: number[];
  valMean: number[];
  kept?: number[];
}

export const REFERENCE: Record<'power' | 'gas' | 'hepmass' | 'miniboone', Reference> = JSON.parse(
  readFileSync(new URL('./test-maf-reference.json', import.meta.url), 'utf8'),
);

function row(ds: Dataset, i: number): number[] {
  const d = ds.shape[1];
  return Array.from(ds.data.subarray(i * d, i * d + d));
}

/** Compares loader output with the numpy run of the MAF code (float32 outputs, 1e-5 slack). */
export function expectMatchesReference(splits: DatasetSplits, ref: Reference): void {
  const { train, val, test } = splits;
  expect([train.shape, val.shape, test.shape]).toEqual(ref.shapes);
  const close = (actual: number[], expected: number[]) => {
    expect(actual.length).toBe(expected.length);
    actual.forEach((v, k) => expect(Math.abs(v - expected[k]!), `index ${k}: ${v} vs ${expected[k]}`).toBeLessThan(1e-5));
  };
  close(row(train, 0), ref.trainFirst);
  close(row(test, test.shape[0] - 1), ref.testLast);
  const d = val.shape[1];
  const means = new Array<number>(d).fill(0);
  for (let i = 0; i < val.shape[0]; i++) for (let c = 0; c < d; c++) means[c]! += val.data[i * d + c]! / val.shape[0];
  close(means, ref.valMean);
}
