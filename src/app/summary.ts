/**
 * Summaries across many faces: how many faces show each top emotion (a group photo, a batch), and
 * for a session the mix of top emotions over time (what share of the faces seen in each stretch
 * of the recording showed each emotion). Pure; shown in the page and written into the JSON files.
 */
import { EMOTIONS, type Emotion } from '../engine';

export type EmotionCounts = Record<Emotion, number>;

/** What a summary over time reads of a row (a recording's rows are such rows). */
export interface TimedTop {
  /** Milliseconds since the start. */
  t: number;
  top: Emotion;
}

const zero = (): EmotionCounts => Object.fromEntries(EMOTIONS.map((e) => [e, 0])) as EmotionCounts;

/** Faces per top emotion. */
export function topEmotionCounts(faces: Iterable<{ top: { emotion: Emotion } | Emotion }>): EmotionCounts {
  const counts = zero();
  for (const f of faces) counts[typeof f.top === 'string' ? f.top : f.top.emotion]++;
  return counts;
}

/** The emotions present, most frequent first (ties in class order). */
export function ranked(counts: EmotionCounts): { emotion: Emotion; count: number }[] {
  return EMOTIONS.map((emotion) => ({ emotion, count: counts[emotion] }))
    .filter((x) => x.count > 0)
    .sort((a, b) => b.count - a.count);
}

/** The share of rows per top emotion in each of `bins` equal stretches of [0, durationMs]. */
export function mixOverTime(rows: readonly TimedTop[], durationMs: number, bins = 10): EmotionCounts[] {
  const out = Array.from({ length: bins }, zero);
  const totals = new Array<number>(bins).fill(0);
  const span = Math.max(1, durationMs);
  for (const r of rows) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor((r.t / span) * bins)));
    out[b]![r.top]++;
    totals[b]!++;
  }
  return out.map((c, b) => Object.fromEntries(EMOTIONS.map((e) => [e, totals[b] ? Number((c[e] / totals[b]!).toFixed(4)) : 0])) as EmotionCounts);
}
