/**
 * Stable face ids across frames and temporal smoothing of boxes and probabilities.
 * Matching: greedy by IoU (a frame holds a handful of faces, so the optimal assignment is not
 * worth its cost). A face that is not detected for a moment keeps its id and is shown as `stale`
 * for `holdMs`, then forgotten after `forgetMs`, so a blink of the detector neither flickers the
 * overlay nor renumbers the face.
 */
import { type Box, iou } from './box';
import { smoothingWeight, smoothInto, smoothNumber } from './smoothing';

export interface TrackerOptions {
  /** Minimum IoU to continue a track. Default 0.3. */
  iouThreshold: number;
  /** Half-life of the probability smoothing, ms; 0 = off. Default 250. */
  probHalfLifeMs: number;
  /** Half-life of the box smoothing, ms; 0 = off. Default 60 (boxes must follow the face). */
  boxHalfLifeMs: number;
  /** How long an undetected face is still shown (marked stale), ms. Default 300. */
  holdMs: number;
  /** How long an undetected face keeps its id for re-identification, ms. Default 1000. */
  forgetMs: number;
}

export const DEFAULT_TRACKER_OPTIONS: TrackerOptions = {
  iouThreshold: 0.3,
  probHalfLifeMs: 250,
  boxHalfLifeMs: 60,
  holdMs: 300,
  forgetMs: 1000,
};

export interface Observation {
  box: Box;
  score: number;
  probs: Float32Array;
}

export interface Track {
  id: number;
  box: Box;
  score: number;
  /** Smoothed probabilities, app class order. */
  probs: Float32Array;
  /** This frame's unsmoothed probabilities (last seen ones when stale). */
  rawProbs: Float32Array;
  firstSeen: number;
  lastSeen: number;
  /** Not detected in the latest frame, still shown for continuity. */
  stale: boolean;
}

export class FaceTracker {
  private tracks: Track[] = [];
  private nextId = 1;
  readonly options: TrackerOptions;

  constructor(options: Partial<TrackerOptions> = {}) {
    this.options = { ...DEFAULT_TRACKER_OPTIONS, ...options };
  }

  setOptions(options: Partial<TrackerOptions>): void {
    Object.assign(this.options, options);
  }

  /** Feed one frame's faces (at time `now`, ms); returns the faces to show, oldest id first. */
  update(observations: readonly Observation[], now: number): Track[] {
    const { iouThreshold, probHalfLifeMs, boxHalfLifeMs, holdMs, forgetMs } = this.options;
    const pairs: [number, number, number][] = [];
    this.tracks.forEach((t, ti) =>
      observations.forEach((o, oi) => {
        const overlap = iou(t.box, o.box);
        if (overlap >= iouThreshold) pairs.push([overlap, ti, oi]);
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
      const wb = smoothingWeight(dt, boxHalfLifeMs);
      t.box = {
        x: smoothNumber(t.box.x, o.box.x, wb),
        y: smoothNumber(t.box.y, o.box.y, wb),
        width: smoothNumber(t.box.width, o.box.width, wb),
        height: smoothNumber(t.box.height, o.box.height, wb),
      };
      smoothInto(t.probs, t.probs, o.probs, smoothingWeight(dt, probHalfLifeMs));
      t.rawProbs = o.probs;
      t.score = o.score;
      t.lastSeen = now;
      t.stale = false;
    }
    observations.forEach((o, oi) => {
      if (obsTaken.has(oi)) return;
      this.tracks.push({
        id: this.nextId++,
        box: { ...o.box },
        score: o.score,
        probs: Float32Array.from(o.probs),
        rawProbs: o.probs,
        firstSeen: now,
        lastSeen: now,
        stale: false,
      });
    });
    this.tracks = this.tracks.filter((t) => now - t.lastSeen <= forgetMs);
    for (const t of this.tracks) t.stale = t.lastSeen !== now;
    return this.tracks.filter((t) => now - t.lastSeen <= holdMs);
  }

  reset(): void {
    this.tracks = [];
    this.nextId = 1;
  }
}
