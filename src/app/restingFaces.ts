/**
 * Readings relative to each tracked face's own resting face (engine/baseline.ts), for the camera:
 * a face's resting probabilities are learnt over a short window, then every reading of that face is
 * shown relative to them, and marked so.
 *
 * Two ways to learn it:
 * - `auto`: each new face's first `learnMs` (a person sitting down in front of the camera is
 *   usually at rest);
 * - `manual`: when the user says "this is my resting face" (capture()), every face in view over the
 *   next `captureMs` gets a new resting face, replacing the one it had.
 * Where the model's card has no neutral reference (`baseline.neutral`), nothing is relative.
 * Pure state, no DOM: the camera view calls read() for each tracked face of each analysed frame.
 */
import { relativeReading, RestingFace } from '../engine';
import type { RestingMode } from '../state/settings';

export type { RestingMode };

export interface RestingOptions {
  /** auto: how long a new face is watched before its readings are relative, ms. */
  learnMs: number;
  /** manual: how long the faces in view are watched after capture(), ms. */
  captureMs: number;
}

export const DEFAULT_RESTING_OPTIONS: RestingOptions = { learnMs: 3000, captureMs: 1500 };

/** How a face's reading is shown: as read, while its resting face is learnt, or relative to it. */
export type ReadingState = 'raw' | 'learning' | 'relative';

interface Entry {
  rest: RestingFace;
  /** Until when readings are added, ms; after it the resting face is used. */
  until: number;
  ready: Float32Array | null;
}

export class RestingFaces {
  private entries = new Map<number, Entry>();
  private captureUntil = -Infinity;
  private captureFrom = -Infinity;
  readonly options: RestingOptions;

  constructor(
    private neutral: Float32Array | null,
    public mode: RestingMode = 'off',
    options: Partial<RestingOptions> = {},
  ) {
    this.options = { ...DEFAULT_RESTING_OPTIONS, ...options };
  }

  /** Whether readings can be relative at all: the model gives a neutral reference. */
  get available(): boolean {
    return this.neutral !== null;
  }

  /** A new model (or none): its reference, and every face's resting face forgotten (they were its readings). */
  setNeutral(neutral: ArrayLike<number> | null): void {
    this.neutral = neutral ? Float32Array.from(neutral) : null;
    this.reset();
  }

  setMode(mode: RestingMode): void {
    if (mode === this.mode) return;
    this.mode = mode;
    this.reset();
  }

  /** "This is my resting face": the faces in view from `now` for captureMs are learnt anew. */
  capture(now: number): void {
    this.captureFrom = now;
    this.captureUntil = now + this.options.captureMs;
    for (const entry of this.entries.values()) entry.until = -Infinity; // marked for a new window below
  }

  /** Whether a capture is under way at `now` (the button shows it). */
  capturing(now: number): boolean {
    return this.mode === 'manual' && now >= this.captureFrom && now < this.captureUntil;
  }

  reset(): void {
    this.entries.clear();
    this.captureFrom = -Infinity;
    this.captureUntil = -Infinity;
  }

  /** Faces no longer tracked are forgotten (an id is never given to another face). */
  keep(ids: Iterable<number>): void {
    if (this.entries.size === 0) return;
    const live = new Set(ids);
    for (const id of this.entries.keys()) {
      if (!live.has(id)) {
        this.entries.delete(id);
      }
    }
  }

  /**
   * One reading of tracked face `id` at `now`: the probabilities to show (the same array when raw)
   * and how they read. In `auto`, a face's window starts at its first reading.
   */
  read(id: number, probs: Float32Array, now: number): { probs: Float32Array; state: ReadingState } {
    const neutral = this.neutral;
    if (this.mode === 'off' || !neutral) return { probs, state: 'raw' };
    let entry = this.entries.get(id);
    if (this.mode === 'auto' && !entry) {
      entry = { rest: new RestingFace(probs.length), until: now + this.options.learnMs, ready: null };
      this.entries.set(id, entry);
    }
    if (this.mode === 'manual' && this.capturing(now) && (!entry || entry.until === -Infinity || entry.until < this.captureFrom)) {
      entry = { rest: new RestingFace(probs.length), until: this.captureUntil, ready: null };
      this.entries.set(id, entry);
    }
    if (!entry) return { probs, state: 'raw' };
    if (now < entry.until) {
      entry.rest.add(probs);
      return { probs, state: 'learning' };
    }
    entry.ready ??= entry.rest.value();
    if (!entry.ready) return { probs, state: 'raw' }; // never read while learning (it was not in view)
    return { probs: relativeReading(probs, entry.ready, neutral), state: 'relative' };
  }
}
