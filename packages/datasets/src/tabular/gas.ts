import type { NpyArray } from '../npy.js';
import type { DatasetSplits } from '../types.js';
import { asMatrix, checkSpread, columnMeans, columnStds, standardizedRows, tenth, type Matrix } from './matrix.js';
import { fileExists, findFile, MAF_ARCHIVE, readNpyFile } from './node-files.js';

const EXPORT_COMMAND =
  `python -c "import numpy as np, pandas as pd; d = pd.read_pickle('ethylene_CO.pickle'); ` +
  `np.save('ethylene_CO.npy', d.drop(columns=['Meth', 'Eth', 'Time']).to_numpy())"`;

const SOURCE = {
  title: 'GAS',
  folder: 'gas',
  origin:
    `is UCI's "Gas sensor array under dynamic gas mixtures" (ethylene and CO), shipped as gas/ethylene_CO.pickle in ${MAF_ARCHIVE}. ` +
    `JavaScript cannot read the pandas pickle: export its 16 sensor columns once with ${EXPORT_COMMAND} and put ethylene_CO.npy beside it`,
};

/** Pearson correlations of all column pairs (pandas DataFrame.corr). */
function correlations(m: Matrix): Float64Array {
  const { rows, cols, data } = m;
  const means = columnMeans(m);
  const cross = new Float64Array(cols * cols);
  const centered = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) centered[c] = data[r * cols + c]! - means[c]!;
    for (let a = 0; a < cols; a++) {
      const va = centered[a]!;
      for (let b = a; b < cols; b++) cross[a * cols + b]! += va * centered[b]!;
    }
  }
  const corr = new Float64Array(cols * cols);
  for (let a = 0; a < cols; a++) {
    for (let b = a; b < cols; b++) {
      const value = cross[a * cols + b]! / Math.sqrt(cross[a * cols + a]! * cross[b * cols + b]!);
      corr[a * cols + b] = value;
      corr[b * cols + a] = value;
    }
  }
  return corr;
}

/**
 * GAS preprocessing of the MAF paper (gpapamak/maf datasets/gas.py) on the 16 sensor columns
 * (the pickle minus Meth, Eth and Time):
 * 1. while some column has a correlation > 0.98 with another column, drop the first such column
 *    (pandas' rule: count of correlations > 0.98 per row, itself included, > 1); 8 remain;
 * 2. standardize every column with its mean and sample std (pandas, ddof 1) over all rows;
 * 3. test = last int(0.1 n) rows, val = last int(0.1 m) of the m rows left, train = the rest.
 */
export function preprocessGas(array: NpyArray | { data: Float32Array | Float64Array; shape: number[] }): DatasetSplits {
  const owner = 'gas';
  const m = asMatrix(owner, array, 'ethylene_CO.npy', 16);
  const n = m.rows;
  const testSize = tenth(owner, n, 'ethylene_CO.npy');
  const valSize = tenth(owner, n - testSize, 'the rows left after the test split');
  const corr = correlations(m);
  // Dropping a column leaves the other correlations unchanged, so one matrix serves every round.
  let keep = Array.from({ length: m.cols }, (_, c) => c);
  for (;;) {
    const counts = keep.map((a) => keep.filter((b) => corr[a * m.cols + b]! > 0.98).length);
    const first = counts.findIndex((count) => count > 1);
    if (first < 0) break;
    keep = keep.filter((_, i) => i !== first);
  }
  const means = columnMeans(m);
  const stds = columnStds(m, means, 1);
  checkSpread(owner, stds, 'ethylene_CO.npy', keep);
  const trainEnd = n - testSize - valSize;
  return {
    train: standardizedRows(m, 0, trainEnd, means, stds, keep),
    val: standardizedRows(m, trainEnd, n - testSize, means, stds, keep),
    test: standardizedRows(m, n - testSize, n, means, stds, keep),
  };
}

/**
 * Loads GAS from local files and applies the MAF preprocessing (see preprocessGas).
 * Reads gas/ethylene_CO.npy, a .npy export of the archive's ethylene_CO.pickle (its 16 sensor
 * columns; see the README for the one-line export). `path`: the data root, the gas/ folder or
 * the .npy file. Node only. Full data: train 852,174 x 8, val 94,685 x 8, test 105,206 x 8.
 */
export async function gas(path: string): Promise<DatasetSplits> {
  const file = await findFile('gas', path, 'ethylene_CO.npy', SOURCE, async (dir) => {
    const pickle = await fileExists('gas', dir, 'ethylene_CO.pickle');
    return pickle ? `Found ${pickle}, but pickles cannot be read here: export it to .npy first.` : undefined;
  });
  return preprocessGas(await readNpyFile('gas', file));
}
