import { describe, expect, it } from 'vitest';
import { confusionMatrix, formatReport, maxShareGap, poolSets, shareTable, summarizeConfusion, trueShares } from './metrics';

describe('metrics', () => {
  it('computes accuracy, per-class recall/precision and macro-F1 over present classes', () => {
    // 3 classes used out of 7: angry(0) x3, disgust(1) x1, happy(3) x2
    const labels = [0, 0, 0, 1, 3, 3];
    const preds = [0, 0, 3, 1, 3, 0];
    const s = summarizeConfusion(confusionMatrix(labels, preds));
    expect(s.n).toBe(6);
    expect(s.accuracy).toBeCloseTo(4 / 6);
    expect(s.recall.angry).toBeCloseTo(0.6667, 4);
    expect(s.precision.angry).toBeCloseTo(0.6667, 4);
    expect(s.recall.happy).toBe(0.5);
    expect(s.precision.happy).toBe(0.5);
    // F1: angry 2/3, disgust 1, happy 1/2 -> mean over the 3 present classes
    expect(s.macro_f1).toBeCloseTo((2 / 3 + 1 + 0.5) / 3);
    expect(s.confusion[0]).toEqual([2, 0, 0, 1, 0, 0, 0]);
  });

  it('gives the mean class recall over the classes present, not weighted by how often each occurs', () => {
    // 9 neutral faces all right, 1 fear face wrong: accuracy 90 %, mean recall (1 + 0) / 2 = 50 %
    const labels = [...new Array<number>(9).fill(6), 2];
    const preds = new Array<number>(10).fill(6);
    const s = summarizeConfusion(confusionMatrix(labels, preds));
    expect(s.accuracy).toBeCloseTo(0.9);
    expect(s.mean_recall).toBeCloseTo(0.5);
    expect(formatReport('fold', s)).toContain('mean-recall=50.00%');
  });

  it('rejects out-of-range predictions and prints a report with every class', () => {
    expect(() => confusionMatrix([0], [9])).toThrow(/out of range/);
    const text = formatReport('PrivateTest', summarizeConfusion(confusionMatrix([3, 6], [3, 6])));
    expect(text).toContain('accuracy=100.00%');
    expect(text.split('\n').filter((l) => /neutral/.test(l))).toHaveLength(2);
  });

  it("puts each answer's share beside the true share, and pools sets face by face", () => {
    // 4 faces: 2 angry, 2 happy; answered: 3 angry, 1 happy -> angry 75 / 50, happy 25 / 50
    const s = summarizeConfusion(confusionMatrix([0, 0, 3, 3], [0, 0, 0, 3]));
    expect(trueShares(s).angry).toBe(0.5);
    expect(s.predicted.angry).toBe(0.75);
    expect(maxShareGap(s)).toBeCloseTo(0.25);
    expect(shareTable({ fold: s })).toContain('| fold | 4 | 75.0 / 50.0 |');
    const one = (p: number) => Float32Array.from({ length: 7 }, (_, k) => (k === p ? 1 : 0));
    const a = { labels: [0, 0], preds: [0, 3], probs: [one(0), one(3)] };
    const b = { labels: [3, 3, 3], preds: [3, 3, 3], probs: [one(3), one(3), one(3)] };
    const pooled = poolSets([a, b]);
    expect(pooled.n).toBe(5);
    expect(pooled.accuracy).toBeCloseTo(4 / 5);
    expect(pooled.confusion[0]).toEqual([1, 0, 0, 1, 0, 0, 0]);
    expect(pooled.ece).toBeCloseTo(1 / 5); // one face answered wrong at confidence 1
  });
});
