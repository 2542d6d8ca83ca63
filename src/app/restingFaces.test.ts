import { describe, expect, it } from 'vitest';
import { EMOTIONS } from '../engine';
import { RestingFaces } from './restingFaces';

const idx = (e: string) => EMOTIONS.indexOf(e as (typeof EMOTIONS)[number]);
function probs(entries: Record<string, number>): Float32Array {
  const p = new Float32Array(EMOTIONS.length).fill(0.01);
  for (const [e, v] of Object.entries(entries)) p[idx(e)] = v;
  const s = p.reduce((a, b) => a + b, 0);
  return p.map((v) => v / s);
}
const top = (p: ArrayLike<number>) => EMOTIONS[Array.from(p).indexOf(Math.max(...Array.from(p)))];
const NEUTRAL = probs({ neutral: 0.62, sad: 0.12, angry: 0.07 });
const RESTING_SAD = probs({ sad: 0.55, neutral: 0.35 });

describe("readings relative to each face's resting face", () => {
  it('reads as is when off, or where the model has no neutral reference', () => {
    const p = probs({ sad: 0.6 });
    expect(new RestingFaces(NEUTRAL, 'off').read(1, p, 0)).toEqual({ probs: p, state: 'raw' });
    const none = new RestingFaces(null, 'auto');
    expect(none.available).toBe(false);
    expect(none.read(1, p, 5000).state).toBe('raw');
  });

  it('auto: learns a new face over its first seconds, then reads it relative to that resting face', () => {
    const r = new RestingFaces(NEUTRAL, 'auto', { learnMs: 1000 });
    for (let t = 0; t < 1000; t += 100) expect(r.read(7, RESTING_SAD, t).state).toBe('learning');
    // the same sad-looking resting face, a little sadder: read alone it says sad; relative, neutral
    const now = probs({ sad: 0.6, neutral: 0.3 });
    const after = r.read(7, now, 1200);
    expect(after.state).toBe('relative');
    expect(top(now)).toBe('sad');
    expect(top(after.probs)).toBe('neutral');
    // a face that turns up later is learnt from its own first seconds
    expect(r.read(8, probs({ happy: 0.9 }), 1300).state).toBe('learning');
  });

  it('manual: nothing is relative until the user says "this is my resting face"; a second capture replaces the first', () => {
    const r = new RestingFaces(NEUTRAL, 'manual', { captureMs: 500 });
    expect(r.read(3, RESTING_SAD, 0).state).toBe('raw');
    r.capture(1000);
    expect(r.capturing(1200)).toBe(true);
    expect(r.read(3, RESTING_SAD, 1200).state).toBe('learning');
    const angry = probs({ sad: 0.4, angry: 0.35, neutral: 0.15 });
    const rel = r.read(3, angry, 1600);
    expect(rel.state).toBe('relative');
    expect(top(angry)).toBe('sad');
    expect(top(rel.probs)).toBe('angry'); // the change from rest is what is read
    // captured again on a happy resting face: the old resting face is gone
    r.capture(2000);
    expect(r.read(3, probs({ happy: 0.8 }), 2100).state).toBe('learning');
    expect(top(r.read(3, probs({ happy: 0.8 }), 2600).probs)).toBe('neutral');
  });

  it('forgets faces that left, and everything on a new model', () => {
    const r = new RestingFaces(NEUTRAL, 'auto', { learnMs: 100 });
    r.read(1, RESTING_SAD, 0);
    expect(r.read(1, RESTING_SAD, 200).state).toBe('relative');
    r.keep([2]);
    expect(r.read(1, RESTING_SAD, 300).state).toBe('learning'); // id 1 again is learnt again
    r.setNeutral(null);
    expect(r.available).toBe(false);
    expect(r.read(1, RESTING_SAD, 1000).state).toBe('raw');
  });
});
