import { describe, expect, it } from 'vitest';
import { ArgumentError } from './errors.js';
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

  it('reads every integer width and signedness, both byte orders, and bool', () => {
    const cases: [string, number, (v: DataView, o: number, x: number, le: boolean) => void, number[]][] = [
      ['i1', 1, (v, o, x) => v.setInt8(o, x), [-128, -1, 0, 127]],
      ['u1', 1, (v, o, x) => v.setUint8(o, x), [0, 1, 200, 255]],
      ['i2', 2, (v, o, x, le) => v.setInt16(o, x, le), [-32768, -2, 3, 32767]],
      ['u2', 2, (v, o, x, le) => v.setUint16(o, x, le), [0, 1, 40000, 65535]],
      ['i4', 4, (v, o, x, le) => v.setInt32(o, x, le), [-2147483648, -3, 4, 2147483647]],
      ['u4', 4, (v, o, x, le) => v.setUint32(o, x, le), [0, 5, 3000000000, 4294967295]],
      ['i8', 8, (v, o, x, le) => v.setBigInt64(o, BigInt(x), le), [-(2 ** 53), -7, 8, 2 ** 53]],
      ['u8', 8, (v, o, x, le) => v.setBigUint64(o, BigInt(x), le), [0, 9, 2 ** 40, 2 ** 53]],
    ];
    for (const [dtype, size, set, values] of cases) {
      for (const little of size === 1 ? [true] : [true, false]) {
        const body = new Uint8Array(values.length * size);
        const view = new DataView(body.buffer);
        values.forEach((x, i) => set(view, i * size, x, little));
        const order = size === 1 ? '|' : little ? '<' : '>';
        const read = readNpy(npyBytes(`{'descr': '${order}${dtype}', 'fortran_order': False, 'shape': (4,), }`, body));
        expect(read.dtype, dtype).toBe(dtype);
        expect(Array.from(read.data), `${order}${dtype}`).toEqual(values);
      }
    }
    const bools = readNpy(npyBytes("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", new Uint8Array([1, 0, 1])));
    expect([bools.dtype, ...bools.data]).toEqual(['b1', 1, 0, 1]);
    // 'u1' spelled with kind b but another width, or b1 under another kind, is not a bool array.
    expect(() => readNpy(npyBytes("{'descr': '|b2', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(2)))).toThrow("unsupported dtype '|b2'");
  });

  it('names a truncated version-2 header and a negative or fractional shape', () => {
    const v2 = npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", float64Body([1]), 2);
    expect(() => readNpy(v2.subarray(0, 11))).toThrow('readNpy: the buffer is not a valid .npy file: truncated header');
    expect(() => readNpy(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }", float64Body([1])))).toThrow('bad shape (-1,)');
    expect(() => readNpy(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1.5,), }", float64Body([1])))).toThrow('bad shape (1.5,)');
  });

  it('parses headers written with or without spaces, an order-less descr, Python 2 longs', () => {
    const body = float64Body([1, 2]);
    for (const header of [
      "{'descr':'<f8','fortran_order':False,'shape':(2,),}",
      "{'descr' : '<f8' , 'fortran_order' : False , 'shape' : (2 ,) }",
      "{'descr': 'f8', 'fortran_order': False, 'shape': (2L,), }",
    ]) {
      const read = readNpy(npyBytes(header, body));
      expect([read.dtype, ...read.shape, ...read.data], header).toEqual(['f8', 2, 1, 2]);
    }
    expect(() => readNpy(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, -1), }", body))).toThrow('bad shape (2, -1)');
    expect(() => readNpy(npyBytes("{'descr': '<f8', 'fortran_order': False }", body))).toThrow(
      `readNpy: the buffer is not a valid .npy file: cannot parse the header "{'descr': '<f8', 'fortran_order': False }"`,
    );
  });

  it('takes an ArrayBuffer, any typed-array view or a DataView', () => {
    const file = npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", float64Body([3, 4]));
    const inputs = [file, file.slice().buffer, new DataView(file.buffer), new Uint16Array(file.buffer)];
    for (const input of inputs) expect(Array.from(readNpy(input).data)).toEqual([3, 4]);
  });

  it('checks the magic string on files of any length, and a header of length 0', () => {
    const wrong = npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", float64Body([1]));
    wrong[3] = 0x41;
    expect(() => readNpy(wrong)).toThrow('it does not start with the magic string');
    // Exactly the 10 bytes of a version-1 preamble with an empty header: the header is the problem.
    const empty = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0, 0]);
    expect(() => readNpy(empty)).toThrow('cannot parse the header ""');
    const emptyV2 = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0, 0, 0, 0, 0]);
    expect(() => readNpy(emptyV2)).toThrow('cannot parse the header ""');
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

  it('writes a 1-D shape as a Python tuple (3,) and refuses negative dimensions', () => {
    const bytes = writeNpy(new Float64Array(3), [3]);
    expect(new TextDecoder('latin1').decode(bytes.subarray(10, 10 + new DataView(bytes.buffer).getUint16(8, true)))).toContain("'shape': (3,)");
    expect(() => writeNpy(new Float64Array(0), [2, -2])).toThrow('writeNpy: shape must be non-negative integers whose product is data.length (0), received [2, -2]');
  });

  it('writes float32 and float64 only, and refuses a header longer than format 1.0 holds', () => {
    expect(() => writeNpy(new Int32Array(2) as never, [2])).toThrow(ArgumentError);
    expect(() => writeNpy(new Int32Array(2) as never, [2])).toThrow('writeNpy: data must be a Float32Array or a Float64Array');
    const dims = new Array<number>(30_000).fill(1); // '1, ' per dim: over 65535 characters
    expect(() => writeNpy(new Float64Array(1), dims)).toThrow('writeNpy: header too long for format 1.0');
    const ok = readNpy(writeNpy(new Float64Array([2.5]), new Array<number>(100).fill(1)));
    expect(ok.shape.length).toBe(100);
    expect(Array.from(ok.data)).toEqual([2.5]);
  });
});
