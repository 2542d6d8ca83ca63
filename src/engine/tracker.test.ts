import { describe, expect, it } from 'vitest';
import { FaceTracker } from './tracker';

const probs = (top: number) => Float32Array.from({ length: 7 }, (_, i) => (i === top ? 1 : 0));
const face = (x: number, top = 3) => ({ box: { x, y: 100, width: 80, height: 80 }, score: 0.9, probs: probs(top) });

describe('FaceTracker', () => {
  it('keeps ids while faces move and gives new faces new ids', () => {
    const t = new FaceTracker();
    const a = t.update([face(0), face(300)], 0);
    expect(a.map((f) => f.id)).toEqual([1, 2]);
    const b = t.update([face(310), face(10)], 33); // order swapped, both moved 10 px
    expect(b.find((f) => f.box.x > 200)?.id).toBe(2);
    expect(b.find((f) => f.box.x < 200)?.id).toBe(1);
    const c = t.update([face(20), face(320), face(600)], 66);
    expect(c.map((f) => f.id).sort()).toEqual([1, 2, 3]);
  });

  it('smooths probabilities with the configured half-life, and not at all when 0', () => {
    const t = new FaceTracker({ probHalfLifeMs: 100 });
    t.update([face(0, 3)], 0);
    const [f] = t.update([face(0, 4)], 100); // one half-life later
    expect(f?.probs[3]).toBeCloseTo(0.5);
    expect(f?.probs[4]).toBeCloseTo(0.5);
    expect(f?.rawProbs[4]).toBe(1);
    const off = new FaceTracker({ probHalfLifeMs: 0 });
    off.update([face(0, 3)], 0);
    expect(off.update([face(0, 4)], 10)[0]?.probs[4]).toBe(1);
  });

  it('holds a briefly missed face as stale, then drops it, and re-identifies within forgetMs', () => {
    const t = new FaceTracker({ holdMs: 100, forgetMs: 500 });
    t.update([face(0)], 0);
    const held = t.update([], 50);
    expect(held).toHaveLength(1);
    expect(held[0]?.stale).toBe(true);
    expect(t.update([], 200)).toHaveLength(0);
    expect(t.update([face(5)], 300)[0]?.id).toBe(1); // same face back: same id
    t.update([], 900);
    expect(t.update([face(5)], 1000)[0]?.id).toBe(2); // forgotten: a new id
  });

  it('never gives one detection to two tracks', () => {
    const t = new FaceTracker();
    t.update([face(0), face(40)], 0);
    const out = t.update([face(20)], 30);
    expect(out.filter((f) => !f.stale)).toHaveLength(1);
    t.reset();
    expect(t.update([face(0)], 0)[0]?.id).toBe(1);
  });
});
