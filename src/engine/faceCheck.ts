/**
 * Is a detection a face? The detector's score alone cannot say: it scores a blurred building, a
 * lit window pane or a patterned dress 0.55-0.78, and a real face cropped tight 0.50-0.60. What
 * tells them apart is a second look: the square around the box, twice its size, mirrored, given to
 * the detector again. A face is found there again (the detector sees it centred, at the size it
 * sees best, and a face mirrored is still a face); a pattern that happened to look like one from
 * where the first pass stood mostly is not. Measured on the labelled data of scripts/face-check.ts
 * (docs/reliability.md): with the rule below, 99.1 % of the detections of real faces stay and 84 %
 * of the false ones go; the app's former 60 % filter lost 5.1 % of the faces for 79 % of them.
 *
 * Pure: the engine asks the detector for the second look (detector.ts secondLook) and decides
 * here. A detection scored `sure` or more is kept without a second look (no false face in the data
 * reached it, and it costs nothing then: a face in front of a camera scores 0.9 and more).
 */
import type { Box } from './box';
import { iou } from './box';
import { SUBJECT_SIDE } from './faces';

export interface FaceCheck {
  /** A detection scored this or more is a face without a second look. */
  sure: number;
  /** Below `sure`: a face when its score plus its second look's score reach this. */
  pass: number;
  /** The same for a box that fills the image (the photo's subject: a cropped face, a face close to
   *  the camera), which both looks score lower for want of context: found again at all (the
   *  detector's floor, 0.5, plus the first look's 0.5 or more) is enough. */
  subjectPass: number;
  /** The second look's square, as a multiple of the box's larger side. */
  side: number;
  /** The second look is mirrored. */
  mirror: boolean;
}

/** Chosen on scripts/face-check.ts's data (docs/reliability.md "The face check"). */
export const FACE_CHECK: FaceCheck = { sure: 0.8, pass: 1.1, subjectPass: 1.0, side: 2, mirror: true };

/** Does a detection of this score need a second look? */
export function needsSecondLook(score: number, check: FaceCheck = FACE_CHECK): boolean {
  return score < check.sure;
}

/** A face: sure at first sight, or found again on the second look well enough. `again` is the
 *  second look's score (0 when it found nothing there); `subject`: the box fills the image. */
export function passesFaceCheck(score: number, again: number, subject = false, check: FaceCheck = FACE_CHECK): boolean {
  return score >= check.sure || score + again >= (subject ? check.subjectPass : check.pass);
}

/** Does `box` fill a `width` x `height` image (its larger side at least SUBJECT_SIDE of the image's shorter side)? */
export function fillsImage(box: Box, width: number, height: number): boolean {
  return Math.max(box.width, box.height) >= SUBJECT_SIDE * Math.min(width, height);
}

/** The square the second look sees: centred on the box, `side` times its larger side. */
export function secondLookRegion(box: Box, check: Pick<FaceCheck, 'side'> = FACE_CHECK): Box {
  const s = check.side * Math.max(box.width, box.height);
  return { x: box.x + box.width / 2 - s / 2, y: box.y + box.height / 2 - s / 2, width: s, height: s };
}

/**
 * Where the box lands in the second look's `size` x `size` canvas (mirrored when the look is), the
 * place a detection must overlap to count as the same face found again.
 */
export function expectedInLook(box: Box, region: Box, size: number, mirror: boolean): Box {
  const k = size / region.width;
  const x = (box.x - region.x) * k;
  const width = box.width * k;
  return { x: mirror ? size - x - width : x, y: (box.y - region.y) * k, width, height: box.height * k };
}

/** The second look's score: the best detection there that falls on the box (IoU > 0.3), else 0. */
export function againScore(found: readonly { box: Box; score: number }[], expected: Box): number {
  return found.reduce((best, f) => (iou(f.box, expected) > 0.3 && f.score > best ? f.score : best), 0);
}
