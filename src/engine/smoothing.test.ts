import { describe, expect, it } from 'vitest';
import { smoothInto, smoothingWeight } from './smoothing';

describe('smoothing', () => {
  it('weighs the old value half after one half-life, whatever the frame rate', () => {
    expect(smoothingWeight(300, 300)).toBeCloseTo(0.5);
    // Ten frames of 30 ms reach the same point as one of 300 ms.
    let v = 0;
    for (let i = 0; i < 10; i++) v += smoothingWeight(30, 300) * (1 - v);
    expect(v).toBeCloseTo(0.5, 6);
  });

  it('is off at half-life 0 and blends arrays in place', () => {
    expect(smoothingWeight(16, 0)).toBe(1);
    const out = new Float32Array(2);
    smoothInto(out, [0, 1], [1, 0], 0.25);
    expect(Array.from(out)).toEqual([0.25, 0.75]);
  });
});
