/**
 * Tight face crops: a photo that is only a face (a passport picture, an already cropped face)
 * gives the detector no context and often no detection. The fix is to put the photo on a larger
 * canvas whose border repeats the photo's own edge pixels, the way the crop was calibrated on
 * FER2013 (scripts/calibrate-crop.ts pads and upscales FER faces for the same reason), detect and
 * crop there, and map the boxes back. The app's photo path (app/photos.ts) and data preparation
 * (scripts/prepare-data.ts) use this one function pair, so training sees what the app sees.
 */
import type { Box } from './box';
import { TIGHT_CROP_PADDING } from './contract';

/** Border per side, as a fraction of the photo's longer side (contract.json; training pads alike). */
export const TIGHT_CROP_PAD = TIGHT_CROP_PADDING;

export interface Padding {
  /** Border on each side, px. */
  pad: number;
  /** Size of the padded canvas. */
  width: number;
  height: number;
}

/** The border for a `width` x `height` photo: the same on every side, `fraction` of the longer side. */
export function paddingFor(width: number, height: number, fraction = TIGHT_CROP_PAD): Padding {
  const pad = Math.max(1, Math.round(fraction * Math.max(width, height)));
  return { pad, width: width + 2 * pad, height: height + 2 * pad };
}

/** A box found on the padded canvas, in the photo's own coordinates (it may reach past the photo). */
export function unpadBox(box: Box, pad: number): Box {
  return { x: box.x - pad, y: box.y - pad, width: box.width, height: box.height };
}

/**
 * Draw `source` (width x height) in the middle of a padded canvas whose border repeats the
 * photo's edge rows and columns outwards (edge replication: no new content, no hard frame edge
 * for the detector to mistake for a face outline). Works in a worker and on a page.
 */
export function drawPadded(source: CanvasImageSource, width: number, height: number, fraction = TIGHT_CROP_PAD): { canvas: OffscreenCanvas; padding: Padding } {
  const padding = paddingFor(width, height, fraction);
  const { pad } = padding;
  const canvas = new OffscreenCanvas(padding.width, padding.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('2D canvas is not available');
  ctx.imageSmoothingEnabled = false; // stretched 1-px strips must stay the edge's own colours
  const w = width;
  const h = height;
  // Edges: 1-px strips stretched over the border; corners: the corner pixel.
  ctx.drawImage(source, 0, 0, w, 1, pad, 0, w, pad);
  ctx.drawImage(source, 0, h - 1, w, 1, pad, pad + h, w, pad);
  ctx.drawImage(source, 0, 0, 1, h, 0, pad, pad, h);
  ctx.drawImage(source, w - 1, 0, 1, h, pad + w, pad, pad, h);
  ctx.drawImage(source, 0, 0, 1, 1, 0, 0, pad, pad);
  ctx.drawImage(source, w - 1, 0, 1, 1, pad + w, 0, pad, pad);
  ctx.drawImage(source, 0, h - 1, 1, 1, 0, pad + h, pad, pad);
  ctx.drawImage(source, w - 1, h - 1, 1, 1, pad + w, pad + h, pad, pad);
  ctx.drawImage(source, 0, 0, w, h, pad, pad, w, h);
  return { canvas, padding };
}

/**
 * Draw `region` of `source` (width x height) into a `size` x `size` canvas, mirrored when asked,
 * where the region reaches past the photo the photo's edge rows and columns repeated outwards
 * (as drawPadded does: no black frame for the detector to read as a face's outline). The detector's
 * second look at a box (faceCheck.ts) sees a face at the photo's edge this way. `canvas` is reused
 * when given. Works in a worker and on a page.
 */
export function drawRegionExtended(source: CanvasImageSource, width: number, height: number, region: Box, size: number, mirror = false, canvas = new OffscreenCanvas(size, size)): OffscreenCanvas {
  if (canvas.width !== size || canvas.height !== size) [canvas.width, canvas.height] = [size, size];
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('2D canvas is not available');
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, size, size);
  if (mirror) ctx.setTransform(-1, 0, 0, 1, size, 0);
  const k = size / region.width;
  const X = (x: number) => (x - region.x) * k;
  const Y = (y: number) => (y - region.y) * k;
  const x0 = Math.max(0, Math.floor(region.x));
  const y0 = Math.max(0, Math.floor(region.y));
  const x1 = Math.min(width, Math.ceil(region.x + region.width));
  const y1 = Math.min(height, Math.ceil(region.y + region.height));
  if (x1 <= x0 || y1 <= y0) return canvas;
  const [w, h] = [x1 - x0, y1 - y0];
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, x0, y0, w, h, X(x0), Y(y0), w * k, h * k);
  ctx.imageSmoothingEnabled = false; // stretched 1-px strips must stay the edge's own colours
  const [left, top, right, bottom] = [X(x0), Y(y0), size - X(x1), size - Y(y1)];
  if (left > 0) ctx.drawImage(source, x0, y0, 1, h, 0, top, left, h * k);
  if (right > 0) ctx.drawImage(source, x1 - 1, y0, 1, h, X(x1), top, right, h * k);
  if (top > 0) ctx.drawImage(source, x0, y0, w, 1, left, 0, w * k, top);
  if (bottom > 0) ctx.drawImage(source, x0, y1 - 1, w, 1, left, Y(y1), w * k, bottom);
  if (left > 0 && top > 0) ctx.drawImage(source, x0, y0, 1, 1, 0, 0, left, top);
  if (right > 0 && top > 0) ctx.drawImage(source, x1 - 1, y0, 1, 1, X(x1), 0, right, top);
  if (left > 0 && bottom > 0) ctx.drawImage(source, x0, y1 - 1, 1, 1, 0, Y(y1), left, bottom);
  if (right > 0 && bottom > 0) ctx.drawImage(source, x1 - 1, y1 - 1, 1, 1, X(x1), Y(y1), right, bottom);
  return canvas;
}
