/** Axis-aligned boxes in pixels, and the pure geometry on them. */
export interface Box {
  /** Left edge, pixels. */
  x: number;
  /** Top edge, pixels. */
  y: number;
  width: number;
  height: number;
}

export function area(b: Box): number {
  return Math.max(0, b.width) * Math.max(0, b.height);
}

/** Intersection over union, 0 when disjoint. */
export function iou(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (area(a) + area(b) - inter);
}

export function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}

export function scaleBox(b: Box, sx: number, sy: number = sx, dx = 0, dy = 0): Box {
  return { x: b.x * sx + dx, y: b.y * sy + dy, width: b.width * sx, height: b.height * sy };
}

/** Mirror a box horizontally inside an image `width` wide (for a selfie-view preview). */
export function mirrorBox(b: Box, width: number): Box {
  return { ...b, x: width - b.x - b.width };
}

/**
 * Greedy non-maximum suppression: keep the highest-scoring box, drop the ones overlapping it by
 * more than `threshold` IoU (or mostly contained in it, for a face found both whole and cut by a
 * tile edge), repeat. Returns kept indices, best first.
 */
export function nonMaxSuppression(boxes: readonly Box[], scores: readonly number[], threshold = 0.3): number[] {
  const order = boxes.map((_, i) => i).sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0));
  const keep: number[] = [];
  for (const i of order) {
    const bi = boxes[i] as Box;
    const overlaps = keep.some((k) => {
      const bk = boxes[k] as Box;
      if (iou(bi, bk) > threshold) return true;
      const inter = area({ x: Math.max(bi.x, bk.x), y: Math.max(bi.y, bk.y), width: Math.min(bi.x + bi.width, bk.x + bk.width) - Math.max(bi.x, bk.x), height: Math.min(bi.y + bi.height, bk.y + bk.height) - Math.max(bi.y, bk.y) });
      return inter > 0.7 * Math.min(area(bi), area(bk));
    });
    if (!overlaps) keep.push(i);
  }
  return keep;
}
