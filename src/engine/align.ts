/**
 * Eye-level alignment, pure geometry: the roll of a face from the detector's two eye keypoints,
 * and the sampling matrix that cuts a square crop turned by that roll out of an image (for
 * tf.image.transform). One definition for the app and for data preparation (scripts/lib/
 * prepare-page.ts), so a model trained on aligned faces sees in the app what it saw in training.
 */
import type { Box } from './box';

export interface Point {
  x: number;
  y: number;
}

/** The two eye centres in image pixels, in the detector's order (either order works here). */
export interface Eyes {
  a: Point;
  b: Point;
}

/** A face turned further than this is not levelled beyond it (a keypoint that far off is more likely wrong). */
export const MAX_ROLL = Math.PI / 4;

/**
 * The face's roll in radians (image y points down, so positive = the eye on the image's right is
 * lower, the head leans to the viewer's right): the angle of the line from the image-left eye to
 * the image-right eye, clamped to +-MAX_ROLL. 0 when the eyes are missing or on one point.
 */
export function eyeRoll(eyes: Eyes | undefined): number {
  if (!eyes) return 0;
  const [left, right] = eyes.a.x <= eyes.b.x ? [eyes.a, eyes.b] : [eyes.b, eyes.a];
  const dx = right.x - left.x;
  const dy = right.y - left.y;
  if (Math.hypot(dx, dy) < 1e-6) return 0;
  return Math.max(-MAX_ROLL, Math.min(MAX_ROLL, Math.atan2(dy, dx)));
}

/**
 * The 8 numbers of tf.image.transform that sample `square` turned by `roll` about its centre at
 * n x n: output pixel (u, v) reads the image at the point of the square whose unturned position
 * is the half-pixel centre (u + 0.5, v + 0.5) / n, turned by roll, in pixel-index coordinates
 * (pixel i's centre is at i). With roll 0 it samples exactly what halfPixelBox does with
 * tf.image.cropAndResize, so an unturned face is cut the same either way.
 */
export function rollTransform(square: Box, roll: number, n: number): [number, number, number, number, number, number, number, number] {
  const k = square.width / n;
  const cos = Math.cos(roll);
  const sin = Math.sin(roll);
  const cx = square.x + square.width / 2 - 0.5;
  const cy = square.y + square.height / 2 - 0.5;
  const o = 0.5 - n / 2; // output index -> offset from the output centre
  return [k * cos, -k * sin, cx + k * (cos * o - sin * o), k * sin, k * cos, cy + k * (sin * o + cos * o), 0, 0];
}
