// A streaming reader of numeric CSV files (no quotes, comma separated, one header line), for
// HEPMASS' 1000_train.csv / 1000_test.csv. It reads the file in chunks, so files larger than
// V8's maximum string length work too, and parses numbers straight from the bytes.

import { nodeModules } from './node-files.js';
import { FormatError } from '../errors.js';

export interface CsvTable {
  header: string[];
  /** Row-major float64 values of the kept rows. */
  data: Float64Array;
  rows: number;
  cols: number;
}

/** Growable float64 buffer. */
class Float64Builder {
  data = new Float64Array(1 << 16);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }
}

const COMMA = 44;
const NEWLINE = 10;
const RETURN = 13;
// Exact powers of ten: 10^k is a double exactly for k <= 22.
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * Parses the decimal number starting at bytes[start]. Fast path (Clinger 1990): at most 15
 * significant digits and a decimal exponent within +-22, so the value is one correctly rounded
 * multiplication or division of two exact doubles, the same double as Number(text). Returns
 * the end index, or -1 when the text needs the general parser.
 */
function parseFast(bytes: Uint8Array, start: number, end: number, out: Float64Array): number {
  let j = start;
  let negative = false;
  if (j < end && (bytes[j] === 45 || bytes[j] === 43)) {
    negative = bytes[j] === 45;
    j++;
  }
  let mantissa = 0;
  let digits = 0;
  let fraction = 0;
  let any = false;
  let b = bytes[j]!;
  while (j < end && b >= 48 && b <= 57) {
    if (digits > 0 || b !== 48) {
      if (++digits > 15) return -1;
      mantissa = mantissa * 10 + (b - 48);
    }
    any = true;
    b = bytes[++j]!;
  }
  if (j < end && b === 46) {
    b = bytes[++j]!;
    while (j < end && b >= 48 && b <= 57) {
      if (digits > 0 || b !== 48) {
        if (++digits > 15) return -1;
        mantissa = mantissa * 10 + (b - 48);
      }
      fraction++;
      any = true;
      b = bytes[++j]!;
    }
  }
  if (!any) return -1;
  let exponent = 0;
  if (j < end && (b === 101 || b === 69)) {
    j++;
    let expNegative = false;
    if (j < end && (bytes[j] === 45 || bytes[j] === 43)) {
      expNegative = bytes[j] === 45;
      j++;
    }
    let expDigits = 0;
    while (j < end && bytes[j]! >= 48 && bytes[j]! <= 57) {
      exponent = exponent * 10 + (bytes[j]! - 48);
      if (++expDigits > 4) return -1;
      j++;
    }
    if (expDigits === 0) return -1;
    if (expNegative) exponent = -exponent;
  }
  const e10 = exponent - fraction;
  let value: number;
  if (mantissa === 0) value = 0;
  else if (e10 >= 0 && e10 <= 22) value = mantissa * POW10[e10]!;
  else if (e10 < 0 && e10 >= -22) value = mantissa / POW10[-e10]!;
  else return -1;
  out[0] = negative ? -value : value;
  return j;
}

/**
 * Parses a numeric CSV file whose first line is a header. `keep(row)` decides per parsed row
 * (all its values) whether to store it. A row with one more field than the header whose last
 * field is empty (a trailing comma) is accepted, as pandas does with index_col=False.
 */
export async function readNumericCsv(owner: string, file: string, keep: (row: Float64Array) => boolean = () => true): Promise<CsvTable> {
  const { fs } = await nodeModules(owner);
  const handle = await fs.open(file, 'r');
  const decoder = new TextDecoder('utf-8');
  const builder = new Float64Builder();
  const scratch = new Float64Array(1);
  let header: string[] | undefined;
  let row = new Float64Array(0);
  let cols = 0;
  let rows = 0;
  let lineNumber = 0;

  const fieldEnd = (bytes: Uint8Array, from: number, end: number): number => {
    let j = from;
    while (j < end && bytes[j] !== COMMA && bytes[j] !== NEWLINE && bytes[j] !== RETURN) j++;
    return j;
  };
  const badNumber = (text: string, column: number) =>
    new FormatError(`${owner}: line ${lineNumber} of ${file}: cannot read ${JSON.stringify(text)} (column ${column + 1}) as a number`);

  /** Parses the complete line bytes[start, end) (no newline). */
  const parseLine = (bytes: Uint8Array, start: number, end: number): void => {
    lineNumber++;
    if (end > start && bytes[end - 1] === RETURN) end--;
    let blank = true;
    for (let j = start; j < end; j++) {
      if (bytes[j] !== 32 && bytes[j] !== 9) {
        blank = false;
        break;
      }
    }
    if (blank) return;
    if (!header) {
      header = decoder.decode(bytes.subarray(start, end)).split(',').map((s) => s.trim());
      cols = header.length;
      row = new Float64Array(cols);
      return;
    }
    let c = 0;
    let j = start;
    for (;;) {
      // One field: bytes[j, ...) up to a comma or the end of the line.
      let next = parseFast(bytes, j, end, scratch);
      let value = scratch[0]!;
      if (next < 0 || (next < end && bytes[next] !== COMMA)) {
        next = fieldEnd(bytes, j, end);
        const text = decoder.decode(bytes.subarray(j, next));
        const isTrailingEmpty = next === end && c === cols && text.trim() === '';
        if (isTrailingEmpty) break;
        value = Number(text);
        if (text.trim() === '' || Number.isNaN(value)) {
          if (c < cols) throw badNumber(text, c);
        }
      }
      if (c < cols) row[c] = value;
      c++;
      if (next >= end) break;
      j = next + 1; // skip the comma
      if (j === end && c === cols) break; // trailing comma
    }
    if (c !== cols) {
      throw new FormatError(`${owner}: line ${lineNumber} of ${file} has ${c} fields, the header has ${cols}`);
    }
    if (keep(row)) {
      for (let k = 0; k < cols; k++) builder.push(row[k]!);
      rows++;
    }
  };

  let carry = new Uint8Array(0);
  const chunk = new Uint8Array(1 << 22);
  try {
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      let bytes = chunk.subarray(0, bytesRead);
      if (carry.length > 0) {
        const joined = new Uint8Array(carry.length + bytesRead);
        joined.set(carry);
        joined.set(bytes, carry.length);
        bytes = joined;
      }
      let start = 0;
      for (let j = bytes.indexOf(NEWLINE); j >= 0; j = bytes.indexOf(NEWLINE, start)) {
        parseLine(bytes, start, j);
        start = j + 1;
      }
      carry = bytes.slice(start);
    }
    if (carry.length > 0) parseLine(carry, 0, carry.length);
  } finally {
    await handle.close();
  }
  if (!header) throw new FormatError(`${owner}: ${file} is empty (expected a CSV header line and rows)`);
  return { header, data: builder.data.subarray(0, builder.length), rows, cols };
}
