/** Photo results as files: JSON (everything) and CSV (one row per face). Pure. */
import { EMOTIONS, type Emotion } from '../engine';
import { topEmotionCounts } from './summary';
import { toCsv } from './csv';

export { csvRow } from './csv';

/** What the files need of a frame's result (the engine's FrameResult has this shape and more). */
export interface ResultFrame {
  width: number;
  height: number;
  /** No face was found and the whole photo was read as one face, on request. */
  whole?: boolean;
  faces: readonly {
    id: number;
    box: { x: number; y: number; width: number; height: number };
    score: number;
    probs: ArrayLike<number>;
    top: { emotion: string };
  }[];
}

export interface ResultContext {
  image: string;
  model: string;
  backend: string;
  /** "Why?" maps made for faces of this photo, by face id (engine/explain.ts). */
  explanations?: Readonly<Record<number, { target: number; method: string; cells: number; values: ArrayLike<number> }>>;
}

/** An explanation as the JSON file writes it: the emotion explained and its grid, rows from the crop's top. */
export function whyToJson(e: NonNullable<ResultContext['explanations']>[number]) {
  const grid = Array.from({ length: e.cells }, (_, y) => Array.from({ length: e.cells }, (_, x) => r(e.values[y * e.cells + x] ?? 0, 2)));
  return { emotion: EMOTIONS[e.target] ?? String(e.target), method: e.method, cells: e.cells, grid };
}

const r = (v: number, digits = 4) => Number(v.toFixed(digits));

/** One face as the photo and batch JSON files write it; `whole`: the photo read whole as one face. */
export function faceToJson(f: ResultFrame['faces'][number], whole = false) {
  return {
    id: f.id,
    box: { x: r(f.box.x, 1), y: r(f.box.y, 1), width: r(f.box.width, 1), height: r(f.box.height, 1) },
    foundBy: whole ? ('whole_photo' as const) : ('detector' as const),
    detectionScore: whole ? null : r(f.score),
    top: f.top.emotion,
    probabilities: Object.fromEntries(EMOTIONS.map((e, i) => [e, r(f.probs[i] ?? 0)])),
  };
}

export function resultsToJson(result: ResultFrame, ctx: ResultContext): string {
  return JSON.stringify(
    {
      image: ctx.image,
      width: result.width,
      height: result.height,
      model: ctx.model,
      backend: ctx.backend,
      summary: { faces: result.faces.length, topEmotions: topEmotionCounts(result.faces as readonly { top: { emotion: Emotion } }[]) },
      faces: result.faces.map((f) => {
        const why = ctx.explanations?.[f.id];
        return why ? { ...faceToJson(f, result.whole), why: whyToJson(why) } : faceToJson(f, result.whole);
      }),
    },
    null,
    2,
  );
}

/** A photo's faces in the one CSV schema (csv.ts), the file's name as the source. */
export function resultsToCsv(result: ResultFrame, ctx: ResultContext): string {
  return toCsv(
    result.faces.map((f) => ({ source: ctx.image, timeMs: null, face: f.id, box: f.box, score: f.score, top: f.top.emotion, probs: f.probs, foundBy: result.whole ? 'whole_photo' : 'detector' })),
  );
}

// C0/C1 control characters (\p{Cc}: U+0000-001F, U+007F-009F) and the bidirectional controls that could disguise the extension.
const UNSAFE_IN_NAME = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** "photo.jpg" -> "photo-emotions.csv". A safe download name whatever the image was called: no
 *  folders (only the part after the last / or \), no control characters, no characters that
 *  Windows refuses, no leading or trailing dots or spaces, at most 200 characters before the suffix,
 *  and "photo" when nothing is left. */
export function exportName(image: string, suffix: string): string {
  const file = image.replace(UNSAFE_IN_NAME, '').split(/[/\\]/).pop() ?? '';
  const base = Array.from(
    file
      .replace(/\.[^.]+$/, '')
      .replace(/[<>:"|?*]/g, '_')
      .replace(/^[\s.]+|[\s.]+$/g, ''),
  )
    .slice(0, 200)
    .join('')
    .replace(/[\s.]+$/, '');
  return `${base || 'photo'}-emotions.${suffix}`;
}
