import { describe, expect, it } from 'vitest';
import { EMOTIONS } from '../engine/emotions';
import type { FaceResult } from '../engine/faces';
import { FrameBus } from './frameBus';
import { describeSample, LiveTimeline, sampleNear } from './timeline';

const face = (id: number): FaceResult => ({
  id,
  box: { x: 0, y: 0, width: 10, height: 10 },
  crop: { x: 0, y: 0, width: 10, height: 10 },
  score: 0.9,
  probs: Float32Array.from(EMOTIONS, () => 1 / 7),
  top: { emotion: 'neutral', probability: 1 / 7 },
  stale: false,
});

describe('live timeline', () => {
  it('charts the faces in view, not the lowest ids (#9 on screen while #1-#4 are long gone)', () => {
    const t = new LiveTimeline(new FrameBus());
    t.add({ time: 0, faces: [face(1), face(2), face(3), face(4)] });
    t.add({ time: 5000, faces: [face(9)] });
    expect(t.shown(1)).toEqual([9]);
    expect(t.shown(4)).toContain(9); // the lowest four ids would be [1, 2, 3, 4]
    t.add({ time: 6000, faces: [face(9), face(10)] });
    expect(t.shown(2)).toEqual([9, 10]);
  });

  it('says a sample in words: the emotions that matter, most probable first, and valence', () => {
    const happy = { ...face(3), probs: Float32Array.from(EMOTIONS, (e) => (e === 'happy' ? 0.8 : e === 'neutral' ? 0.14 : 0.01)) };
    const t = new LiveTimeline(new FrameBus());
    t.add({ time: 1000, faces: [face(3)] });
    t.add({ time: 2000, faces: [happy] });
    const b = t.faces.get(3)!;
    expect(sampleNear(b, 1900)).toBe(1);
    expect(sampleNear(b, 200)).toBe(0);
    expect(describeSample(b, 1)).toBe('Happy 80 %, Neutral 14 %; valence +0.76');
    expect(describeSample(b, 5)).toBe('no face');
  });
});
