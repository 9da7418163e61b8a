// Reader and writer of NumPy's .npy format (numpy.lib.format, versions 1.0, 2.0 and 3.0):
// the magic "\x93NUMPY", a major and minor version byte, a little-endian header length
// (uint16 in v1, uint32 in v2/v3), an ASCII (v3: UTF-8) Python dict literal
// {'descr': '<f8', 'fortran_order': False, 'shape': (n, d), } padded with spaces and a newline,
// then the raw array bytes.
import { ArgumentError, FormatError } from './errors.js';

/** The .npy dtypes readNpy reads (numpy's type codes without byte order; 'b1' is bool). */
export type NpyDtype = 'f4' | 'f8' | 'i1' | 'i2' | 'i4' | 'i8' | 'u1' | 'u2' | 'u4' | 'u8' | 'b1';

/** A dense array read from a .npy file, in C (row-major) order. */
export interface NpyArray {
  /** float32 files give a Float32Array; every other dtype is widened to float64. */
  data: Float32Array | Float64Array;
  /** The array's shape ([] for a scalar). */
  shape: number[];
  /** The dtype in the file, without byte order (e.g. 'f8'). */
  dtype: NpyDtype;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const SIZES: Record<NpyDtype, number> = { f4: 4, f8: 8, i1: 1, i2: 2, i4: 4, i8: 8, u1: 1, u2: 2, u4: 4, u8: 8, b1: 1 };

function fail(source: string, what: string): Error {
  return new FormatError(`readNpy: ${source} is not a valid .npy file: ${what}`);
}

function toBytes(buffer: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (buffer instanceof Uint8Array) return buffer;
  if (ArrayBuffer.isView(buffer)) return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer);
  throw new ArgumentError(`readNpy: buffer must be an ArrayBuffer or a typed array (e.g. a Node Buffer), received ${typeof buffer}`);
}

/**
 * Parses a .npy file. Supports versions 1.0-3.0, float32/float64 (either byte order),
 * integer and bool dtypes (widened to float64), C or Fortran order (Fortran arrays are
 * transposed into C order). `source` names the file in error messages.
 *
 * @example const {data, shape} = readNpy(await readFile('data.npy'));
 */
export function readNpy(buffer: ArrayBuffer | ArrayBufferView, source = 'the buffer'): NpyArray {
  const bytes = toBytes(buffer);
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw fail(source, 'it does not start with the magic string \\x93NUMPY');
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw fail(source, 'truncated header');
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw fail(source, `unsupported format version ${major}.${bytes[7]} (supported: 1.0, 2.0, 3.0)`);
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) throw fail(source, 'truncated header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));

  const descrMatch = /['"]descr['"]\s*:\s*['"]([<>|=]?)([a-zA-Z])(\d+)['"]/.exec(header);
  const fortranMatch = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header);
  const shapeMatch = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descrMatch || !fortranMatch || !shapeMatch) {
    throw fail(source, `cannot parse the header ${JSON.stringify(header.trim())}`);
  }
  const [, order, kind, width] = descrMatch;
  const dtype = `${kind}${width}` as NpyDtype;
  if (!(dtype in SIZES) || (dtype === 'b1' && kind !== 'b')) {
    throw fail(
      source,
      `unsupported dtype '${order}${kind}${width}' (supported: float32/64, int8-64, uint8-64, bool; structured, complex and object arrays are not)`,
    );
  }
  const littleEndian = order !== '>';
  const fortran = fortranMatch[1] === 'True';
  const shape = shapeMatch[1]!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => Number(s.replace(/L$/, '')));
  if (shape.some((s) => !Number.isSafeInteger(s) || s < 0)) throw fail(source, `bad shape (${shapeMatch[1]})`);
  const count = shape.reduce((a, b) => a * b, 1);
  const itemSize = SIZES[dtype];
  if (bytes.length - dataStart < count * itemSize) {
    throw fail(
      source,
      `truncated data: shape (${shape.join(', ')}) of ${dtype} needs ${count * itemSize} bytes, the file holds ${bytes.length - dataStart}`,
    );
  }

  const out = dtype === 'f4' ? new Float32Array(count) : new Float64Array(count);
  const aligned = (bytes.byteOffset + dataStart) % itemSize === 0;
  const nativeLittle = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  if (dtype === 'f4' && littleEndian === nativeLittle && aligned) {
    out.set(new Float32Array(bytes.buffer, bytes.byteOffset + dataStart, count));
  } else if (dtype === 'f8' && littleEndian === nativeLittle && aligned) {
    out.set(new Float64Array(bytes.buffer, bytes.byteOffset + dataStart, count));
  } else {
    const read = reader(dtype, view, littleEndian);
    for (let i = 0; i < count; i++) out[i] = read(dataStart + i * itemSize);
  }
  if (fortran && shape.length > 1) return { data: fortranToC(out, shape), shape, dtype };
  return { data: out, shape, dtype };
}

function reader(dtype: NpyDtype, view: DataView, le: boolean): (offset: number) => number {
  switch (dtype) {
    case 'f4': return (o) => view.getFloat32(o, le);
    case 'f8': return (o) => view.getFloat64(o, le);
    case 'i1': return (o) => view.getInt8(o);
    case 'u1': case 'b1': return (o) => view.getUint8(o);
    case 'i2': return (o) => view.getInt16(o, le);
    case 'u2': return (o) => view.getUint16(o, le);
    case 'i4': return (o) => view.getInt32(o, le);
    case 'u4': return (o) => view.getUint32(o, le);
    case 'i8': return (o) => Number(view.getBigInt64(o, le));
    case 'u8': return (o) => Number(view.getBigUint64(o, le));
  }
}

/** Reorders a Fortran-order (first index fastest) array into C order (last index fastest). */
function fortranToC<T extends Float32Array | Float64Array>(src: T, shape: number[]): T {
  const out = new (src.constructor as new (n: number) => T)(src.length);
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  // Fortran strides: stride[0] = 1, stride[k] = stride[k-1] * shape[k-1].
  const fStride = new Array<number>(rank);
  fStride[0] = 1;
  for (let k = 1; k < rank; k++) fStride[k] = fStride[k - 1]! * shape[k - 1]!;
  for (let c = 0; c < out.length; c++) {
    let f = 0;
    for (let k = 0; k < rank; k++) f += index[k]! * fStride[k]!;
    out[c] = src[f]!;
    for (let k = rank - 1; k >= 0; k--) {
      index[k]!++;
      if (index[k]! < shape[k]!) break;
      index[k] = 0;
    }
  }
  return out;
}

/**
 * Serializes a float array as a version 1.0 .npy file (little-endian, C order): '<f4' for a
 * Float32Array, '<f8' for a Float64Array. `np.load` reads the result.
 */
export function writeNpy(data: Float32Array | Float64Array, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (!(data instanceof Float32Array || data instanceof Float64Array)) {
    throw new ArgumentError('writeNpy: data must be a Float32Array or a Float64Array');
  }
  if (shape.some((s) => !Number.isSafeInteger(s) || s < 0) || count !== data.length) {
    throw new ArgumentError(`writeNpy: shape must be non-negative integers whose product is data.length (${data.length}), received [${shape.join(', ')}]`);
  }
  const descr = data instanceof Float32Array ? '<f4' : '<f8';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // Pad with spaces so that magic + version + length + header + '\n' is a multiple of 64.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  if (header.length > 0xffff) throw new ArgumentError('writeNpy: header too long for format 1.0');
  const out = new Uint8Array(total + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const view = new DataView(out.buffer, total);
  const size = data.BYTES_PER_ELEMENT;
  for (let i = 0; i < data.length; i++) {
    if (size === 4) view.setFloat32(i * 4, data[i]!, true);
    else view.setFloat64(i * 8, data[i]!, true);
  }
  return out;
}
