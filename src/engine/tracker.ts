/**
 * Stable face ids across frames and temporal smoothing of the probabilities, for the page (the
 * camera and video files); the engine knows nothing of it. Boxes are not smoothed here: the
 * camera overlay glides them at display rate (engine/motion.ts, BoxMotion), the one place boxes
 * are eased, and a track's `box` and `crop` are the latest analysis's detector box and the square
 * the classifier saw.
 * Matching: greedy by IoU (a frame holds a handful of faces, so the optimal assignment is not
 * worth its cost), and by centre distance when the boxes no longer overlap: at 2-3 analyses a
 * second a face that moves crosses its own width between two results, and must keep its id.
 * A face that is not detected for a moment keeps its id and is shown as `stale` for `holdMs` (and
 * at least `holdUpdates` analyses), then is forgotten after `forgetMs` (and at least
 * `forgetUpdates` analyses): time alone would forget every face between two slow analyses.
 *
 * A new identity, never an inherited one, where a face cannot be the same person (the camera and
 * video files alike, one tracker for both): a box farther from a track than a face moves in the
 * time since it was seen (`maxSpeed` box sizes a second, at most `maxJump` sizes) starts a new
 * track; and after a scene cut (the frame changed as a whole: sceneCut.ts, read from the frame's
 * thumbnail) every face is a new one: someone leaving and another entering at the same place
 * between two cuts of a video, or two photos swapped in front of a camera, share no id, timeline
 * or smoothing. Ids go on counting after a cut.
 */
import { type Box, iou } from './box';
import { topEmotion } from './emotions';
import type { FaceResult } from './faces';
import { smoothingWeight, smoothInto } from './smoothing';
import { type FrameSignature, frameSignature, isSceneCut } from './sceneCut';

export interface TrackerOptions {
  /** Minimum IoU to continue a track. Default 0.3. */
  iouThreshold: number;
  /** Half-life of the probability smoothing, ms; 0 = off. Default 250. */
  probHalfLifeMs: number;
  /** How long an undetected face is still shown (marked stale), ms. Default 300. */
  holdMs: number;
  /** How long an undetected face keeps its id for re-identification, ms. Default 1000. */
  forgetMs: number;
  /** Match boxes whose centres are within this many box sizes even without overlap. Default 1.5. */
  maxJump: number;
  /** How fast a face moves, box sizes a second: a centre farther than that from a track, in the
   *  time since the track was seen, is another face (at least half a size, at most maxJump). Default 4. */
  maxSpeed: number;
  /** An undetected face is shown for at least this many analyses. Default 1. */
  holdUpdates: number;
  /** An undetected face keeps its id for at least this many analyses. Default 4. */
  forgetUpdates: number;
}

export const DEFAULT_TRACKER_OPTIONS: TrackerOptions = {
  iouThreshold: 0.3,
  probHalfLifeMs: 250,
  holdMs: 300,
  forgetMs: 1000,
  maxJump: 1.5,
  maxSpeed: 4,
  holdUpdates: 1,
  forgetUpdates: 4,
};

/** One analysed face: a FaceResult without its id (the tracker gives that). */
export type Observation = Pick<FaceResult, 'box' | 'crop' | 'score' | 'probs'>;

export interface Track {
  id: number;
  /** The track's own key, never given to another track and never changed (renumber() changes ids). */
  key: number;
  /** The latest detector box (the last seen one when stale). */
  box: Box;
  /** The square the classifier saw for it. */
  crop: Box;
  score: number;
  /** Smoothed probabilities, app class order. */
  probs: Float32Array;
  firstSeen: number;
  lastSeen: number;
  /** Not detected in the latest frame, still shown for continuity. */
  stale: boolean;
  /** Analyses in a row without this face. */
  missed: number;
}

/** How far (box sizes) a face can move in `dtMs`: `maxSpeed` sizes a second, at least half a size
 *  (detection jitter, a frame's latency), at most `maxJump`. */
export function jumpGate(dtMs: number, maxSpeed: number, maxJump: number): number {
  return Math.min(maxJump, Math.max(0.5, (maxSpeed * Math.max(0, dtMs)) / 1000));
}

/** How well an observed box continues a track: > 0 to match, higher is better. `maxJump`: the
 *  farthest the centre may have moved without overlap, box sizes (jumpGate). */
export function affinity(track: Box, observed: Box, iouThreshold: number, maxJump: number): number {
  const overlap = iou(track, observed);
  if (overlap >= iouThreshold) return 1 + overlap;
  const dx = track.x + track.width / 2 - (observed.x + observed.width / 2);
  const dy = track.y + track.height / 2 - (observed.y + observed.height / 2);
  const size = Math.max(track.width, track.height, observed.width, observed.height);
  const gate = maxJump * size;
  const ratio = Math.max(track.width, track.height) / Math.max(observed.width, observed.height, 1e-6);
  if (gate <= 0 || ratio > 2 || ratio < 0.5) return 0; // another face of another size, not this one moving
  const dist = Math.hypot(dx, dy);
  return dist < gate ? 1 - dist / gate : 0;
}

export class FaceTracker {
  private tracks: Track[] = [];
  private nextId = 1;
  private nextKey = 1;
  private signature: FrameSignature | null = null;
  /** Scene cuts seen since the last reset (tests read it). */
  cuts = 0;
  readonly options: TrackerOptions;

  constructor(options: Partial<TrackerOptions> = {}) {
    this.options = { ...DEFAULT_TRACKER_OPTIONS, ...options };
  }

  setOptions(options: Partial<TrackerOptions>): void {
    Object.assign(this.options, options);
  }

  /**
   * Feed one frame's faces (at time `now`, ms), and the frame's thumbnail when there is one (a
   * scene cut ends every track); returns the faces to show, oldest id first.
   */
  update(observations: readonly Observation[], now: number, thumb?: Uint8ClampedArray): Track[] {
    const { iouThreshold, probHalfLifeMs, holdMs, forgetMs, maxJump, maxSpeed, holdUpdates, forgetUpdates } = this.options;
    if (thumb) {
      const signature = frameSignature(thumb);
      if (isSceneCut(this.signature, signature)) this.cut();
      this.signature = signature;
    }
    const pairs: [number, number, number][] = [];
    this.tracks.forEach((t, ti) =>
      observations.forEach((o, oi) => {
        const a = affinity(t.box, o.box, iouThreshold, jumpGate(now - t.lastSeen, maxSpeed, maxJump));
        if (a > 0) pairs.push([a, ti, oi]);
      }),
    );
    pairs.sort((a, b) => b[0] - a[0]);
    const trackTaken = new Set<number>();
    const obsTaken = new Set<number>();
    for (const [, ti, oi] of pairs) {
      if (trackTaken.has(ti) || obsTaken.has(oi)) continue;
      trackTaken.add(ti);
      obsTaken.add(oi);
      const t = this.tracks[ti] as Track;
      const o = observations[oi] as Observation;
      const dt = now - t.lastSeen;
      t.box = { ...o.box };
      t.crop = { ...o.crop };
      smoothInto(t.probs, t.probs, o.probs, smoothingWeight(dt, probHalfLifeMs));
      t.score = o.score;
      t.lastSeen = now;
      t.stale = false;
      t.missed = 0;
    }
    this.tracks.forEach((t, ti) => {
      if (!trackTaken.has(ti)) t.missed++;
    });
    // Faces seen again after a renumber() are numbered before the new ones, left to right.
    this.number(this.tracks.filter((_, ti) => trackTaken.has(ti)).sort((a, b) => a.box.x - b.box.x));
    observations.forEach((o, oi) => {
      if (obsTaken.has(oi)) return;
      this.tracks.push({
        id: this.nextId++,
        key: this.nextKey++,
        box: { ...o.box },
        crop: { ...o.crop },
        score: o.score,
        probs: Float32Array.from(o.probs),
        firstSeen: now,
        lastSeen: now,
        stale: false,
        missed: 0,
      });
    });
    this.tracks = this.tracks.filter((t) => now - t.lastSeen <= forgetMs || t.missed <= forgetUpdates);
    for (const t of this.tracks) t.stale = t.lastSeen !== now;
    const shown = this.tracks.filter((t) => now - t.lastSeen <= holdMs || t.missed <= holdUpdates);
    this.number(shown);
    return shown;
  }

  /**
   * Number faces from 1 again, in the order they are shown from the next update on: a recording
   * started an hour into a camera session starts at face 1, as its file does. The faces followed
   * now keep being followed (and smoothed); each gets its new number when it is next shown.
   */
  renumber(): void {
    for (const t of this.tracks) t.id = 0;
    this.nextId = 1;
  }

  /** Numbers for the tracks renumber() left without one, in the order given. */
  private number(tracks: readonly Track[]): void {
    for (const t of tracks) if (t.id === 0) t.id = this.nextId++;
  }

  /** Every face so far ends here (a scene cut): the next faces get new ids, counting on. */
  cut(): void {
    this.tracks = [];
    this.cuts++;
  }

  reset(): void {
    this.tracks = [];
    this.nextId = 1;
    this.signature = null;
    this.cuts = 0;
  }
}

/** Tracks as the faces the page shows and records (box and crop as analysed, probabilities smoothed). */
export function trackedFaces(tracks: readonly Track[]): FaceResult[] {
  return tracks.map((t) => ({ id: t.id, box: t.box, crop: t.crop, score: t.score, probs: t.probs, top: topEmotion(t.probs), stale: t.stale }));
}
