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

/**
 * The same miniature of pixels already in memory (a camera frame read by copy, frameReader.ts):
 * each thumbnail pixel the mean of the frame's pixels whose centres fall in its cell (a box
 * filter, which is what a smooth downscale approximates), without drawing the frame anywhere. A
 * cell of a large frame is sampled on a grid of about 8 x 8 pixels (a 1280 x 720 frame: every 5th
 * pixel each way), which is plenty for a picture-wide signature and keeps it to a few ms.
 */
export function shrinkPixels(image: { data: ArrayLike<number>; width: number; height: number }): Uint8ClampedArray {
  const { data, width, height } = image;
  const sums = new Float64Array(THUMB.width * THUMB.height * 4);
  const counts = new Float64Array(THUMB.width * THUMB.height);
  const step = Math.max(1, Math.floor(Math.min(width / THUMB.width, height / THUMB.height) / 8));
  const column = Int32Array.from({ length: width }, (_, x) => Math.min(THUMB.width - 1, Math.floor(((x + 0.5) * THUMB.width) / width)));
  // Each sampled row starts one pixel further along (a diagonal lattice), so stripes of the
  // sampling's own period are averaged, not aliased.
  for (let y = Math.floor(step / 2), r = 0; y < height; y += step, r++) {
    const row = Math.min(THUMB.height - 1, Math.floor(((y + 0.5) * THUMB.height) / height)) * THUMB.width;
    for (let x = r % step; x < width; x += step) {
      const cell = row + (column[x] as number);
      const i = (y * width + x) * 4;
      for (let k = 0; k < 4; k++) sums[cell * 4 + k] = (sums[cell * 4 + k] as number) + (data[i + k] as number);
      counts[cell] = (counts[cell] as number) + 1;
    }
  }
  const out = new Uint8ClampedArray(sums.length);
  for (let c = 0; c < counts.length; c++) for (let k = 0; k < 4; k++) out[c * 4 + k] = Math.round((sums[c * 4 + k] as number) / Math.max(1, counts[c] as number));
  return out;
}
