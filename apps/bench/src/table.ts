/** Plain-text tables for the terminal and the README (GitHub markdown). */

export type Align = 'left' | 'right';

export interface Column {
  header: string;
  align?: Align;
}

/**
 * Formats rows as an aligned text table: a header, a dashed rule, one line per row. Cells are
 * padded to the widest cell of their column; `align` defaults to left for the first column and
 * right for the others (numbers). A row with fewer cells than columns is a note row: its last
 * cell is printed as is, left-aligned, and does not widen its column.
 */
export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const counts = (r: readonly string[], i: number) => r.length === columns.length || i < r.length - 1;
  const widths = columns.map((c, i) =>
    Math.max(c.header.length, ...rows.map((r) => (counts(r, i) ? (r[i] ?? '').length : 0))),
  );
  const align = (i: number): Align => columns[i]!.align ?? (i === 0 ? 'left' : 'right');
  const pad = (s: string, i: number) =>
    align(i) === 'left' ? s.padEnd(widths[i]!) : s.padStart(widths[i]!);
  const line = (cells: readonly string[]) => {
    if (cells.length < columns.length) {
      const head = cells.slice(0, -1).map((c, i) => pad(c, i));
      return [...head, cells[cells.length - 1] ?? ''].join('  ').trimEnd();
    }
    return columns.map((_, i) => pad(cells[i] ?? '', i)).join('  ').trimEnd();
  };
  return [
    line(columns.map((c) => c.header)),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
  ].join('\n');
}

/** The same table as GitHub markdown (for the README). */
export function formatMarkdown(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const align = (i: number): Align => columns[i]!.align ?? (i === 0 ? 'left' : 'right');
  const head = `| ${columns.map((c) => c.header).join(' | ')} |`;
  const rule = `|${columns.map((_, i) => (align(i) === 'left' ? ' --- ' : ' ---: ')).join('|')}|`;
  const body = rows.map((r) => `| ${columns.map((_, i) => r[i] ?? '').join(' | ')} |`);
  return [head, rule, ...body].join('\n');
}

/** Milliseconds with 3 significant digits: 0.0123, 1.23, 12.3, 123, 1234. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toPrecision(3);
}

/** A count with an SI suffix: 950, 1.2k, 3.4M, 5.6G. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '-';
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${(n / 1e9).toPrecision(3)}G`;
  if (abs >= 1e6) return `${(n / 1e6).toPrecision(3)}M`;
  if (abs >= 1e4) return `${(n / 1e3).toPrecision(3)}k`;
  if (abs >= 100) return n.toFixed(0);
  return n.toPrecision(3);
}

/** Bytes in binary units: 512 B, 1.5 KiB, 12.0 MiB. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = bytes;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u += 1;
  }
  return u === 0 ? `${v.toFixed(0)} B` : `${v.toFixed(1)} ${units[u]}`;
}
