import { describe, expect, it } from 'vitest';
import { formatMedP95, formatMs, formatTable, mean, median, percentile, summarizeSamples } from './stats';

describe('stats', () => {
  it('takes the median of odd and even counts, whatever the input order', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('interpolates percentiles between closest ranks', () => {
    const v = Array.from({ length: 21 }, (_, i) => i * 10); // 0, 10, ..., 200
    expect(percentile(v, 0)).toBe(0);
    expect(percentile(v, 100)).toBe(200);
    expect(percentile(v, 95)).toBeCloseTo(190);
    // 20 samples 1..20: rank 0.95 * 19 = 18.05 -> between 19 and 20
    expect(
      percentile(
        Array.from({ length: 20 }, (_, i) => i + 1),
        95,
      ),
    ).toBeCloseTo(19.05);
    expect(() => percentile([1], 101)).toThrow(/outside/);
  });

  it('summarizes without reordering the caller’s array, and rejects empty or non-finite samples', () => {
    const v = [3, 1, 2, 10];
    const s = summarizeSamples(v);
    expect(v).toEqual([3, 1, 2, 10]);
    expect(s).toMatchObject({ n: 4, min: 1, max: 10, median: 2.5, mean: 4 });
    expect(mean([1, 2])).toBe(1.5);
    expect(() => median([])).toThrow(/no samples/);
    expect(() => mean([1, Number.NaN])).toThrow(/finite/);
  });

  it('formats milliseconds and median/p95 cells', () => {
    expect(formatMs(0.4234)).toBe('0.42');
    expect(formatMs(42.34)).toBe('42.3');
    expect(formatMs(1234.5)).toBe('1235');
    expect(formatMs(null)).toBe('-');
    expect(formatMedP95(summarizeSamples([1, 2, 3]))).toBe('2.00 / 2.90');
    expect(formatMedP95(null)).toBe('-');
  });

  it('pads table columns to the widest cell, text left and numbers right', () => {
    const table = formatTable(
      [
        { header: 'name', cell: (r: { name: string; ms: number }) => r.name, align: 'left' },
        { header: 'ms', cell: (r) => formatMs(r.ms) },
      ],
      [
        { name: 'webgpu', ms: 1234 },
        { name: 'gl', ms: 5 },
      ],
    );
    expect(table.split('\n')).toEqual(['name      ms', '------  ----', 'webgpu  1234', 'gl      5.00']);
  });
});
