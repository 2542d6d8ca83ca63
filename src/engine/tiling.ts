/**
 * Where to look for faces in a photo. The short-range detector sees its input at 128x128 and finds
 * faces that fill roughly a tenth of it or more; a group photo's faces are smaller than that. So a
 * photo is searched as a whole (downscaled, for big faces) and then in overlapping square tiles,
 * each level half the size of the one before, until tiles reach MIN_TILE px of the photo.
 */
import type { Box } from './box';

export interface Tile {
  /** The region of the photo, in photo pixels. */
  region: Box;
  /** The square canvas size it is drawn at for the detector. */
  size: number;
}

/**
 * The side the whole photo is drawn at for its pass. The detector reads 128 x 128 whatever it is
 * given, so a larger drawing only makes it resize more itself (on the GPU process: a 1024 px square
 * took 120-250 ms a photo here on SwiftShader, the first result's whole detection); 384, as the
 * tiles, leaves the antialiased downscale to the canvas and the detector a 3x resize.
 */
export const WHOLE_MAX = 384;
export const TILE_DRAW = 384;
export const MIN_TILE = 256;
export const OVERLAP = 0.3;

export function photoTiles(width: number, height: number, minTile = MIN_TILE): Tile[] {
  const tiles: Tile[] = [];
  const long = Math.max(width, height);
  // Level 0: the whole photo, letterboxed into a square by the detector's own resize.
  tiles.push({ region: { x: 0, y: 0, width: long, height: long }, size: Math.min(WHOLE_MAX, long) });
  for (let side = Math.min(width, height); side >= minTile; side /= 2) {
    if (side === long) continue; // a square photo: the whole image already was this tile
    const step = side * (1 - OVERLAP);
    const xs = positions(width, side, step);
    const ys = positions(height, side, step);
    for (const y of ys) for (const x of xs) tiles.push({ region: { x, y, width: side, height: side }, size: Math.min(TILE_DRAW, Math.round(side)) });
  }
  return tiles;
}

/** Start positions covering [0, extent] with tiles of `side`, the last one flush with the end. */
export function positions(extent: number, side: number, step: number): number[] {
  if (side >= extent) return [0];
  const out: number[] = [];
  for (let p = 0; p + side < extent; p += step) out.push(Math.round(p));
  out.push(Math.round(extent - side));
  return [...new Set(out)];
}
