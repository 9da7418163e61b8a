// A minimal PNG encoder (RGB, 8 bits, no interlace) on node:zlib, enough for the figures.
import { deflateSync } from 'node:zlib';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (ISO 3309, as PNG requires) of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Encodes `rgb` (width * height * 3 bytes, row-major, top row first) as a PNG file. */
export function encodePng(width: number, height: number, rgb: Uint8Array): Buffer {
  if (rgb.length !== width * height * 3) {
    throw new Error(`encodePng: expected ${width * height * 3} bytes of RGB, received ${rgb.length}`);
  }
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0; // filter type None
    Buffer.from(rgb.buffer, rgb.byteOffset + y * width * 3, width * 3).copy(raw, y * (width * 3 + 1) + 1);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/**
 * Renders 2-D points as a log-scaled density histogram (white background, dark where dense)
 * over the box [x0, x1] x [y0, y1]; panels side by side when several point sets are given, or
 * one above the other with `stack: 'vertical'` (for wide figures such as a word).
 */
export function scatterPng(
  panels: readonly Float32Array[],
  box: { x0: number; x1: number; y0: number; y1: number },
  size: { width: number; height: number; stack?: 'horizontal' | 'vertical' } = { width: 480, height: 240 },
): Buffer {
  if (size.stack === 'vertical') {
    // Render each panel alone and copy the rows below each other, a grey gap between.
    const gap = 8;
    const total = panels.length * size.height + (panels.length - 1) * gap;
    const rgb = new Uint8Array(size.width * total * 3).fill(200);
    panels.forEach((pts, p) => {
      const one = renderPanels([pts], box, size.width, size.height);
      rgb.set(one, p * (size.height + gap) * size.width * 3);
    });
    return encodePng(size.width, total, rgb);
  }
  const gap = 8;
  const total = panels.length * size.width + (panels.length - 1) * gap;
  return encodePng(total, size.height, renderPanels(panels, box, size.width, size.height));
}

/** RGB bytes of `panels` side by side (width `width` each, an 8-pixel grey gap between). */
function renderPanels(
  panels: readonly Float32Array[],
  box: { x0: number; x1: number; y0: number; y1: number },
  width: number,
  height: number,
): Uint8Array {
  const gap = 8;
  const total = panels.length * width + (panels.length - 1) * gap;
  const rgb = new Uint8Array(total * height * 3).fill(255);
  panels.forEach((pts, p) => {
    const counts = new Float32Array(width * height);
    for (let i = 0; i + 1 < pts.length; i += 2) {
      const u = Math.floor(((pts[i]! - box.x0) / (box.x1 - box.x0)) * width);
      const v = Math.floor(((box.y1 - pts[i + 1]!) / (box.y1 - box.y0)) * height);
      if (u >= 0 && u < width && v >= 0 && v < height) counts[v * width + u]! += 1;
    }
    let max = 0;
    for (const c of counts) max = Math.max(max, c);
    const norm = Math.log1p(max || 1);
    for (let v = 0; v < height; v++) {
      for (let u = 0; u < width; u++) {
        const c = counts[v * width + u]!;
        if (c === 0) continue;
        const shade = Math.round(230 * (1 - Math.log1p(c) / norm));
        const o = (v * total + p * (width + gap) + u) * 3;
        rgb[o] = Math.round(shade * 0.35);
        rgb[o + 1] = Math.round(shade * 0.55);
        rgb[o + 2] = shade;
      }
    }
    if (p > 0) {
      for (let v = 0; v < height; v++) {
        for (let g = 0; g < gap; g++) {
          const o = (v * total + p * (width + gap) - gap + g) * 3;
          rgb[o] = rgb[o + 1] = rgb[o + 2] = 200;
        }
      }
    }
  });
  return rgb;
}
