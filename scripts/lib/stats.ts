/**
 * Pure helpers for `npm run bench` (scripts/bench.ts): summary statistics of timing samples and a
 * plain-text table. No I/O, so they are unit-tested (stats.test.ts).
 */

export interface Summary {
  n: number;
  mean: number;
  median: number;
  p95: number;
  min: number;
  max: number;
}

function sorted(values: readonly number[]): number[] {
  if (values.length === 0) throw new Error('no samples');
  if (values.some((v) => !Number.isFinite(v))) throw new Error('samples must be finite numbers');
  return [...values].sort((a, b) => a - b);
}

/**
 * The p-th percentile (0..100) by linear interpolation between closest ranks (numpy's default,
 * "type 7"): with few samples, nearest-rank would make p95 jump straight to the maximum.
 */
export function percentile(values: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new Error(`percentile ${p} is outside 0..100`);
  const v = sorted(values);
  const rank = (p / 100) * (v.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = v[lo] as number;
  const b = v[hi] as number;
  return a + (b - a) * (rank - lo);
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function mean(values: readonly number[]): number {
  const v = sorted(values);
  return v.reduce((s, x) => s + x, 0) / v.length;
}

export function summarizeSamples(values: readonly number[]): Summary {
  const v = sorted(values);
  return { n: v.length, mean: mean(v), median: median(v), p95: percentile(v, 95), min: v[0] as number, max: v[v.length - 1] as number };
}

/** Milliseconds for a table cell: 3 significant-ish digits, so 0.42 and 1234 both read well. */
export function formatMs(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return '-';
  if (ms < 10) return ms.toFixed(2);
  if (ms < 100) return ms.toFixed(1);
  return ms.toFixed(0);
}

/** "median / p95" in one cell. */
export function formatMedP95(s: Summary | null | undefined): string {
  return s ? `${formatMs(s.median)} / ${formatMs(s.p95)}` : '-';
}

export interface Column<Row> {
  header: string;
  cell: (row: Row) => string;
  /** Text columns align left; numbers (the default) align right. */
  align?: 'left' | 'right';
}

/** A fixed-width text table: header, a rule, one line per row; columns padded to their widest cell. */
export function formatTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string {
  const cells = rows.map((r) => columns.map((c) => c.cell(r)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((line) => (line[i] as string).length)));
  const pad = (text: string, i: number) => {
    const w = widths[i] as number;
    return columns[i]?.align === 'left' ? text.padEnd(w) : text.padStart(w);
  };
  const line = (texts: readonly string[]) => texts.map(pad).join('  ').trimEnd();
  return [line(columns.map((c) => c.header)), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}
