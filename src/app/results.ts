/** Photo results as files: JSON (everything) and CSV (one row per face). Pure. */
import { EMOTIONS } from '../engine/emotions';
import type { FrameResult } from '../engine/pipeline';

export interface ResultContext {
  image: string;
  model: string;
  backend: string;
}

const r = (v: number, digits = 4) => Number(v.toFixed(digits));

export function resultsToJson(result: FrameResult, ctx: ResultContext): string {
  return JSON.stringify(
    {
      image: ctx.image,
      width: result.width,
      height: result.height,
      model: ctx.model,
      backend: ctx.backend,
      faces: result.faces.map((f) => ({
        id: f.id,
        box: { x: r(f.box.x, 1), y: r(f.box.y, 1), width: r(f.box.width, 1), height: r(f.box.height, 1) },
        detectionScore: r(f.score),
        top: f.top.emotion,
        probabilities: Object.fromEntries(EMOTIONS.map((e, i) => [e, r(f.probs[i] ?? 0)])),
      })),
    },
    null,
    2,
  );
}

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function resultsToCsv(result: FrameResult, ctx: ResultContext): string {
  const header = ['image', 'face', 'x', 'y', 'width', 'height', 'detection_score', 'top_emotion', ...EMOTIONS];
  const rows = result.faces.map((f) => [
    ctx.image,
    f.id,
    r(f.box.x, 1),
    r(f.box.y, 1),
    r(f.box.width, 1),
    r(f.box.height, 1),
    r(f.score),
    f.top.emotion,
    ...EMOTIONS.map((_, i) => r(f.probs[i] ?? 0)),
  ]);
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

/** "photo.jpg" -> "photo-emotions.csv" */
export function exportName(image: string, suffix: string): string {
  const base = image.replace(/\.[^.]+$/, '') || 'photo';
  return `${base}-emotions.${suffix}`;
}
