import { describe, expect, it } from 'vitest';
import { EMOTIONS, type Emotion } from '../../src/engine/emotions.ts';
import { checkExpressions, type LabelledResult, permuteColumns } from './expression-check.ts';

/** A face that gets `cls` with probability p, the rest spread evenly. */
const face = (expected: Emotion, cls: Emotion = expected, p = 0.7): LabelledResult => ({
  expected,
  where: expected,
  probs: EMOTIONS.map((e) => (e === cls ? p : (1 - p) / (EMOTIONS.length - 1))),
});
const good = [...Array.from({ length: 5 }, () => face('happy')), ...Array.from({ length: 6 }, () => face('neutral')), face('surprise', 'surprise', 0.45), face('surprise', 'neutral', 0.4)];

describe('checkExpressions', () => {
  it('passes a model that tells the classes apart, even with a miss or two', () => {
    expect(checkExpressions(good)).toEqual([]);
    expect(checkExpressions([...good.slice(0, 4), face('happy', 'neutral'), ...good.slice(5)])).toEqual([]);
  });

  it('fails a model that says happy for every face', () => {
    const always = good.map((r) => face(r.expected, 'happy', 0.9));
    const problems = checkExpressions(always);
    expect(problems.some((p) => p.startsWith('neutral:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('happy: mean'))).toBe(true);
  });

  it('fails every reordering of the output columns that moves a labelled class', () => {
    const swaps = EMOTIONS.map((_, i) => EMOTIONS.map((_, j) => (j + i) % EMOTIONS.length)).slice(1); // every cyclic shift
    for (const perm of swaps) expect(checkExpressions(permuteColumns(good, perm))).not.toEqual([]);
  });

  it("a face's topK counts its label second, and only second: third is still a miss", () => {
    /** A face whose label comes `place`-th (1-based): the classes before it a little likelier. */
    const placed = (expected: Emotion, place: number, topK?: number): LabelledResult => {
      const k = EMOTIONS.indexOf(expected);
      const ahead = EMOTIONS.map((_, i) => i)
        .filter((i) => i !== k)
        .slice(0, place - 1);
      const probs = EMOTIONS.map((_, i) => (i === k ? 0.3 : ahead.includes(i) ? 0.31 : 0.39 / (EMOTIONS.length - place)));
      return { expected, where: `${expected} ${place}`, probs, ...(topK ? { topK } : {}) };
    };
    const base = [...Array.from({ length: 5 }, () => face('happy')), ...Array.from({ length: 5 }, () => face('neutral'))];
    const second = Array.from({ length: 3 }, () => placed('disgust', 2, 2));
    expect(checkExpressions([...base, ...second])).toEqual([]);
    expect(checkExpressions([...base, ...second.map((r) => ({ ...r, topK: undefined }))])).not.toEqual([]); // top-1 rule
    expect(checkExpressions([...base, ...Array.from({ length: 3 }, () => placed('disgust', 3, 2))])).not.toEqual([]);
  });

  it('needs two classes at least', () => {
    expect(checkExpressions(good.filter((r) => r.expected === 'happy'))).not.toEqual([]);
  });
});
