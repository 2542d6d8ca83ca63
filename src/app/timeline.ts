/**
 * The live timeline: per tracked face, the last minute of its seven probabilities and valence, in a
 * ring buffer (no allocation per frame). Fed from the frame bus; the chart draws from it at display
 * rate only while it is open, so the frame loop pays one push per face per analysed frame.
 */
import { EMOTION_LABEL, EMOTIONS, type FrameResult, valence } from '../engine';
import { RingBuffer } from './ringBuffer';
import type { FrameBus } from './frameBus';
import type { RecordingRow } from './recording';

export const TIMELINE_WINDOW_MS = 60_000;
/** Channels per sample: the seven probabilities, then valence. */
export const VALENCE_CHANNEL = EMOTIONS.length;
const CAPACITY = 60 * 20; // a minute at up to 20 analyses a second

export class LiveTimeline {
  readonly faces = new Map<number, RingBuffer>();
  /** When each face was last seen (its newest sample's time). */
  private readonly lastSeen = new Map<number, number>();
  private readonly scratch = new Float64Array(EMOTIONS.length + 1);
  private readonly off: () => void;
  /** Bumped on every change, for a chart to know when to redraw. */
  version = 0;

  constructor(
    bus: FrameBus,
    private readonly windowMs = TIMELINE_WINDOW_MS,
  ) {
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
      this.lastSeen.set(f.id, frame.time);
    }
    const horizon = frame.time - this.windowMs;
    for (const [id, b] of this.faces) {
      b.dropBefore(horizon);
      if (b.length === 0) {
        this.faces.delete(id);
        this.lastSeen.delete(id);
      }
    }
    this.version++;
  }

  /**
   * The faces to chart, at most `max`: the ones seen most recently first (the faces in view now),
   * then by id; never the lowest ids just because they are low.
   */
  shown(max: number): number[] {
    return [...this.lastSeen.entries()]
      .sort(([a, ta], [b, tb]) => tb - ta || a - b)
      .slice(0, max)
      .map(([id]) => id)
      .sort((a, b) => a - b);
  }

  clear(): void {
    this.faces.clear();
    this.lastSeen.clear();
    this.version++;
  }

  dispose(): void {
    this.off();
  }
}

/** Per face, all of `rows` (a video's whole analysis) as ring buffers for the charts. */
export function timelineBuffers(rows: readonly RecordingRow[]): Map<number, RingBuffer> {
  const byFace = new Map<number, RingBuffer>();
  const counts = new Map<number, number>();
  for (const row of rows) counts.set(row.face, (counts.get(row.face) ?? 0) + 1);
  const values = new Float64Array(EMOTIONS.length + 1);
  for (const row of rows) {
    let b = byFace.get(row.face);
    if (!b) byFace.set(row.face, (b = new RingBuffer(Math.max(1, counts.get(row.face) ?? 1), EMOTIONS.length + 1)));
    row.probs.forEach((p, i) => (values[i] = p));
    values[VALENCE_CHANNEL] = row.valence;
    b.push(row.t, values);
  }
  return byFace;
}

/** The sample of `buffer` nearest to time `t` (-1 when it is empty). */
export function sampleNear(buffer: RingBuffer, t: number): number {
  let best = -1;
  let gap = Infinity;
  for (let i = 0; i < buffer.length; i++) {
    const d = Math.abs(buffer.time(i) - t);
    if (d < gap) [best, gap] = [i, d];
  }
  return best;
}

/**
 * One sample in words, for a chart's hover and a screen reader: the emotions over 5 %, most
 * probable first, and valence ("Happy 80 %, Neutral 12 %; valence +0.72").
 */
export function describeSample(buffer: RingBuffer, i: number): string {
  if (i < 0 || i >= buffer.length) return 'no face';
  const parts = EMOTIONS.map((e, c) => ({ e, p: buffer.value(i, c) }))
    .filter((x) => x.p >= 0.05)
    .sort((a, b) => b.p - a.p)
    .map((x) => `${EMOTION_LABEL[x.e]} ${Math.round(x.p * 100)} %`);
  const v = buffer.value(i, VALENCE_CHANNEL);
  return `${parts.join(', ')}; valence ${Math.abs(v) < 0.005 ? '0.00' : `${v > 0 ? '+' : '−'}${Math.abs(v).toFixed(2)}`}`;
}
