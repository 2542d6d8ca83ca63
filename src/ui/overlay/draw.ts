/**
 * Draw faces on a 2D canvas: each face's box in its top emotion's colour, a label, and a panel of
 * bars for all seven emotions. Dark plates under light text and dark outlines around the boxes keep
 * everything readable on any background.
 */
import { EMOTION_COLOR, EMOTION_LABEL, EMOTIONS, type FaceResult } from '../../engine';
import { layoutPanels, PANEL, type ViewTransform, toView } from './layout';

export interface DrawOptions {
  transform: ViewTransform;
  viewWidth: number;
  viewHeight: number;
  /** View pixels per design pixel. */
  unit: number;
  showBars?: boolean;
  /** A face to emphasise (hovered or focused in the result list). */
  highlight?: number | null;
  /** Faces below this detection score are drawn dashed, with their score ("?"). */
  minScore?: number;
  /** How old the result is, ms (the camera: now minus the analysed frame's time): a label older
   *  than OLD_LABEL_MS is dimmed and says its age, so a slow device never shows the last scene's
   *  emotion as the face's emotion now. */
  ageMs?: number;
}

/** A label this old or older says so. */
export const OLD_LABEL_MS = 1000;

/** "1.4 s ago" for a label at least OLD_LABEL_MS old, else null. */
export function labelAgeNote(ageMs: number | undefined): string | null {
  return ageMs !== undefined && ageMs >= OLD_LABEL_MS ? `${(ageMs / 1000).toFixed(1)} s ago` : null;
}

/** What a label says of how the face is read, where not as the model read it (the camera's resting-face setting). */
export function readingNote(face: Pick<FaceResult, 'reading'>): string | null {
  return face.reading === 'relative' ? 'vs. rest' : face.reading === 'learning' ? 'learning rest' : null;
}

/** A label's notes, joined: how the face is read, then how old the label is. */
function notesOf(face: FaceResult, age: string | null): string | null {
  const notes = [readingNote(face), age].filter((n): n is string => n !== null);
  return notes.length ? notes.join(' · ') : null;
}

/** The plate under a panel's text: dark enough that every emotion colour on it is >= 4.5:1 even
 *  over a white photo (contrast.test.ts). */
export const PLATE = { color: '#0c0e14', alpha: 0.9 };
const PLATE_FILL = `rgba(12,14,20,${PLATE.alpha})`;

function roundRect(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  ctx.roundRect(x, y, w, h, r);
}

export function drawFaces(ctx: CanvasRenderingContext2D, faces: readonly FaceResult[], o: DrawOptions): void {
  const views = faces.map((f) => toView(f.box, o.transform));
  const places = layoutPanels(views, o.viewWidth, o.viewHeight, o.unit);
  const note = labelAgeNote(o.ageMs);
  faces.forEach((face, i) => {
    const view = views[i] as (typeof views)[number];
    const place = places[i] as (typeof places)[number];
    const color = EMOTION_COLOR[face.top.emotion];
    const s = place.scale;
    ctx.save();
    ctx.globalAlpha = (face.stale ? 0.5 : 1) * (note ? 0.7 : 1);
    // Box: dark outline, then colour.
    ctx.lineJoin = 'round';
    ctx.strokeStyle = 'rgba(0,0,0,0.75)';
    ctx.lineWidth = 5 * o.unit;
    ctx.strokeRect(view.x, view.y, view.width, view.height);
    ctx.strokeStyle = color;
    ctx.lineWidth = (o.highlight === face.id ? 4 : 2.5) * o.unit;
    if (o.minScore !== undefined && face.score < o.minScore) ctx.setLineDash([6 * o.unit, 4 * o.unit]);
    ctx.strokeRect(view.x, view.y, view.width, view.height);
    ctx.setLineDash([]);
    if (o.showBars === false || place.tagOnly) drawTag(ctx, face, view, o.unit, notesOf(face, note));
    else {
      if (place.leader) drawLeader(ctx, view, place.panel, color, o.unit);
      drawPanel(ctx, face, place.panel, s, place.compact, o.highlight === face.id, notesOf(face, note));
    }
    ctx.restore();
  });
}

/** Just the face's number, on its box (labels hidden, or no free place for a panel). */
function drawTag(ctx: CanvasRenderingContext2D, face: FaceResult, box: { x: number; y: number }, unit: number, note: string | null = null): void {
  const text = note ? `#${face.id} · ${note}` : `#${face.id}`;
  ctx.font = `600 ${11 * unit}px system-ui, sans-serif`;
  const w = ctx.measureText(text).width + 8 * unit;
  const h = 16 * unit;
  ctx.fillStyle = PLATE_FILL;
  roundRect(ctx, box.x, box.y, w, h, 3 * unit);
  ctx.fill();
  ctx.fillStyle = '#e8eaf0';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, box.x + 4 * unit, box.y + h / 2);
}

/** A line from the face's box to its panel, placed away from it for want of room beside it. */
function drawLeader(
  ctx: CanvasRenderingContext2D,
  box: { x: number; y: number; width: number; height: number },
  p: { x: number; y: number; width: number; height: number },
  color: string,
  unit: number,
): void {
  const clampTo = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));
  const px = p.x + p.width / 2;
  const py = p.y + p.height / 2;
  const fx = clampTo(px, box.x, box.x + box.width);
  const fy = clampTo(py, box.y, box.y + box.height);
  const tx = clampTo(fx, p.x, p.x + p.width);
  const ty = clampTo(fy, p.y, p.y + p.height);
  ctx.beginPath();
  ctx.moveTo(fx, fy);
  ctx.lineTo(tx, ty);
  ctx.strokeStyle = 'rgba(0,0,0,0.75)';
  ctx.lineWidth = 4 * unit;
  ctx.stroke();
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.5 * unit;
  ctx.stroke();
}

function drawPanel(
  ctx: CanvasRenderingContext2D,
  face: FaceResult,
  p: { x: number; y: number; width: number; height: number },
  s: number,
  compact: boolean,
  highlight: boolean,
  note: string | null = null,
): void {
  const pad = PANEL.padding * s;
  ctx.fillStyle = PLATE_FILL;
  roundRect(ctx, p.x, p.y, p.width, p.height, 6 * s);
  ctx.fill();
  if (highlight) {
    ctx.strokeStyle = '#ffffff';
    ctx.lineWidth = 2 * s;
    ctx.stroke();
  }
  ctx.textBaseline = 'middle';
  ctx.font = `600 ${12.5 * s}px system-ui, sans-serif`;
  ctx.fillStyle = EMOTION_COLOR[face.top.emotion];
  const title = `#${face.id} ${EMOTION_LABEL[face.top.emotion]} ${Math.round(face.top.probability * 100)}%${note ? ` · ${note}` : ''}`;
  ctx.fillText(title, p.x + pad, p.y + pad + (PANEL.titleHeight * s) / 2, p.width - 2 * pad);
  if (compact) return;
  const labelW = 56 * s;
  const pctW = 32 * s;
  const barX = p.x + pad + labelW;
  const barW = p.width - 2 * pad - labelW - pctW;
  ctx.font = `${10.5 * s}px system-ui, sans-serif`;
  EMOTIONS.forEach((e, i) => {
    const y = p.y + pad + PANEL.titleHeight * s + i * PANEL.rowHeight * s;
    const mid = y + (PANEL.rowHeight * s) / 2;
    const v = face.probs[i] ?? 0;
    ctx.fillStyle = '#e8eaf0';
    ctx.fillText(EMOTION_LABEL[e], p.x + pad, mid, labelW - 4 * s);
    ctx.fillStyle = 'rgba(255,255,255,0.12)';
    ctx.fillRect(barX, y + 3 * s, barW, PANEL.rowHeight * s - 6 * s);
    ctx.fillStyle = EMOTION_COLOR[e];
    ctx.fillRect(barX, y + 3 * s, Math.max(0, Math.min(1, v)) * barW, PANEL.rowHeight * s - 6 * s);
    ctx.fillStyle = '#e8eaf0';
    ctx.textAlign = 'right';
    ctx.fillText(`${Math.round(v * 100)}%`, p.x + p.width - pad, mid);
    ctx.textAlign = 'left';
  });
}
