import { describe, expect, it } from 'vitest';
import { geometry, label } from './face-check-report';

const face = (x: number, y: number, side: number, score: number) => ({ score, box: { x, y, width: side, height: side }, keypoints: [], padded: false, again: {} });

describe('face-check labels', () => {
  it("takes the best detection over a face image's centre as its face, and leaves the others out", () => {
    const { detections, faceImages } = label(
      [{ set: 'web', file: 'a.jpg', kind: 'photo', truth: 'face', result: { width: 100, height: 100, ms: 1, faces: [face(0, 0, 20, 0.95), face(30, 30, 50, 0.7)] } }],
      {},
    );
    expect(faceImages[0]?.face?.score).toBe(0.7); // the corner detection scores higher but is not the image's face
    expect(detections.map((d) => d.label)).toEqual(['other', 'face']);
  });

  it("labels a scene's detections by the faces listed for it, and every detection on a face-free region false", () => {
    const listed = { 's.jpg': [{ x: 100, y: 100, width: 50, height: 50 }] };
    const { detections } = label(
      [
        { set: 'scenes', file: 's.jpg', kind: 'frame', truth: 'scene', result: { width: 400, height: 300, ms: 1, faces: [face(105, 102, 48, 0.9), face(300, 10, 60, 0.6)] } },
        { set: 'regions', file: 's.jpg', kind: 'photo', truth: 'none', result: { width: 100, height: 100, ms: 1, faces: [face(10, 10, 30, 0.55)] } },
      ],
      listed,
    );
    expect(detections.map((d) => [d.label, d.set])).toEqual([
      ['face', 'scenes (frame)'],
      ['false', 'scenes (frame)'],
      ['false', 'face-free regions (photo)'],
    ]);
  });

  it("reads the keypoints' shape relative to the box", () => {
    const pts = [
      { x: 30, y: 40 },
      { x: 70, y: 40 },
      { x: 50, y: 60 },
      { x: 50, y: 80 },
      { x: 10, y: 50 },
      { x: 90, y: 50 },
    ];
    expect(geometry({ ...face(0, 0, 100, 0.9), keypoints: pts })).toEqual([0.4, 0, 0.2, 0.4, 0.8]);
    expect(geometry(face(0, 0, 100, 0.9))).toBeNull();
  });
});
