/**
 * Faces as the page uses them: an engine Analysis (flat typed arrays) turned into FaceResult
 * objects, and the user's filters on them (detection confidence, face size). Pure.
 */
import { type Box, iou } from './box';
import { DEFAULT_MIN_SCORE } from './api';
import type { BackendName } from './backendSupport';
import type { Analysis } from './api';
import { NUM_EMOTIONS, topEmotion, type Emotion } from './emotions';

export interface FaceResult {
  /** Stable across frames on the camera; 1..n left to right on a photo. */
  id: number;
  /** Detector box, source pixels. */
  box: Box;
  /** The square the classifier saw, source pixels (turned by `roll` about its centre, when given). */
  crop: Box;
  /** Radians the crop was turned so the eyes are level (a model whose card says align). */
  roll?: number;
  /** Detection confidence, 0-1. */
  score: number;
  /** Probabilities in app class order (smoothed on the camera). */
  probs: Float32Array;
  top: { emotion: Emotion; probability: number };
  /** Not detected in this frame; shown for continuity. */
  stale: boolean;
  /** How `probs` read, where not as the model read them: relative to the face's own resting face
   *  ('relative'), or as read while that is being learnt ('learning'); the camera's resting-face setting. */
  reading?: 'learning' | 'relative';
}

export interface FrameTimings {
  detectMs: number;
  classifyMs: number;
  totalMs: number;
}

export interface FrameResult {
  width: number;
  height: number;
  faces: FaceResult[];
  timings: FrameTimings;
  /** When the frame was taken, ms (performance.now clock). */
  time: number;
  /** Provenance: the model and backend that produced these faces. */
  model: string;
  backend: BackendName;
  /** Tensors the engine held after this analysis (a leak shows as growth). */
  tensors: number;
  /** Found only on the retry with the photo padded by its own border (a photo that is only a face). */
  padded?: boolean;
  /** No face was found and the whole photo was read as one face, on request (kind 'whole'). */
  whole?: boolean;
  /** The frame in miniature (camera and video frames): what the tracker's scene-cut rule reads. */
  thumb?: Uint8ClampedArray;
}

function box(a: Float32Array, i: number): Box {
  return { x: a[i * 4] ?? 0, y: a[i * 4 + 1] ?? 0, width: a[i * 4 + 2] ?? 0, height: a[i * 4 + 3] ?? 0 };
}

/** An analysis as faces numbered 1..n in the engine's order (left to right on a photo). */
export function toFrameResult(a: Analysis, time: number): FrameResult {
  const faces: FaceResult[] = [];
  for (let i = 0; i < a.count; i++) {
    const probs = a.probs.slice(i * NUM_EMOTIONS, (i + 1) * NUM_EMOTIONS);
    const roll = a.rolls?.[i];
    faces.push({ id: i + 1, box: box(a.boxes, i), crop: box(a.crops, i), ...(roll ? { roll } : {}), score: a.scores[i] ?? 0, probs, top: topEmotion(probs), stale: false });
  }
  return {
    width: a.width,
    height: a.height,
    faces,
    timings: a.timings,
    time,
    model: a.model,
    backend: a.backend,
    tensors: a.tensors,
    ...(a.padded ? { padded: true } : {}),
    ...(a.whole ? { whole: true } : {}),
    ...(a.thumb ? { thumb: a.thumb } : {}),
  };
}

export interface FaceFilter {
  /** Faces detected with a lower confidence are hidden (when `hideLowConfidence`). 0-1. */
  minScore: number;
  /** Faces whose box's larger side is below this fraction of the image's shorter side are hidden. */
  minSize: number;
  hideLowConfidence: boolean;
}

/** The default filter: the one face floor (DEFAULT_MIN_SCORE, the detector's and the library's
 *  too), so by default it hides nothing the detector reports; false faces are the face check's
 *  to remove (faceCheck.ts). A user raises it to see only the surest faces. */
export const DEFAULT_FACE_FILTER: FaceFilter = { minScore: DEFAULT_MIN_SCORE, minSize: 0, hideLowConfidence: true };

/** A face the user asked not to see? Low confidence (when hiding those) or too small. */
export function isFiltered(face: Pick<FaceResult, 'score' | 'box'>, width: number, height: number, f: FaceFilter): boolean {
  if (f.hideLowConfidence && face.score < f.minScore) return true;
  return Math.max(face.box.width, face.box.height) < f.minSize * Math.min(width, height);
}

/** A face whose box's larger side is at least this share of the photo's shorter side fills it. */
export const SUBJECT_SIDE = 0.5;

/**
 * The face a photo is of: its box fills the photo, however it was found (as is, or on the padded
 * retry). A cropped face, a passport picture, a film still: the detector scores such a face lower
 * (half its context is the photo's edge: 0.50-0.60 for many web and film crops), so the confidence
 * filter, made to hide an ear or a pattern in a scene, would hide the one face the user gave. It is
 * shown whatever its score, marked uncertain when under the filter.
 */
export function isPhotoSubject(face: Pick<FaceResult, 'box'>, result: Pick<FrameResult, 'width' | 'height'>): boolean {
  return Math.max(face.box.width, face.box.height) >= SUBJECT_SIDE * Math.min(result.width, result.height);
}

/** Why a face is shown although the filters would hide it. */
export type KeptReason = 'subject' | 'best';

export interface PhotoFaces {
  /** The faces to show, in the photo's order. */
  faces: FaceResult[];
  /** Faces the filters hide. */
  hidden: number;
  /** Shown although the filters would hide them: the photo's subject (isPhotoSubject), or, when
   *  the filters would hide every face of the photo, its most confident one ('best'). */
  kept: { id: number; reason: KeptReason }[];
}

/**
 * A photo's faces as shown at the filters `f`. Ids are never changed here: a face is numbered once
 * (numberPhotoFaces), so "face 3" in a card, on the photo and in the CSV is the same face at every
 * setting. What a user gave is always read: the photo's subject is never hidden by confidence,
 * and a photo whose faces the filters would all hide shows its best one (marked uncertain, with
 * the reason). A photo read whole (no face found, read as one on request) shows that face.
 */
export function photoFaces(result: FrameResult, f: FaceFilter): PhotoFaces {
  if (result.whole) return { faces: [...result.faces], hidden: 0, kept: [] };
  const kept: PhotoFaces['kept'] = [];
  const faces = result.faces.filter((face) => {
    if (!isFiltered(face, result.width, result.height, f)) return true;
    if (!isPhotoSubject(face, result) || isFiltered(face, result.width, result.height, { ...f, hideLowConfidence: false })) return false;
    kept.push({ id: face.id, reason: 'subject' });
    return true;
  });
  if (faces.length === 0 && result.faces.length > 0) {
    const best = result.faces.reduce((a, b) => (b.score > a.score ? b : a));
    faces.push(best);
    kept.push({ id: best.id, reason: 'best' });
  }
  return { faces, hidden: result.faces.length - faces.length, kept };
}

/** The faces of a photo to show at the filters `f` (photoFaces). */
export function visibleFaces(result: FrameResult, f: FaceFilter): FaceResult[] {
  return photoFaces(result, f).faces;
}

/** Below the threshold but shown (the user chose to see them, or it is the photo's subject): flagged as uncertain. */
export function isLowConfidence(face: Pick<FaceResult, 'score'>, f: Pick<FaceFilter, 'minScore'>): boolean {
  return face.score < f.minScore;
}

/**
 * A photo's faces numbered once, when it is analysed, so the numbers a user sees have no gaps: the
 * faces shown at the filters of that moment are 1..k left to right, the hidden ones follow, most
 * confident first (the order in which lowering the confidence filter reveals them). With `given`
 * (the faces of a video's frame opened as a photo, as the video numbered them), a face that is one
 * of those keeps its number (the best overlap, IoU > 0.3) and the others follow the largest. The
 * faces come back sorted by number.
 */
export function numberPhotoFaces(result: FrameResult, f: FaceFilter, given: readonly { id: number; box: Box }[] = []): FrameResult {
  const shown = new Set(visibleFaces(result, f));
  const order = [...result.faces.filter((x) => shown.has(x)), ...result.faces.filter((x) => !shown.has(x)).sort((a, b) => b.score - a.score)];
  const ids = new Map<FaceResult, number>();
  const pairs = order.flatMap((face) => given.map((g) => ({ face, g, overlap: iou(face.box, g.box) }))).filter((p) => p.overlap > 0.3);
  pairs.sort((a, b) => b.overlap - a.overlap);
  const taken = new Set<number>();
  for (const p of pairs) {
    if (ids.has(p.face) || taken.has(p.g.id)) continue;
    ids.set(p.face, p.g.id);
    taken.add(p.g.id);
  }
  let next = given.reduce((m, g) => Math.max(m, g.id), 0) + 1;
  for (const face of order) if (!ids.has(face)) ids.set(face, next++);
  const faces = result.faces.map((face) => ({ ...face, id: ids.get(face) as number })).sort((a, b) => a.id - b.id);
  return { ...result, faces };
}
