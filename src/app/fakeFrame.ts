/** Test support: a camera frame's result with one face, for the unit tests of what consumes frames. */
import type { FaceResult, FrameResult } from '../engine';

export function fakeFrame(time: number, face: Partial<FaceResult> = {}): FrameResult {
  return {
    width: 640,
    height: 480,
    time,
    timings: { detectMs: 0, classifyMs: 0, totalMs: 0 },
    model: 'm',
    backend: 'webgl',
    tensors: 0,
    faces: [
      {
        id: 1,
        box: { x: 10, y: 10, width: 50, height: 50 },
        crop: { x: 0, y: 0, width: 60, height: 60 },
        score: 0.9,
        probs: Float32Array.from([0, 0, 0, 1, 0, 0, 0]),
        top: { emotion: 'happy', probability: 1 },
        stale: false,
        ...face,
      },
    ],
  };
}
