import { describe, expect, it } from 'vitest';
import { FaceTracker, trackedFaces } from './tracker';

const probs = (top: number) => Float32Array.from({ length: 7 }, (_, i) => (i === top ? 1 : 0));
const face = (x: number, top = 3) => ({ box: { x, y: 100, width: 80, height: 80 }, crop: { x: x - 20, y: 80, width: 120, height: 120 }, score: 0.9, probs: probs(top) });

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
    const off = new FaceTracker({ probHalfLifeMs: 0 });
    off.update([face(0, 3)], 0);
    expect(off.update([face(0, 4)], 10)[0]?.probs[4]).toBe(1);
  });

  it('holds a briefly missed face as stale, then drops it, and re-identifies within forgetMs', () => {
    const t = new FaceTracker({ holdMs: 100, forgetMs: 500, holdUpdates: 0, forgetUpdates: 0 });
    t.update([face(0)], 0);
    const held = t.update([], 50);
    expect(held).toHaveLength(1);
    expect(held[0]?.stale).toBe(true);
    expect(t.update([], 200)).toHaveLength(0);
    expect(t.update([face(5)], 300)[0]?.id).toBe(1); // same face back: same id
    t.update([], 900);
    expect(t.update([face(5)], 1000)[0]?.id).toBe(2); // forgotten: a new id
  });

  it('at a few analyses a second, a face that moved past its own width, or was missed once, keeps its id', () => {
    const t = new FaceTracker(); // holdMs 300, forgetMs 1000 by time; at least 1 / 4 analyses by count
    t.update([face(0)], 0);
    const live = (fs: { id: number; stale: boolean }[]) => fs.filter((f) => !f.stale).map((f) => f.id);
    expect(live(t.update([face(90)], 700))).toEqual([1]); // moved 90 px (> its 80 px width): no overlap
    expect(t.update([], 1400)).toHaveLength(1); // missed once, 700 ms later: still shown, stale
    expect(live(t.update([face(100)], 2100))).toEqual([1]); // back after 1.4 s: same face
    expect(live(t.update([face(100), face(400)], 2800))).toEqual([1, 2]); // a far face is another face
  });

  it('does not take a face of another size for the same face moving', () => {
    const t = new FaceTracker();
    t.update([face(0)], 0);
    const big = { box: { x: 60, y: 100, width: 200, height: 200 }, crop: { x: 30, y: 70, width: 260, height: 260 }, score: 0.9, probs: probs(3) };
    expect(t.update([big], 500).find((f) => !f.stale)?.id).toBe(2);
  });

  it('boxes are the analysed ones, not eased (the overlay eases them once, at display rate), and the crop stays the square the classifier saw', () => {
    const t = new FaceTracker();
    t.update([face(0)], 0);
    const [f] = trackedFaces(t.update([face(30)], 33)); // 30 px in one camera frame
    expect(f?.box).toEqual(face(30).box);
    expect(f?.crop).toEqual(face(30).crop);
    expect(f?.crop).not.toEqual(f?.box);
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
