/**
 * A recorded session (camera) or an analysed video, as rows: one per face per analysed frame,
 * with the time, the face's id, its box, the seven probabilities, the top emotion and valence. The
 * CSV and JSON files and the per-face summary are pure functions of the rows. Nothing here holds
 * video: only numbers.
 */
import { type Emotion, EMOTIONS, type FrameResult, topEmotion, valence } from '../engine';
import { toCsv } from './csv';
import { mixOverTime, topEmotionCounts } from './summary';

export interface RecordingRow {
  /** Milliseconds since the recording started (camera) or video time (video file). */
  t: number;
  face: number;
  x: number;
  y: number;
  width: number;
  height: number;
  /** The face detector's confidence, 0-1 (absent in rows kept by versions before 0.3). */
  score?: number;
  probs: number[];
  top: Emotion;
  valence: number;
  /** The probabilities are relative to the face's resting face, or were read while it was learnt
   *  (the camera's resting-face setting); absent: as the model read them. */
  reading?: 'relative' | 'learning';
}

export interface RecordingMeta {
  kind: 'camera' | 'video';
  /** The video file's name (video) or 'camera'. */
  source: string;
  model: string;
  backend: string;
  appVersion: string;
  /** ISO 8601, when the recording started (or the video was analysed). */
  startedAt: string;
  frameWidth: number;
  frameHeight: number;
  /** A video file's length, ms. */
  durationMs?: number;
}

const r = (v: number, digits: number) => Number(v.toFixed(digits));

/** The rows of one analysed frame at time `t` (ms since start): stale (held) faces are not rows. */
export function rowsOf(frame: Pick<FrameResult, 'faces'>, t: number): RecordingRow[] {
  return frame.faces
    .filter((f) => !f.stale)
    .map((f) => {
      const probs = Array.from(f.probs, (p) => r(p, 4));
      return {
        t: r(Math.max(0, t), 1),
        face: f.id,
        x: r(f.box.x, 1),
        y: r(f.box.y, 1),
        width: r(f.box.width, 1),
        height: r(f.box.height, 1),
        score: r(f.score, 4),
        probs,
        top: topEmotion(f.probs).emotion,
        valence: r(valence(f.probs), 4),
        ...(f.reading ? { reading: f.reading } : {}),
      };
    });
}

/** The rows in the one CSV schema (csv.ts): the source is "camera" or the video file's name. */
export function recordingToCsv(rows: readonly RecordingRow[], source: string): string {
  return toCsv(
    rows.map((row) => ({
      source,
      timeMs: row.t,
      face: row.face,
      box: row,
      score: row.score ?? null,
      top: row.top,
      probs: row.probs,
      valence: row.valence,
      ...(row.reading ? { reading: row.reading } : {}),
    })),
  );
}

export function recordingToJson(rows: readonly RecordingRow[], meta: RecordingMeta): string {
  return JSON.stringify(
    {
      format: 'resemote-recording/1',
      ...meta,
      classes: EMOTIONS,
      units: { t: 'ms since start', box: 'source pixels (x, y = top left)', probabilities: '0-1, sum 1', valence: 'P(happy) - P(angry, disgust, fear, sad), -1 to 1' },
      summary: summarizeRecording(rows),
      // Across all faces: rows per top emotion, and their mix in ten equal stretches of the time.
      topEmotions: topEmotionCounts(rows),
      mixOverTime: mixOverTime(rows, meta.durationMs ?? rows[rows.length - 1]?.t ?? 0, 10),
      rows: rows.map((row) => ({
        t: row.t,
        face: row.face,
        detectionScore: row.score ?? null,
        box: { x: row.x, y: row.y, width: row.width, height: row.height },
        probabilities: Object.fromEntries(EMOTIONS.map((e, i) => [e, row.probs[i] ?? 0])),
        top: row.top,
        valence: row.valence,
        ...(row.reading ? { reading: row.reading } : {}),
      })),
    },
    null,
    1,
  );
}

export interface FaceSummary {
  face: number;
  /** Analysed frames in which the face was seen. */
  frames: number;
  firstMs: number;
  lastMs: number;
  /** Share of its frames in which each emotion was the top one (sums to 1). */
  share: Record<Emotion, number>;
  meanValence: number;
}

export function summarizeRecording(rows: readonly RecordingRow[]): FaceSummary[] {
  const byFace = new Map<number, RecordingRow[]>();
  for (const row of rows) byFace.set(row.face, [...(byFace.get(row.face) ?? []), row]);
  return [...byFace.entries()]
    .sort(([a], [b]) => a - b)
    .map(([face, rs]) => {
      const share = Object.fromEntries(EMOTIONS.map((e) => [e, 0])) as Record<Emotion, number>;
      for (const row of rs) share[row.top] += 1 / rs.length;
      for (const e of EMOTIONS) share[e] = r(share[e], 4);
      return {
        face,
        frames: rs.length,
        firstMs: rs[0]?.t ?? 0,
        lastMs: rs[rs.length - 1]?.t ?? 0,
        share,
        meanValence: r(rs.reduce((a, row) => a + row.valence, 0) / rs.length, 4),
      };
    });
}
