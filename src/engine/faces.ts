/**
 * Faces as the page uses them: an engine Analysis (flat typed arrays) turned into FaceResult
 * objects, and the user's filters on them (detection confidence, face size). Pure.
 */
import type { Box } from './box';
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
  return { width: a.width, height: a.height, faces, timings: a.timings, time, model: a.model, backend: a.backend, tensors: a.tensors, ...(a.padded ? { padded: true } : {}), ...(a.thumb ? { thumb: a.thumb } : {}) };
}

export interface FaceFilter {
  /** Faces detected with a lower confidence are hidden (when `hideLowConfidence`). 0-1. */
  minScore: number;
  /** Faces whose box's larger side is below this fraction of the image's shorter side are hidden. */
  minSize: number;
  hideLowConfidence: boolean;
}

export const DEFAULT_FACE_FILTER: FaceFilter = { minScore: 0.6, minSize: 0, hideLowConfidence: true };

/** A face the user asked not to see? Low confidence (when hiding those) or too small. */
export function isFiltered(face: Pick<FaceResult, 'score' | 'box'>, width: number, height: number, f: FaceFilter): boolean {
  if (f.hideLowConfidence && face.score < f.minScore) return true;
  return Math.max(face.box.width, face.box.height) < f.minSize * Math.min(width, height);
}

/** A face whose box's larger side is at least this share of the photo's shorter side fills it. */
export const SUBJECT_SIDE = 0.5;

/**
 * The face a photo is only of: found on the padded retry (nothing was found on the photo as is)
 * and filling it. The detector scores faces on that retry lower (half the face's context is the
 * photo's edge repeated: 0.51-0.60 for 17 of the 97 muxspace photos that needed it), so the
 * confidence filter, made to hide an ear or a pattern in a scene, would hide the one face the user
 * uploaded. Such a face is judged by what the retry reaches: shown, marked uncertain when below
 * the filter's score, and the photo says why.
 */
export function isPhotoSubject(face: Pick<FaceResult, 'box'>, result: Pick<FrameResult, 'padded' | 'width' | 'height'>): boolean {
  return result.padded === true && Math.max(face.box.width, face.box.height) >= SUBJECT_SIDE * Math.min(result.width, result.height);
}

/**
 * The faces to show. Ids are never changed here: a face is numbered once (1..n left to right on a
 * photo, by the tracker on the camera and in a video), whatever the filters hide, so "face 3" in
 * a card, on the photo and in the CSV is the same face at every setting. The face of a photo that
 * is only a face is not hidden by confidence (isPhotoSubject).
 */
export function visibleFaces(result: FrameResult, f: FaceFilter): FaceResult[] {
  return result.faces.filter((face) => !isFiltered(face, result.width, result.height, isPhotoSubject(face, result) ? { ...f, hideLowConfidence: false } : f));
}

/** Below the threshold but shown (the user chose to see them): flagged as uncertain. */
export function isLowConfidence(face: Pick<FaceResult, 'score'>, f: FaceFilter): boolean {
  return face.score < f.minScore;
}
