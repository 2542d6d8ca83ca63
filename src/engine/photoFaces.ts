/**
 * A photo's faces from its passes (tiling.ts): the whole photo first, then its tiles. The faces the
 * whole photo shows are shown at once (the engine's first result); the tiles then add the faces
 * the whole photo did not show, small ones mostly, and never move one already shown (its box, crop
 * and probabilities stay; only its detection score may rise). Pure.
 */
import { type Box, clusterBoxes, iou, weightedMeanBox } from './box';
import type { Eyes, Point } from './align';

export interface PhotoFace {
  box: Box;
  score: number;
  eyes?: Eyes;
  keypoints?: Point[];
}

/** Detections of one face from several passes clustered into one, IoU above this. */
const SAME_FACE = 0.3;

/** One face per cluster of `members` (indices into `found`): the best one's score, eyes and keypoints, the box averaged by score over the detections that frame the face alike. */
function merged(found: readonly PhotoFace[], best: number, members: readonly number[]): PhotoFace {
  const top = found[best] as PhotoFace;
  // Average only the detections that frame the face alike; a face cut by a tile edge gives a
  // smaller box that was rightly suppressed but would drag the mean.
  const alike = members.map((i) => found[i] as PhotoFace).filter((f) => iou(f.box, top.box) > 0.5);
  return {
    score: top.score,
    box: weightedMeanBox(
      alike.map((f) => f.box),
      alike.map((f) => f.score),
    ),
    ...(top.eyes && { eyes: top.eyes }),
    ...(top.keypoints && { keypoints: top.keypoints }),
  };
}

/** Detections of overlapping passes (boxes in photo pixels) as one face each. */
export function mergeDetections(found: readonly PhotoFace[]): PhotoFace[] {
  return clusterBoxes(
    found.map((f) => f.box),
    found.map((f) => f.score),
    SAME_FACE,
  ).map(({ best, members }) => merged(found, best, members));
}

/**
 * What the tiles (`tiles`: their detections, photo pixels) add to `shown` (the whole photo's faces):
 * everything is clustered together as mergeDetections does; a cluster that holds a face already
 * shown is that face, left where it is, and the cluster's best score becomes its score (a face the
 * whole photo saw small scores higher where a tile saw it large, as it did when every pass was
 * merged at once); a cluster of tile detections alone is a face added.
 */
export function tilesPass(shown: readonly PhotoFace[], tiles: readonly PhotoFace[]): { added: PhotoFace[]; scores: number[] } {
  const all = [...shown, ...tiles];
  const scores = shown.map((f) => f.score);
  const added: PhotoFace[] = [];
  for (const { best, members } of clusterBoxes(
    all.map((f) => f.box),
    all.map((f) => f.score),
    SAME_FACE,
  )) {
    const mine = members.filter((i) => i < shown.length);
    if (mine.length === 0) added.push(merged(all, best, members));
    for (const i of mine) scores[i] = Math.max(scores[i] ?? 0, all[best]?.score ?? 0);
  }
  return { added, scores };
}

/** Left to right, then top to bottom: how a photo's faces are numbered within one pass. */
export function leftToRight<T extends { box: Box }>(faces: readonly T[]): T[] {
  return [...faces].sort((a, b) => a.box.x - b.box.x || a.box.y - b.box.y);
}
