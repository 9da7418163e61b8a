// Stroke definitions of the eight letters of "SIGGRAPH", drawn for siggraph(): each letter is a
// list of polylines in its own frame, x in [0, 0.8], y in [-0.6, 0.6] (cap height 1.2). Arcs are
// flattened into short chords here, once, so sampling is a search over segment lengths.

/** A polyline: [x0, y0, x1, y1, ...]. */
export type Stroke = number[];

const ARC_SEGMENTS = 48;

/** Points of an elliptic arc from angle a0 to a1 (degrees, counterclockwise if a1 > a0). */
function arc(cx: number, cy: number, rx: number, ry: number, a0: number, a1: number): Stroke {
  const points: Stroke = [];
  const steps = Math.max(2, Math.ceil((ARC_SEGMENTS * Math.abs(a1 - a0)) / 360));
  for (let i = 0; i <= steps; i++) {
    const a = ((a0 + ((a1 - a0) * i) / steps) * Math.PI) / 180;
    points.push(cx + rx * Math.cos(a), cy + ry * Math.sin(a));
  }
  return points;
}

// Bowl of R and P: from the top of the stem right, round, back to the stem at mid height.
const bowl: Stroke = [0.05, 0.6, 0.45, 0.6, ...arc(0.45, 0.3, 0.3, 0.3, 90, -90), 0.05, 0];

/** Strokes per letter, in the order of the word. */
export const SIGGRAPH_STROKES: ReadonlyArray<{ letter: string; strokes: Stroke[] }> = [
  {
    // S: the upper bowl turns counterclockwise from its open end to the middle, the lower bowl
    // turns clockwise from the middle to its open end.
    letter: 'S',
    strokes: [[...arc(0.4, 0.3, 0.33, 0.3, 20, 270), ...arc(0.4, -0.3, 0.35, 0.3, 90, -160)]],
  },
  {
    letter: 'I',
    strokes: [
      [0.4, -0.6, 0.4, 0.6],
      [0.15, 0.6, 0.65, 0.6],
      [0.15, -0.6, 0.65, -0.6],
    ],
  },
  { letter: 'G', strokes: [[...arc(0.4, 0, 0.35, 0.6, 45, 360), 0.45, 0]] },
  { letter: 'G', strokes: [[...arc(0.4, 0, 0.35, 0.6, 45, 360), 0.45, 0]] },
  {
    letter: 'R',
    strokes: [[0.05, -0.6, 0.05, 0.6], bowl, [0.35, 0, 0.75, -0.6]],
  },
  {
    letter: 'A',
    strokes: [
      [0.05, -0.6, 0.4, 0.6, 0.75, -0.6],
      [0.05 + 0.35 * (0.45 / 1.2), -0.15, 0.75 - 0.35 * (0.45 / 1.2), -0.15],
    ],
  },
  { letter: 'P', strokes: [[0.05, -0.6, 0.05, 0.6], bowl] },
  {
    letter: 'H',
    strokes: [
      [0.05, -0.6, 0.05, 0.6],
      [0.75, -0.6, 0.75, 0.6],
      [0.05, 0, 0.75, 0],
    ],
  },
];
