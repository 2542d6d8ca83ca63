import { describe, expect, it } from 'vitest';
import { EMOTIONS } from '../engine/emotions';
import type { FaceResult } from '../engine/faces';
import { FrameBus } from './frameBus';
import { LiveTimeline } from './timeline';

const face = (id: number): FaceResult => ({ id, box: { x: 0, y: 0, width: 10, height: 10 }, crop: { x: 0, y: 0, width: 10, height: 10 }, score: 0.9, probs: Float32Array.from(EMOTIONS, () => 1 / 7), top: { emotion: 'neutral', probability: 1 / 7 }, stale: false });

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
});
