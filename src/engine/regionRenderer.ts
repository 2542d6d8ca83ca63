/**
 * Regions of a photo rendered for the detector (engine.ts searches a photo whole and tile by tile).
 */
import type { Box } from './box';

/** A renderer of photo regions into one reused square canvas (black outside the photo). Works in
 *  a worker (OffscreenCanvas) and on a page. */
export function regionRenderer(source: CanvasImageSource): (region: Box, size: number) => OffscreenCanvas {
  const canvas = new OffscreenCanvas(1, 1);
  const ctx = canvas.getContext('2d', { willReadFrequently: false });
  if (!ctx) throw new Error('2D canvas is not available');
  return (region, size) => {
    canvas.width = size;
    canvas.height = size;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, size, size);
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    const s = size / region.width;
    ctx.drawImage(source, -region.x * s, -region.y * s, (source as { width: number }).width * s, (source as { height: number }).height * s);
    return canvas;
  };
}
