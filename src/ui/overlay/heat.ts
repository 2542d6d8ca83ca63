/**
 * "Why this emotion" drawn over a face: the explanation's grid of cells (engine/explain.ts) laid
 * on the crop the model saw, in one colour scale used everywhere it is shown (the photo, the card's
 * thumbnail, the legend): transparent where hiding that part of the face changes nothing, through
 * yellow to red where hiding it lowers the answer most.
 */
import type { Explanation } from '../../engine';
import { type ViewTransform } from './layout';

/** The scale: value 0-1 -> [r, g, b, alpha]. Alpha and redness rise with the value. */
export function heatRgba(v: number): [number, number, number, number] {
  const t = Math.max(0, Math.min(1, v));
  return [255, Math.round(235 - 185 * t), Math.round(60 * (1 - t)), t < 0.08 ? 0 : +(0.2 + 0.55 * t).toFixed(3)];
}

export const heatCss = (v: number) => {
  const [r, g, b, a] = heatRgba(v);
  return `rgba(${r},${g},${b},${a})`;
};

/** The map's cells as RGBA pixels, one a cell, rows from the top, in the heat colours. */
export function heatPixels(e: Pick<Explanation, 'cells' | 'values'>): Uint8ClampedArray {
  const data = new Uint8ClampedArray(e.cells * e.cells * 4);
  for (let i = 0; i < e.cells * e.cells; i++) {
    const [r, g, b, a] = heatRgba(e.values[i] ?? 0);
    data.set([r, g, b, Math.round(a * 255)], i * 4);
  }
  return data;
}

/** The map as a tiny picture, one pixel a cell (drawn scaled up, smoothed). */
function heatPicture(e: Pick<Explanation, 'cells' | 'values'>): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.width = c.height = e.cells;
  const ctx = c.getContext('2d');
  if (!ctx) return c;
  const img = ctx.createImageData(e.cells, e.cells);
  img.data.set(heatPixels(e));
  ctx.putImageData(img, 0, 0);
  return c;
}

/**
 * Lay the map of `e` over its crop, smoothed (a few cells drawn as blocks over a small face read as
 * a chequerboard): in the image's pixels mapped by `t` (the photo view, the annotated PNG), kept
 * inside the face's box `clip` when given (the crop is wider than the face); or (`t` null) over a
 * canvas that shows the crop itself (a card's thumbnail, which is already turned by the crop's roll).
 */
export function drawHeat(
  ctx: CanvasRenderingContext2D,
  e: Pick<Explanation, 'cells' | 'values' | 'crop' | 'roll'>,
  t: ViewTransform | null,
  canvasSide = 0,
  clip?: { x: number; y: number; width: number; height: number },
): void {
  ctx.save();
  if (t && clip) {
    const x = (t.mirror ? t.sourceWidth - clip.x - clip.width : clip.x) * t.scale + t.offsetX;
    ctx.beginPath();
    ctx.rect(x, clip.y * t.scale + t.offsetY, clip.width * t.scale, clip.height * t.scale);
    ctx.clip();
  }
  let side: number;
  if (t) {
    const cx = (t.mirror ? t.sourceWidth - (e.crop.x + e.crop.width / 2) : e.crop.x + e.crop.width / 2) * t.scale + t.offsetX;
    const cy = (e.crop.y + e.crop.height / 2) * t.scale + t.offsetY;
    side = e.crop.width * t.scale;
    ctx.translate(cx, cy);
    if (e.roll) ctx.rotate(t.mirror ? -e.roll : e.roll);
    if (t.mirror) ctx.scale(-1, 1);
    ctx.translate(-side / 2, -side / 2);
  } else side = canvasSide;
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  // Cell centres at the cells' centres: a half cell of margin, so the edges are not smeared inwards.
  const cell = side / e.cells;
  const picture = heatPicture(e);
  ctx.drawImage(picture, 0, 0, e.cells, e.cells, 0, 0, e.cells * cell, e.cells * cell);
  ctx.restore();
}
