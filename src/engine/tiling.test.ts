import { describe, expect, it } from 'vitest';
import { MIN_TILE, photoTiles, positions } from './tiling';

describe('photo tiling', () => {
  it('covers an extent with overlapping tiles, the last flush with the end', () => {
    expect(positions(1000, 400, 280)).toEqual([0, 280, 560, 600]);
    expect(positions(300, 400, 280)).toEqual([0]);
  });

  it('starts with the whole photo, then halves tile size down to the minimum', () => {
    const tiles = photoTiles(2048, 922);
    expect(tiles[0]?.region).toEqual({ x: 0, y: 0, width: 2048, height: 2048 });
    const sides = [...new Set(tiles.slice(1).map((t) => t.region.width))];
    expect(sides).toEqual([922, 461]);
    expect(Math.min(...sides)).toBeGreaterThanOrEqual(MIN_TILE);
    // Every point of the photo lies in some tile of each level.
    for (const side of sides) {
      const level = tiles.filter((t) => t.region.width === side);
      for (const [px, py] of [
        [0, 0],
        [2047, 921],
        [1000, 460],
        [1500, 10],
      ]) {
        expect(level.some((t) => px! >= t.region.x && px! < t.region.x + side && py! >= t.region.y && py! < t.region.y + side)).toBe(true);
      }
    }
  });

  it('keeps a small photo to one pass', () => {
    expect(photoTiles(300, 200)).toHaveLength(1);
  });
});
