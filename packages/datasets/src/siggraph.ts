import { checkNumber } from './errors.js';
import { SIGGRAPH_STROKES } from './siggraph-glyphs.js';
import { startToy } from './toy-utils.js';
import type { LabeledDataset } from './types.js';

/** Options of {@link siggraph}. */
export interface SiggraphOptions {
  /** Standard deviation of the Gaussian stroke thickness, in data units. Default 0.025. */
  thickness?: number;
  /** Seeds the generator (any safe integer, 0 included): the same seed gives the same rows. Default: a random seed. */
  seed?: number;
}

/** Width of each letter's cell; letter k occupies x in [-4 + k, -3 + k]. */
export const SIGGRAPH_CELL_WIDTH = 1;

interface LetterSegments {
  /** Segment endpoints, 4 numbers per segment, already in word coordinates. */
  segments: Float64Array;
  /** cumulative[k] = total length of segments 0..k. */
  cumulative: Float64Array;
  length: number;
}

/** The letters' segments in word coordinates (a few hundred numbers: built per call, microseconds). */
function letterSegments(): LetterSegments[] {
  return SIGGRAPH_STROKES.map(({ strokes }, k) => {
    // Glyph frame x in [0, 0.8] -> cell [-4 + k, -3 + k] with a 0.1 margin each side.
    const dx = -4 + k * SIGGRAPH_CELL_WIDTH + 0.1;
    const coords: number[] = [];
    for (const s of strokes) {
      for (let p = 0; p + 3 < s.length; p += 2) {
        coords.push(s[p]! + dx, s[p + 1]!, s[p + 2]! + dx, s[p + 3]!);
      }
    }
    const segments = Float64Array.from(coords);
    const count = segments.length / 4;
    const cumulative = new Float64Array(count);
    let total = 0;
    for (let j = 0; j < count; j++) {
      total += Math.hypot(segments[4 * j + 2]! - segments[4 * j]!, segments[4 * j + 3]! - segments[4 * j + 1]!);
      cumulative[j] = total;
    }
    return { segments, cumulative, length: total };
  });
}

/**
 * Points spread over the word "SIGGRAPH", the 2-D dataset of Eric Jang's normalizing-flows
 * tutorial (which drew it with a Blender script; here the glyphs are stroke definitions kept in
 * this package: polylines and elliptic arcs, no font).
 *
 * Each point picks a letter uniformly (so the 8 letters carry equal mass), then a position
 * uniformly along that letter's total stroke length, then adds N(0, thickness^2) to each
 * coordinate. Letter k (S=0, I=1, G=2, G=3, R=4, A=5, P=6, H=7) is drawn in x within
 * [-3.85 + k, -3.15 + k], inside its cell [-4 + k, -3 + k]; y within [-0.6, 0.6] (cap height 1.2).
 * Before thickness the word spans x in [-3.85, 3.85], y in [-0.6, 0.6]. `labels` is k.
 */
export function siggraph(n: number, options?: SiggraphOptions): LabeledDataset {
  const { n: count, opts, rng } = startToy('siggraph', n, options, ['thickness']);
  const thickness = checkNumber('siggraph', 'thickness', opts.thickness, 0.025, { min: 0 });
  const letters = letterSegments();
  const data = new Float32Array(2 * count);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const k = rng.int(letters.length);
    const { segments, cumulative, length } = letters[k]!;
    const s = rng.uniform() * length;
    // Binary search: the first segment whose cumulative length exceeds s.
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > s) hi = mid;
      else lo = mid + 1;
    }
    const start = lo === 0 ? 0 : cumulative[lo - 1]!;
    const segLength = cumulative[lo]! - start;
    const t = segLength > 0 ? (s - start) / segLength : 0;
    const x0 = segments[4 * lo]!;
    const y0 = segments[4 * lo + 1]!;
    data[2 * i] = x0 + t * (segments[4 * lo + 2]! - x0) + thickness * rng.normal();
    data[2 * i + 1] = y0 + t * (segments[4 * lo + 3]! - y0) + thickness * rng.normal();
    labels[i] = k;
  }
  return { data, shape: [count, 2], labels };
}
