import { describe, expect, it } from 'vitest';
import { relativeReading, RestingFace } from './baseline';
import { EMOTIONS } from './emotions';

const idx = (e: string) => EMOTIONS.indexOf(e as (typeof EMOTIONS)[number]);
const probs = (entries: Record<string, number>) => {
  const p = new Float32Array(EMOTIONS.length).fill(0.01);
  for (const [e, v] of Object.entries(entries)) p[idx(e)] = v;
  const s = p.reduce((a, b) => a + b, 0);
  return p.map((v) => v / s);
};
const top = (p: ArrayLike<number>) => EMOTIONS[Array.from(p).indexOf(Math.max(...Array.from(p)))];

describe('a reading relative to a resting face', () => {
  const neutralMean = probs({ neutral: 0.7, sad: 0.1, happy: 0.05 });

  it('changes nothing for a resting face that reads like the average neutral face', () => {
    const now = probs({ happy: 0.5, neutral: 0.3 });
    const r = relativeReading(now, neutralMean, neutralMean);
    Array.from(now).forEach((v, i) => expect(r[i]).toBeCloseTo(v, 5));
  });

  it('discounts what the resting face already shows: a sad-looking resting face that frowns a little more reads neutral, not sad', () => {
    const resting = probs({ sad: 0.55, neutral: 0.35 });
    const now = probs({ sad: 0.6, neutral: 0.3 });
    expect(top(now)).toBe('sad');
    const r = relativeReading(now, resting, neutralMean);
    expect(top(r)).toBe('neutral');
    expect(r.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('brings out a change from rest: the same resting face, now angry, reads angry more strongly', () => {
    const resting = probs({ sad: 0.55, neutral: 0.35 });
    const now = probs({ sad: 0.4, angry: 0.35, neutral: 0.15 });
    expect(top(now)).toBe('sad');
    const r = relativeReading(now, resting, neutralMean);
    expect(top(r)).toBe('angry');
  });

  it('at beta 0 is the reading itself, and refuses class counts that differ', () => {
    const now = probs({ happy: 0.5 });
    const r = relativeReading(now, probs({ sad: 0.9 }), neutralMean, 0);
    Array.from(now).forEach((v, i) => expect(r[i]).toBeCloseTo(v, 5));
    expect(() => relativeReading(now, [0.5, 0.5], neutralMean)).toThrow(/7 classes/);
  });
});

describe('a resting face learnt from readings', () => {
  it('is the geometric mean of its readings, renormalised, and null before any', () => {
    const rest = new RestingFace(EMOTIONS.length);
    expect(rest.value()).toBeNull();
    const a = probs({ neutral: 0.8 });
    const b = probs({ neutral: 0.2, sad: 0.6 });
    rest.add(a);
    rest.add(b);
    expect(rest.count).toBe(2);
    const v = rest.value() as Float32Array;
    const geo = Array.from(a).map((x, i) => Math.sqrt(x * (b[i] as number)));
    const s = geo.reduce((x, y) => x + y, 0);
    geo.forEach((g, i) => expect(v[i]).toBeCloseTo(g / s, 5));
    expect(() => rest.add([1])).toThrow(/7 classes/);
  });
});
