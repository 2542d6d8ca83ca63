import { describe, expect, it } from 'vitest';
import { clusterBoxes, iou, mirrorBox, scaleBox, weightedMeanBox } from './box';

describe('box geometry', () => {
  it('iou is 1 for the same box, 0 when disjoint, exact in between', () => {
    const a = { x: 0, y: 0, width: 10, height: 10 };
    expect(iou(a, a)).toBe(1);
    expect(iou(a, { x: 20, y: 0, width: 5, height: 5 })).toBe(0);
    expect(iou(a, { x: 5, y: 0, width: 10, height: 10 })).toBeCloseTo(50 / 150);
  });

  it('mirrors and scales', () => {
    expect(mirrorBox({ x: 10, y: 5, width: 20, height: 20 }, 100)).toEqual({ x: 70, y: 5, width: 20, height: 20 });
    expect(scaleBox({ x: 1, y: 2, width: 3, height: 4 }, 2, 3, 10, 20)).toEqual({ x: 12, y: 26, width: 6, height: 12 });
  });

  it('suppresses overlapping and contained duplicates, keeps separate faces', () => {
    const boxes = [
      { x: 0, y: 0, width: 100, height: 100 },
      { x: 5, y: 5, width: 100, height: 100 }, // overlaps the first
      { x: 10, y: 10, width: 40, height: 40 }, // inside the first (a face cut by a tile edge)
      { x: 300, y: 0, width: 50, height: 50 },
    ];
    expect(clusterBoxes(boxes, [0.8, 0.9, 0.7, 0.6]).map((c) => c.best)).toEqual([1, 3]);
  });

  it('clusters duplicate detections and fuses them by score', () => {
    const boxes = [
      { x: 0, y: 0, width: 100, height: 100 },
      { x: 10, y: 0, width: 100, height: 100 },
      { x: 500, y: 0, width: 50, height: 50 },
    ];
    const clusters = clusterBoxes(boxes, [0.9, 0.6, 0.8]);
    expect(clusters).toEqual([
      { best: 0, members: [0, 1] },
      { best: 2, members: [2] },
    ]);
    expect(weightedMeanBox([boxes[0]!, boxes[1]!], [0.75, 0.25]).x).toBeCloseTo(2.5);
  });
});
