/**
 * The page side of `scripts/face-check.ts`, served by the Vite dev server in a headless Chromium:
 * each image goes through the app's own detector as the engine runs it (a photo: whole and tile by
 * tile, then the padded retry when nothing is found; a frame: one pass), with the detector's floor
 * lowered to see what lies just under it, and every detection is returned with what a face check
 * could read: its score, box and six keypoints, and the detector's score when the box is looked at
 * again on its own (a square around it, straight and mirrored, at several sizes: engine/faceCheck.ts).
 */
import { DEFAULT_MIN_SCORE } from '../../src/engine/api';
import { engineAssets } from '../../src/engine/assets';
import type { Box } from '../../src/engine/box';
import { type DetectedFace, FaceDetectorService } from '../../src/engine/detector';
import { drawPadded } from '../../src/engine/padding';
import { regionRenderer } from '../../src/engine/regionRenderer';
import { mergeDetections } from '../../src/engine/photoFaces';
import { photoTiles } from '../../src/engine/tiling';
import { iou } from '../../src/engine/box';

export interface ExaminedFace {
  score: number;
  box: Box;
  keypoints: { x: number; y: number }[];
  /** Found only on the padded retry. */
  padded: boolean;
  /** The detector's best score for this box looked at again: `look` the engine's own second look
   *  (read under the engine's floor, 0.5, as 0), key `${side}` straight and `m${side}` mirrored (at the lowered floor). */
  again: Record<string, number>;
}

export interface ExaminedImage {
  width: number;
  height: number;
  faces: ExaminedFace[];
  ms: number;
}

let detector: FaceDetectorService | null = null;
/** Side of the square looked at again, as a multiple of the box's larger side. */
export const AGAIN_SIDES = [1.5, 2, 3];
const AGAIN_DRAW = 192;

function shift(f: DetectedFace, dx: number, dy: number): DetectedFace {
  const p = (q: { x: number; y: number }) => ({ x: q.x + dx, y: q.y + dy });
  return { ...f, box: { ...f.box, x: f.box.x + dx, y: f.box.y + dy }, ...(f.keypoints ? { keypoints: f.keypoints.map(p) } : {}) };
}

/** The best score among detections of `region` (drawn square, mirrored or not) that fall on `box`. */
function lookAgain(source: CanvasImageSource, box: Box, side: number, mirror: boolean): number {
  const s = side * Math.max(box.width, box.height);
  const region = { x: box.x + box.width / 2 - s / 2, y: box.y + box.height / 2 - s / 2, width: s, height: s };
  const canvas = new OffscreenCanvas(AGAIN_DRAW, AGAIN_DRAW);
  const ctx = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, AGAIN_DRAW, AGAIN_DRAW);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  const k = AGAIN_DRAW / s;
  if (mirror) {
    ctx.translate(AGAIN_DRAW, 0);
    ctx.scale(-1, 1);
  }
  ctx.drawImage(source, -region.x * k, -region.y * k, (source as { width: number }).width * k, (source as { height: number }).height * k);
  const found = (detector as FaceDetectorService).detectImage(canvas);
  const expect = { x: (box.x - region.x) * k, y: (box.y - region.y) * k, width: box.width * k, height: box.height * k };
  if (mirror) expect.x = AGAIN_DRAW - expect.x - expect.width;
  return Math.max(0, ...found.filter((f) => iou(f.box, expect) > 0.3).map((f) => f.score));
}

async function ready(floor: number): Promise<FaceDetectorService> {
  detector ??= await FaceDetectorService.create({ ...engineAssets('/').detector, floorScore: floor });
  return detector;
}

async function examineBitmap(bitmap: ImageBitmap, kind: 'photo' | 'frame'): Promise<ExaminedImage> {
  const d = detector as FaceDetectorService;
  const t0 = performance.now();
  const { width, height } = bitmap;
  let faces: DetectedFace[] = kind === 'photo' ? mergeDetections(d.detectRegions(photoTiles(width, height), regionRenderer(bitmap))) : d.detectImage(bitmap);
  let padded = false;
  // The engine's own second look (faceCheck.ts, detector.ts secondLook), on the image it detected
  // in. (One detector a thread: MediaPipe's loader is consumed by the first. This one's floor is
  // lowered, so the report counts a second look under the engine's floor as none.)
  const e = d;
  let look = faces.map((f) => e.secondLook(bitmap, width, height, f.box));
  // The engine takes the padded retry when nothing reaches its floor: so here too, whatever was
  // seen under it (this detector's floor is lowered).
  if (kind === 'photo' && !faces.some((f) => f.score >= DEFAULT_MIN_SCORE)) {
    const { canvas, padding } = drawPadded(bitmap, width, height);
    const found = d.detectImage(canvas);
    if (found.some((f) => f.score >= DEFAULT_MIN_SCORE)) {
      look = found.map((f) => e.secondLook(canvas, canvas.width, canvas.height, f.box));
      faces = found.map((f) => shift(f, -padding.pad, -padding.pad));
      padded = true;
    }
  }
  // Looked at again on a copy with an edge-replicated border wide enough for the largest square,
  // so a box near the edge is not seen against black (the way the padded retry sees a tight photo).
  const long = Math.max(width, height);
  const need = Math.max(0, ...faces.map((f) => Math.max(f.box.width, f.box.height))) * (Math.max(...AGAIN_SIDES) / 2 + 0.1);
  const wide = faces.length ? drawPadded(bitmap, width, height, Math.min(1, need / long)) : null;
  const examined = faces.map((f, i) => {
    const w = wide as ReturnType<typeof drawPadded>;
    const onWide = { ...f.box, x: f.box.x + w.padding.pad, y: f.box.y + w.padding.pad };
    const again: Record<string, number> = { look: look[i] ?? 0 };
    for (const side of AGAIN_SIDES) {
      again[`${side}`] = lookAgain(w.canvas, onWide, side, false);
      again[`m${side}`] = lookAgain(w.canvas, onWide, side, true);
    }
    return { score: f.score, box: f.box, keypoints: f.keypoints ?? [], padded, again };
  });
  return { width, height, faces: examined, ms: performance.now() - t0 };
}

async function decode(b64: string, type: string): Promise<ImageBitmap> {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return createImageBitmap(new Blob([bytes], { type }));
}

/** Whole images (face crops, scene photos). */
export async function examine(images: { b64: string; type: string }[], kind: 'photo' | 'frame', floor = 0.4): Promise<ExaminedImage[]> {
  await ready(floor);
  const out: ExaminedImage[] = [];
  for (const { b64, type } of images) {
    const bitmap = await decode(b64, type);
    out.push(await examineBitmap(bitmap, kind));
    bitmap.close();
  }
  return out;
}

/** Regions of one image, each cut out as an image of its own (at most `maxSide` px). */
export async function examineRegions(image: { b64: string; type: string }, regions: Box[], kind: 'photo' | 'frame', maxSide = 640, floor = 0.4): Promise<ExaminedImage[]> {
  await ready(floor);
  const source = await decode(image.b64, image.type);
  const out: ExaminedImage[] = [];
  for (const r of regions) {
    const k = Math.min(1, maxSide / Math.max(r.width, r.height));
    const bitmap = await createImageBitmap(source, Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height), {
      resizeWidth: Math.max(1, Math.round(r.width * k)),
      resizeHeight: Math.max(1, Math.round(r.height * k)),
      resizeQuality: 'high',
    });
    out.push(await examineBitmap(bitmap, kind));
    bitmap.close();
  }
  source.close();
  return out;
}
