import type { DatasetSplits } from '../types.js';
import { readNumericCsv } from './csv.js';
import { checkFinite, checkSpread, columnMeans, columnStds, standardizedRows, tenth, type Matrix } from './matrix.js';
import { findFile, MAF_ARCHIVE } from './node-files.js';
import { FormatError } from '../errors.js';

const SOURCE = {
  title: 'HEPMASS',
  folder: 'hepmass',
  origin: `is UCI's "HEPMASS" data (the mass-1000 files 1000_train.csv and 1000_test.csv: a label column and 28 features), in hepmass/ of ${MAF_ARCHIVE}`,
};

/** HEPMASS tables as read from the two CSV files, label column included. */
export interface HepmassTables {
  /** The training table: a label column, then the features. */
  train: {
    /** Values in row-major order. */
    data: Float64Array | Float32Array;
    /** [rows, 1 + features]. */
    shape: number[];
  };
  /** The test table, laid out as `train`. */
  test: {
    /** Values in row-major order. */
    data: Float64Array | Float32Array;
    /** [rows, 1 + features]. */
    shape: number[];
  };
}

function positives(owner: string, table: HepmassTables['train'], what: string): Matrix {
  if (table.shape.length !== 2 || table.shape[1]! < 2) {
    throw new FormatError(`${owner}: ${what} must be 2-D with a label column and features, received shape [${table.shape.join(', ')}]`);
  }
  const [rows, cols] = table.shape as [number, number];
  const out = new Float64Array(rows * (cols - 1));
  let kept = 0;
  for (let r = 0; r < rows; r++) {
    if (table.data[r * cols] !== 1) continue;
    for (let c = 1; c < cols; c++) out[kept * (cols - 1) + c - 1] = table.data[r * cols + c]!;
    kept++;
  }
  return { data: out.subarray(0, kept * (cols - 1)), rows: kept, cols: cols - 1 };
}

/**
 * HEPMASS preprocessing of the MAF paper (gpapamak/maf datasets/hepmass.py):
 * 1. keep the signal rows (label column, the first, equal to 1) and drop the label; the test file
 *    has one extra trailing column ("because the data set is messed up!"), dropped too (here only
 *    when it is there: a test table as wide as the train table is kept whole);
 * 2. standardize both with the train mean and sample std (pandas, ddof 1);
 * 3. drop every feature whose smallest train value occurs more than 5 times (the MAF code's
 *    `sorted(Counter(feature).items())[0]` count: the count of the minimum, not of the mode);
 *    21 of 28 features remain;
 * 4. val = the last int(0.1 n) train rows, train = the rest.
 */
export function preprocessHepmass(tables: HepmassTables): DatasetSplits {
  const owner = 'hepmass';
  const train = positives(owner, tables.train, '1000_train.csv');
  let test = positives(owner, tables.test, '1000_test.csv');
  checkFinite(owner, train, '1000_train.csv');
  checkFinite(owner, test, '1000_test.csv');
  if (test.cols === train.cols + 1) {
    const data = new Float64Array(test.rows * train.cols);
    for (let r = 0; r < test.rows; r++) data.set(test.data.subarray(r * test.cols, r * test.cols + train.cols), r * train.cols);
    test = { data, rows: test.rows, cols: train.cols };
  } else if (test.cols !== train.cols) {
    throw new FormatError(
      `${owner}: 1000_test.csv must have as many columns as 1000_train.csv (${train.cols + 1}) or one more, received ${test.cols + 1}`,
    );
  }
  const valSize = tenth(owner, train.rows, 'the signal rows of 1000_train.csv');
  if (test.rows < 1) throw new FormatError(`${owner}: 1000_test.csv has no signal rows (label 1)`);
  const means = columnMeans(train);
  const stds = columnStds(train, means, 1);
  const keep: number[] = [];
  for (let c = 0; c < train.cols; c++) {
    // Counted on the raw values: equal raw values are equal after standardizing, and a constant
    // column (whose standardized values would be NaN) is then removed like any repeated one.
    let min = Infinity;
    let count = 0;
    for (let r = 0; r < train.rows; r++) {
      const v = train.data[r * train.cols + c]!;
      if (v < min) {
        min = v;
        count = 1;
      } else if (v === min) {
        count++;
      }
    }
    if (count <= 5) keep.push(c);
  }
  if (keep.length === 0) {
    throw new FormatError(`${owner}: every feature of 1000_train.csv has its smallest value more than 5 times, so none is left`);
  }
  checkSpread(owner, stds, 'the signal rows of 1000_train.csv', keep);
  const trainEnd = train.rows - valSize;
  return {
    train: standardizedRows(train, 0, trainEnd, means, stds, keep),
    val: standardizedRows(train, trainEnd, train.rows, means, stds, keep),
    test: standardizedRows(test, 0, test.rows, means, stds, keep),
  };
}

/**
 * Loads HEPMASS from the two CSV files of the UCI data (1000_train.csv, 1000_test.csv) and
 * applies the MAF preprocessing (see preprocessHepmass). `path`: the data root or the hepmass/
 * folder. Node only. Full data: train 315,123 x 21, val 35,013 x 21, test 174,987 x 21.
 */
export async function hepmass(path: string): Promise<DatasetSplits> {
  const trainFile = await findFile('hepmass', path, '1000_train.csv', SOURCE, undefined, true);
  const testFile = await findFile('hepmass', path, '1000_test.csv', SOURCE, undefined, true);
  const signal = (row: Float64Array) => row[0] === 1;
  const [train, test] = await Promise.all([
    readNumericCsv('hepmass', trainFile, signal),
    readNumericCsv('hepmass', testFile, signal),
  ]);
  return preprocessHepmass({
    train: { data: train.data, shape: [train.rows, train.cols] },
    test: { data: test.data, shape: [test.rows, test.cols] },
  });
}
