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

/** Area of the intersection of two boxes. */
export function intersection(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Two detections of the same face: they overlap by IoU > threshold, or one mostly contains the other. */
export function sameObject(a: Box, b: Box, threshold: number): boolean {
  return iou(a, b) > threshold || intersection(a, b) > 0.7 * Math.min(area(a), area(b));
}

export interface Cluster {
  /** Index of the best-scoring member. */
  best: number;
  /** All members, best first. */
  members: number[];
}

/**
 * Greedy non-maximum suppression that keeps what it suppresses: the highest-scoring box starts a
 * cluster and takes every remaining box that shows the same object (see sameObject); repeat.
 */
export function clusterBoxes(boxes: readonly Box[], scores: readonly number[], threshold = 0.3): Cluster[] {
  const order = boxes.map((_, i) => i).sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0));
  const taken = new Set<number>();
  const clusters: Cluster[] = [];
  for (const i of order) {
    if (taken.has(i)) continue;
    const members = order.filter((j) => !taken.has(j) && (j === i || sameObject(boxes[i] as Box, boxes[j] as Box, threshold)));
    for (const j of members) taken.add(j);
    clusters.push({ best: i, members });
  }
  return clusters;
}

/** Score-weighted mean of boxes: several detections of one face locate it better than the best one. */
export function weightedMeanBox(boxes: readonly Box[], weights: readonly number[]): Box {
  const total = weights.reduce((a, b) => a + b, 0) || 1;
  const mean = (key: keyof Box) => boxes.reduce((acc, b, i) => acc + b[key] * (weights[i] ?? 0), 0) / total;
  return { x: mean('x'), y: mean('y'), width: mean('width'), height: mean('height') };
}
