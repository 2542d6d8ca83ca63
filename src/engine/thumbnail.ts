/**
 * A camera or video frame in miniature: 32 x 18 RGBA, what scene-cut detection reads
 * (app/sceneCut.ts) to tell that the picture changed as a whole. Made by the engine from the
 * frame it already holds, so the page makes no second copy of the frame for it.
 */
export const THUMB = { width: 32, height: 18 } as const;

/** The frame drawn small (the browser's downscale, smoothing on); null where no 2D canvas exists. */
export function drawThumbnail(image: ImageBitmap): Uint8ClampedArray | null {
  if (typeof OffscreenCanvas === 'undefined') return null;
  const ctx = new OffscreenCanvas(THUMB.width, THUMB.height).getContext('2d', { willReadFrequently: true });
  if (!ctx) return null;
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'medium';
  ctx.drawImage(image, 0, 0, THUMB.width, THUMB.height);
  return ctx.getImageData(0, 0, THUMB.width, THUMB.height).data;
}
