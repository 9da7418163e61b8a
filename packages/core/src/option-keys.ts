import { ArgumentError, describeValue } from './errors.js';

/**
 * Edit distance between two strings: the fewest single-character insertions, deletions,
 * substitutions and swaps of two adjacent characters that turn `a` into `b` (optimal string
 * alignment distance), so `epoch` -> `epochs` is 1 and `seeed` -> `seed` is 1.
 */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  // d[i][j]: distance between the first i characters of a and the first j of b.
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) => Array.from({ length: n + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[m]![n]!;
}

/**
 * The candidate closest to `key`, or undefined when none is close: a case-insensitive match,
 * else the smallest edit distance when it is at most max(1, a third of the key's length).
 */
export function closestMatch(key: string, candidates: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const sameCase = candidates.find((c) => c.toLowerCase() === lower);
  if (sameCase !== undefined) return sameCase;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const dist = editDistance(lower, c.toLowerCase());
    if (dist < bestDistance) {
      bestDistance = dist;
      best = c;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(key.length / 3)) ? best : undefined;
}

/** Options of {@link checkOptionKeys}. */
export interface CheckOptionKeysConfig {
  /** Name of the options argument in messages. Default 'options'. */
  argument?: string;
  /**
   * Extra advice for keys users bring from other libraries, e.g.
   * `{verbose: 'use onEpochEnd to log progress'}`; shown instead of a suggestion.
   */
  hints?: Readonly<Record<string, string>>;
}

/**
 * Refuses an options object that is not a plain object or holds a key outside `known`,
 * with an ArgumentError that names the key and suggests the closest valid one:
 *
 *   fit: unknown option "epoch" in options (did you mean "epochs"?); valid options: epochs, ...
 *
 * `undefined` passes (no options). Keys whose value is `undefined` are still checked, since a
 * misspelled key is a mistake whatever its value.
 */
export function checkOptionKeys(
  owner: string,
  options: unknown,
  known: readonly string[],
  config: CheckOptionKeysConfig = {},
): void {
  const argument = config.argument ?? 'options';
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ArgumentError(`${owner}: ${argument} must be an object, received ${describeValue(options)}`, { owner, argument });
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const hint = config.hints?.[key];
    const guess = hint === undefined ? closestMatch(key, known) : undefined;
    const advice = hint !== undefined ? ` (${hint})` : guess !== undefined ? ` (did you mean ${JSON.stringify(guess)}?)` : '';
    const list = known.length > 0 ? `valid options: ${known.join(', ')}` : 'it takes no options';
    throw new ArgumentError(`${owner}: unknown option ${JSON.stringify(describeKey(key))} in ${argument}${advice}; ${list}`, {
      owner,
      argument: key,
    });
  }
}

function describeKey(key: string): string {
  return key.length > 40 ? `${key.slice(0, 39)}…` : key;
}
