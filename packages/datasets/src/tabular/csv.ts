// A streaming reader of numeric CSV files (no quotes, comma separated, one header line), for
// HEPMASS' 1000_train.csv / 1000_test.csv. It reads the file in chunks, so files larger than
// V8's maximum string length work too.

import { nodeModules } from './node-files.js';

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

/**
 * Parses a numeric CSV file whose first line is a header. `keep(row)` decides per parsed row
 * (all its values) whether to store it. A row with one more field than the header whose last
 * field is empty (a trailing comma) is accepted, as pandas does with index_col=False.
 */
export async function readNumericCsv(owner: string, file: string, keep: (row: Float64Array) => boolean = () => true): Promise<CsvTable> {
  const { fs } = await nodeModules(owner);
  const handle = await fs.open(file, 'r');
  const decoder = new TextDecoder('utf-8');
  const chunk = new Uint8Array(1 << 22);
  const builder = new Float64Builder();
  let header: string[] | undefined;
  let row: Float64Array | undefined;
  let cols = 0;
  let rows = 0;
  let lineNumber = 0;
  let pending = '';

  const parseLine = (line: string): void => {
    lineNumber++;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim().length === 0) return;
    if (!header) {
      header = line.split(',').map((s) => s.trim());
      cols = header.length;
      row = new Float64Array(cols);
      return;
    }
    const fields = line.split(',');
    if (fields.length === cols + 1 && fields[cols]!.trim() === '') fields.pop();
    if (fields.length !== cols) {
      throw new Error(`${owner}: line ${lineNumber} of ${file} has ${fields.length} fields, the header has ${cols}`);
    }
    for (let c = 0; c < cols; c++) {
      const text = fields[c]!;
      const value = Number(text);
      if (text.trim() === '' || Number.isNaN(value)) {
        throw new Error(`${owner}: line ${lineNumber} of ${file}: cannot read ${JSON.stringify(text)} (column ${c + 1}) as a number`);
      }
      row![c] = value;
    }
    if (keep(row!)) {
      for (let c = 0; c < cols; c++) builder.push(row![c]!);
      rows++;
    }
  };

  try {
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      const text = pending + decoder.decode(chunk.subarray(0, bytesRead), { stream: true });
      const lines = text.split('\n');
      pending = lines.pop()!;
      for (const line of lines) parseLine(line);
    }
    pending += decoder.decode();
    if (pending.length > 0) parseLine(pending);
  } finally {
    await handle.close();
  }
  if (!header) throw new Error(`${owner}: ${file} is empty (expected a CSV header line and rows)`);
  return { header, data: builder.data.subarray(0, builder.length), rows, cols };
}
