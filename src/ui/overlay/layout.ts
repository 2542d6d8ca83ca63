/**
 * Where each face's box and emotion panel go on screen. Pure: source pixels in, view pixels out.
 * The source is shown with object-fit: contain (letterboxed), optionally mirrored like a selfie
 * preview; panels sit beside the face (right, else left, else inside the view), scaled with it.
 */
import { type Box, clamp, intersection, mirrorBox } from '../../engine';

export interface ViewTransform {
  scale: number;
  offsetX: number;
  offsetY: number;
  mirror: boolean;
  sourceWidth: number;
}

/** object-fit: contain of a source in a view. */
export function containTransform(sourceWidth: number, sourceHeight: number, viewWidth: number, viewHeight: number, mirror = false): ViewTransform {
  const scale = Math.min(viewWidth / sourceWidth, viewHeight / sourceHeight);
  return { scale, offsetX: (viewWidth - sourceWidth * scale) / 2, offsetY: (viewHeight - sourceHeight * scale) / 2, mirror, sourceWidth };
}

export function toView(box: Box, t: ViewTransform): Box {
  const b = t.mirror ? mirrorBox(box, t.sourceWidth) : box;
  return { x: b.x * t.scale + t.offsetX, y: b.y * t.scale + t.offsetY, width: b.width * t.scale, height: b.height * t.scale };
}

/** Panel design size in CSS px at scale 1: a title line and seven bars. */
export const PANEL = { width: 168, rowHeight: 15, titleHeight: 20, padding: 6 };
export const PANEL_HEIGHT = PANEL.titleHeight + 7 * PANEL.rowHeight + 2 * PANEL.padding;
/** A compact panel: the top emotion only, when the full one has no room. */
export const COMPACT = { width: 118, height: PANEL.titleHeight + 2 * PANEL.padding };

export interface PanelPlacement {
  box: Box;
  panel: Box;
  /** Drawing scale of the panel (text, bars). */
  scale: number;
  side: 'right' | 'left' | 'inside';
  /** Title only (the top emotion): the seven bars had no room. */
  compact: boolean;
  /** Placed away from its face (no room beside it): joined to it by a leader line. */
  leader?: boolean;
  /** No room anywhere without covering another panel or face: only the face's number is drawn on
   *  its box, and the result list beside the photo gives its emotions. */
  tagOnly?: boolean;
}

/**
 * `unit` = view pixels per design pixel (devicePixelRatio on screen, photo-size based for a
 * photo export). The panel grows with the face between 0.7x and 1.3x of the design size.
 */
export function placePanel(viewBox: Box, viewWidth: number, viewHeight: number, unit = 1): PanelPlacement {
  const scale = unit * clamp(viewBox.height / unit / 140, 0.7, 1.3);
  const w = PANEL.width * scale;
  const h = PANEL_HEIGHT * scale;
  const gap = 6 * scale;
  const top = clamp(viewBox.y, 0, Math.max(0, viewHeight - h));
  if (viewBox.x + viewBox.width + gap + w <= viewWidth) {
    return { box: viewBox, panel: { x: viewBox.x + viewBox.width + gap, y: top, width: w, height: h }, scale, side: 'right', compact: false };
  }
  if (viewBox.x - gap - w >= 0) {
    return { box: viewBox, panel: { x: viewBox.x - gap - w, y: top, width: w, height: h }, scale, side: 'left', compact: false };
  }
  const x = clamp(viewBox.x + viewBox.width / 2 - w / 2, 0, Math.max(0, viewWidth - w));
  const below = viewBox.y + viewBox.height + gap;
  const y = below + h <= viewHeight ? below : clamp(viewBox.y - gap - h, 0, Math.max(0, viewHeight - h));
  return { box: viewBox, panel: { x, y, width: w, height: h }, scale, side: 'inside', compact: false };
}

/** Candidate panel positions around a face, in order of preference, each kept inside the view. */
function candidates(face: Box, w: number, h: number, viewWidth: number, viewHeight: number, gap: number): Box[] {
  const fitX = (x: number) => clamp(x, 0, Math.max(0, viewWidth - w));
  const fitY = (y: number) => clamp(y, 0, Math.max(0, viewHeight - h));
  const cx = face.x + face.width / 2 - w / 2;
  return [
    { x: fitX(face.x + face.width + gap), y: fitY(face.y), width: w, height: h },
    { x: fitX(face.x - gap - w), y: fitY(face.y), width: w, height: h },
    { x: fitX(cx), y: fitY(face.y + face.height + gap), width: w, height: h },
    { x: fitX(cx), y: fitY(face.y - gap - h), width: w, height: h },
  ];
}

/** Positions farther from a face (rings of growing radius), for a panel joined by a leader line. */
function farCandidates(face: Box, w: number, h: number, viewWidth: number, viewHeight: number): Box[] {
  const cx = face.x + face.width / 2;
  const cy = face.y + face.height / 2;
  const out: Box[] = [];
  for (const ring of [1, 1.8, 2.6, 3.4]) {
    const rx = face.width / 2 + w / 2 + ring * h;
    const ry = face.height / 2 + h / 2 + ring * h;
    for (const a of [0, 180, 90, 270, 45, 135, 225, 315]) {
      const t = (a * Math.PI) / 180;
      const x = cx + Math.cos(t) * rx - w / 2;
      const y = cy + Math.sin(t) * ry - h / 2;
      if (x < 0 || y < 0 || x + w > viewWidth || y + h > viewHeight) continue;
      out.push({ x, y, width: w, height: h });
    }
  }
  return out;
}

/**
 * Place every face's panel, avoiding the other panels and the faces (a crowded photo must stay
 * readable): each face, left to right, takes the candidate position beside it that covers the
 * least of what is already placed and of all faces, preferring right, left, below, above on ties.
 * When even a compact panel would cover something, it goes farther away with a leader line; when
 * there is no free place at all, only the face's number is drawn (the result list has the rest).
 * Drawn panels never overlap each other or any face.
 */
export function layoutPanels(faces: readonly Box[], viewWidth: number, viewHeight: number, unit = 1): PanelPlacement[] {
  const order = faces.map((_, i) => i).sort((a, b) => (faces[a] as Box).x - (faces[b] as Box).x);
  const placed: Box[] = [];
  const out = new Array<PanelPlacement>(faces.length);
  const costOf = (c: Box) => placed.reduce((a, p) => a + intersection(c, p), 0) * 2 + faces.reduce((a, f) => a + intersection(c, f), 0);
  for (const i of order) {
    const face = faces[i] as Box;
    const base = placePanel(face, viewWidth, viewHeight, unit);
    const pick = (w: number, h: number) => {
      let best = base.panel;
      let bestCost = Infinity;
      candidates(face, w, h, viewWidth, viewHeight, 6 * base.scale).forEach((c, k) => {
        const cost = costOf(c) + k * 1e-6; // preference order breaks ties
        if (cost < bestCost) {
          bestCost = cost;
          best = c;
        }
      });
      return { best, cost: bestCost };
    };
    const { width: w, height: h } = base.panel;
    let { best, cost } = pick(w, h);
    // No room for seven bars (a phone screen, a crowded photo): the top emotion only.
    const compact = w > 0.35 * viewWidth || h > 0.45 * viewHeight || cost > 0.1 * w * h;
    if (compact) ({ best, cost } = pick(COMPACT.width * base.scale, COMPACT.height * base.scale));
    let leader = false;
    let tagOnly = false;
    if (cost >= 1) {
      // Still covering another panel or a face: farther away, with a leader line, or just the number.
      const far = farCandidates(face, best.width, best.height, viewWidth, viewHeight).find((c) => costOf(c) < 1);
      if (far) {
        best = far;
        leader = true;
      } else tagOnly = true;
    }
    if (!tagOnly) placed.push(best);
    const side = best.x >= face.x + face.width ? 'right' : best.x + best.width <= face.x ? 'left' : 'inside';
    out[i] = { box: face, panel: best, scale: base.scale, side, compact, ...(leader ? { leader } : {}), ...(tagOnly ? { tagOnly } : {}) };
  }
  return out;
}
