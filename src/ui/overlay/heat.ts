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

/**
 * Fill the cells of `e` over its crop: in the image's pixels mapped by `t` (the photo view, the
 * annotated PNG), or (`t` null) over a canvas that shows the crop itself (a card's thumbnail, which
 * is already turned by the crop's roll).
 */
export function drawHeat(ctx: CanvasRenderingContext2D, e: Pick<Explanation, 'cells' | 'values' | 'crop' | 'roll'>, t: ViewTransform | null, canvasSide = 0): void {
  ctx.save();
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
  const cell = side / e.cells;
  for (let y = 0; y < e.cells; y++) {
    for (let x = 0; x < e.cells; x++) {
      const v = e.values[y * e.cells + x] ?? 0;
      if (heatRgba(v)[3] === 0) continue;
      ctx.fillStyle = heatCss(v);
      ctx.fillRect(x * cell, y * cell, cell + 0.5, cell + 0.5);
    }
  }
  ctx.restore();
}
