import { describe, expect, it } from 'vitest';
import { EMOTIONS } from '../engine/emotions';
import type { FaceResult } from '../engine/faces';
import { FaceTracker } from '../engine';
import { trackFaces } from './trackFaces';

const face = (x: number, score: number): FaceResult => ({
  id: 0,
  box: { x, y: 100, width: 80, height: 80 },
  crop: { x, y: 100, width: 80, height: 80 },
  score,
  probs: Float32Array.from(EMOTIONS, () => 1 / 7),
  top: { emotion: 'neutral', probability: 1 / 7 },
  stale: false,
});
const frame = { width: 1000, height: 600, faces: [face(100, 0.45), face(500, 0.95)] };

describe('trackFaces', () => {
  it('gives ids before the display filter: the confident face keeps its id whether or not the uncertain one is hidden', () => {
    const tracker = new FaceTracker();
    const hidden = trackFaces(tracker, frame, { minScore: 0.6, minSize: 0, hideLowConfidence: true }, 0);
    const shown = trackFaces(tracker, frame, { minScore: 0.6, minSize: 0, hideLowConfidence: false }, 100);
    const sureId = (faces: FaceResult[]) => faces.find((f) => f.score > 0.9)!.id;
    expect(hidden).toHaveLength(1);
    expect(shown).toHaveLength(2);
    expect(sureId(hidden)).toBe(sureId(shown));
    // A fresh tracker that only ever sees the filter off numbers it the same way.
    expect(sureId(trackFaces(new FaceTracker(), frame, { minScore: 0.6, minSize: 0, hideLowConfidence: false }, 0))).toBe(sureId(hidden));
  });

  it("hands each tracked face to `read` with its track's key, which stays when a recording numbers the faces anew, and shows what `read` gives", () => {
    const tracker = new FaceTracker();
    const filter = { minScore: 0.5, minSize: 0, hideLowConfidence: true };
    const seen: [number, number][] = [];
    const read = (f: FaceResult, key: number) => (seen.push([f.id, key]), { ...f, reading: 'relative' as const });
    const one = { width: 1000, height: 600, faces: [face(500, 0.95)] };
    trackFaces(tracker, { ...one, faces: [face(100, 0.95), face(500, 0.95)] }, filter, 0, read);
    const [, second] = seen;
    tracker.renumber();
    seen.length = 0;
    const shown = trackFaces(tracker, one, filter, 100, read);
    const seenAgain = shown.find((f) => !f.stale);
    expect([seenAgain?.id, seenAgain?.reading]).toEqual([1, 'relative']); // numbered anew, as `read` gave it
    expect(seen.find(([id]) => id === 1)?.[1]).toBe(second?.[1]); // the same track, the same key
    // Hidden faces are read too (their resting face is learnt while the filter hides them).
    seen.length = 0;
    trackFaces(new FaceTracker(), frame, filter, 0, read);
    expect(seen).toHaveLength(2);
  });
});
