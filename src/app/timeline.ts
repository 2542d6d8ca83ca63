/**
 * The live timeline: per tracked face, the last minute of its seven probabilities and valence, in a
 * ring buffer (no allocation per frame). Fed from the frame bus; the chart draws from it at display
 * rate only while it is open, so the frame loop pays one push per face per analysed frame.
 */
import { EMOTIONS } from '../engine/emotions';
import type { FrameResult } from '../engine/faces';
import { RingBuffer } from '../engine/ringBuffer';
import { valence } from '../engine/valence';
import type { FrameBus } from './frameBus';

export const TIMELINE_WINDOW_MS = 60_000;
/** Channels per sample: the seven probabilities, then valence. */
export const VALENCE_CHANNEL = EMOTIONS.length;
const CAPACITY = 60 * 20; // a minute at up to 20 analyses a second

export class LiveTimeline {
  readonly faces = new Map<number, RingBuffer>();
  private readonly scratch = new Float64Array(EMOTIONS.length + 1);
  private readonly off: () => void;
  /** Bumped on every change, for a chart to know when to redraw. */
  version = 0;

  constructor(bus: FrameBus, private readonly windowMs = TIMELINE_WINDOW_MS) {
    this.off = bus.subscribe((frame) => (frame ? this.add(frame) : this.clear()));
  }

  add(frame: Pick<FrameResult, 'faces' | 'time'>): void {
    for (const f of frame.faces) {
      if (f.stale) continue;
      let buffer = this.faces.get(f.id);
      if (!buffer) this.faces.set(f.id, (buffer = new RingBuffer(CAPACITY, EMOTIONS.length + 1)));
      for (let i = 0; i < EMOTIONS.length; i++) this.scratch[i] = f.probs[i] ?? 0;
      this.scratch[VALENCE_CHANNEL] = valence(f.probs);
      buffer.push(frame.time, this.scratch);
    }
    const horizon = frame.time - this.windowMs;
    for (const [id, b] of this.faces) {
      b.dropBefore(horizon);
      if (b.length === 0) this.faces.delete(id);
    }
    this.version++;
  }

  clear(): void {
    this.faces.clear();
    this.version++;
  }

  dispose(): void {
    this.off();
  }
}
