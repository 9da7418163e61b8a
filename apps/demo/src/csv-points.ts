// "Use my data": 2-D points from CSV text (pasted, dropped or chosen as a file), validated with
// errors that name the line, what was expected and what was found.
import type { Points } from './datasets.js';

/** Bounds on a user's data set: enough points for a batch, few enough to train in a page. */
export const CSV_MIN_POINTS = 10;
export const CSV_MAX_POINTS = 50_000;

/**
 * Parses CSV text of 2-D points: one point per line, two numbers separated by a comma,
 * semicolon, tab or spaces. An optional header (a first line that is not two numbers, such as
 * `x,y`) is skipped; blank lines and lines starting with `#` are ignored. Throws an Error
 * naming the first bad line.
 */
export function parseCsvPoints(text: string, source = 'the CSV'): Points {
  const values: number[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  let first = true;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s*[,;\t]\s*|\s+/).filter((f) => f !== '');
    const numbers = fields.map((f) => (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(f) ? Number(f) : NaN));
    const isPoint = fields.length === 2 && numbers.every(Number.isFinite);
    if (!isPoint && first && numbers.every((v) => Number.isNaN(v))) {
      first = false; // a header such as "x,y"
      continue;
    }
    first = false;
    if (!isPoint) {
      const shown = line.length > 60 ? `${line.slice(0, 57)}...` : line;
      throw new Error(`${source}, line ${i + 1}: expected two numbers (x, y) separated by a comma, received "${shown}".`);
    }
    values.push(numbers[0]!, numbers[1]!);
  }
  const data = Float32Array.from(values);
  const tooBig = data.findIndex((v) => !Number.isFinite(v));
  if (tooBig >= 0) {
    throw new Error(`${source}: the value ${values[tooBig]} is beyond the float32 range (about ±3.4e38) the flows compute in.`);
  }
  const n = values.length / 2;
  if (n < CSV_MIN_POINTS) {
    throw new Error(`${source}: expected at least ${CSV_MIN_POINTS} points (one "x, y" per line), received ${n}.`);
  }
  if (n > CSV_MAX_POINTS) {
    throw new Error(`${source}: expected at most ${CSV_MAX_POINTS} points, received ${n}; subsample your data.`);
  }
  for (let j = 0; j < 2; j++) {
    const v = values[j]!;
    if (values.every((w, k) => k % 2 !== j || w === v)) {
      throw new Error(`${source}: every ${j === 0 ? 'x' : 'y'} value is ${v}; a density needs points that vary in both coordinates.`);
    }
  }
  return { data, n, dim: 2 };
}
