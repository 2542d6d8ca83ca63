import { describe, expect, it } from 'vitest';
import { THUMB } from './sceneCut';
import { FaceTracker, jumpGate, trackedFaces } from './tracker';

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

  it('a face farther than a face moves between two camera frames is another person', () => {
    expect(jumpGate(50, 4, 1.5)).toBe(0.5); // 20 fps: half a box at most
    expect(jumpGate(700, 4, 1.5)).toBe(1.5); // slow analyses: up to maxJump
    const t = new FaceTracker();
    t.update([face(0)], 0);
    expect(t.update([face(20)], 50)[0]?.id).toBe(1); // 20 px in 50 ms: the same face
    // 70 px (0.9 of its width) in the next 50 ms: nobody moves that fast; the old tracker matched
    // anything within 1.5 widths at any rate, so the next person inherited the id
    const out = t.update([face(90)], 100);
    expect(out.find((f) => !f.stale)?.id).toBe(2);
  });

  it('a scene cut (the frame changed as a whole) ends every face; ids count on', () => {
    const thumb = (f: (x: number, y: number) => number) => {
      const px = new Uint8ClampedArray(THUMB.width * THUMB.height * 4);
      for (let y = 0; y < THUMB.height; y++) for (let x = 0; x < THUMB.width; x++) px.set([f(x, y), f(x, y), f(x, y), 255], (y * THUMB.width + x) * 4);
      return px;
    };
    const roomA = thumb((x) => (x < 16 ? 40 : 220));
    const roomB = thumb(() => 128);
    const t = new FaceTracker();
    expect(t.update([face(0), face(300)], 0, roomA).map((f) => f.id)).toEqual([1, 2]);
    expect(t.update([face(2), face(302)], 50, roomA).map((f) => f.id)).toEqual([1, 2]); // same picture: same people
    const after = t.update([face(4), face(304)], 100, roomB); // the same places, another picture
    expect(after.map((f) => f.id)).toEqual([3, 4]);
    expect(after.every((f) => !f.stale)).toBe(true); // nothing of the faces before is held over
    expect(t.cuts).toBe(1);
    expect(t.update([face(6)], 150, roomB).find((f) => !f.stale)?.id).toBe(3);
    t.reset();
    expect(t.update([face(0)], 0, roomA)[0]?.id).toBe(1);
    expect(t.cuts).toBe(0);
  });

  it('renumbers the faces it follows from 1 (a recording starts at face 1) and counts on from there', () => {
    const t = new FaceTracker();
    const at = (x: number) => ({ box: { x, y: 0, width: 50, height: 50 }, crop: { x, y: 0, width: 60, height: 60 }, score: 0.9, probs: new Float32Array(7) });
    t.update([at(0)], 0);
    t.cut();
    t.update([at(0)], 100);
    t.cut();
    expect(t.update([at(0), at(300)], 200).map((x) => x.id)).toEqual([3, 4]);
    t.renumber();
    expect(t.update([at(2), at(301)], 300).map((x) => x.id)).toEqual([1, 2]); // the same two faces, followed on
    expect(t.update([at(2), at(301), at(600)], 400).map((x) => x.id)).toEqual([1, 2, 3]);
  });

  it('after a renumber, the first face shown is face 1 even when the faces followed before are gone (a scene cut)', () => {
    const t = new FaceTracker();
    const at = (x: number) => ({ box: { x, y: 0, width: 50, height: 50 }, crop: { x, y: 0, width: 60, height: 60 }, score: 0.9, probs: new Float32Array(7) });
    t.update([at(0)], 0);
    t.cut();
    expect(t.update([at(0)], 100).map((x) => x.id)).toEqual([2]);
    t.renumber();
    t.cut(); // the next frame is another scene: the face followed is gone
    expect(t.update([at(300)], 200).map((x) => x.id)).toEqual([1]);
  });
});
