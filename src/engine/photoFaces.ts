/**
 * A photo's faces from its passes (tiling.ts): the whole photo first, then its tiles. The faces the
 * whole photo shows are shown at once (the engine's first result); the tiles then only add the
 * faces the whole photo did not show, small ones mostly, and never move one already shown. Pure.
 */
import { type Box, clusterBoxes, iou, weightedMeanBox } from './box';
import type { Eyes } from './align';

export interface PhotoFace {
  box: Box;
  score: number;
  eyes?: Eyes;
}

/** Detections of one face from several passes clustered into one, IoU above this. */
const SAME_FACE = 0.3;

/** One face per cluster of `members` (indices into `found`): the best one's score and eyes, the box averaged by score over the detections that frame the face alike. */
function merged(found: readonly PhotoFace[], best: number, members: readonly number[]): PhotoFace {
  const top = found[best] as PhotoFace;
  // Average only the detections that frame the face alike; a face cut by a tile edge gives a
  // smaller box that was rightly suppressed but would drag the mean.
  const alike = members.map((i) => found[i] as PhotoFace).filter((f) => iou(f.box, top.box) > 0.5);
  return { score: top.score, box: weightedMeanBox(alike.map((f) => f.box), alike.map((f) => f.score)), ...(top.eyes && { eyes: top.eyes }) };
}

/** Detections of overlapping passes (boxes in photo pixels) as one face each. */
export function mergeDetections(found: readonly PhotoFace[]): PhotoFace[] {
  return clusterBoxes(found.map((f) => f.box), found.map((f) => f.score), SAME_FACE).map(({ best, members }) => merged(found, best, members));
}

/**
 * The faces the tiles found (`tiles`: their detections, photo pixels) that are not among `shown`
 * (the whole photo's faces): everything is clustered together as mergeDetections does, and a
 * cluster that holds a face already shown is that face, left as it is.
 */
export function addedFaces(shown: readonly PhotoFace[], tiles: readonly PhotoFace[]): PhotoFace[] {
  const all = [...shown, ...tiles];
  return clusterBoxes(all.map((f) => f.box), all.map((f) => f.score), SAME_FACE)
    .filter(({ best, members }) => best >= shown.length && members.every((i) => i >= shown.length))
    .map(({ best, members }) => merged(all, best, members));
}

/** Left to right, then top to bottom: how a photo's faces are numbered within one pass. */
export function leftToRight<T extends { box: Box }>(faces: readonly T[]): T[] {
  return [...faces].sort((a, b) => a.box.x - b.box.x || a.box.y - b.box.y);
}
