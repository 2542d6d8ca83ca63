import { describe, expect, it } from 'vitest';
import { leftToRight, mergeDetections, tilesPass } from './photoFaces';

const face = (x: number, y: number, side: number, score = 0.9) => ({ box: { x, y, width: side, height: side }, score });

describe("a photo's faces from its passes", () => {
  it('merges the detections of one face into one, its box averaged by score over those that frame it alike', () => {
    const merged = mergeDetections([face(100, 100, 100, 0.9), face(110, 100, 100, 0.6), face(500, 100, 80, 0.8)]);
    expect(merged).toHaveLength(2);
    expect(merged[0]!.score).toBe(0.9);
    expect(merged[0]!.box.x).toBeCloseTo((100 * 0.9 + 110 * 0.6) / 1.5);
    // A part of the face cut by a tile edge is suppressed, not averaged in.
    const cut = mergeDetections([face(100, 100, 100, 0.9), { box: { x: 100, y: 100, width: 45, height: 100 }, score: 0.95 }]);
    expect(cut).toHaveLength(1);
  });

  it('adds only the faces the tiles found that the whole photo did not show', () => {
    const shown = [face(100, 100, 100), face(300, 100, 100)];
    const tiles = [face(104, 98, 96, 0.99), face(300, 110, 90), face(600, 400, 30, 0.7), face(602, 401, 29, 0.6)];
    const { added } = tilesPass(shown, tiles);
    expect(added).toHaveLength(1);
    expect(added[0]!.score).toBe(0.7);
    expect(added[0]!.box.x).toBeCloseTo((600 * 0.7 + 602 * 0.6) / 1.3);
  });

  it('a face shown takes the best score of the tiles that saw it too, its box left as shown', () => {
    const shown = [face(100, 100, 100, 0.55), face(300, 100, 100, 0.8)];
    const { scores } = tilesPass(shown, [face(104, 98, 96, 0.92), face(300, 110, 90, 0.7)]);
    expect(scores).toEqual([0.92, 0.8]);
  });

  it('a tile detection inside a face already shown (a part of it) adds nothing', () => {
    expect(tilesPass([face(100, 100, 100)], [{ box: { x: 150, y: 150, width: 40, height: 40 }, score: 0.95 }]).added).toEqual([]);
  });

  it('with nothing shown, the tiles give what mergeDetections gives', () => {
    const tiles = [face(100, 100, 100), face(104, 100, 100, 0.8), face(400, 100, 50)];
    expect(tilesPass([], tiles).added).toEqual(mergeDetections(tiles));
  });

  it('numbers left to right, then top to bottom', () => {
    expect(leftToRight([face(300, 0, 10), face(100, 50, 10), face(100, 20, 10)]).map((f) => [f.box.x, f.box.y])).toEqual([
      [100, 20],
      [100, 50],
      [300, 0],
    ]);
  });
});
