import type { NpyArray } from '../npy.js';
import type { DatasetSplits } from '../types.js';
import { asMatrix, rowsAsDataset } from './matrix.js';
import { fileExists, findFile, MAF_ARCHIVE, readNpyFile } from './node-files.js';

const EXPORT_COMMAND =
  `python -c "import h5py, numpy as np; f = h5py.File('BSDS300.hdf5', 'r'); ` +
  `[np.save(k + '.npy', f[k][:]) for k in ('train', 'validation', 'test')]"`;

const SOURCE = {
  title: 'BSDS300',
  folder: 'BSDS300',
  origin:
    `is the set of 8x8 monochrome patches of the Berkeley segmentation dataset (63 columns: the last pixel is dropped), ` +
    `shipped as BSDS300/BSDS300.hdf5 in ${MAF_ARCHIVE}. This package reads no HDF5: export its three datasets once with ` +
    `${EXPORT_COMMAND} (in the BSDS300/ folder) to get train.npy, validation.npy and test.npy`,
};

/**
 * BSDS300 as in the MAF paper (gpapamak/maf datasets/bsds300.py): the archive's patches are
 * already dequantized, centered and split, so the only step is checking the 63 columns and
 * converting to float32.
 */
export function preprocessBsds300(arrays: {
  train: NpyArray | { data: Float32Array | Float64Array; shape: number[] };
  validation: NpyArray | { data: Float32Array | Float64Array; shape: number[] };
  test: NpyArray | { data: Float32Array | Float64Array; shape: number[] };
}): DatasetSplits {
  const owner = 'bsds300';
  const part = (key: 'train' | 'validation' | 'test') => {
    const m = asMatrix(owner, arrays[key], `${key}.npy`, 63);
    return rowsAsDataset(m, 0, m.rows);
  };
  return { train: part('train'), val: part('validation'), test: part('test') };
}

/**
 * Loads BSDS300 from .npy exports of the archive's BSDS300.hdf5 (train.npy, validation.npy,
 * test.npy; see the README). `path`: the data root or the BSDS300/ folder. Node only.
 * Full data: train 1,000,000 x 63, val 50,000 x 63, test 250,000 x 63.
 */
export async function bsds300(path: string): Promise<DatasetSplits> {
  const hint = async (dir: string) => {
    const hdf5 = await fileExists('bsds300', dir, 'BSDS300.hdf5');
    return hdf5 ? `Found ${hdf5}, but HDF5 cannot be read here: export it to .npy first.` : undefined;
  };
  const read = async (name: string) =>
    readNpyFile('bsds300', await findFile('bsds300', path, `${name}.npy`, SOURCE, hint, true));
  const [train, validation, test] = await Promise.all([read('train'), read('validation'), read('test')]);
  return preprocessBsds300({ train, validation, test });
}
