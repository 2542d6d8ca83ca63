import { describe, expect, it } from 'vitest';
import { RingBuffer } from './ringBuffer';
import { valence } from '../engine';

describe('RingBuffer', () => {
  it('keeps the newest samples in order, overwriting the oldest when full', () => {
    const b = new RingBuffer(3, 2);
    for (let t = 0; t < 5; t++) b.push(t, [t * 10, t * 100]);
    expect(b.length).toBe(3);
    expect([0, 1, 2].map((i) => b.time(i))).toEqual([2, 3, 4]);
    expect(b.value(2, 1)).toBe(400);
    expect(b.lastTime).toBe(4);
    expect(() => b.time(3)).toThrow(RangeError);
  });

  it('drops samples older than a time (the timeline window)', () => {
    const b = new RingBuffer(10, 1);
    for (let t = 0; t < 8; t++) b.push(t * 1000, [t]);
    b.dropBefore(5000);
    expect(b.length).toBe(3);
    expect(b.time(0)).toBe(5000);
    b.clear();
    expect(b.length).toBe(0);
    expect(b.lastTime).toBe(-Infinity);
  });
});

describe('valence', () => {
  it('is happy minus the negative emotions, surprise and neutral counting 0, in [-1, 1]', () => {
    expect(valence([0, 0, 0, 1, 0, 0, 0])).toBe(1);
    expect(valence([0.5, 0, 0, 0, 0.5, 0, 0])).toBe(-1);
    expect(valence([0, 0, 0, 0, 0, 0.5, 0.5])).toBe(0);
    expect(valence([0.1, 0.1, 0.1, 0.4, 0.1, 0.1, 0.1])).toBeCloseTo(0);
  });
});
