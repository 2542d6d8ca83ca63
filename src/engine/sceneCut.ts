/**
 * Scene cuts in a video file: a face after a cut is another person, even where a face was a moment
 * ago, so the tracker must not carry its id (or its emotions) across. A frame is summed up by a
 * tiny gray copy (32 x 18): its brightness histogram and its 8 x 6 block means. A cut changes
 * both; motion (a drifting camera, people moving) moves pixels but keeps the histogram, and keeps
 * the coarse blocks between two nearby samples. Pure. Thresholds from the committed photos: a cut
 * between two of them moves the blocks by 0.09-0.13 and the histogram by 0.15-0.25; a 40 px/s
 * drift, 0.013-0.017 and under 0.11 between samples 0.2 s apart. The engine makes the tiny copy
 * (engine/thumbnail.ts) from the frame it analyses; the tracker (tracker.ts) reads it.
 */
import { THUMB } from './thumbnail';

export { THUMB };
const BINS = 16;
const GRID = { x: 8, y: 6 };

export interface FrameSignature {
  histogram: Float32Array;
  blocks: Float32Array;
}

const luma = (px: ArrayLike<number>, i: number) => (0.299 * (px[i * 4] ?? 0) + 0.587 * (px[i * 4 + 1] ?? 0) + 0.114 * (px[i * 4 + 2] ?? 0)) / 255;

/** The signature of a THUMB-sized RGBA picture. */
export function frameSignature(rgba: ArrayLike<number>, width = THUMB.width, height = THUMB.height): FrameSignature {
  const histogram = new Float32Array(BINS);
  const blocks = new Float32Array(GRID.x * GRID.y);
  const counts = new Float32Array(GRID.x * GRID.y);
  const n = width * height;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const v = luma(rgba, y * width + x);
      histogram[Math.min(BINS - 1, Math.floor(v * BINS))]! += 1 / n;
      const b = Math.floor((y * GRID.y) / height) * GRID.x + Math.floor((x * GRID.x) / width);
      blocks[b]! += v;
      counts[b]! += 1;
    }
  for (let b = 0; b < blocks.length; b++) blocks[b]! /= Math.max(1, counts[b] ?? 1);
  return { histogram, blocks };
}

/** Half the L1 distance of two histograms: 0 (same) to 1 (nothing in common). */
export function histogramDistance(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return d / 2;
}

/** Mean absolute difference of the block means, 0-1. */
export function blockDistance(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return d / a.length;
}

export function isSceneCut(previous: FrameSignature | null, next: FrameSignature): boolean {
  return previous !== null && blockDistance(previous.blocks, next.blocks) > 0.06 && histogramDistance(previous.histogram, next.histogram) > 0.12;
}
