import { describe, expect, it } from 'vitest';
import { readNpy, writeNpy } from './npy.js';

/** Builds a .npy file by hand from the format spec (numpy.lib.format), independent of writeNpy. */
function npyBytes(header: string, body: Uint8Array, version: 1 | 2 | 3 = 1): Uint8Array {
  const prefix = version === 1 ? 10 : 12;
  const padded = header.padEnd(Math.ceil((prefix + header.length + 1) / 64) * 64 - prefix - 1, ' ') + '\n';
  const headerBytes = new TextEncoder().encode(padded);
  const out = new Uint8Array(prefix + headerBytes.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, headerBytes.length, true);
  else view.setUint32(8, headerBytes.length, true);
  out.set(headerBytes, prefix);
  out.set(body, prefix + headerBytes.length);
  return out;
}

function float64Body(values: number[], littleEndian = true): Uint8Array {
  const body = new Uint8Array(values.length * 8);
  const view = new DataView(body.buffer);
  values.forEach((v, i) => view.setFloat64(i * 8, v, littleEndian));
  return body;
}

describe('readNpy', () => {
  it('reads version 1.0 little-endian float64 in C order', () => {
    const file = npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", float64Body([1, 2, 3, 4, 5, 6.5]));
    const { data, shape, dtype } = readNpy(file);
    expect(shape).toEqual([2, 3]);
    expect(dtype).toBe('f8');
    expect(data).toBeInstanceOf(Float64Array);
    expect(Array.from(data)).toEqual([1, 2, 3, 4, 5, 6.5]);
  });

  it('reads version 2.0 and 3.0 headers, float32, and Node Buffers at odd offsets', () => {
    const body = new Uint8Array(new Float32Array([0.5, -1.25, 3]).buffer);
    const v2 = npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", body, 2);
    const a = readNpy(v2);
    expect(a.data).toBeInstanceOf(Float32Array);
    expect(Array.from(a.data)).toEqual([0.5, -1.25, 3]);
    expect(a.shape).toEqual([3]);
    const v3 = npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3), }", body, 3);
    expect(Array.from(readNpy(v3).data)).toEqual([0.5, -1.25, 3]);
    const shifted = new Uint8Array(v2.length + 1);
    shifted.set(v2, 1);
    expect(Array.from(readNpy(shifted.subarray(1)).data)).toEqual([0.5, -1.25, 3]);
    expect(Array.from(readNpy(Buffer.from(v2)).data)).toEqual([0.5, -1.25, 3]);
  });

  it('reads big-endian, integer dtypes and Fortran order', () => {
    const be = npyBytes("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", float64Body([1.5, -2], false));
    expect(Array.from(readNpy(be).data)).toEqual([1.5, -2]);
    const ints = new Uint8Array(new Int32Array([7, -8, 9, 10]).buffer);
    const i4 = readNpy(npyBytes("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2), }", ints));
    expect(i4.dtype).toBe('i4');
    expect(Array.from(i4.data)).toEqual([7, -8, 9, 10]);
    // Fortran order stores columns first: [[1, 2, 3], [4, 5, 6]] is 1 4 2 5 3 6.
    const f = readNpy(npyBytes("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", float64Body([1, 4, 2, 5, 3, 6])));
    expect(Array.from(f.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('round-trips writeNpy, whose header follows the spec (64-byte aligned, newline-terminated)', () => {
    const values = new Float32Array([1, 2, 3, 4, 5, 6]);
    const bytes = writeNpy(values, [3, 2]);
    const headerLength = new DataView(bytes.buffer).getUint16(8, true);
    expect((10 + headerLength) % 64).toBe(0);
    expect(bytes[10 + headerLength - 1]).toBe(0x0a);
    const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLength));
    expect(header).toContain("'descr': '<f4'");
    expect(header).toContain("'shape': (3, 2)");
    const back = readNpy(bytes);
    expect(back.shape).toEqual([3, 2]);
    expect(back.data).toEqual(values);
    const f64 = readNpy(writeNpy(new Float64Array([Math.PI]), [1]));
    expect(f64.shape).toEqual([1]);
    expect(f64.data[0]).toBe(Math.PI);
  });

  it('names what is wrong with a malformed file', () => {
    expect(() => readNpy(new Uint8Array([1, 2, 3]), 'x.npy')).toThrow(
      'readNpy: x.npy is not a valid .npy file: it does not start with the magic string \\x93NUMPY',
    );
    const good = npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }", float64Body([1, 2, 3, 4]));
    expect(() => readNpy(good.subarray(0, good.length - 8))).toThrow(
      'truncated data: shape (4) of f8 needs 32 bytes, the file holds 24',
    );
    expect(() => readNpy(good.subarray(0, 40))).toThrow('truncated header');
    const complex = npyBytes("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(16));
    expect(() => readNpy(complex)).toThrow("unsupported dtype '<c16'");
    const object = npyBytes("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8));
    expect(() => readNpy(object)).toThrow('cannot parse the header');
    const future = npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", float64Body([1]));
    future[6] = 9;
    expect(() => readNpy(future)).toThrow('unsupported format version 9.0');
    expect(() => readNpy('abc' as never)).toThrow('readNpy: buffer must be an ArrayBuffer or a typed array');
  });
});

describe('writeNpy', () => {
  it('rejects a shape that does not match the data', () => {
    expect(() => writeNpy(new Float32Array(6), [4, 2])).toThrow(
      'writeNpy: shape must be non-negative integers whose product is data.length (6), received [4, 2]',
    );
  });
});
