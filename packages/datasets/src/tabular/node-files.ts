// File access for the tabular loaders. Node's fs and path are imported dynamically, through a
// specifier bundlers do not follow, so the browser bundle of the toy generators never pulls them
// in (the loaders then fail with a clear message instead).

import type * as FsPromises from 'node:fs/promises';
import type * as NodePath from 'node:path';
import { readNpy, type NpyArray } from '../npy.js';
import { ArgumentError, FormatError, StateError } from '../errors.js';

export interface NodeModules {
  fs: typeof FsPromises;
  path: typeof NodePath;
}

let modules: Promise<NodeModules> | undefined;

/** The Node modules the loaders need; rejects outside Node (browsers, workers). */
export function nodeModules(owner: string): Promise<NodeModules> {
  if (!modules) {
    const fsName = 'node:fs/promises';
    const pathName = 'node:path';
    modules = Promise.all([
      import(/* webpackIgnore: true */ /* @vite-ignore */ fsName) as Promise<typeof FsPromises>,
      import(/* webpackIgnore: true */ /* @vite-ignore */ pathName) as Promise<typeof NodePath>,
    ]).then(([fs, path]) => ({ fs, path }));
    modules.catch(() => {
      modules = undefined;
    });
  }
  return modules.catch((cause: unknown) => {
    throw new StateError(
      `${owner}: reading files needs Node.js (node:fs could not be imported). In a browser, fetch the file yourself ` +
        `and pass its bytes to readNpy() and the matching preprocess function.`,
      { cause },
    );
  });
}

/** Where a dataset's files come from, for error messages. */
export interface DatasetSource {
  /** Dataset name in messages, e.g. 'POWER'. */
  title: string;
  /** Sub-folder in the MAF data archive, e.g. 'power'. */
  folder: string;
  /** Text telling where the file comes from and how to get it. */
  origin: string;
}

/** The MAF preprocessed data archive (Papamakarios, Pavlakou & Murray 2017). */
export const MAF_ARCHIVE =
  'the MAF data archive data.tar.gz (https://zenodo.org/record/1161203, "Preprocessed datasets for MAF experiments"); ' +
  'unpack it and pass the folder that holds power/, gas/, hepmass/, miniboone/ and BSDS300/';

async function isFile(fs: typeof FsPromises, file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

/**
 * Finds `fileName` for a loader: `location` may be the file itself, the dataset's folder, or the
 * data root holding the dataset's folder. Throws an error naming every place it looked.
 */
export async function findFile(
  owner: string,
  location: unknown,
  fileName: string,
  source: DatasetSource,
  hint?: (dir: string) => Promise<string | undefined>,
  folderOnly = false,
): Promise<string> {
  if (typeof location !== 'string' || location.length === 0) {
    throw new ArgumentError(
      `${owner}: path must be a non-empty string (the data root, the ${source.folder}/ folder or ${fileName}), received ${JSON.stringify(location) ?? String(location)}`,
    );
  }
  const { fs, path } = await nodeModules(owner);
  let stats: Awaited<ReturnType<typeof fs.stat>>;
  try {
    stats = await fs.stat(location);
  } catch {
    throw new ArgumentError(
      `${owner}: path ${JSON.stringify(location)} does not exist. Expected ${source.folder}/${fileName} under it: ` +
        `${source.title} ${source.origin}.`,
    );
  }
  if (stats.isFile()) {
    if (!folderOnly) return location;
    throw new ArgumentError(
      `${owner}: path must be a folder (the data root or ${source.folder}/), received the file ${JSON.stringify(location)}`,
    );
  }
  const candidates = [path.join(location, source.folder, fileName), path.join(location, fileName)];
  for (const candidate of candidates) {
    if (await isFile(fs, candidate)) return candidate;
  }
  let extra = '';
  if (hint) {
    for (const dir of [path.join(location, source.folder), location]) {
      const text = await hint(dir);
      if (text) {
        extra = ` ${text}`;
        break;
      }
    }
  }
  throw new ArgumentError(
    `${owner}: cannot find ${fileName}; looked for ${candidates.join(' and ')}.${extra} ` +
      `${source.title} ${source.origin}.`,
  );
}

/** Reads a whole file. */
export async function readFileBytes(owner: string, file: string): Promise<Uint8Array> {
  const { fs } = await nodeModules(owner);
  return fs.readFile(file);
}

/** Reads and parses a .npy file, naming it in errors. */
export async function readNpyFile(owner: string, file: string): Promise<NpyArray> {
  const bytes = await readFileBytes(owner, file);
  try {
    return readNpy(bytes, file);
  } catch (error) {
    throw new FormatError(`${owner}: ${(error as Error).message}`, { cause: error });
  }
}

/** True when `dir/name` is a file (for hints such as "found the .pickle, need a .npy"). */
export async function fileExists(owner: string, dir: string, name: string): Promise<string | undefined> {
  const { fs, path } = await nodeModules(owner);
  const file = path.join(dir, name);
  return (await isFile(fs, file)) ? file : undefined;
}
